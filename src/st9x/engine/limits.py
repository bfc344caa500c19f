"""The bounds a task runs under by default, in a module of their own so that a front end can
show them in ``--help`` without importing the engine."""

from __future__ import annotations

import os

DEFAULT_TIMEOUT = 30.0  # seconds a task may take before its worker process is killed
DEFAULT_MEMORY_MB = 4096  # address space of each worker process
# errors kept per record (0: all); every error is counted, the rest are left out of the record
# so that one instance broken everywhere cannot swell the results file by megabytes
DEFAULT_MAX_ERRORS = 100


def default_jobs() -> int:
    """Worker processes: one per core, at most four."""
    return max(1, min(4, os.cpu_count() or 1))
