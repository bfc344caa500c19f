"""Process isolation: tasks run in worker processes that the run can kill.

A validator that hangs inside C code cannot be interrupted from Python, and one that exhausts
memory or crashes the interpreter takes its process with it. So each worker process runs tasks
one at a time for the parent, which waits with a deadline per task: on time-out it kills the
worker and records ``errored`` with the reason; if the worker dies (a crash, a signal, the memory
limit) the task is recorded the same way; either way a fresh worker takes the next task and the
run goes on. Each worker keeps its own compile cache for as long as it lives.

The time-out does not count the time a worker spent waiting for a CPU (Linux reports it per
process in ``/proc/PID/schedstat``): on a loaded machine a task gets the time it was kept from
running on top of its time-out, so the load on the machine does not turn a result into a
time-out. A task that sleeps or blocks (a hung read, a validator stuck in a C call) still dies
when its time-out has passed. Where the kernel does not say, the time-out is wall-clock time.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import multiprocessing as mp
import os
import resource
import signal
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from st9x.engine.limits import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT
from st9x.engine.records import Record
from st9x.engine.tasks import Step, Task
from st9x.engine.worker import Worker, lost_record
from st9x.errors import crash_message
from st9x.subjects.validators.base import Adapter

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Linux: have the kernel SIGKILL this worker when the run's process dies, even by SIGKILL,
    which leaves no chance to stop the workers (F9). Elsewhere, EOF on the pipe does it."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError, TypeError):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before prctl: nobody will kill us
        os._exit(1)


def _serve(
    conn: Connection,
    worker: Worker,
    memory_mb: int | None,
    parent: int | None = None,
    inherited: Sequence[Connection] = (),
) -> None:
    """The worker process: run each task it is sent and send the record back.

    The worker leads its own process group, so that a time-out kills whatever it started too
    (an external validator's command: F8). It closes the parent ends of the pipes it inherited
    through fork (its own and earlier workers'), so that it sees EOF when the parent is gone,
    and on Linux asks to be killed with the parent (F9).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    with contextlib.suppress(OSError):
        os.setpgid(0, 0)
    for other in inherited:
        with contextlib.suppress(OSError):
            other.close()
    if parent is not None:
        die_with_parent(parent)
    if memory_mb:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        try:
            record = worker.run(task)
        except MemoryError:
            record = lost_record(worker, task, f"memory limit of {memory_mb} MB exceeded")
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # a step runner turns crashes into records; this is a net
            record = lost_record(worker, task, crash_message(task.subject, exc))
        conn.send(record)


@dataclass
class _Slot:
    process: Any
    conn: Connection
    task: Task | None = None
    started: float = 0.0  # when the task was sent (monotonic seconds)
    queued: float = 0.0  # the worker's time spent waiting for a CPU until then (seconds)
    group: deque[Task] | None = None
    schema: object = None  # the schema of the last group this worker took


class ProcessExecutor:
    """Runs tasks of every step in ``jobs`` worker processes with a per-task time-out and
    memory limit. ``subjects`` is the :class:`Worker` each process starts from (forked, so its
    subjects need not be picklable), or just the validators."""

    def __init__(
        self,
        subjects: Worker | Mapping[str, Adapter],
        *,
        jobs: int = 1,
        timeout: float = DEFAULT_TIMEOUT,
        memory_mb: int | None = DEFAULT_MEMORY_MB,
    ) -> None:
        self.worker = subjects if isinstance(subjects, Worker) else Worker(subjects)
        self.jobs = max(1, jobs)
        self.timeout = timeout
        self.memory_mb = memory_mb
        # fork keeps adapters defined anywhere (even in a test) usable without pickling them
        method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
        self._context = mp.get_context(method)
        self._forks = method == "fork"
        self._parent_ends: set[Connection] = set()  # open parent ends, for workers to close
        self._kept: _Slot | None = None  # the worker :meth:`run` keeps between calls

    def _start(self) -> _Slot:
        parent, child = self._context.Pipe()
        inherited = [parent, *self._parent_ends] if self._forks else []
        process = self._context.Process(
            target=_serve,
            args=(child, self.worker, self.memory_mb, os.getpid(), inherited),
            daemon=True,
        )
        process.start()
        with contextlib.suppress(OSError):  # also here: no window where killpg misses it
            os.setpgid(process.pid, process.pid)
        child.close()
        self._parent_ends.add(parent)
        return _Slot(process, parent)

    def _kill(self, slot: _Slot) -> None:
        """SIGKILL the worker's whole process group: the worker and what it started (F8)."""
        try:
            os.killpg(slot.process.pid, signal.SIGKILL)
        except OSError:  # not (yet) a group of its own, or gone
            with contextlib.suppress(OSError):
                slot.process.kill()

    def _stop(self, slot: _Slot, *, kill: bool) -> None:
        if kill:
            self._kill(slot)
        else:
            with contextlib.suppress(BrokenPipeError, OSError):
                slot.conn.send(None)
        slot.process.join(timeout=5)
        if slot.process.is_alive():
            self._kill(slot)
            slot.process.join(timeout=5)
        slot.conn.close()
        self._parent_ends.discard(slot.conn)

    def map(self, tasks: Sequence[Task]) -> Iterator[Record]:
        # Tasks sharing a subject and a schema go to one worker, group after group, so that a
        # schema is compiled (or prepared) once per subject however many workers there are. A
        # worker that is free takes a group of the schema it worked on last when there is one:
        # subjects share what they load of a schema within a process (st9x.xsdload).
        groups: dict[tuple[object, ...], deque[Task]] = {}
        for task in tasks:
            groups.setdefault(task.group, deque()).append(task)
        pending = _Pending(groups.values())
        slots = [self._start() for _ in range(min(self.jobs, len(pending)))]
        try:
            while pending or any(s.task or s.group for s in slots):
                for slot in slots:
                    if slot.task is None and not slot.group and pending:
                        slot.group = pending.take(slot.schema)
                        slot.schema = slot.group[0].group[-1]
                    if slot.task is None and slot.group:
                        slot.task = slot.group.popleft()
                        slot.started = time.monotonic()
                        slot.queued = queued_seconds(slot.process.pid)
                        slot.conn.send(slot.task)
                busy = [s for s in slots if s.task is not None]
                nearest = min(self.timeout - self._elapsed(s) for s in busy)
                ready = wait([s.conn for s in busy], timeout=max(0.0, nearest))
                for index, slot in enumerate(slots):
                    if slot.task is None:
                        continue
                    if slot.conn in ready:
                        try:
                            record = slot.conn.recv()
                        except (EOFError, OSError):
                            record = self._lost(slot, self._death(slot))
                            slots[index] = self._replace(slot)
                        else:
                            slot.task = None
                        yield record
                    elif self._elapsed(slot) >= self.timeout:
                        record = self._lost(slot, self._timed_out(slot))
                        slots[index] = self._replace(slot)
                        yield record
        finally:
            for slot in slots:
                self._stop(slot, kill=slot.task is not None)

    def run(self, task: Task) -> Record:
        """One task, in a worker kept between calls (started on first use, replaced after a
        time-out or a death), for a caller that hands tasks one at a time (the pytest plugin):
        the worker keeps its compiled schemas, as in :meth:`map`. :meth:`close` stops it."""
        slot = self._kept or self._start()
        self._kept = slot
        slot.task = task
        slot.started = time.monotonic()
        slot.queued = queued_seconds(slot.process.pid)
        try:
            slot.conn.send(task)
            while not slot.conn.poll(max(0.0, self.timeout - self._elapsed(slot))):
                if self._elapsed(slot) >= self.timeout:
                    return self._drop(slot, self._timed_out(slot))
            record: Record = slot.conn.recv()
        except (EOFError, OSError):
            return self._drop(slot, self._death(slot))
        slot.task = None
        return record

    def _drop(self, slot: _Slot, message: str) -> Record:
        """The lost task's record; the kept worker is killed, a fresh one starts next time."""
        record = self._lost(slot, message)
        self._stop(slot, kill=True)
        self._kept = None
        return record

    def close(self) -> None:
        """Stop the worker :meth:`run` kept."""
        if self._kept is not None:
            self._stop(self._kept, kill=False)
            self._kept = None

    @staticmethod
    def _elapsed(slot: _Slot) -> float:
        """The task's time so far, less what its worker spent waiting for a CPU."""
        waited = queued_seconds(slot.process.pid) - slot.queued
        return time.monotonic() - slot.started - max(0.0, waited)

    def _replace(self, slot: _Slot) -> _Slot:
        self._stop(slot, kill=True)
        fresh = self._start()
        fresh.group = slot.group  # the rest of the group goes on in the new worker
        fresh.schema = slot.schema
        return fresh

    def _death(self, slot: _Slot) -> str:
        slot.process.join(timeout=5)
        code = slot.process.exitcode
        if code is not None and code < 0:
            name = (
                signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else -code
            )
            return f"the {self._who(slot)}'s process was killed by signal {name}"
        return f"the {self._who(slot)}'s process died (exit code {code})"

    @staticmethod
    def _who(slot: _Slot) -> str:
        return "validator" if slot.task is None or slot.task.step is Step.VALIDATE else "converter"

    def _timed_out(self, slot: _Slot) -> str:
        if slot.task is not None and slot.task.step is not Step.VALIDATE:
            return f"time-out: no result within {self.timeout:g} s (killed)"
        return f"time-out: no verdict within {self.timeout:g} s"

    def _lost(self, slot: _Slot, message: str) -> Record:
        task = slot.task
        assert task is not None
        slot.task = None
        return lost_record(self.worker, task, message)


class _Pending:
    """The groups not yet started, in plan order, findable by schema in constant time: a
    worker asks for the next group on the schema it worked on last (a run of the W3C suite
    has tens of thousands of groups; scanning them for each pick was quadratic)."""

    def __init__(self, groups: Iterable[deque[Task]]) -> None:
        self._by_schema: dict[object, deque[deque[Task]]] = {}
        self._count = 0
        for group in groups:
            self._by_schema.setdefault(group[0].group[-1], deque()).append(group)
            self._count += 1
        self._order = deque(self._by_schema)  # schemas in plan order

    def __len__(self) -> int:
        return self._count

    def take(self, schema: object) -> deque[Task]:
        """The first pending group on ``schema``, or else the first pending group."""
        queue = self._by_schema.get(schema)
        if not queue:
            while not self._by_schema.get(self._order[0]):
                self._order.popleft()
            queue = self._by_schema[self._order[0]]
        self._count -= 1
        return queue.popleft()


def queued_seconds(pid: int) -> float:
    """How long process ``pid`` has waited, runnable, for a CPU (the second field of
    ``/proc/PID/schedstat``, in ns); 0 where the kernel does not say."""
    try:
        with open(f"/proc/{pid}/schedstat", "rb") as handle:
            return int(handle.read().split()[1]) / 1e9
    except (OSError, ValueError, IndexError):
        return 0.0
