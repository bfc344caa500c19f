"""``st9x report``: the end of the pipeline, from results folders to what people read.

``st9x report DIR`` folds an earlier run's matrices again (after a ledger edit, or on results
copied from elsewhere); ``st9x report DIR... -o SITE`` renders the static site of the runs given
(the last is the one reported, earlier ones make its history and its diff); ``--check`` checks
results folders against the shipped formats without writing anything.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from st9x.cli.console import echo
from st9x.cli.exitcodes import ExitCode
from st9x.errors import UsageError
from st9x.options import add_cli_options


def register(sub: Any) -> None:
    p = sub.add_parser(
        "report",
        help="matrices again, or the static site, from the results of earlier runs",
        description="Without -o: fold DIR/results.jsonl (and DIR/conversions.jsonl) into "
        "summary.json, matrix.md, conversion-summary.json and conversion-matrix.md again, "
        "judged with the given ledger, without running anything. With -o SITE: render the "
        "static HTML site of the runs given (oldest first; the last is the one reported, the "
        "others give its history and its diff) into SITE; it works from file:// and any "
        "static host. Results folders are data: a record that is not the only one of its "
        "task, or that names a corpus or subject its header does not list, is refused naming "
        "its file and line.",
        epilog="example: st9x run && st9x report reports/latest -o reports/site",
    )
    p.set_defaults(handler=cmd_report)
    p.add_argument("directory", type=Path, nargs="+", metavar="DIR",
                   help="an output folder of st9x run (several: oldest first)")
    p.add_argument("-o", "--output", type=Path, metavar="SITE",
                   help="render the static site into this folder (created if absent)")
    p.add_argument("--benchmarks", type=Path, metavar="FILE",
                   help="with -o: a pytest-benchmark JSON file (--benchmark-json) whose ratios "
                   "to each group's parse-only floor the throughput page shows")
    p.add_argument("--benchmark-runs", type=Path, metavar="DIR",
                   help="with -o: a pytest-benchmark storage folder (--benchmark-storage, as "
                   "tox -e bench saves into): a page of each benchmark's ratio to its group's "
                   "floor across the saved runs, and the floors' medians; the latest run is "
                   "the throughput page's table unless --benchmarks gives one. Each file is "
                   "checked against formats/benchmarks.schema.json; an absent or empty folder "
                   "adds nothing")
    add_cli_options(p, ("ledger",))
    p.add_argument("--quiet", action="store_true",
                   help="no matrix on stdout (and no progress bar with -o)")
    p.add_argument("--summary-md", type=Path, metavar="FILE",
                   help="write a short Markdown summary of the last DIR (counts per corpus x "
                   "adapter, broken expectations, converter checks) to FILE, '-' for stdout; "
                   "fit for a CI step summary: --summary-md - >> \"$GITHUB_STEP_SUMMARY\"; "
                   "without -o, nothing else is written")
    p.add_argument("--check", action="store_true",
                   help="only check each DIR against st9x's formats (results.jsonl, "
                   "conversions.jsonl, lint.jsonl, summary.json, conversion-summary.json, "
                   "lint-summary.json, ledger.json; st90-matrix.json also against a refold of "
                   "the lint records): "
                   "one line per folder; exit 1 naming the file and line of the first "
                   "problem; writes nothing")
    p.add_argument("--source", type=Path, action="append", default=[], metavar="DIR",
                   help="with -o: a folder the case pages may show instances from (besides the "
                   "embedded corpora); repeatable. An instance is shown only when a file below "
                   "DIR (at the corpus folder the results name, at DIR/<instance> or "
                   "DIR/<corpus id>/<instance>) has the SHA-256 its record gives")


def cmd_report(args: argparse.Namespace) -> ExitCode:
    if args.check:
        return _check(args)
    if args.summary_md is not None:
        _summary_md(args)
        if args.output is None:
            return ExitCode.OK
    if args.output is not None:
        return _site(args)
    if args.benchmarks is not None or args.benchmark_runs is not None:
        raise UsageError("--benchmarks and --benchmark-runs go with -o SITE (they add pages "
                         "to the site)")
    if len(args.directory) != 1:
        raise UsageError("rebuilding matrices takes one DIR; give -o SITE to report on several")
    return _rebuild(args)


def _rebuild(args: argparse.Namespace) -> ExitCode:
    """Fold and write the matrices of an earlier run again from its results files."""
    from st9x.cli.run import print_outcome
    from st9x.ledger import load_ledger
    from st9x.runner import rebuild

    result = rebuild(args.directory[0], load_ledger(args.ledger))
    print_outcome(result, quiet=args.quiet)
    return ExitCode.BROKEN if result.broken else ExitCode.OK


def _site(args: argparse.Namespace) -> ExitCode:
    from st9x.ledger import load_ledger
    from st9x.matrix.runs import load_run
    from st9x.report.site import build_site

    ledger = load_ledger(args.ledger) if args.ledger is not None else None
    for folder in args.source:
        if not folder.is_dir():
            raise UsageError(f"--source {folder}: not a folder")
    runs = [load_run(d, ledger=ledger) for d in args.directory]
    options: dict[str, Any] = {}
    if args.benchmarks is not None:
        from st9x.matrix.throughput import read_benchmarks

        options["benchmarks"] = read_benchmarks(args.benchmarks)
    if args.benchmark_runs is not None:
        from st9x.matrix.benchruns import read_storage

        options["benchmark_runs"] = read_storage(args.benchmark_runs)
        echo(f"benchmarks: {len(options['benchmark_runs'])} saved run(s) in "
             f"{args.benchmark_runs}")
    # the runs' records are hundreds of thousands of objects that live to the end: kept out of
    # the collector's scans, rendering tens of thousands of pages is a third faster
    gc.freeze()
    with _progress(args.quiet) as progress:
        written = build_site(runs, args.output, progress=progress, sources=list(args.source),
                             **options)
    pages = sum(1 for p in written if p.suffix == ".html")
    echo(f"site: {pages} page(s), {len(written)} file(s) written to {args.output} "
         f"(open {args.output / 'index.html'})")
    return ExitCode.OK


def _check(args: argparse.Namespace) -> ExitCode:
    """Check results folders against the shipped formats; the first problem ends it (exit 1
    through :class:`~st9x.errors.FormatError`)."""
    from st9x.matrix.check import check_folder

    if args.output is not None or args.summary_md is not None or args.ledger is not None:
        raise UsageError("--check writes nothing: it takes no -o, --summary-md or --ledger")
    for directory in args.directory:
        echo(check_folder(directory).describe())
    return ExitCode.OK


def _summary_md(args: argparse.Namespace) -> None:
    """The Markdown step summary of the last folder given, to a file or stdout."""
    import sys

    from st9x.ledger import load_ledger
    from st9x.matrix.runs import load_run
    from st9x.outfiles import write_atomically
    from st9x.report.ci_summary import summary_markdown

    ledger = load_ledger(args.ledger) if args.ledger is not None else None
    text = summary_markdown(load_run(args.directory[-1], ledger=ledger))
    if str(args.summary_md) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        write_atomically(args.summary_md, text.encode("utf-8"))
@contextlib.contextmanager
def _progress(quiet: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr while the site is written, when stderr is a terminal."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from st9x.cli.console import err

    if quiet or not err.is_terminal:
        yield None
        return
    with Progress(TextColumn("site"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True) as bar:
        task = bar.add_task("pages", total=None)

        def advance(done: int, total: int) -> None:
            if done % 200 == 0 or done == total:
                bar.update(task, completed=done, total=total)

        yield advance
