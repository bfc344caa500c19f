"""``st9x validate``: one instance against one schema under every adapter of its format, with
each verdict and its located errors, for a person (text) or a script (``--format json``).

Each error of an invalid instance is printed as ``file:line:column: location: message``, the
form editors and CI annotations jump to; errors beyond ``--max-errors`` are counted in one line
saying how to see them all.

Each adapter runs in a worker process under ``--timeout`` and ``--memory-mb``, as in ``st9x
run`` (a pattern that sends Python's ``re`` backtracking is stopped, and reported as ``errored``
naming the instance); ``--in-process`` is the opt-out. The schema reads nothing outside its own
directory or the ``--allow`` directories."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from st9x.cli.bounds import add_bound_options, allowed_roots
from st9x.cli.console import add_format_option, echo, out, print_json
from st9x.cli.exitcodes import ExitCode
from st9x.errors import UsageError
from st9x.options import add_cli_options

if TYPE_CHECKING:
    from st9x.engine.records import ProblemJSON
    from st9x.engine.records import ValidationRecord as Record

_STYLES = {"valid": "green", "invalid": "red", "errored": "yellow", "skipped": "dim"}


def register(sub: Any) -> None:
    p = sub.add_parser(
        "validate",
        help="validate one instance against one schema, readably",
        description="Validate INSTANCE against SCHEMA with every adapter of its format (or the "
        "named ones) and print each verdict with located errors.",
    )
    p.set_defaults(handler=cmd_validate)
    p.add_argument("instance", type=Path)
    p.add_argument("--schema", type=Path, required=True, help="XSD or JSON Schema file")
    add_cli_options(p, ("adapter", "external", "max_errors"))
    p.add_argument("--root", default=None, help="XSD: required document root ({ns}Name or Name)")
    add_bound_options(p)
    add_format_option(p)


def cmd_validate(args: argparse.Namespace) -> ExitCode:
    from st9x.corpus.model import Case, SchemaSpec, data_format_of
    from st9x.engine.isolation import ProcessExecutor
    from st9x.engine.tasks import Task
    from st9x.engine.worker import Worker
    from st9x.subjects.registry import select_adapters
    from st9x.text import printable

    instance: Path = args.instance
    fmt = data_format_of(instance)
    if fmt is None:
        raise UsageError("the instance must be a .xml or .json file", path=instance)
    if not args.schema.is_file():
        raise UsageError("schema file not found", path=args.schema)
    kind = "xsd" if fmt == "xml" else "json-schema"
    # ids and the instance as printed are made from file names: printable (st9x.text)
    schema = SchemaSpec(
        "cli", printable(args.schema.stem), args.schema.resolve(), kind, root=args.root,
        bounds=allowed_roots(args, args.schema),
    )
    adapters = {
        n: a for n, a in select_adapters(args.adapter, args.external).items() if a.format == fmt
    }
    if not adapters:
        raise UsageError(f"no {fmt} adapter selected")
    shown = printable(str(instance))
    case = Case("cli", printable(instance.stem), instance.resolve(), fmt, schema, source=shown)
    worker = Worker(adapters, max_errors=args.max_errors)
    tasks = [Task(case, name) for name in sorted(adapters)]
    if args.in_process:
        results = map(worker.run, tasks)
    else:  # one worker, adapter after adapter: the schema's model is loaded once for all
        executor = ProcessExecutor(
            worker, jobs=1, timeout=args.timeout, memory_mb=args.memory_mb or None
        )
        results = executor.map(tasks)
    records: dict[str, Any] = {}
    for record in results:  # text: each verdict as soon as it is known
        name = record["adapter"]
        records[name] = record
        if args.format == "text":
            if len(records) == 1:
                _print_version_note(records[name])
            _print_verdict(name, records[name], shown)
    if args.format == "json":
        document: dict[str, Any] = {
            "instance": str(instance),
            "schema": str(args.schema),
            "format": fmt,
            "adapters": {
                name: {k: r[k] for k in ("verdict", "error_count", "errors_omitted", "errors")}
                for name, r in records.items()
            },
        }
        versions = next((r["st96"] for r in records.values() if "st96" in r), None)
        if versions is not None:
            document["st96"] = versions
        print_json(document)
    broken = any(r["verdict"] in ("invalid", "errored") for r in records.values())
    return ExitCode.BROKEN if broken else ExitCode.OK


def _print_version_note(record: Record) -> None:
    """Once per document, before any error: that it is of another ST.96 version than the
    schema, which explains most of what follows."""
    from rich.markup import escape

    from st9x.corpus.st96version import version_note

    versions = record.get("st96")
    note = version_note(record["instance"], versions) if versions else None
    if note:
        out.print(f"[yellow]note[/yellow]     {escape(note)}")


def _print_verdict(name: str, record: Record, instance: str) -> None:
    from rich.markup import escape

    verdict = record["verdict"]
    style = _STYLES[verdict]
    out.print(f"[{style}]{verdict:8}[/{style}] {escape(name)}")
    for error in record["errors"]:
        shown = _located(error, instance) if verdict == "invalid" else _named(error, instance)
        echo(f"         {shown}")
    omitted = record.get("errors_omitted", record["error_count"] - len(record["errors"]))
    if omitted:
        echo(f"         ... {omitted} more errors not shown (--max-errors 0 shows all)")


def _named(error: ProblemJSON, instance: str) -> str:
    """An errored record's message, which names the file it is about (the schema, say), or,
    when it names none (a time-out, a worker that died), prefixed with the instance."""
    message = error["message"]
    if message.startswith(("time-out:", "the validator's process")):
        return f"{instance}: {message}"
    return message


def _located(error: ProblemJSON, instance: str) -> str:
    """``file:line:column: location: message``, with what is known of the place.

    Only an invalid instance's errors are placed in it: an errored record's message names the
    file it is about itself (the schema, say), with its own line."""
    where = instance
    if error.get("line"):
        where += f":{error['line']}"
        if error.get("column"):
            where += f":{error['column']}"
    location = error.get("location")
    return f"{where}: {location + ': ' if location else ''}{error['message']}"
