"""The bounds every command that reads a user's schema or data runs under, declared once.

Two guarantees hold for each such command (``run``, ``validate``, ``convert``, ``corpus``):

* **The include gate.** A schema reaches only files under its allowed directories: by default
  the corpus that declares it (the nearest directory above it whose ``manifest.json`` lists
  it: the bound ``st9x run`` gives it) or else its own directory; or the directories named
  with ``--allow DIR`` (repeatable). Every
  ``include``/``import``/``redefine``/``override`` is checked by
  :func:`st9x.xmlsafe.schema_files` before any library loads the schema, so a schema cannot
  make a command read, and copy into its output, a file it was not given.
* **The time and memory bound.** The command's work runs in a child process killed after
  ``--timeout`` seconds, with ``--memory-mb`` of address space, as ``st9x run``'s workers are;
  ``--in-process`` is the explicit opt-out (for debugging: no time-out, no memory limit).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from st9x.options import add_cli_options

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
            "repeatable (default: the corpus whose manifest lists the schema, else the "
            "schema's own directory)",
        )


def allowed_roots(args: argparse.Namespace, schema: Path) -> tuple[Path, ...]:
    """The resolved ``--allow`` directories, or the default bound of ``schema``."""
    named = tuple(Path(directory).resolve() for directory in getattr(args, "allow", []))
    return named or default_roots(schema)


def default_roots(schema: Path) -> tuple[Path, ...]:
    """The corpus that declares ``schema`` (the nearest directory above it whose
    ``manifest.json`` lists it among its schemas), as ``st9x run`` bounds it; else the
    schema's own directory. A manifest that does not list the schema widens nothing, so a
    ``manifest.json`` dropped in a parent directory cannot open that directory to it."""
    entry = schema.resolve()
    for directory in entry.parents:
        listed = _declared_schemas(directory / "manifest.json")
        if any((directory / path).resolve() == entry for path in listed):
            return (directory,)
    return (entry.parent,)


def _declared_schemas(manifest: Path) -> list[str]:
    """The schema paths a corpus manifest declares; none for anything that is not one."""
    try:
        if not manifest.is_file() or manifest.stat().st_size > 16 * 1024 * 1024:
            return []
        document = json.loads(manifest.read_bytes())
        schemas = document.get("schemas", []) if isinstance(document, dict) else []
        paths = (s.get("path") for s in schemas if isinstance(s, dict))
        return [path for path in paths if isinstance(path, str)]
    except (OSError, ValueError):
        return []


def gate_schema(xsd: Path, roots: tuple[Path, ...]) -> tuple[Path, ...]:
    """Every file the XSD at ``xsd`` reaches, each checked to lie under ``roots``; a
    ``SchemaError`` naming the file and line otherwise."""
    from st9x.xmlsafe import schema_files

    return schema_files(xsd.resolve(), roots)


def bounded(args: argparse.Namespace, work: Callable[[], T], subject: Path) -> T:
    """``work()`` under the command's time-out and memory limit, or in this process with
    ``--in-process``; a time-out is one error naming ``subject``."""
    from st9x.engine.bounded import run_bounded

    if args.in_process:
        return work()
    return run_bounded(
        work, subject=subject, timeout=args.timeout, memory_mb=args.memory_mb or None
    )
