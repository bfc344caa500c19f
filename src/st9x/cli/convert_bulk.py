"""``st9x convert-bulk``: a bag of records to JSON Lines and back, streaming, in bounded memory.

XML → JSON: the bag is cut into byte-range chunks that start at a record
(:func:`st9x.corpus.bag.plan_chunks`), workers convert each record as a document whose root
is the record element (:func:`st9x.engine.bulk_convert.xml_chunk_to_jsonl`), and this process
alone writes the lines, in record order. JSON → XML: the JSON Lines file is cut at line
boundaries, each line becomes one record, and the records are written inside the bag root's
start and end tags. A record that fails is one located line on stderr and one entry in
``OUT.errors.jsonl``; the others are converted and the exit code is 1. An input that cannot be
read at all is one line and exit 2, and no output is written.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from st9x.cli.bounds import allowed_roots, gate_schema
from st9x.cli.bulk_files import FailureLog, PartialFile
from st9x.cli.console import add_format_option, echo, err, error, print_json
from st9x.cli.exitcodes import ExitCode
from st9x.cli.parallel import add_parallel_options, chunk_runner
from st9x.errors import InstanceError, St9xError, UsageError

XML_DECLARATION = b"<?xml version='1.0' encoding='UTF-8'?>\n"


def register(sub: Any) -> None:
    p = sub.add_parser(
        "convert-bulk",
        help="convert a bag of records to JSON Lines (one ST.97 document per record) or back",
        description="Convert a bag document (a TrademarkBag of 100,000 trademarks, say) record "
        "by record to JSON Lines, one ST.97 JSON document per line whose root is the record, "
        "or JSON Lines back to a bag, each record starting a line inside the bag's root. "
        "Streams in bounded memory; workers convert chunks, one writer keeps record order, "
        "so the output does not depend on --workers. A record that fails is reported "
        "(FILE:LINE: message on stderr, and OUT.errors.jsonl) and the rest is converted.",
        epilog="Exit codes: 0 every record converted, 1 some record failed (see "
        "OUT.errors.jsonl), 2 bad command line or unreadable input.",
    )
    p.set_defaults(handler=cmd_convert_bulk)
    p.add_argument("input", type=Path, metavar="INPUT",
                   help="an XML bag (--to json) or a JSON Lines file (--to xml)")
    p.add_argument("--schema", type=Path, required=True, metavar="XSD",
                   help="the XSD that declares the record element")
    p.add_argument("--to", choices=("json", "xml"), required=True,
                   help="json: XML bag -> JSON Lines; xml: JSON Lines -> XML bag")
    p.add_argument("--out", type=Path, required=True, metavar="FILE",
                   help="the output, written whole at the end (failures: FILE.errors.jsonl)")
    p.add_argument("--record", default=None, metavar="QNAME",
                   help="the record element ({ns}Local, prefix:Local or Local; default: the "
                   "bag root's name without 'Bag', e.g. Trademark in a TrademarkBag)")
    p.add_argument("--root", default=None, metavar="QNAME",
                   help="--to xml: the bag's root element ({ns}Local, prefix:Local or Local in "
                   "the record's namespace; default: the record's name with 'Bag')")
    p.add_argument("--converter", default="st97-v2", metavar="NAME",
                   help="one of st9x's ST.97 converters, as `st9x list` names them "
                   "(st97-v2, st97-v2-ordered, st97-v1-legacy, ...; default: st97-v2)")
    p.add_argument("--allow", action="append", type=Path, default=[], metavar="DIR",
                   help="a directory the schema's include/import may read from; repeatable "
                   "(default: the schema's corpus, else its own directory)")
    p.add_argument("--chunk-mb", type=float, default=4.0, metavar="N",
                   help="the input is cut into chunks of about N MB for the workers (default 4)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    add_parallel_options(p)
    add_format_option(p)


@dataclass
class _Tally:
    """What the writer has seen so far, for the progress bar and the summary."""

    records: int = 0
    failed: int = 0
    bytes: int = 0
    started: float = 0.0

    def rates(self) -> tuple[float, float, float]:
        seconds = max(time.perf_counter() - self.started, 1e-9)
        return seconds, self.records / seconds, self.bytes / seconds / 1e6


def cmd_convert_bulk(args: argparse.Namespace) -> ExitCode:
    from st9x.engine.bulk_convert import ConvertSubject

    source: Path = args.input
    if not source.is_file():
        raise UsageError("file not found", path=source)
    if not args.schema.is_file():
        raise UsageError("schema file not found", path=args.schema)
    if args.chunk_mb <= 0:
        raise UsageError("--chunk-mb must be positive")
    if args.out.resolve() == source.resolve():
        raise UsageError("--out is the input itself", path=args.out)
    profile, options, dialect = _converter(args.converter)
    gate_schema(args.schema, allowed_roots(args, args.schema))
    chunk_bytes = max(int(args.chunk_mb * (1 << 20)), 1)
    runner = chunk_runner(args)
    if args.to == "json":
        record, tasks = _xml_tasks(args, source, chunk_bytes, profile, options, dialect,
                                   keep=getattr(runner, "local", False))
    else:
        record = args.record or _strip_bag(args.root)
        root = args.root or record + "Bag"
        subject = ConvertSubject(args.schema, record, profile, options, dialect)
        tasks = _json_tasks(subject, source, chunk_bytes, root)
    tally = _Tally(started=time.perf_counter())
    failures = FailureLog(args.out)
    try:
        with PartialFile(args.out) as output:
            fn = _chunk_function(args.to)
            _write(runner.map(fn, tasks), output, failures, tally, args, source)
            output.commit()
        failures.commit()
    except BaseException:
        failures.discard()
        raise
    finally:
        runner.close()
    _summary(args, source, record, tally, failures, output.written)
    return ExitCode.BROKEN if tally.failed else ExitCode.OK


def _converter(name: str) -> tuple[str, tuple[tuple[str, str], ...], str]:
    """Profile, options and dialect of one of st9x's own ST.97 converters (the bulk path
    streams with st9x.st97; other converters convert whole documents)."""
    from st9x.subjects.converters.st97 import St97Converter
    from st9x.subjects.registry import CONVERTERS

    converter = CONVERTERS.select([name])[name]
    if not isinstance(converter, St97Converter):
        raise UsageError(f"--converter {name}: convert-bulk streams with st9x's ST.97 "
                         "converters only (st97-v2, st97-v2-ordered, ...)")
    return converter.profile, tuple(sorted(converter.options.items())), converter.dialect


def _strip_bag(root: str | None) -> str:
    if root is None:
        raise UsageError("--to xml needs --record or --root (the bag's root element)")
    if not root.endswith("Bag") or root.rsplit("}", 1)[-1].rsplit(":", 1)[-1] == "Bag":
        raise UsageError(f"cannot tell the records of {root}: name them (--record)")
    return root[: -len("Bag")]


def _xml_tasks(args: argparse.Namespace, source: Path, chunk_bytes: int, profile: str,
               options: tuple[tuple[str, str], ...], dialect: str,
               keep: bool = False) -> tuple[str, Iterator[Any]]:
    from st9x.corpus.bag import BagError, plan_chunks, read_layout
    from st9x.engine.bulk_convert import ConvertSubject, XmlChunkTask

    try:
        layout = read_layout(source, args.record)
    except BagError as exc:
        raise UsageError(exc.message, path=exc.path, line=exc.line) from None
    _check_closed(layout)
    subject = ConvertSubject(args.schema, layout.record, profile, options, dialect)

    def tasks() -> Iterator[XmlChunkTask]:
        try:
            for chunk in plan_chunks(layout, chunk_bytes, keep=keep):
                yield XmlChunkTask(subject, layout, chunk)
        except BagError as exc:
            raise UsageError(exc.message, path=exc.path, line=exc.line) from None

    return layout.record, tasks()


def _check_closed(layout: Any) -> None:
    """A bag whose root's end tag is not near its end was cut short (a truncated download):
    refused before anything is converted, rather than converted as far as it goes."""
    tail = 64 << 10
    with layout.path.open("rb") as handle:
        handle.seek(max(layout.size - tail, 0))
        end = handle.read()
    if layout.body_offset < layout.size and layout.wrapper_close not in end:
        raise UsageError(f"the bag's root is not closed in its last {tail >> 10} KiB "
                         "(a truncated file?)", path=layout.path)


def _json_tasks(subject: Any, source: Path, chunk_bytes: int, root: str) -> Iterator[Any]:
    from st9x.corpus.jsonlines import plan_line_chunks
    from st9x.engine.bulk_convert import JsonChunkTask

    try:
        for chunk in plan_line_chunks(source, chunk_bytes):
            yield JsonChunkTask(subject, source, chunk, root)
    except InstanceError as exc:
        raise UsageError(exc.message, path=exc.path, line=exc.line) from None


def _chunk_function(to: str) -> Any:
    from st9x.engine.bulk_convert import jsonl_chunk_to_xml, xml_chunk_to_jsonl

    return xml_chunk_to_jsonl if to == "json" else jsonl_chunk_to_xml


def _write(results: Iterator[Any], output: PartialFile, failures: FailureLog, tally: _Tally,
           args: argparse.Namespace, source: Path) -> None:
    """The one writer: chunks in order, their lines appended, their failures reported."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from st9x.engine.bulk_convert import RecordFailure

    show = not args.quiet and err.is_terminal
    progress = Progress(
        TextColumn("[bold]st9x convert-bulk"), BarColumn(), TimeElapsedColumn(),
        TextColumn("{task.description}"), console=err, transient=True, disable=not show,
    )
    close_tag: bytes | None = None
    with progress:
        bar = progress.add_task("", total=source.stat().st_size)
        for chunk in results:
            if args.to == "xml" and chunk.open_tag is not None and close_tag is None:
                output.write(XML_DECLARATION + chunk.open_tag)
                close_tag = chunk.close_tag
            output.write(chunk.data)
            for failure in chunk.failures:
                if args.to == "xml":  # numbered within its chunk by the worker
                    failure = RecordFailure(tally.records + failure.index, failure.offset,
                                            failure.line, failure.message)
                failures.add(failure)
                error(St9xError(failure.message, path=source, line=failure.line))
            tally.records += chunk.records
            tally.failed += len(chunk.failures)
            tally.bytes += chunk.size
            _seconds, per_s, mb_s = tally.rates()
            progress.update(bar, advance=chunk.size, description=(
                f"{tally.records:,} records, {per_s:,.0f} records/s, {mb_s:,.1f} MB/s"))
    if args.to == "xml":
        if close_tag is None:  # nothing converted: an empty bag under the root's name
            close_tag = _empty_bag(args, output)
        output.write(close_tag)


def _empty_bag(args: argparse.Namespace, output: PartialFile) -> bytes:
    """No record was converted, so no converter prefixes are known: the root alone."""
    from lxml import etree

    root = args.root or (args.record + "Bag")
    if not root.startswith("{") and ":" in root:
        root = root.split(":", 1)[1]
    element = etree.Element(root)
    element.text = "\n"
    whole = etree.tostring(element, encoding="utf-8")
    cut = whole.rindex(b"</")
    output.write(XML_DECLARATION + whole[:cut])
    return whole[cut:] + b"\n"


def _summary(args: argparse.Namespace, source: Path, record: str, tally: _Tally,
             failures: FailureLog, written: int) -> None:
    seconds, per_s, mb_s = tally.rates()
    if args.format == "json":
        print_json({
            "input": str(source), "output": str(args.out), "to": args.to, "record": record,
            "converter": args.converter, "records": tally.records,
            "converted": tally.records - tally.failed, "failed": tally.failed,
            "errors_file": str(failures.path) if tally.failed else None,
            "bytes_in": tally.bytes, "bytes_out": written, "seconds": round(seconds, 3),
            "records_per_s": round(per_s, 1), "mb_per_s": round(mb_s, 2),
        })
        return
    failed = (f"; {tally.failed:,} failed (see {failures.path})" if tally.failed else "")
    echo(f"st9x convert-bulk: {tally.records - tally.failed:,} of {tally.records:,} records "
         f"-> {args.out}{failed}; {tally.bytes / 1e6:,.1f} MB in {seconds:,.1f} s "
         f"({per_s:,.0f} records/s, {mb_s:,.1f} MB/s)")
