"""The exit codes of ``st9x``: the contract with CI, so every command returns one of these."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0  # every expectation met
    # something broke: a failed or errored case, a corpus that could not be loaded, a ledger
    # entry that now passes, a failed conversion
    BROKEN = 1
    USAGE = 2  # the command line itself was wrong
    # stopped by Ctrl-C or SIGTERM before the command could finish (128 + SIGINT, as a shell
    # reports it); a run interrupted while running cases keeps its records and exits 1
    INTERRUPTED = 130
