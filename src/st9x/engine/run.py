"""A whole run: plan, execute, write records as they finish, fold, write the matrices.

This is the engine that ``st9x run`` drives; pytest drives the same :class:`Worker` item by item.
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
from st9x.adapters.base import Adapter
from st9x.corpus.model import Corpus
from st9x.engine.executors import Executor, SerialExecutor
from st9x.engine.results import ResultsWriter, make_header
from st9x.engine.tasks import Task, plan
from st9x.engine.worker import Record, Worker
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
    paths: dict[str, Path] = field(default_factory=dict)


def write_atomically(path: Path, data: bytes) -> None:
    """Write a whole file or nothing: a reader never sees half a summary."""
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    os.replace(partial, path)


def run(
    corpora: Sequence[Corpus],
    adapters: Mapping[str, Adapter],
    out_dir: Path,
    *,
    ledger: Ledger,
    tags: Sequence[str] = (),
    executor: Executor | None = None,
    on_record: Callable[[Task, Record], None] | None = None,
    on_plan: Callable[[int], None] | None = None,
) -> RunOutput:
    tasks = plan(corpora, adapters, tags)
    if on_plan:
        on_plan(len(tasks))
    executor = executor or SerialExecutor(Worker(adapters))
    header = make_header(corpora, adapters, {"tags": list(tags), "adapters": sorted(adapters)})
    out_dir.mkdir(parents=True, exist_ok=True)
    results_path = out_dir / RESULTS_NAME
    records: list[Record] = []
    started = time.perf_counter()
    interrupted = False
    by_key = {t.key: t for t in tasks}
    with ResultsWriter(results_path, header) as writer:
        try:
            for record in executor.map(tasks):
                writer.write(record)
                records.append(record)
                if on_record:
                    on_record(
                        by_key[(f"{record['corpus']}/{record['case']}", record["adapter"])], record
                    )
        except KeyboardInterrupt:
            interrupted = True
        writer.close(interrupted=interrupted, seconds=round(time.perf_counter() - started, 3))

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
        {
            "results": results_path,
            "summary": out_dir / SUMMARY_NAME,
            "matrix": out_dir / MATRIX_NAME,
        },
    )
