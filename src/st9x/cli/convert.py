"""``st9x convert`` (one schema or instance through st9x's ST.97 converter) and the converter
suites of ``st9x run``; kept out of :mod:`st9x.cli` so that the main CLI only wires them in.

Outputs are complete or absent: each is written to a temporary file beside the target and
renamed into place, so a failed conversion never leaves half a file (and never clobbers an
existing one). Errors are one line naming the file and line; the exit code is 1 for a failed
conversion and 2 for a wrong command line.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson
from lxml import etree

from st9x.corpus.load import embedded_corpora_dir, load_corpus
from st9x.corpus.model import Corpus
from st9x.errors import St9xError, UsageError, one_line
from st9x.st97 import OPTIONS, PROFILES, Compilation, Mapper, compile_schema, jsonio
from st9x.st97.profiles import DIALECTS
from st9x.subjects.registry import select_converters
from st9x.subjects.validators.base import Adapter


def _conversion_options(parser: argparse.ArgumentParser, *, schema_required: bool) -> None:
    if schema_required:
        parser.add_argument("--schema", type=Path, required=True, metavar="SCHEMA.xsd",
                            help="the XSD the instance follows")
    parser.add_argument("--root", default="auto", metavar="NAME",
                        help="document root ({ns}Local, prefix:Local or Local; default: auto, "
                        "the schema's unreferenced global elements)")
    parser.add_argument("--profile", default="st97-v2", choices=PROFILES)
    parser.add_argument("--option", action="append", default=[], metavar="K=V",
                        help="converter option; repeatable: " + "; ".join(
                            f"{k}={'|'.join(v)}" for k, v in OPTIONS.items()))
    parser.add_argument("--dialect", default="2020-12", choices=sorted(DIALECTS),
                        help="JSON Schema dialect of the output (default: 2020-12); draft-07 "
                        "writes definitions, no $ref siblings and no unevaluatedProperties, "
                        "and defaults to regex-unicode=expand")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="OUT",
                        help="the file to write (complete or not at all)")


def add_convert_parser(sub: Any) -> None:
    """``st9x convert xsd|xml|json``."""
    p = sub.add_parser(
        "convert",
        help="convert an XSD to JSON Schema, or an instance XML <-> JSON (ST.97)",
        description="Convert with st9x's ST.97 converter. Outputs are written completely or "
        "not at all; an error is one line naming the file and line.",
    )
    kinds = p.add_subparsers(dest="convert_kind", required=True, metavar="KIND")
    k = kinds.add_parser("xsd", help="XSD -> JSON Schema (with the loss report)")
    k.add_argument("source", type=Path, metavar="SCHEMA.xsd")
    _conversion_options(k, schema_required=False)
    k.add_argument("--losses", type=Path, default=None, metavar="LOSSES.json",
                   help="also write the loss report (construct, location, reason)")
    k = kinds.add_parser("xml", help="XML instance -> JSON")
    k.add_argument("source", type=Path, metavar="DOC.xml")
    _conversion_options(k, schema_required=True)
    k = kinds.add_parser("json", help="JSON instance -> XML")
    k.add_argument("source", type=Path, metavar="DOC.json")
    _conversion_options(k, schema_required=True)


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """``st9x run --converter NAME`` and ``--converter-file FILE``."""
    parser.add_argument(
        "--converter", action="append", default=[], metavar="NAME",
        help="converter suite to run on the XML corpora with XSDs; repeatable; default: every "
        "installed converter; 'none' runs no converter suite",
    )
    parser.add_argument(
        "--converter-file", action="append", default=[], type=Path, metavar="FILE",
        help="TOML file of external-command converters ([converter.NAME] tables)",
    )


def _options(pairs: Sequence[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"--option {pair!r}: expected KEY=VALUE")
        out[key.strip()] = value.strip()
    return out


def _compile(args: argparse.Namespace, xsd: Path) -> Compilation:
    if not xsd.is_file():
        raise UsageError("schema file not found", path=xsd)
    try:
        return compile_schema(xsd, root=args.root or None, profile=args.profile,
                              options=_options(args.option), dialect=args.dialect)
    except ValueError as exc:  # an unknown profile, option or value: the command line's fault
        raise UsageError(one_line(str(exc))) from None


def write_output(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it into place."""
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=directory)
    except OSError as exc:
        raise St9xError(f"cannot write: {exc.strerror or exc}", path=path) from None
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise St9xError(f"cannot write: {exc.strerror or exc}", path=path) from None


def cmd_convert(args: argparse.Namespace) -> int:
    """Run one conversion; raises St9xError (exit 1) or UsageError (exit 2) for the caller."""
    source: Path = args.source
    if not source.is_file():
        raise UsageError("file not found", path=source)
    if args.convert_kind == "xsd":
        compilation = _compile(args, source)
        write_output(args.output, jsonio.dumps(compilation.schema, indent=True) + b"\n")
        if args.losses is not None:
            losses = [{"construct": x.construct, "location": x.location, "reason": x.reason}
                      for x in compilation.losses]
            write_output(args.losses, orjson.dumps(losses, option=orjson.OPT_INDENT_2) + b"\n")
        return 0
    compilation = _compile(args, args.schema)
    mapper = Mapper(compilation)
    if args.convert_kind == "xml":
        document = mapper.to_json(source)
        write_output(args.output, jsonio.dumps(document, indent=True) + b"\n")
        return 0
    try:
        document = jsonio.loads(source.read_bytes())
    except json.JSONDecodeError as exc:
        raise St9xError(f"not JSON: {exc.msg}", path=source, line=exc.lineno,
                        column=exc.colno) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise St9xError(f"cannot read: {exc}", path=source) from None
    try:
        element = mapper.to_xml(document)
    except St9xError as exc:
        exc.path = exc.path or str(source)
        raise
    write_output(args.output, etree.tostring(element, encoding="utf-8", xml_declaration=True,
                                             pretty_print=True))
    return 0


def _twin_corpora(corpora: Sequence[Corpus]) -> list[Corpus]:
    """Corpora holding JSON twins of the run's XML cases: the run's own, plus the embedded
    ``st97-core`` when the run did not load it (so ``--corpus st96-core`` still compares)."""
    have = {c.id for c in corpora}
    extra = []
    candidate = embedded_corpora_dir() / "st97-core"
    if "st97-core" not in have and candidate.is_dir():
        try:
            extra.append(load_corpus(candidate))
        except St9xError:  # no twins then: the comparison is evidence, not a requirement
            return []
    return extra


def run_converter_suites(
    args: argparse.Namespace, corpora: Sequence[Corpus], adapters: dict[str, Adapter],
    out_dir: Path, echo: Any,
) -> int:
    """The converter suites of ``st9x run``; returns the number of converter errors worth a
    non-zero exit (a converter that crashed on a schema), printing a short summary."""
    from st9x.engine.conversion import convertible_corpora, run_conversions

    converters = select_converters(args.converter or None, args.converter_file)
    chosen = convertible_corpora(corpora)
    if not converters or not chosen:
        return 0
    # bounded like the validations (F13), unless the user asked for everything in-process
    in_process = getattr(args, "in_process", False)
    try:
        result = run_conversions(chosen, converters, out_dir, adapters,
                                 twin_corpora=_twin_corpora(corpora),
                                 timeout=None if in_process else args.timeout,
                                 memory_mb=getattr(args, "memory_mb", None) or None,
                                 resume=bool(getattr(args, "resume", None)))
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM (the CLI turns it into this), as run does
        echo("st9x: interrupted in the converter suites: the validation results are complete; "
             "conversions.jsonl holds the records finished so far (st9x run --resume finishes "
             "the rest)")
        return 1
    summary = result.summary
    if result.resumed_records:
        echo(f"converter suites resumed: {result.resumed_records} records kept from the "
             "interrupted run")
    gaps = len({(g["converter"], g["case"], g["kind"]) for g in summary["gaps"]})
    echo(f"converter suites: {len(converters)} converter(s) x {len(chosen)} corpus/corpora; "
         f"{len(result.records)} records; {gaps} verdict gap(s); "
         f"{len(summary['schema_problems'])} schema conversion error(s); written: "
         f"{result.paths['records']}, {result.paths['summary']}, {result.paths['matrix']}")
    return 0
