"""The bounds every command that reads a user's schema or data runs under, declared once.

Two guarantees hold for each such command (``run``, ``validate``, ``convert``, ``corpus``):

* **The include gate.** A schema reaches only files under its allowed directories: its own
  directory by default, or the directories named with ``--allow DIR`` (repeatable). Every
  ``include``/``import``/``redefine``/``override`` is checked by
  :func:`st9x.xmlsafe.schema_files` before any library loads the schema, so a schema cannot
  make a command read, and copy into its output, a file it was not given.
* **The time and memory bound.** The command's work runs in a child process killed after
  ``--timeout`` seconds, with ``--memory-mb`` of address space, as ``st9x run``'s workers are;
  ``--in-process`` is the explicit opt-out (for debugging: no time-out, no memory limit).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from st9x.engine.bounded import run_bounded
from st9x.options import add_cli_options
from st9x.xmlsafe import schema_files

T = TypeVar("T")


def add_bound_options(parser: argparse.ArgumentParser, *, allow: bool = True) -> None:
    """``--timeout``, ``--memory-mb`` and ``--in-process`` (the options ``st9x run`` has), and
    ``--allow DIR`` for a command given a schema file."""
    add_cli_options(parser, ("in_process", "timeout", "memory_mb"))
    if allow:
        parser.add_argument(
            "--allow",
            action="append",
            type=Path,
            default=[],
            metavar="DIR",
            help="a directory the schema's include/import/redefine/override may read from; "
            "repeatable (default: the schema's own directory)",
        )


def allowed_roots(args: argparse.Namespace) -> tuple[Path, ...]:
    """The resolved ``--allow`` directories; empty means the schema's own directory."""
    return tuple(Path(directory).resolve() for directory in getattr(args, "allow", []))


def gate_schema(xsd: Path, roots: tuple[Path, ...] = ()) -> tuple[Path, ...]:
    """Every file the XSD at ``xsd`` reaches, each checked to lie under ``roots`` (empty: the
    schema's own directory); a ``SchemaError`` naming the file and line otherwise."""
    return schema_files(xsd.resolve(), roots or None)


def bounded(args: argparse.Namespace, work: Callable[[], T], subject: Path) -> T:
    """``work()`` under the command's time-out and memory limit, or in this process with
    ``--in-process``; a time-out is one error naming ``subject``."""
    if args.in_process:
        return work()
    return run_bounded(
        work, subject=subject, timeout=args.timeout, memory_mb=args.memory_mb or None
    )
