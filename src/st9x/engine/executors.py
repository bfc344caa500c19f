"""Executors: how tasks are carried out. The seam where isolation and parallelism plug in.

The engine hands an executor the tasks and takes back records one at a time, in whatever order
they finish, writing each as it comes. An in-process serial executor is the default; a process
pool with per-case time-outs, or a Dask cluster, is another class with the same ``map``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from st9x.engine.records import Record
from st9x.engine.tasks import Task
from st9x.engine.worker import Worker


class Executor(Protocol):
    def map(self, tasks: Sequence[Task]) -> Iterator[Record]:
        """Yield one record per task, as each finishes."""
        ...


class SerialExecutor:
    """Runs every task in this process, one after another, with one shared compile cache."""

    def __init__(self, worker: Worker) -> None:
        self.worker = worker

    def map(self, tasks: Sequence[Task]) -> Iterator[Record]:
        for task in tasks:
            yield self.worker.run(task)
