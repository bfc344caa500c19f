"""The ``st9x`` command line: one front end on the engine (pytest is the other).

Each command group lives in its own module, which adds its parser with ``register(sub)`` and
names its handler; :func:`main` only parses and dispatches. Exit codes:
:class:`~st9x.cli.exitcodes.ExitCode`.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from st9x import __version__
from st9x.cli import convert, corpus, listing, run, validate
from st9x.cli.console import error
from st9x.cli.exitcodes import ExitCode
from st9x.errors import St9xError, UsageError
from st9x.offline import offline

_COMMANDS = (run, validate, listing, convert, corpus)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="st9x",
        description="Validation test-suite and benchmark harness for WIPO ST.96 (XML) and ST.97 "
        "(JSON) data: runs corpora through validators and folds the results into compatibility "
        "matrices.",
        epilog="Exit codes: 0 all expectations met, 1 something broke, 2 bad command line.",
    )
    parser.add_argument("--version", action="version", version=f"st9x {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in _COMMANDS:
        command.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` and run its command; errors become one line on stderr and an exit code."""
    args = _parser().parse_args(argv)
    try:
        with offline():  # no command needs the network: whatever tries is refused at the socket
            return args.handler(args)
    except UsageError as exc:
        error(exc)
        return ExitCode.USAGE
    except St9xError as exc:
        error(exc)
        return ExitCode.BROKEN
