"""Executing a plan: every task through one executor, every record written as it finishes.

This is the engine behind ``st9x run`` (through :mod:`st9x.runner`, which folds and writes the
matrices afterwards); pytest drives the same :class:`~st9x.engine.worker.Worker` item by item.
Validation records go to ``results.jsonl``, converter records to ``conversions.jsonl`` and
lint records to ``lint.jsonl``, by one writer class each with a header and a footer. A run can
be resumed: the whole records already in its files are checked against the plan
(:mod:`st9x.engine.recorded`) and kept, and only the missing tasks run.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from st9x import formats
from st9x.corpus.model import Corpus
from st9x.engine.executors import Executor, SerialExecutor
from st9x.engine.recorded import check_records, check_resumed_header, in_plan, record_key
from st9x.engine.records import Header, Record
from st9x.engine.results import (
    CONVERSIONS_NAME,
    LINT_NAME,
    RESULTS_NAME,
    Interrupted,
    ResultsWriter,
    cut_to_whole,
    make_conversion_header,
    make_header,
    make_lint_header,
    read_interrupted,
)
from st9x.engine.tasks import CONVERSION_STEPS, LINT_STEPS, Step, Task, plan
from st9x.engine.worker import Worker
from st9x.errors import UsageError
from st9x.subjects.converters.base import Converter
from st9x.subjects.linters.base import RuleLinter
from st9x.subjects.validators.base import Adapter


@dataclass
class Execution:
    """What a run produced: the headers and every record (kept ones first), by file."""

    out_dir: Path
    tasks: int
    header: Header
    records: list[Record]
    conversion_header: Header | None = None
    conversion_records: list[Record] = field(default_factory=list)
    interrupted: bool = False
    resumed_records: int = 0
    resumed_conversions: int = 0
    paths: dict[str, Path] = field(default_factory=dict)
    lint_header: Header | None = None
    lint_records: list[Record] = field(default_factory=list)


@dataclass(frozen=True)
class _Resumed:
    """The records an interrupted run keeps, each file's checked before either is touched."""

    header: Header
    records: list[Record]
    conversions: list[Record]
    results_file: Interrupted
    lint: list[Record] = field(default_factory=list)


def _resumed(
    results_path: Path,
    conversions_path: Path,
    corpora: Sequence[Corpus],
    adapters: Mapping[str, Adapter],
    wanted: set[tuple[str, ...]],
) -> _Resumed:
    """Read both files of an interrupted run and check them against this run's plan: the
    header must describe these corpora and adapters, and every record must be the only one of a
    task the plan holds. A file that breaks a rule is refused (:class:`FormatError` naming its
    line) and nothing is written; the conversions file, when there is one, is written anew from
    its records, so it is read whole here rather than cut."""
    previous = read_interrupted(results_path)
    check_resumed_header(
        results_path, previous.header, (c.id for c in corpora), adapters, previous.header_line
    )
    rule = in_plan(wanted)
    records = check_records(results_path, previous.records, rule)
    conversions: list[Record] = []
    if conversions_path.is_file():
        conversions = check_records(
            conversions_path, read_interrupted(conversions_path, "conversions").records, rule
        )
    lint: list[Record] = []
    lint_path = results_path.parent / LINT_NAME
    if lint_path.is_file():
        lint = check_records(lint_path, read_interrupted(lint_path, "lint").records, rule)
    return _Resumed(previous.header, records, conversions, previous, lint)


def execute(
    corpora: Sequence[Corpus],
    adapters: Mapping[str, Adapter],
    out_dir: Path,
    *,
    converters: Mapping[str, Converter] | None = None,
    tags: Sequence[str] = (),
    executor: Executor | None = None,
    worker: Worker | None = None,
    selection: Mapping[str, Any] | None = None,
    resume: bool = False,
    on_record: Callable[[Task, Record], None] | None = None,
    on_plan: Callable[[int], None] | None = None,
    steps: Sequence[Step] = tuple(Step),
    require_tasks: bool = False,
    linters: Mapping[str, RuleLinter] | None = None,
    lint_scope: Mapping[str, Collection[str]] | None = None,
) -> Execution:
    """Plan every task of the selection and run it; write ``results.jsonl`` (and
    ``conversions.jsonl`` when converters run) into ``out_dir``.

    With ``resume``, the files in ``out_dir`` must exist: their whole records are kept and only
    the missing tasks run. A record of a task this plan does not hold, a second record of one
    task, or a header naming other corpora or adapters is refused (:class:`FormatError` naming
    the file and line) before anything is written. ``linters`` lint the corpora's schema files
    (and every converter's generated schema) into ``lint.jsonl``, with the worker's lint
    configuration; ``lint_scope`` (corpus id → its linters) limits which corpora each lints.
    KeyboardInterrupt (SIGINT, or SIGTERM
    turned into it by the CLI) ends the run early with every finished record written and each
    file closed by a footer saying ``interrupted``.

    With ``require_tasks``, a selection that plans no task at all raises :class:`UsageError`
    before anything is written: a front end's user asked for something that matches nothing,
    and an empty matrix would read as success.
    """
    converters = dict(converters or {})
    linters = dict(linters or {})
    tasks = plan(corpora, adapters, tags, converters, steps, linters, lint_scope)
    if require_tasks and not tasks:
        formats_seen = sorted({c.format for corpus in corpora for c in corpus.cases})
        raise UsageError(
            "nothing to run: no selected adapter or converter handles the selected cases "
            f"(their formats: {', '.join(formats_seen) or 'none'}; adapters: "
            f"{', '.join(sorted(adapters)) or 'none'})"
        )
    worker = worker or Worker(adapters, converters, conversion_out=out_dir, linters=linters)
    wanted = {t.key for t in tasks}
    results_path = out_dir / RESULTS_NAME
    conversions_path = out_dir / CONVERSIONS_NAME
    kept: list[Record] = []
    kept_conversions: list[Record] = []
    kept_lint: list[Record] = []
    lint_path = out_dir / LINT_NAME
    resumed = None
    if resume:
        resumed = _resumed(results_path, conversions_path, corpora, adapters, wanted)
        header, kept, kept_conversions = resumed.header, resumed.records, resumed.conversions
        kept_lint = resumed.lint
    else:
        header = make_header(
            corpora, adapters, dict(selection or {"tags": list(tags), "adapters": sorted(adapters)})
        )
    converting = any(t.step in CONVERSION_STEPS for t in tasks)
    conversion_header = None
    if converting:
        context = worker.conversion
        conversion_header = make_conversion_header(
            converters,
            [c for c in corpora if any(t.item.corpus == c.id for t in tasks
                                       if t.step in CONVERSION_STEPS)],
            context.json_adapters,
            context.xsd.adapter.name if context.xsd.adapter is not None else None,
            context.json_judges,
        )
        formats.check("conversions", conversion_header, path=conversions_path)
    lint_header = None
    if any(t.step in LINT_STEPS for t in tasks):
        lint_header = make_lint_header(
            linters, [c for c in corpora if any(t.item.corpus == c.id for t in tasks
                                                if t.step in LINT_STEPS)],
            worker.lint_config, worker.lint_rules)
        formats.check("lint", lint_header, path=lint_path)
    done = {record_key(r) for r in (*kept, *kept_conversions, *kept_lint)}
    tasks = [t for t in tasks if t.key not in done]
    if on_plan:
        on_plan(len(tasks))
    executor = executor or SerialExecutor(worker)
    records: list[Record] = list(kept)
    conversion_records: list[Record] = list(kept_conversions)
    lint_records: list[Record] = list(kept_lint)
    started = time.perf_counter()
    interrupted = False
    by_key = {t.key: t for t in tasks}
    if resumed is not None:  # every check passed: the file may now be cut to its whole records
        cut_to_whole(results_path, resumed.results_file)
    with contextlib.ExitStack() as stack:
        writer = stack.enter_context(
            ResultsWriter(results_path, None if resume else header, append=resume)
        )
        conversion_writer = None
        if conversion_header is not None:
            # the kept records are written again after a fresh header: a resumed file is whole
            conversion_writer = stack.enter_context(ResultsWriter(conversions_path,
                                                                  conversion_header))
            for record in kept_conversions:
                conversion_writer.write(record)
        lint_writer = None
        if lint_header is not None:
            lint_writer = stack.enter_context(ResultsWriter(lint_path, lint_header))
            for record in kept_lint:
                lint_writer.write(record)
        stream = executor.map(tasks)
        try:
            for record in stream:
                if record["type"] == "record":
                    writer.write(record)
                    records.append(record)
                elif record["type"] == "lint":
                    assert lint_writer is not None
                    formats.check("lint", record, path=lint_path)
                    lint_writer.write(record)
                    lint_records.append(record)
                else:
                    assert conversion_writer is not None
                    formats.check("conversions", record, path=conversions_path)
                    conversion_writer.write(record)
                    conversion_records.append(record)
                if on_record:
                    on_record(by_key[record_key(record)], record)
        except KeyboardInterrupt:
            interrupted = True
        finally:
            close = getattr(stream, "close", None)
            if close:
                close()  # stops worker processes now, not when the generator is collected
        seconds = round(time.perf_counter() - started, 3)
        writer.close(interrupted=interrupted, seconds=seconds, resumed_records=len(kept))
        if conversion_writer is not None:
            conversion_writer.close(interrupted=interrupted, seconds=seconds,
                                    resumed_records=len(kept_conversions))
        if lint_writer is not None:
            lint_writer.close(interrupted=interrupted, seconds=seconds,
                              resumed_records=len(kept_lint))
    paths = {"results": results_path}
    if conversion_header is not None:
        paths["conversions"] = conversions_path
    if lint_header is not None:
        paths["lint"] = lint_path
    return Execution(
        out_dir, len(tasks), header, records, conversion_header, conversion_records,
        interrupted, len(kept), len(kept_conversions), paths, lint_header, lint_records,
    )
