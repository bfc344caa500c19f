"""The bounds a task runs under by default, in a module of their own so that a front end can
show them in ``--help`` without importing the engine."""

from __future__ import annotations

import os

DEFAULT_TIMEOUT = 30.0  # seconds a task may take before its worker process is killed
DEFAULT_MEMORY_MB = 4096  # address space of each worker process


def default_jobs() -> int:
    """Worker processes: one per core, at most four."""
    return max(1, min(4, os.cpu_count() or 1))
