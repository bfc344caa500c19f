"""A whole run: plan, execute, write records as they finish, fold, write the matrices.

This is the engine that ``st9x run`` drives; pytest drives the same :class:`Worker` item by item.
A run can be resumed: the records already in its results file are kept and only the missing
case × adapter pairs are run.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from st9x import formats
from st9x.subjects.validators.base import Adapter
from st9x.corpus.model import Corpus
from st9x.engine.executors import Executor, SerialExecutor
from st9x.engine.results import ResultsWriter, make_header, recover
from st9x.engine.tasks import Task, plan
from st9x.engine.worker import Record, Worker
from st9x.errors import OutputError
from st9x.ledger import Ledger
from st9x.matrix.fold import fold
from st9x.matrix.render import render_markdown

RESULTS_NAME = "results.jsonl"
SUMMARY_NAME = "summary.json"
MATRIX_NAME = "matrix.md"


@dataclass
class RunOutput:
    out_dir: Path
    tasks: int
    summary: dict[str, Any]
    interrupted: bool = False
    resumed_records: int = 0
    paths: dict[str, Path] = field(default_factory=dict)


def write_atomically(path: Path, data: bytes) -> None:
    """Write a whole file or nothing: a reader never sees half a summary."""
    partial = path.with_name(path.name + ".partial")
    try:
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise OutputError(f"cannot write: {exc.strerror or exc}", path=path) from None


def run(
    corpora: Sequence[Corpus],
    adapters: Mapping[str, Adapter],
    out_dir: Path,
    *,
    ledger: Ledger,
    tags: Sequence[str] = (),
    executor: Executor | None = None,
    selection: Mapping[str, Any] | None = None,
    resume: bool = False,
    on_record: Callable[[Task, Record], None] | None = None,
    on_plan: Callable[[int], None] | None = None,
) -> RunOutput:
    """Run and write ``results.jsonl``, ``summary.json`` and ``matrix.md`` into ``out_dir``.

    With ``resume``, ``out_dir/results.jsonl`` must exist: its whole records are kept and only
    the missing tasks run. KeyboardInterrupt (SIGINT, or SIGTERM turned into it by the CLI) ends
    the run early with every finished record written and the matrices folded from them.
    """
    tasks = plan(corpora, adapters, tags)
    results_path = out_dir / RESULTS_NAME
    kept: list[Record] = []
    if resume:
        header, kept = recover(results_path)
        done = {(f"{r['corpus']}/{r['case']}", r["adapter"]) for r in kept}
        tasks = [t for t in tasks if t.key not in done]
    else:
        header = make_header(
            corpora, adapters, dict(selection or {"tags": list(tags), "adapters": sorted(adapters)})
        )
    if on_plan:
        on_plan(len(tasks))
    executor = executor or SerialExecutor(Worker(adapters))
    records: list[Record] = list(kept)
    started = time.perf_counter()
    interrupted = False
    by_key = {t.key: t for t in tasks}
    with ResultsWriter(results_path, None if resume else header, append=resume) as writer:
        stream = executor.map(tasks)
        try:
            for record in stream:
                writer.write(record)
                records.append(record)
                if on_record:
                    task = by_key[(f"{record['corpus']}/{record['case']}", record["adapter"])]
                    on_record(task, record)
        except KeyboardInterrupt:
            interrupted = True
        finally:
            close = getattr(stream, "close", None)
            if close:
                close()  # stops worker processes now, not when the generator is collected
        writer.close(
            interrupted=interrupted,
            seconds=round(time.perf_counter() - started, 3),
            resumed_records=len(kept),
        )

    summary = fold(header, records, ledger)
    formats.check("summary", summary, path=out_dir / SUMMARY_NAME)
    write_atomically(
        out_dir / SUMMARY_NAME, orjson.dumps(summary, option=orjson.OPT_INDENT_2) + b"\n"
    )
    write_atomically(out_dir / MATRIX_NAME, render_markdown(summary).encode())
    return RunOutput(
        out_dir,
        len(tasks),
        summary,
        interrupted,
        len(kept),
        {
            "results": results_path,
            "summary": out_dir / SUMMARY_NAME,
            "matrix": out_dir / MATRIX_NAME,
        },
    )
