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


#: The benchmark gate's default thresholds (``st9x bench-gate``), percent slower than the previous
#: saved run: the 90th percentile of the slowdowns between consecutive runs measured by
#: ``benchmarks/noise.py`` on the project machine (2 shared cores), times 2, rounded up to 5 %;
#: see docs/performance.md ("Run-to-run noise"). Here, beside the other defaults a front end
#: shows in ``--help``, so that ``st9x --help`` imports no folding code.
RATIO_FAIL = 135.0
MEDIAN_FAIL = 140.0
