"""``st9x validate-bulk``: bags validated record by record, or trees of instances file by file,
in bounded memory, with every record's verdict in ``DIR/bulk.jsonl``.

A bag (a document whose root is a ``...Bag``, or whose records ``--record`` names) is cut into
byte-range chunks that start at a record; each record is parsed on its own and validated
against its element's global declaration, so memory is bounded by a chunk whatever the bag's
size, and chunks run on ``--workers`` processes (or a Dask cluster). A directory is a tree of
instances, each file one record. One writer in this process writes the results in order as
chunks finish. Rerun with the same ``--out``, the records an earlier run judged with the same
adapter, schema and bytes are not judged again (their lines are carried over); results of
another adapter, schema or record element are not reused, which one note says.

Exit codes: 0 every record valid, 1 some record invalid or errored, 2 a bad command line or an
input that cannot be read at all (one line naming the file); a record that does not parse is
an ``errored`` record and the rest goes on.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from st9x.cli.console import add_format_option, echo, err, print_json
from st9x.cli.exitcodes import ExitCode
from st9x.cli.parallel import add_parallel_options, chunk_runner
from st9x.errors import FormatError, UsageError

if TYPE_CHECKING:
    from collections.abc import Callable

    from rich.progress import Progress

    from st9x.engine.bulk import ChunkResult
    from st9x.engine.bulk_results import Totals


def register(sub: Any) -> None:
    p = sub.add_parser(
        "validate-bulk",
        help="validate bags record by record, or trees of instances, in bounded memory",
        description="Validate each PATH against SCHEMA: a bag document (e.g. a TrademarkBag of "
        "100,000 trademarks) record by record against the record element's global "
        "declaration, or a directory tree of instances file by file (.xml with XSD adapters, "
        ".json with JSON Schema adapters). Every record's verdict, byte offset, line, digest, "
        "identifying element and located errors go to DIR/bulk.jsonl; a summary to stdout. "
        "Rerun with the same --out to judge only the records that changed.",
        epilog="Exit codes: 0 all valid, 1 some record invalid or errored, 2 bad command line "
        "or an unreadable input (one line naming the file), 130 interrupted (bulk.jsonl keeps "
        "the records finished so far; rerun to go on).",
    )
    p.set_defaults(handler=cmd_validate_bulk)
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="a bag or a directory")
    p.add_argument("--schema", type=Path, required=True, help="XSD or JSON Schema file")
    p.add_argument("--adapter", default="lxml",
                   help="validator adapter (default: lxml; a bag needs lxml, xmlschema-1.0 or "
                   "xmlschema-1.1)")
    p.add_argument("--record", default=None, metavar="QNAME",
                   help="the bag's record element ({ns}Name, prefix:Name or Name); default: "
                   "the root's name without 'Bag' (TrademarkBag: Trademark)")
    p.add_argument("--out", type=Path, default=Path("reports/bulk"), metavar="DIR",
                   help="output directory of bulk.jsonl (default: reports/bulk)")
    p.add_argument("--chunk-mb", type=float, default=8.0, metavar="N",
                   help="bytes of a bag per task, in MiB (default 8)")
    p.add_argument("--max-errors", type=int, default=20, metavar="N",
                   help="errors kept per record (all are counted; 0: keep all; default 20)")
    p.add_argument("--allow", action="append", type=Path, default=[], metavar="DIR",
                   help="a directory the schema's include/import may read from (repeatable)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    add_parallel_options(p)
    add_format_option(p)


def cmd_validate_bulk(args: argparse.Namespace) -> ExitCode:
    from st9x.cli.bounds import allowed_roots, gate_schema
    from st9x.corpus.bag import BagError
    from st9x.corpus.model import SchemaSpec
    from st9x.engine.bulk import BulkSubject, compiled_schema
    from st9x.engine.bulk_job import Job, open_input
    from st9x.engine.bulk_results import RESULTS_NAME, BulkWriter, JobIdentity, schema_digest
    from st9x.engine.bulk_resume import load_previous
    from st9x.engine.chunked import PoolChunks
    from st9x.subjects.registry import select_adapters
    from st9x.text import printable

    if args.chunk_mb <= 0 or args.max_errors < 0:
        raise UsageError("--chunk-mb must be positive and --max-errors at least 0")
    if not args.schema.is_file():
        raise UsageError("schema file not found", path=args.schema)
    adapter = select_adapters([args.adapter])[args.adapter]
    data_format = adapter.format
    roots = allowed_roots(args, args.schema)
    files = list(gate_schema(args.schema, roots)) if data_format == "xml" else [args.schema]
    kind = "xsd" if data_format == "xml" else "json-schema"
    schema = SchemaSpec("bulk", printable(args.schema.stem), args.schema.resolve(), kind,
                        bounds=roots)
    try:
        inputs = [open_input(path, printable(str(path)), args.record) for path in args.paths]
    except BagError as exc:
        raise UsageError(exc.message, path=exc.path, line=exc.line) from None
    if any(item.layout is not None for item in inputs) and data_format != "xml":
        raise UsageError(f"a bag is an XML document; {adapter.name} validates {data_format}")
    records = {item.layout.record for item in inputs if item.layout is not None}
    info = adapter.info()
    identity = JobIdentity(adapter.name, info.library, info.version, schema_digest(files),
                           ",".join(sorted(records)) or None)
    runner = chunk_runner(args)
    try:
        previous = load_previous(args.out, identity)
    except FormatError as exc:
        raise UsageError(exc.message, path=exc.path, line=exc.line) from None
    for note in previous.notes:
        err.print(f"st9x: note: {note}", markup=False)
    writer = BulkWriter(args.out / RESULTS_NAME)
    writer.header(identity, printable(str(args.schema)), len(files),
                  [item.shown for item in inputs])
    subject = BulkSubject(adapter, schema, args.max_errors)
    job = Job(subject, inputs, data_format, int(args.chunk_mb * (1 << 20)), previous, writer)
    started = time.perf_counter()  # the schema's compile counts in the run's time either way
    if isinstance(runner, PoolChunks) and not previous.records:
        # compiled once here, before the pool forks: every worker inherits it instead of
        # compiling it again (seconds for a large schema, times the workers, on shared cores).
        # Not when resuming: records kept from an earlier run need no schema at all.
        compiled_schema(subject)
    try:
        with _progress(args) as progress:
            total = sum(item.size(data_format) for item in inputs)
            totals = job.run(runner, _advance(progress, total), started)
    finally:
        runner.close()
        writer.close()
        previous.close()
    previous.remove()
    for problem in job.problems:
        err.print(f"st9x: error: {problem}", markup=False)
    _summary(args, totals, writer.path, len(job.problems))
    if job.problems:
        return ExitCode.USAGE
    broken = totals.counts["invalid"] + totals.counts["errored"]
    return ExitCode.BROKEN if broken else ExitCode.OK


def _progress(args: argparse.Namespace) -> Progress:
    """The bar on stderr: bytes of input done, records, records/s and MB/s; hidden with
    --quiet or when stderr is not a terminal (as ``st9x run``'s)."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("[bold]st9x validate-bulk"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=err,
        transient=True,
        disable=args.quiet or not err.is_terminal,
    )


def _advance(progress: Progress, total: int) -> Callable[[ChunkResult, int, Totals], None]:
    bar = progress.add_task("", total=total or None)

    def on_chunk(result: ChunkResult, span: int, totals: Totals) -> None:
        records_per_s, mb_per_s = totals.rates()
        progress.update(
            bar, advance=span,
            description=f"{totals.records:,} records  {records_per_s:,.0f} records/s  "
            f"{mb_per_s:,.1f} MB/s",
        )

    return on_chunk


def _summary(args: argparse.Namespace, totals: Totals, path: Path, unreadable: int) -> None:
    footer = totals.as_footer()
    if args.format == "json":
        print_json({**{k: v for k, v in footer.items() if k != "kind"},
                    "results": str(path), "unreadable_inputs": unreadable})
        return
    counts = ", ".join(f"{n:,} {verdict}" for verdict, n in footer["counts"].items()) or "none"
    echo(f"{footer['records']:,} records ({counts}); {footer['kept']:,} kept from an earlier "
         f"run; {footer['bytes'] / 1e6:,.1f} MB in {footer['seconds']:.1f} s "
         f"({footer['records_per_s']:,.0f} records/s, {footer['mb_per_s']:,.1f} MB/s)")
    echo(f"results: {path}")

