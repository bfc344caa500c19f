"""``st9x convert``: one schema or instance through st9x's ST.97 converter.

Outputs are complete or absent: each is written to a temporary file beside the target and
renamed into place, so a failed conversion never leaves half a file (and never clobbers an
existing one). Errors are one line naming the file and line; the exit code is 1 for a failed
conversion and 2 for a wrong command line. With ``--format json`` the command prints what it
wrote and the schema's losses by construct as one JSON document.

The conversion runs behind the include gate and under the time-out and memory limit of
:mod:`st9x.cli.bounds` (a schema reads nothing outside its directory or ``--allow``; the work
runs in a child process killed at ``--timeout``): the child returns the documents and this
process writes them, so a killed conversion writes nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from st9x.cli.bounds import add_bound_options, allowed_roots, bounded, gate_schema
from st9x.cli.console import add_format_option, err, print_json
from st9x.cli.exitcodes import ExitCode
from st9x.errors import St9xError, UsageError, one_line
from st9x.filelimit import read_limited
from st9x.outfiles import write_atomically

if TYPE_CHECKING:
    from st9x.st97 import Compilation
from st9x.st97.profiles import DIALECTS, OPTIONS, PROFILES

Output = tuple[Path, bytes]  # a file to write (or "-", standard output) and its content

# kind, what it converts, the source's metavar, whether it needs --schema (an instance does)
_KINDS = (
    ("xsd", "XSD -> JSON Schema (with the loss report)", "SCHEMA.xsd", False),
    ("xml", "XML instance -> JSON", "DOC.xml", True),
    ("json", "JSON instance -> XML", "DOC.json", True),
)


def _conversion_options(parser: argparse.ArgumentParser, *, schema_required: bool) -> None:
    if schema_required:
        parser.add_argument(
            "--schema",
            type=Path,
            required=True,
            metavar="SCHEMA.xsd",
            help="the XSD the instance follows",
        )
    parser.add_argument(
        "--root",
        default="auto",
        metavar="NAME",
        help="document root ({ns}Local, prefix:Local or Local; default: auto, "
        "the schema's unreferenced global elements)",
    )
    parser.add_argument("--profile", default="st97-v2", choices=PROFILES)
    parser.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="K=V",
        help="converter option; repeatable: "
        + "; ".join(f"{k}={'|'.join(v)}" for k, v in OPTIONS.items()),
    )
    parser.add_argument(
        "--dialect",
        default="2020-12",
        choices=sorted(DIALECTS),
        help="JSON Schema dialect of the output (default: 2020-12); draft-07 "
        "writes definitions, no $ref siblings and no unevaluatedProperties, "
        "and defaults to regex-unicode=expand",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        metavar="OUT",
        help="the file to write (complete or not at all, with the permissions any new file "
        "gets); '-' writes to standard output",
    )


def register(sub: Any) -> None:
    """``st9x convert xsd|xml|json``."""
    p = sub.add_parser(
        "convert",
        help="convert an XSD to JSON Schema, or an instance XML <-> JSON (ST.97)",
        description="Convert with st9x's ST.97 converter. Outputs are written completely or "
        "not at all; an error is one line naming the file and line.",
    )
    p.set_defaults(handler=cmd_convert)
    kinds = p.add_subparsers(dest="convert_kind", required=True, metavar="KIND")
    for kind, help_text, metavar, schema_required in _KINDS:
        k = kinds.add_parser(kind, help=help_text)
        k.add_argument("source", type=Path, metavar=metavar)
        _conversion_options(k, schema_required=schema_required)
        if kind == "xsd":
            k.add_argument(
                "--losses",
                type=Path,
                default=None,
                metavar="LOSSES.json",
                help="also write the loss report (construct, location, reason)",
            )
        add_bound_options(k)
        add_format_option(k)


def _options(pairs: Sequence[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"--option {pair!r}: expected KEY=VALUE")
        out[key.strip()] = value.strip()
    return out


def _compile(args: argparse.Namespace, xsd: Path) -> Compilation:
    from st9x.st97 import compile_schema

    gate_schema(xsd, allowed_roots(args, xsd))  # before xmlschema follows any include
    try:
        return compile_schema(
            xsd,
            root=args.root or None,
            profile=args.profile,
            options=_options(args.option),
            dialect=args.dialect,
        )
    except ValueError as exc:  # an unknown profile, option or value: the command line's fault
        raise UsageError(one_line(str(exc))) from None


def write_output(path: Path, data: bytes) -> None:
    """Write a converted document whole or not at all (a failed conversion keeps an existing
    output as it was); ``-`` is standard output, written once the document is complete."""
    if str(path) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    write_atomically(path, data)


def cmd_convert(args: argparse.Namespace) -> ExitCode:
    """Run one conversion; raises St9xError (exit 1) or UsageError (exit 2) for the caller."""
    source: Path = args.source
    if not source.is_file():
        raise UsageError("file not found", path=source)
    if args.format == "json" and str(args.output) == "-":
        raise UsageError("-o - writes the document to standard output; --format json would too")
    xsd = source if args.convert_kind == "xsd" else args.schema
    if not xsd.is_file():
        raise UsageError("schema file not found", path=xsd)
    _options(args.option)  # a malformed --option is the command line's fault: said at once
    documents, losses = bounded(args, lambda: _convert(args, xsd), source)
    for path, data in documents:
        write_output(path, data)
    written = [path for path, _data in documents]
    if args.format == "text":
        # one line on standard error, so that -o - leaves standard output to the document
        counted = _counted(losses)
        names = ", ".join("standard output" if str(p) == "-" else str(p) for p in written)
        total = sum(losses.values())
        error_line = f"st9x convert: wrote {names}; the schema conversion reported {total} loss(es)"
        err.print(error_line + (f" ({counted})" if counted else ""), markup=False)
    if args.format == "json":
        print_json(
            {
                "kind": args.convert_kind,
                "source": str(source),
                "schema": str(xsd),
                "written": [str(path) for path in written],
                "losses": dict(losses),
            }
        )
    return ExitCode.OK


def _convert(args: argparse.Namespace, xsd: Path) -> tuple[list[Output], Counter[str]]:
    """The documents one conversion writes and the schema's losses by construct: the work of
    the command, done where the time-out can stop it."""
    compilation = _compile(args, xsd)
    documents = _CONVERSIONS[args.convert_kind](args, compilation)
    return documents, Counter(loss.construct for loss in compilation.losses)


BRIEF_CONSTRUCTS = 5  # constructs named on the success line; --losses/--format json have all


def _counted(losses: Counter[str]) -> str:
    """``choice-order 63, choice-anyof 59, … and 13 more constructs``: the most frequent loss
    constructs, so the line stays one line on a schema that reports twenty kinds."""
    ranked = losses.most_common()
    named = ", ".join(f"{construct} {n}" for construct, n in ranked[:BRIEF_CONSTRUCTS])
    rest = len(ranked) - BRIEF_CONSTRUCTS
    return named + (f" and {rest} more construct(s)" if rest > 0 else "")


def _schema_to_json_schema(args: argparse.Namespace, compilation: Compilation) -> list[Output]:
    from st9x.st97 import jsonio

    schema = (args.output, jsonio.dumps(compilation.schema, indent=True) + b"\n")
    if args.losses is None:
        return [schema]
    losses = [
        {"construct": x.construct, "location": x.location, "reason": x.reason}
        for x in compilation.losses
    ]
    return [schema, (args.losses, orjson.dumps(losses, option=orjson.OPT_INDENT_2) + b"\n")]


def _xml_to_json(args: argparse.Namespace, compilation: Compilation) -> list[Output]:
    from st9x.st97 import Mapper, jsonio

    document = Mapper(compilation).to_json(args.source)
    try:
        data = jsonio.dumps(document, indent=True) + b"\n"
    except St9xError as exc:
        exc.path = exc.path or str(args.source)
        raise
    return [(args.output, data)]


def _json_to_xml(args: argparse.Namespace, compilation: Compilation) -> list[Output]:
    from lxml import etree

    from st9x.st97 import Mapper, jsonio

    source: Path = args.source
    try:
        document = jsonio.loads(read_limited(source, St9xError))  # refused unread if too large
    except json.JSONDecodeError as exc:
        raise St9xError(
            f"not JSON: {exc.msg}", path=source, line=exc.lineno, column=exc.colno
        ) from None
    except RecursionError:
        raise St9xError("not JSON st9x can read: nested too deeply", path=source) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise St9xError(f"cannot read: {exc}", path=source) from None
    try:
        element = Mapper(compilation).to_xml(document)
    except St9xError as exc:
        exc.path = exc.path or str(source)
        raise
    xml = etree.tostring(element, encoding="utf-8", xml_declaration=True, pretty_print=True)
    return [(args.output, xml)]


_CONVERSIONS: dict[str, Callable[[argparse.Namespace, Compilation], list[Output]]] = {
    "xsd": _schema_to_json_schema,
    "xml": _xml_to_json,
    "json": _json_to_xml,
}
