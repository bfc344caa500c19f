"""``st9x catalog-entry API.yaml``: the entry the WIPO API Catalog would show for an OpenAPI
document, or every field that keeps it from being complete.

The fields are read by :mod:`st9x.rules.st90.catalogmeta`, the module the ``catalog-metadata``
lint rules read them with, so this command and ``st9x lint openapi`` never disagree. A complete
entry is printed one field a line; otherwise each missing or invalid field is one line
``file:line:column: required|recommended: sentence``, the form editors jump to. ``--format
json`` prints one document of format ``catalog-entry``.

Exit codes: 0 the entry is complete, 1 a field is missing or invalid, 2 the document cannot be
read (not YAML or JSON, too large, no ``openapi``/``swagger`` field) or a bad command line.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from st9x.cli.console import add_format_option, echo, error, print_json
from st9x.cli.exitcodes import ExitCode
from st9x.errors import St9xError

if TYPE_CHECKING:
    from st9x.rules.st90.catalogmeta import CatalogEntry


def register(sub: Any) -> None:
    p = sub.add_parser(
        "catalog-entry",
        help="show the WIPO API Catalog entry of an OpenAPI document, or what it lacks",
        description="Read an OpenAPI document (Swagger 2.0, OpenAPI 3.0/3.1; YAML or JSON) and "
        "print the entry the WIPO API Catalog would show: title, description, version, OAS "
        "URL, product page, IP domain, service type, content type, languages and the OpenAPI "
        "version; or every missing or invalid field, one line each with file:line. Exit 0: "
        "complete; 1: a field is missing or invalid; 2: the document cannot be read, or a bad "
        "command line.",
    )
    p.set_defaults(handler=cmd_catalog_entry)
    p.add_argument("document", type=Path, metavar="API.yaml", help="the OpenAPI document")
    add_format_option(p)


def entry_json(entry: CatalogEntry) -> dict[str, Any]:
    """The entry as a ``catalog-entry`` document."""
    data = asdict(entry)
    data["problems"] = [asdict(p) for p in entry.problems]
    for key in ("ip_domains", "service_types", "content_types", "languages"):
        data[key] = list(data[key])
    data["complete"] = entry.complete
    return data


def text_lines(entry: CatalogEntry) -> list[str]:
    """The entry, one field a line; or its problems, one a line, located."""
    from st9x.rules.st90.catalogmeta import FIELDS

    if entry.problems:
        lines = []
        for problem in entry.problems:
            where = ":".join(str(p) for p in (entry.file, problem.line, problem.column)
                             if p is not None)
            need = "required" if problem.required else "recommended"
            lines.append(f"{where}: {need}: {problem.detail}")
        return lines
    lines = []
    for spec in FIELDS:
        value = getattr(entry, spec.name)
        shown = ", ".join(value) if isinstance(value, tuple) else value
        lines.append(f"{spec.label}: {shown}")
    lines.append(f"OpenAPI version: {entry.openapi_version}")
    return lines


def cmd_catalog_entry(args: argparse.Namespace) -> ExitCode:
    from st9x.cli.lint import shown_path
    from st9x.openapiload import load_openapi
    from st9x.rules.st90.catalogmeta import read_entry

    shown = shown_path(args.document)
    try:
        document = load_openapi(args.document)
    except St9xError as exc:
        error(str(exc).replace(str(args.document.resolve()), shown))
        return ExitCode.USAGE  # nothing to judge: the input itself is unusable
    if document.version is None:
        error(f"{shown}:1: not an OpenAPI document: it has neither an 'openapi' nor a "
              "'swagger' field")
        return ExitCode.USAGE
    entry = read_entry(document, shown)
    if args.format == "json":
        print_json(entry_json(entry))
    else:
        for line in text_lines(entry):
            echo(line)
    return ExitCode.OK if entry.complete else ExitCode.BROKEN
