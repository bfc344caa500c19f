"""pytest front end of the converter suites: each converter check is a pytest item, computed by
the engine's :class:`~st9x.engine.worker.Worker` from the same tasks ``st9x run`` plans and
judged by the same table of checks (:mod:`st9x.engine.judge`).

A conversion suite is a ``*.suite.toml`` with a ``[conversion]`` table (the validation plugin
finds no ``corpora`` key at its top level and collects nothing from it)::

    [conversion]
    corpora = ["../corpora/st96-core"]        # relative to the suite file
    converters = ["st97-v2", "st97-v2-strict"]
    validators = ["jsonschema-rs"]            # JSON validators for validity and agreement
    if-absent = "skip"                        # optional, with absent-reason

Items: ``corpus/schema[converter:schema]`` and ``[converter:decisions]`` (schema-level checks and
the instance-level checks of that schema's cases); per XSD-valid case ``[converter:roundtrip]``
(exact or normalised) and ``[converter:validity]``; per case ``[converter:agreement]`` (the JSON
Schema verdict equals the XSD verdict; an invalid case the converter refuses to convert agrees).
Known gaps are strict xfails from the ledger, with ``adapter`` = ``converter:check``; a check
the converter does not claim is skipped with that reason (measured in ``st9x run``, not judged).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from st9x import xmlschema_offline  # noqa: F401 - first: see that module
from st9x.corpus.load import load_corpus
from st9x.corpus.model import Case, Corpus, SchemaSpec
from st9x.engine.isolation import ProcessExecutor
from st9x.engine.judge import CASE_CHECKS, SCHEMA_CHECKS, CheckResult, Outcome, subject_of
from st9x.engine.records import Record
from st9x.engine.tasks import Step, Task, conversion_cases
from st9x.engine.worker import Worker
from st9x.errors import St9xError
from st9x.ledger import Ledger, load_ledger
from st9x.options import value_from_pytest
from st9x.pytest_plugin import Placeholder
from st9x.subjects.converters.base import Check
from st9x.subjects.registry import select_adapters, select_converters
from st9x.text import printable

SUITE_SUFFIX = ".suite.toml"
_WORKERS = pytest.StashKey[dict[str, Worker]]()
_EXECUTORS = pytest.StashKey[dict[str, ProcessExecutor]]()
Runner = Callable[[Task], Record]


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.name.endswith(SUITE_SUFFIX):
        try:
            document = tomllib.loads(file_path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError):
            return None  # the validation plugin reports the broken file
        if isinstance(document.get("conversion"), dict):
            return ConversionSuiteFile.from_parent(parent, path=file_path)
    return None


class ConversionFailure(Exception):
    """A failed conversion check, shown as a few readable lines instead of a traceback."""


def _worker(config: pytest.Config, suite_file: Path, table: dict[str, Any]) -> Worker:
    """One worker per suite file for the session: each schema is prepared once per converter,
    each case converted once, whatever the number of checks that read the records."""
    workers = config.stash.setdefault(_WORKERS, {})
    key = str(suite_file)
    if key not in workers:
        validators = list(table.get("validators", []))
        adapters = {n: a for n, a in select_adapters().items()
                    if a.format == "xml" or n in validators}
        converters = select_converters(list(table.get("converters", [])))
        out = config._tmp_path_factory.getbasetemp() / "conversions"  # type: ignore[attr-defined]
        workers[key] = Worker(adapters, converters, conversion_out=out)
    return workers[key]


def _runner(config: pytest.Config, suite_file: Path, table: dict[str, Any]) -> Runner:
    """What runs a suite's tasks: its kept worker process, under ``--case-timeout`` and
    ``--memory-mb`` (a converter stuck on a backtracking pattern is killed, F13), or this
    process with ``--in-process``. Either keeps each schema prepared for the session."""
    worker = _worker(config, suite_file, table)
    if value_from_pytest(config, "in_process"):
        return worker.run
    executors = config.stash.setdefault(_EXECUTORS, {})
    key = str(suite_file)
    if key not in executors:
        executors[key] = ProcessExecutor(
            worker,
            jobs=1,
            timeout=value_from_pytest(config, "timeout"),
            memory_mb=value_from_pytest(config, "memory_mb") or None,
        )
        config.add_cleanup(executors[key].close)
    return executors[key].run


class ConversionSuiteFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        table: dict[str, Any] = tomllib.loads(self.path.read_text(encoding="utf-8"))["conversion"]
        if value_from_pytest(self.config, "corpus"):
            return  # --corpus replaces the suites' own corpora, as for validation suites
        ledger = load_ledger(value_from_pytest(self.config, "ledger"))
        for spec in table.get("corpora", []):
            path = (self.path.parent / spec).resolve()
            shown = printable(path.name)  # an item name: one printable line
            if not path.exists():
                yield Placeholder.from_parent(self, name=f"{shown}[absent]", message=(
                    f"{path}: {table.get('absent-reason', 'corpus not found')}"),
                    skip=table.get("if-absent") == "skip")
                continue
            try:
                corpus = load_corpus(path)
            except St9xError as exc:
                yield Placeholder.from_parent(self, name=f"{shown}[load]", message=str(exc),
                                        skip=False)
                continue
            for converter in table.get("converters", []):
                yield from self._items(corpus, converter, table, ledger)

    def _items(self, corpus: Corpus, converter: str, table: dict[str, Any],
               ledger: Ledger) -> Iterator[pytest.Item]:
        cases = conversion_cases(corpus, value_from_pytest(self.config, "tag"))
        specs = {c.schema.id: c.schema for c in cases if c.schema is not None}
        made: list[ConversionItem] = []
        for spec_id in sorted(specs):
            for check in SCHEMA_CHECKS:
                made.append(ConversionItem.from_parent(
                    self, name=f"{corpus.id}/{spec_id}[{subject_of(converter, check)}]",
                    check=check, converter=converter, table=table, spec=specs[spec_id],
                    case=None, cases=[c for c in cases if c.schema == specs[spec_id]]))
        for case in cases:
            checks = [Check.ROUNDTRIP, Check.VALIDITY, Check.AGREEMENT] \
                if case.expected == "valid" else [Check.AGREEMENT]
            for check in checks:
                made.append(ConversionItem.from_parent(
                    self, name=f"{case.key}[{subject_of(converter, check)}]", check=check,
                    converter=converter, table=table, spec=case.schema, case=case, cases=[]))
        for item in made:
            key = item.case.key if item.case else f"{corpus.id}/{item.spec.id}"
            entry = ledger.lookup(key, subject_of(converter, item.check))
            if entry:
                item.add_marker(pytest.mark.xfail(
                    reason=f"{entry.reason} ({entry.reference})", strict=True))
            yield item


class ConversionItem(pytest.Item):
    def __init__(self, *, check: Check, converter: str, table: dict[str, Any],
                 spec: SchemaSpec, case: Case | None, cases: list[Case], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.check = check
        self.converter = converter
        self.table = table
        self.spec = spec
        self.case = case
        self.cases = cases

    def runtest(self) -> None:
        run = _runner(self.config, self.path, self.table)
        if self.case is None:
            record = run(Task(self.spec, self.converter, Step.CONVERT_SCHEMA))
            case_records = [run(Task(c, self.converter, Step.CONVERT_CASE)) for c in self.cases]
            result = SCHEMA_CHECKS[self.check](record, case_records)  # type: ignore[arg-type]
        else:
            record = run(Task(self.case, self.converter, Step.CONVERT_CASE))
            found = CASE_CHECKS[self.check](record)  # type: ignore[arg-type]
            result = found or CheckResult(Outcome.SKIPPED, ("not applicable to this case",))
        if self.check not in record["claims"]:  # type: ignore[typeddict-item]
            pytest.skip(f"{self.converter} does not claim the {self.check} check "
                        "(measured by st9x run, not judged)")
        if result.outcome is Outcome.SKIPPED:
            pytest.skip("; ".join(result.problems) or "skipped")
        if result.outcome in (Outcome.MISSED, Outcome.ERRORED):
            problems = result.problems
            raise ConversionFailure("\n".join(
                [f"{self.name}: {len(problems)} problem(s)", *(f"  - {p}" for p in problems[:8])]))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ConversionFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)  # type: ignore[arg-type]

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"{self.name}"
