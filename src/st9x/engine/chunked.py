"""Running chunk functions: in this process, or on a pool of worker processes, in order.

Bulk work (:mod:`st9x.engine.bulk`, bulk conversion) is a picklable function applied to a
stream of picklable tasks. A :class:`ChunkRunner` applies it and yields the results **in task
order**, so the one writer produces the same file whatever ran the work, and keeps at most a
window of tasks in flight, so memory stays bounded however many chunks a bag has (the planner
is a generator: chunks are read off the bag as workers free up). A Dask cluster is one more
runner with the same ``map``.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class ChunkRunner(Protocol):
    def map(self, fn: Callable[[T], R], tasks: Iterable[T]) -> Iterator[R]:
        """Apply ``fn`` to every task; yield the results in task order."""
        ...

    def close(self) -> None:
        """Free the workers (a runner may be used for several maps before)."""
        ...

    #: Whether the workers share this machine: then tasks may carry the bytes the planner
    #: has already read instead of each worker reading its range of the file again.
    local: bool


class SerialChunks:
    """Every task in this process, one after another."""

    workers = 1
    #: Tasks may carry the data the planner already read (same machine, same memory).
    local = True

    def map(self, fn: Callable[[T], R], tasks: Iterable[T]) -> Iterator[R]:
        return map(fn, tasks)

    def close(self) -> None:
        pass


class PoolChunks:
    """A pool of ``workers`` processes; each keeps its own compiled schemas between tasks.

    Workers are forked, so they start with what this process has already loaded; ``window``
    tasks (default: three per worker) are in flight at a time."""

    local = True

    def __init__(self, workers: int, window: int | None = None) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.workers = workers
        self.window = window or 3 * workers
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("fork")
            )
        return self._pool

    def map(self, fn: Callable[[T], R], tasks: Iterable[T]) -> Iterator[R]:
        pool = self._executor()
        pending: deque[Future[R]] = deque()
        source = iter(tasks)
        try:
            for task in source:
                pending.append(pool.submit(fn, task))
                if len(pending) >= self.window:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def runner_for(workers: int) -> ChunkRunner:
    """In this process for one worker, else a process pool."""
    return SerialChunks() if workers <= 1 else PoolChunks(workers)
