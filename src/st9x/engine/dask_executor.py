"""The run's tasks on a Dask cluster: an :class:`~st9x.engine.executors.Executor` like the
process pool, for corpora beyond one machine.

The run's :class:`~st9x.engine.worker.Worker` (its validators, converters and linters) is
pickled once and handed to every Dask worker by a worker plugin, which the scheduler also gives
to a worker that joins later (one the nanny restarted after a death). On each Dask worker the
tasks run in a :class:`~st9x.engine.isolation.ProcessExecutor` of one child process, kept for the
whole run: the same per-task time-out (``--timeout``) and memory limit (``--memory-mb``) as the
local pool, the same ``errored`` record for a task that hangs or kills its process, the same
compile cache for as long as the child lives, and the child runs offline while the Dask
worker's own threads keep talking to the scheduler (the audit hook of :mod:`st9x.offline` is
process-wide, so it could not be on in the Dask worker itself).

Tasks go in batches of one group (a validator and a schema, in plan order), so a batch compiles
its schema at most once; records come back batch by batch, in the order batches finish, to the
one writer. A lost Dask worker's batches are run again by the scheduler elsewhere; each batch's
future is read once, so every record reaches the writer exactly once (see
:mod:`st9x.engine.dask_chunks` for what Dask guarantees).
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import pickle
import threading
import uuid
from collections.abc import Iterator, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any

from distributed.diagnostics.plugin import WorkerPlugin

from st9x.engine.dask_client import CONNECT_TIMEOUT, Cluster
from st9x.engine.isolation import ProcessExecutor
from st9x.engine.limits import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT
from st9x.engine.records import Record
from st9x.engine.tasks import Task
from st9x.engine.worker import Worker, lost_record
from st9x.errors import St9xError, UsageError, one_line

if TYPE_CHECKING:
    from distributed import Client

#: The most tasks of one group in one batch: large enough that Dask's per-future cost (about a
#: millisecond) is small beside a batch's work, small enough that records stream back steadily.
MAX_BATCH = 32

_RUNS: dict[str, _Run] = {}


class _Run:
    """One run's worker on one Dask worker: a child process that runs its tasks one by one."""

    def __init__(self, payload: bytes, timeout: float, memory_mb: int | None) -> None:
        worker: Worker = pickle.loads(payload)
        # A nanny starts Dask workers as daemonic processes, and multiprocessing refuses
        # children to those, lest they outlive their parent. This child cannot: it dies with
        # the Dask worker (PR_SET_PDEATHSIG, and EOF on its pipe; see st9x.engine.isolation).
        multiprocessing.current_process().daemon = False
        # The child is forked from the Dask worker, whose heap (Dask, Tornado, pandas...) is
        # several times st9x's: frozen, the collector of the child skips it instead of walking
        # it again on every full collection (compiling a JSON Schema was 20x slower without).
        gc.freeze()
        self.isolation = ProcessExecutor(worker, jobs=1, timeout=timeout, memory_mb=memory_mb)
        self.lock = threading.Lock()  # a Dask worker with several threads: one task at a time

    def run(self, tasks: Sequence[Task]) -> list[Record]:
        with self.lock:
            return [self.isolation.run(task) for task in tasks]

    def close(self) -> None:
        with self.lock:
            self.isolation.close()


class RunPlugin(WorkerPlugin):
    """Sets one run up on every Dask worker (those that join later too) and ends it."""

    def __init__(self, token: str, payload: bytes, timeout: float,
                 memory_mb: int | None) -> None:
        self.token = token
        self.payload = payload
        self.timeout = timeout
        self.memory_mb = memory_mb

    def setup(self, worker: Any) -> None:
        _RUNS[self.token] = _Run(self.payload, self.timeout, self.memory_mb)

    def teardown(self, worker: Any) -> None:
        run = _RUNS.pop(self.token, None)
        if run is not None:
            run.close()


def run_batch(token: str, tasks: Sequence[Task]) -> list[Record]:
    """The records of a batch, on a Dask worker that has the run's plugin."""
    run = _RUNS.get(token)
    if run is None:
        raise St9xError(f"this Dask worker was not given the run {token} (its plugin is missing)")
    return run.run(tasks)


class DaskExecutor:
    """The run's tasks on the cluster of the scheduler at ``address`` (or of a client), with
    the local pool's per-task ``timeout`` and ``memory_mb``."""

    def __init__(
        self,
        worker: Worker,
        address: str | Client,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        memory_mb: int | None = DEFAULT_MEMORY_MB,
        retries: int = 1,
        connect_timeout: float = CONNECT_TIMEOUT,
    ) -> None:
        self.worker = worker
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.retries = retries
        self.cluster = Cluster(address, timeout=connect_timeout)

    def _payload(self) -> bytes:
        """The worker as sent to the cluster (what it has made so far goes along)."""
        try:
            return pickle.dumps(self.worker, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:
            raise UsageError(
                f"the run's validators and converters cannot be sent to a Dask cluster "
                f"(they do not pickle: {one_line(str(exc))}); run without --executor dask"
            ) from exc

    def map(self, tasks: Sequence[Task]) -> Iterator[Record]:
        from distributed import as_completed

        if not tasks:
            return
        client = self.cluster.client
        token = f"st9x-run-{uuid.uuid4().hex}"
        client.register_plugin(
            RunPlugin(token, self._payload(), self.timeout, self.memory_mb), name=token
        )
        threads = self.cluster.threads()
        batches = enumerate(plan_batches(tasks, threads))
        done = as_completed(loop=client.loop)
        sent: dict[str, list[Task]] = {}
        try:
            for number, batch in islice(batches, 2 * threads):
                done.add(self._submit(client, token, number, batch, sent))
            for future in done:
                records = self._records(future, sent.pop(future.key))
                for number, batch in islice(batches, 1):
                    done.add(self._submit(client, token, number, batch, sent))
                yield from records
        finally:
            for future in done.futures:
                future.cancel()
            with contextlib.suppress(Exception):  # a scheduler gone away has no plugin left
                client.unregister_worker_plugin(token)

    def _submit(self, client: Client, token: str, number: int, batch: list[Task],
                sent: dict[str, list[Task]]) -> Any:
        key = f"{token}-{number}"
        sent[key] = batch
        return client.submit(run_batch, token, batch, key=key, retries=self.retries, pure=False)

    def _records(self, future: Any, batch: list[Task]) -> list[Record]:
        """The batch's records; when the cluster gave up on it (its task killed worker after
        worker: ``KilledWorker``), each task's ``errored`` record saying so, as the process pool
        records a task whose process died."""
        try:
            records: list[Record] = future.result()
        except Exception as exc:
            message = f"lost on the Dask cluster: {one_line(repr(exc))}"
            records = [lost_record(self.worker, task, message) for task in batch]
        future.release()
        return records

    def close(self) -> None:
        self.cluster.close()


def plan_batches(tasks: Sequence[Task], threads: int) -> list[list[Task]]:
    """Tasks grouped as the process pool groups them (plan order of first appearance), each
    group cut into batches small enough that every worker thread gets several."""
    groups: dict[tuple[object, ...], list[Task]] = {}
    for task in tasks:
        groups.setdefault(task.group, []).append(task)
    size = max(1, min(MAX_BATCH, len(tasks) // (4 * max(1, threads))))
    return [group[i:i + size] for group in groups.values() for i in range(0, len(group), size)]
