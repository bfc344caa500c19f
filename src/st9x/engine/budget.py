"""A bound on the CPU time one step inside a task may take, without losing the task.

The task time-out (:mod:`st9x.engine.isolation`) kills the whole worker and loses everything the
task had done. Some steps are known to be able to run away on their own while the rest of the
task is fine: a JSON validator compiling a converter's output (fastjsonschema turns the draft-07
JSON Schema of a WIPO V6_0 document schema into 223 million characters of Python, 25 s of CPU
before it even compiles them; docs/findings.md). Such a step runs under :func:`cpu_budget`: past
its budget it is interrupted, the step is recorded as errored with the reason, and the task
goes on. The budget counts the process's CPU time (``ITIMER_PROF``), so the load on the machine
does not change where it falls. It interrupts Python code; a library stuck in one C call is
stopped when the call returns, or by the task time-out.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

# CPU seconds a JSON validator may spend compiling one converted schema: the embedded corpora's
# largest take under 0.1 s; the runaway case above takes 25 s before compiling anything
CONVERTED_SCHEMA_BUDGET = 10.0


class BudgetExceeded(BaseException):
    """The step used up its CPU budget. A BaseException, so that a library's ``except
    Exception`` cannot swallow it and run on."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"gave up after {seconds:g} s of CPU time")
        self.seconds = seconds


@contextmanager
def cpu_budget(seconds: float) -> Iterator[None]:
    """Interrupt the block with :class:`BudgetExceeded` once this process has spent
    ``seconds`` of CPU time in it. Only the main thread can take the signal; elsewhere (and
    where the platform has no profiling timer) the block runs unbounded."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "setitimer"
    ):
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise BudgetExceeded(seconds)

    previous = signal.signal(signal.SIGPROF, expire)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
