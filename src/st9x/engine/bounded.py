"""One piece of work in a child process under the run's bounds: a time-out and a memory limit.

``st9x run`` bounds each task in its worker processes (:mod:`st9x.engine.isolation`). The
single-shot commands (``convert``, ``corpus generate|mutate``) evaluate user data too: an XSD
whose default value sends Python's ``re`` backtracking hangs the schema load itself, and
nothing in-process can interrupt C code. So such a command hands its work, as a function, to
:func:`run_bounded`: a forked child runs it in its own process group, with the address-space
limit, and sends back the result; the parent waits with the time-out (less the time the child
spent waiting for a CPU, as the workers' time-out does) and kills the whole group when it is
over. The result must be picklable and the child should write nothing the parent has not seen
whole, so a command returns what it would write and the parent writes it: a killed command
leaves no half-written output.

Every way the child can end becomes one :class:`St9xError` naming the subject (the file the
command was given), so a time-out is one line and exit code 1, never a traceback.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import resource
import signal
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar

from st9x.engine.isolation import die_with_parent, queued_seconds
from st9x.errors import St9xError, UsageError, crash_message

T = TypeVar("T")

_RESULT, _USAGE, _ERROR = "result", "usage", "error"


def limit_memory(memory_mb: int | None) -> None:
    """Cap this process's address space at ``memory_mb`` (None or 0: no cap)."""
    if memory_mb:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _child(
    conn: Connection, work: Callable[[], Any], memory_mb: int | None, parent: int, who: str
) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    with contextlib.suppress(OSError):
        os.setpgid(0, 0)
    die_with_parent(parent)
    limit_memory(memory_mb)
    try:
        message: tuple[str, Any] = (_RESULT, work())
    except UsageError as exc:
        message = (_USAGE, str(exc))
    except MemoryError:
        message = (_ERROR, f"{who}: memory limit of {memory_mb} MB exceeded")
    except BaseException as exc:  # one line for the parent, never a traceback
        message = (_ERROR, crash_message("st9x", exc))
    try:
        conn.send(message)
    except MemoryError:
        conn.send((_ERROR, f"{who}: memory limit of {memory_mb} MB exceeded"))
    conn.close()


def run_bounded(
    work: Callable[[], T],
    *,
    subject: str | Path,
    timeout: float,
    memory_mb: int | None,
) -> T:
    """``work()``'s result, computed in a child process killed after ``timeout`` seconds (not
    counting the time it waited for a CPU) and limited to ``memory_mb`` of address space.

    ``subject`` names the file the work is about, in the error a time-out or a death gives.
    A :class:`UsageError` raised by ``work`` stays one (exit code 2); any other failure is an
    :class:`St9xError` (exit code 1).
    """
    context = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_child, args=(sender, work, memory_mb, os.getpid(), str(subject)), daemon=True
    )
    process.start()
    with contextlib.suppress(OSError):  # also here: no window where killpg misses it
        os.setpgid(process.pid, process.pid)
    sender.close()
    started, queued = time.monotonic(), queued_seconds(process.pid)
    try:
        while True:
            waited = max(0.0, queued_seconds(process.pid) - queued)
            left = timeout - (time.monotonic() - started - waited)
            if left <= 0:
                raise St9xError(f"time-out: no result within {timeout:g} s (killed)", path=subject)
            if receiver.poll(left):
                break
        try:
            kind, value = receiver.recv()
        except (EOFError, OSError):
            raise St9xError(_death(process), path=subject) from None
    finally:
        _kill(process)
        receiver.close()
    if kind == _USAGE:
        raise UsageError(value)
    if kind == _ERROR:
        raise St9xError(value)
    result: T = value
    return result


def _kill(process: Any) -> None:
    """SIGKILL the child's process group (the child and whatever it started), then reap it."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except OSError:
        with contextlib.suppress(OSError):
            process.kill()
    process.join(timeout=5)


def _death(process: Any) -> str:
    process.join(timeout=5)
    code = process.exitcode
    if code is not None and code < 0:
        name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else -code
        return f"the process was killed by signal {name} (the memory limit, or a crash)"
    return f"the process died (exit code {code})"
