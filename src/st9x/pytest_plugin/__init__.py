"""pytest front end: each case × adapter of a suite is one pytest item.

A suite is a small TOML file in ``suites/`` (``*.suite.toml``) naming the corpora it runs, so
that suites are data, like the JSON-Schema-Test-Suite's cases, and the code that runs them is
the engine's :class:`~st9x.engine.worker.Worker`, the same that ``st9x run`` uses. Items are
named ``corpus/case[adapter]``; the known-failures ledger becomes strict xfail markers.

Suite file keys: ``description``; ``corpora`` (paths relative to the suite file, or the string
``"from-option"`` for the corpora given with ``--corpus``); ``if-absent`` (``"skip"`` to skip,
with ``absent-reason``, when a corpus directory is missing, e.g. ``../shared`` on a user's
machine); ``expect`` (a verdict for cases that have none, with ``expect-reason``).

Peer suites (:mod:`st9x.corpus.peer`) are named with ``peers``, a list of tables ``{kind, path,
sample, seed}`` (``sample``: at most that many cases per peer corpus, so that a large suite stays
a reasonable number of items); what a suite leaves out (a missing test set) shows as a skipped
item with the reason. ``ledger`` names a known-failures file (relative to the suite file) that
applies to this suite's items besides the project's ledger. ``exclude-tags`` leaves out cases
carrying any of those tags, shown as one skipped item per corpus with ``exclude-reason``.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from st9x import formats, xmlschema_offline  # noqa: F401 - first: see that module
from st9x.corpus.load import load_corpus
from st9x.corpus.model import Corpus
from st9x.corpus.peer import load_peer
from st9x.engine.isolation import ProcessExecutor
from st9x.engine.judge import Judgement, judge
from st9x.engine.records import ValidationRecord as Record
from st9x.engine.tasks import Task, plan
from st9x.engine.worker import Worker
from st9x.errors import St9xError
from st9x.ledger import Ledger, load_ledger
from st9x.options import add_pytest_options, value_from_pytest
from st9x.subjects.registry import select_adapters
from st9x.subjects.validators.base import Adapter
from st9x.text import printable

SUITE_SUFFIX = ".suite.toml"
_WORKER = pytest.StashKey[Worker]()
_EXECUTOR = pytest.StashKey[ProcessExecutor]()
_ADAPTERS = pytest.StashKey[dict[str, Adapter]]()
_LEDGER = pytest.StashKey[Ledger]()
_FROM_OPTION = pytest.StashKey[bool]()  # a suite file collected the --corpus corpora


def pytest_addoption(parser: pytest.Parser) -> None:
    add_pytest_options(parser.getgroup("st9x", "st9x conformance suites"))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "st9x_case: one corpus case under one adapter")


def _adapters(config: pytest.Config) -> dict[str, Adapter]:
    if _ADAPTERS not in config.stash:
        try:
            config.stash[_ADAPTERS] = select_adapters(
                value_from_pytest(config, "adapter"), value_from_pytest(config, "external")
            )
        except St9xError as exc:  # a mistyped --adapter: one line, as st9x run says it
            raise pytest.UsageError(f"st9x: {exc}") from None
    return config.stash[_ADAPTERS]


def _ledger(config: pytest.Config) -> Ledger:
    if _LEDGER not in config.stash:
        config.stash[_LEDGER] = load_ledger(value_from_pytest(config, "ledger"))
    return config.stash[_LEDGER]


def _worker(config: pytest.Config) -> Worker:
    """One worker per pytest process, so each schema compiles once per adapter per session."""
    if _WORKER not in config.stash:
        config.stash[_WORKER] = Worker(
            _adapters(config), max_errors=value_from_pytest(config, "max_errors")
        )
    return config.stash[_WORKER]


def _executor(config: pytest.Config) -> ProcessExecutor:
    """One kept worker process per pytest process (per xdist worker), bounded by
    ``--case-timeout`` and ``--memory-mb``: a case stuck in C code (a ReDoS pattern in
    Python's re) is killed instead of hanging the session (F10), and the worker keeps its
    compiled schemas from case to case, so bounding costs little over running in-process."""
    if _EXECUTOR not in config.stash:
        executor = ProcessExecutor(
            _worker(config),
            jobs=1,
            timeout=value_from_pytest(config, "timeout"),
            memory_mb=value_from_pytest(config, "memory_mb") or None,
        )
        config.stash[_EXECUTOR] = executor
        config.add_cleanup(executor.close)
    return config.stash[_EXECUTOR]


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.name.endswith(SUITE_SUFFIX):
        return SuiteFile.from_parent(parent, path=file_path)
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """``pytest --corpus PATH`` in a project that has no suite file of its own: the corpora
    given are collected as if a suite said ``corpora = "from-option"``, so installing st9x is
    all a project needs. Runs first, so that ``-k``, ``-m`` and xdist see these items too."""
    if not value_from_pytest(config, "corpus") or config.stash.get(_FROM_OPTION, False):
        return
    suite = OptionSuite.from_parent(session, path=config.rootpath / "st9x-corpus")
    items.extend(item for item in suite.collect() if isinstance(item, pytest.Item))


class SuiteFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        try:
            suite = tomllib.loads(self.path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise self.CollectError(f"{self.path}: not valid TOML: {exc}") from None
        try:
            formats.check("suite", suite, path=self.path)
        except St9xError as exc:
            raise self.CollectError(str(exc)) from None
        yield from self.collect_suite(suite)

    def collect_suite(self, suite: dict[str, Any]) -> Iterator[pytest.Item]:
        chosen = value_from_pytest(self.config, "corpus")
        declared = suite.get("corpora", [])
        if declared == "from-option":
            self.config.stash[_FROM_OPTION] = True
            specs: list[str | Path] = list(chosen)
        elif chosen:
            return  # --corpus replaces the suites' own corpora
        else:
            specs = [(self.path.parent / p).resolve() for p in declared]
        for spec in specs:
            yield from self._collect_corpus(spec, suite)
        for peer in suite.get("peers", []):
            yield from self._collect_peer(peer, suite)

    def _absent(self, spec: Path, suite: dict[str, Any]) -> pytest.Item:
        reason = suite.get("absent-reason", "corpus not found")
        return Placeholder.from_parent(
            self,
            name=f"{printable(spec.name)}[absent]",
            message=f"{spec}: {reason}",
            skip=suite.get("if-absent") == "skip",
        )

    def _collect_corpus(self, spec: str | Path, suite: dict[str, Any]) -> Iterator[pytest.Item]:
        if isinstance(spec, Path) and not spec.exists():
            yield self._absent(spec, suite)
            return
        name = printable(Path(str(spec)).name)  # an item name: one printable line
        try:
            corpus = load_corpus(spec, value_from_pytest(self.config, "expect"))
        except St9xError as exc:
            yield Placeholder.from_parent(self, name=f"{name}[load]", message=str(exc), skip=False)
            return
        if not corpus.cases:  # an empty folder is a mistake, not a green run
            yield Placeholder.from_parent(
                self, name=f"{name}[empty]", message=f"{spec}: no document in this corpus",
                skip=False,
            )
            return
        yield from self._collect_loaded(corpus, suite)

    def _collect_peer(self, peer: dict[str, Any], suite: dict[str, Any]) -> Iterator[pytest.Item]:
        path = (self.path.parent / peer["path"]).resolve()
        if not path.exists():
            yield self._absent(path, suite)
            return
        try:
            load = load_peer(
                peer["kind"], path, sample=peer.get("sample"), seed=peer.get("seed", 0)
            )
        except St9xError as exc:
            yield Placeholder.from_parent(
                self, name=f"{printable(path.name)}[load]", message=str(exc), skip=False
            )
            return
        for number, note in enumerate(load.notes, start=1):
            yield Placeholder.from_parent(
                self, name=f"{printable(path.name)}[not-run-{number}]", message=note, skip=True
            )
        for corpus in load.corpora:
            yield from self._collect_loaded(corpus, suite)

    def _collect_loaded(self, corpus: Corpus, suite: dict[str, Any]) -> Iterator[pytest.Item]:
        excluded = set(suite.get("exclude-tags", []))
        kept = [c for c in corpus.cases if not excluded.intersection(c.tags)]
        if len(kept) < len(corpus.cases):
            yield Placeholder.from_parent(
                self,
                name=f"{corpus.id}[excluded]",
                message=f"{corpus.id}: {len(corpus.cases) - len(kept)} case(s) tagged "
                f"{', '.join(sorted(excluded))} not run: {suite.get('exclude-reason', 'excluded')}",
                skip=True,
            )
            corpus.cases = kept
        expect = suite.get("expect")
        if expect:
            corpus.cases = [
                dataclasses.replace(c, expected=expect) if c.expected == "unknown" else c
                for c in corpus.cases
            ]
        ledger = _ledger(self.config)
        own = self._suite_ledger(suite)
        for task in plan([corpus], _adapters(self.config), value_from_pytest(self.config, "tag")):
            item = CaseItem.from_parent(self, name=task.item_id, task=task)
            entry = own.lookup(task.case.key, task.adapter) or ledger.lookup(
                task.case.key, task.adapter
            )
            if entry:
                item.add_marker(
                    pytest.mark.xfail(reason=f"{entry.reason} ({entry.reference})", strict=True)
                )
            yield item

    def _suite_ledger(self, suite: dict[str, Any]) -> Ledger:
        """The suite's own known failures (``ledger`` key), loaded once per suite file."""
        if not hasattr(self, "_own_ledger"):
            name = suite.get("ledger")
            self._own_ledger = load_ledger(self.path.parent / name) if name else Ledger()
        return self._own_ledger


class OptionSuite(SuiteFile):
    """The corpora of ``--corpus``, collected without a suite file."""

    def collect(self) -> Iterator[pytest.Item]:
        yield from self.collect_suite({
            "description": "corpora given with --corpus", "corpora": "from-option",
        })


class CaseFailure(Exception):
    """A broken expectation, shown as a few readable lines instead of a traceback."""


class CaseItem(pytest.Item):
    def __init__(self, *, task: Task, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.task = task
        self.add_marker("st9x_case")
        self.record: Record | None = None

    def runtest(self) -> None:
        if value_from_pytest(self.config, "in_process"):
            record = _worker(self.config).run(self.task)
        else:
            record = _executor(self.config).run(self.task)
        self.record = record
        judgement, _ = judge(record, Ledger())  # the ledger acts through the xfail marker
        if judgement is Judgement.SKIPPED:
            pytest.skip(record["errors"][0]["message"] if record["errors"] else "skipped")
        if judgement in (Judgement.FAIL, Judgement.ERRORED):
            raise CaseFailure(_explain(record))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, CaseFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)  # type: ignore[arg-type]

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"{self.task.case.key} under {self.task.adapter}"


def _explain(record: Record) -> str:
    lines = [
        f"{record['corpus']}/{record['case']} [{record['adapter']}]: "
        f"expected {record['expected']}, got {record['verdict']}",
        f"  instance: {record['instance']}  schema: {record['schema']}",
    ]
    if record.get("constraint"):
        lines.append(f"  the case breaks: {record['constraint']}")
    for error in record["errors"][:8]:
        where = error.get("location") or ""
        if error.get("line"):
            column = f":{error['column']}" if error.get("column") else ""
            where = f"line {error['line']}{column}" + (f" {where}" if where else "")
        lines.append(f"  - {where + ': ' if where else ''}{error['message']}")
    more = record["error_count"] - min(len(record["errors"]), 8)
    if more > 0:
        lines.append(f"  ... and {more} more of {record['error_count']} errors")
    return "\n".join(lines)


class Placeholder(pytest.Item):
    """Stands for a corpus that could not be collected, so the problem shows as a skip with its
    reason (corpus absent on this machine) or as a failure (corpus broken), never as nothing."""

    def __init__(self, *, message: str, skip: bool, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.message = message
        self.skip = skip

    def runtest(self) -> None:
        if self.skip:
            pytest.skip(self.message)
        raise CaseFailure(self.message)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        return str(excinfo.value)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, self.name
