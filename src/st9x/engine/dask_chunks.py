"""Chunks on a Dask cluster: the :class:`~st9x.engine.chunked.ChunkRunner` for archives beyond
one machine.

The same picklable function and tasks as the local runners (:func:`st9x.engine.bulk.judge_chunk`
and its chunks), submitted one future per task with at most ``window`` in flight, and the
results yielded in task order, so the one writer writes the same file as with
:class:`~st9x.engine.chunked.PoolChunks`.

What Dask guarantees, and what this runner adds:

- *Compiled once per worker.* A Dask worker process runs task after task, so the per-process
  compile cache of :func:`st9x.engine.bulk.compiled_schema` holds a schema from its first chunk
  on that worker to the worker's end; a worker the nanny restarts compiles again, once.
- *A lost worker.* The scheduler re-runs the tasks a dead worker held on another worker (up to
  its ``distributed.scheduler.allowed-failures`` deaths per task, 3 by default; beyond that the
  task fails with ``KilledWorker``, as a chunk that kills every worker should). ``retries``
  re-runs a task whose function *raised*, which judging a chunk does only for a broken
  installation (a record-level problem is a record's verdict, never an exception).
- *Exactly once.* A task may be *computed* twice (a worker that dies after finishing a chunk
  but before handing it over; a retry), but a future holds one result and this runner reads
  each future once, in task order: every chunk's result reaches the writer exactly once. A
  result whose ``key`` (when it has one) is not its task's is refused, so a mix-up could never
  pass unseen.
- *No network from the work.* The function runs in the Dask worker's process, whose own threads
  talk to the scheduler, so the process-wide audit hook of :mod:`st9x.offline` cannot be on
  there; each chunk runs with :func:`~st9x.offline.local_urlopen` (``urlopen`` reads ``file:``
  URLs only) on top of the adapters' local-only resolvers.
"""

from __future__ import annotations

import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, TypeVar

from st9x.engine.dask_client import CONNECT_TIMEOUT, Cluster
from st9x.errors import St9xError
from st9x.offline import local_urlopen

if TYPE_CHECKING:
    from distributed import Client, Future

T = TypeVar("T")
R = TypeVar("R")


def call_locally(fn: Callable[[T], R], task: T) -> R:
    """``fn(task)`` on a Dask worker, with ``urlopen`` limited to local files."""
    with local_urlopen():
        return fn(task)


class DaskChunks:
    """Tasks on the Dask cluster whose scheduler is at ``address`` (or on a client's cluster),
    results in task order; ``window`` futures in flight (default: three per worker thread).
    Workers read their byte range of the file themselves (``local`` is False): a chunk's bytes
    are not shipped through the scheduler."""

    local = False

    def __init__(
        self,
        address: str | Client,
        *,
        window: int | None = None,
        retries: int = 1,
        timeout: float = CONNECT_TIMEOUT,
    ) -> None:
        self.cluster = Cluster(address, timeout=timeout)
        self.workers = self.cluster.threads()
        self.window = window or 3 * self.workers
        self.retries = retries

    def map(self, fn: Callable[[T], R], tasks: Iterable[T]) -> Iterator[R]:
        client = self.cluster.client
        prefix = f"st9x-chunk-{uuid.uuid4().hex}"
        pending: deque[tuple[T, Future]] = deque()
        try:
            for number, task in enumerate(tasks):
                future = client.submit(
                    call_locally, fn, task, key=f"{prefix}-{number}", retries=self.retries,
                    pure=False,
                )
                pending.append((task, future))
                if len(pending) >= self.window:
                    yield _result(*pending.popleft())
            while pending:
                yield _result(*pending.popleft())
        finally:
            for _, future in pending:
                future.cancel()

    def close(self) -> None:
        self.cluster.close()


def _result(task: object, future: Future) -> R:  # type: ignore[type-var]
    result = future.result()
    future.release()
    expected, got = getattr(task, "key", None), getattr(result, "key", None)
    if expected is not None and got is not None and expected != got:
        raise St9xError(f"the Dask cluster returned the result of {got} for {expected}")
    return result  # type: ignore[no-any-return]
