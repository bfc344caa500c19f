"""Executing a plan: every task through one executor, every record written as it finishes.

This is the engine behind ``st9x run`` (through :mod:`st9x.runner`, which folds and writes the
matrices afterwards); pytest drives the same :class:`~st9x.engine.worker.Worker` item by item.
Validation records go to ``results.jsonl`` and converter records to ``conversions.jsonl``, by
one writer class each with a header and a footer. A run can be resumed: the whole records
already in its files are kept and only the missing tasks run.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from st9x import formats
from st9x.corpus.model import Corpus
from st9x.engine.executors import Executor, SerialExecutor
from st9x.engine.records import Header, Record
from st9x.engine.results import (
    CONVERSIONS_NAME,
    RESULTS_NAME,
    ResultsWriter,
    make_conversion_header,
    make_header,
    recover,
)
from st9x.engine.tasks import CONVERSION_STEPS, Step, Task, plan
from st9x.engine.worker import Worker
from st9x.errors import UsageError
from st9x.subjects.converters.base import Converter
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


def record_key(record: Mapping[str, Any]) -> tuple[str, ...]:
    """The key of the task that produced ``record`` (as :attr:`Task.key`)."""
    kind = record["type"]
    if kind == "record":
        return (f"{record['corpus']}/{record['case']}", record["adapter"])
    step = Step.CONVERT_SCHEMA if kind == "schema" else Step.CONVERT_CASE
    item = record["schema"] if kind == "schema" else record["case"]
    return (str(step), f"{record['corpus']}/{item}", record["converter"])


def _kept(path: Path, kind: str, wanted: set[tuple[str, ...]]) -> list[Record]:
    """The whole records of an interrupted conversions file that belong to this run's plan
    (the first record of a task wins); a missing file keeps nothing. The file is written anew
    from them, so what it held besides is gone."""
    if not path.is_file():
        return []
    _, records = recover(path, kind)
    kept: dict[tuple[str, ...], Record] = {}
    for record in records:
        key = record_key(record)
        if key in wanted:
            kept.setdefault(key, record)
    return list(kept.values())


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
) -> Execution:
    """Plan every task of the selection and run it; write ``results.jsonl`` (and
    ``conversions.jsonl`` when converters run) into ``out_dir``.

    With ``resume``, the files in ``out_dir`` must exist: their whole records that belong to
    this plan are kept and only the missing tasks run. KeyboardInterrupt (SIGINT, or SIGTERM
    turned into it by the CLI) ends the run early with every finished record written and each
    file closed by a footer saying ``interrupted``.

    With ``require_tasks``, a selection that plans no task at all raises :class:`UsageError`
    before anything is written: a front end's user asked for something that matches nothing,
    and an empty matrix would read as success.
    """
    converters = dict(converters or {})
    tasks = plan(corpora, adapters, tags, converters, steps)
    if require_tasks and not tasks:
        formats_seen = sorted({c.format for corpus in corpora for c in corpus.cases})
        raise UsageError(
            "nothing to run: no selected adapter or converter handles the selected cases "
            f"(their formats: {', '.join(formats_seen) or 'none'}; adapters: "
            f"{', '.join(sorted(adapters)) or 'none'})"
        )
    worker = worker or Worker(adapters, converters, conversion_out=out_dir)
    wanted = {t.key for t in tasks}
    results_path = out_dir / RESULTS_NAME
    conversions_path = out_dir / CONVERSIONS_NAME
    kept: list[Record] = []
    kept_conversions: list[Record] = []
    if resume:
        header, kept = recover(results_path)
        kept_conversions = _kept(conversions_path, "conversions", wanted)
        kept = [r for r in kept if record_key(r) in wanted]
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
    done = {record_key(r) for r in (*kept, *kept_conversions)}
    tasks = [t for t in tasks if t.key not in done]
    if on_plan:
        on_plan(len(tasks))
    executor = executor or SerialExecutor(worker)
    records: list[Record] = list(kept)
    conversion_records: list[Record] = list(kept_conversions)
    started = time.perf_counter()
    interrupted = False
    by_key = {t.key: t for t in tasks}
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
        stream = executor.map(tasks)
        try:
            for record in stream:
                if record["type"] == "record":
                    writer.write(record)
                    records.append(record)
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
    paths = {"results": results_path}
    if conversion_header is not None:
        paths["conversions"] = conversions_path
    return Execution(
        out_dir, len(tasks), header, records, conversion_header, conversion_records,
        interrupted, len(kept), len(kept_conversions), paths,
    )
