"""The ``st9x`` command line: one front end on the engine (pytest is the other).

Each command group lives in its own module, which adds its parser with ``register(sub)`` and
names its handler; :func:`main` only parses and dispatches. Exit codes:
:class:`~st9x.cli.exitcodes.ExitCode`.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
from collections.abc import Iterator, Sequence

from st9x import __version__
from st9x.cli import (
    apicheck,
    benchgate,
    catalog,
    convert,
    convert_bulk,
    corpus,
    diff,
    lint,
    listing,
    report,
    run,
    serve,
    validate,
    validate_bulk,
)
from st9x.cli.console import err, error
from st9x.cli.exitcodes import ExitCode
from st9x.errors import St9xError, UsageError
from st9x.filelimit import limited_to
from st9x.offline import offline

_COMMANDS = (run, report, diff, validate, listing, convert, convert_bulk, corpus, lint, catalog,
             serve, apicheck, benchgate, validate_bulk)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="st9x",
        description="Validation test-suite and benchmark harness for WIPO ST.96 (XML), ST.97 "
        "(JSON) and ST.90 (web API) data: runs corpora through validators, converters and "
        "design-rule linters, checks running APIs, and folds the results into compatibility "
        "matrices.",
        epilog="Exit codes: 0 all expectations met, 1 something broke, 2 bad command line, "
        "130 interrupted (Ctrl-C, SIGTERM) before the command finished.",
    )
    parser.add_argument("--version", action="version", version=f"st9x {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in _COMMANDS:
        command.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` and run its command; errors become one line on stderr and an exit code.

    SIGTERM is turned into KeyboardInterrupt from the start, before any corpus is loaded: a
    command stopped while it loads, indexes or hashes (which may take long on a large corpus)
    prints one line and exits :attr:`ExitCode.INTERRUPTED`, never a traceback, and leaves
    nothing half-written (results files are opened only once loading is done). ``st9x run``
    stopped while cases run keeps its records and says so itself."""
    with _sigterm_interrupts():
        try:
            args = _parser().parse_args(argv)
            # no command needs the network: whatever tries is refused at the socket
            with limited_to(getattr(args, "max_file_mb", None)), offline():
                return args.handler(args)
        except UsageError as exc:
            error(exc)
            return ExitCode.USAGE
        except St9xError as exc:
            error(exc)
            return ExitCode.BROKEN
        except KeyboardInterrupt:
            err.print("st9x: interrupted", markup=False)
            return ExitCode.INTERRUPTED


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # handled like Ctrl-C


@contextlib.contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """SIGTERM raises KeyboardInterrupt inside the block; the handler before is put back after
    (``main`` also runs in-process, under pytest). Only the main thread may set handlers."""
    try:
        before = signal.signal(signal.SIGTERM, _stop)
    except ValueError:
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)
