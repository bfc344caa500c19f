"""CPU time, for tests that bound how much work a run does without depending on load.

Wall-clock time grows with whatever else the machine runs; the CPU time a run's processes use
does not (much). A test that claims "bounded in time" bounds this: the CPU seconds of this
process and of every child process it (and they) waited for, e.g. the ``ProcessExecutor``'s
workers, killed or not, and a ``st9x`` command run with ``subprocess``.
"""

from __future__ import annotations

import resource


def cpu_seconds() -> float:
    """User and system CPU seconds of this process and of its waited-for descendants so far."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total
