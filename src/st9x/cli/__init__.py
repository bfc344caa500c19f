"""The ``st9x`` command line: one front end on the engine (pytest is the other).

Exit codes: 0 every expectation met; 1 something broke (a failed or errored case, a corpus that
could not be loaded, a ledger entry that now passes); 2 the command line itself was wrong.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from st9x import __version__
from st9x.cli import corpus as cli_corpus
from st9x.cli.convert import add_convert_parser, add_run_options, cmd_convert
from st9x.corpus.load import default_corpus_paths, load_corpus
from st9x.corpus.model import Case, Corpus, SchemaSpec, data_format_of
from st9x.corpus.peer import KINDS as PEER_KINDS
from st9x.corpus.peer import PeerLoad, load_peer
from st9x.engine.executors import Executor, SerialExecutor
from st9x.engine.isolation import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT, ProcessExecutor, default_jobs
from st9x.engine.results import RESULTS_NAME, iter_results
from st9x.engine.tasks import Task
from st9x.engine.worker import Worker
from st9x.errors import St9xError, UsageError
from st9x.ledger import load_ledger
from st9x.runner import RunOutput, rebuild, run, twin_corpora
from st9x.subjects.registry import discover_adapters, select_adapters, select_converters


def _console(stderr: bool = False) -> Console:
    """A console that stays readable in CI logs: tables are not squeezed to 80 columns there."""
    console = Console(stderr=stderr, highlight=False, soft_wrap=True)
    if not console.is_terminal:
        console = Console(stderr=stderr, highlight=False, soft_wrap=True, width=200)
    return console


out = _console()
err = _console(stderr=True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="st9x",
        description="Validation test-suite and benchmark harness for WIPO ST.96 (XML) and ST.97 "
        "(JSON) data: runs corpora through validators and folds the results into compatibility "
        "matrices.",
        epilog="Exit codes: 0 all expectations met, 1 something broke, 2 bad command line.",
    )
    parser.add_argument("--version", action="version", version=f"st9x {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--external",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        help="TOML file describing external-command adapters ([adapter.NAME] tables; see README)",
    )

    p = sub.add_parser(
        "run",
        parents=[common],
        help="run corpora through adapters; write results and matrices",
        description="Run every selected case under every adapter of its format, writing "
        "results.jsonl (one record per case x adapter), summary.json and matrix.md.",
    )
    p.add_argument(
        "--corpus",
        action="append",
        default=[],
        metavar="PATH",
        help="corpus directory (with or without manifest.json) or embedded corpus id; "
        "repeatable; default: the embedded corpora",
    )
    p.add_argument(
        "--peer",
        action="append",
        nargs=2,
        default=[],
        metavar=("KIND", "PATH"),
        help=f"a peer conformance suite checkout to run ({' or '.join(PEER_KINDS)}); "
        "repeatable; with --peer and no --corpus, the embedded corpora are not run",
    )
    p.add_argument(
        "--sample",
        type=int,
        default=None,
        metavar="N",
        help="run at most N cases of each peer corpus, chosen by --seed (default: all)",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=0,
        metavar="K",
        help="the seed that chooses the --sample (default: 0); the same seed, the same cases",
    )
    p.add_argument(
        "--adapter",
        action="append",
        default=[],
        metavar="NAME",
        help="adapter to use; repeatable; default: every installed adapter",
    )
    p.add_argument(
        "--tag",
        action="append",
        default=[],
        metavar="T",
        help="only cases carrying tag T or breaking constraint kind T; repeatable",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=Path("reports/latest"),
        metavar="DIR",
        help="output directory (default: reports/latest)",
    )
    p.add_argument(
        "--ledger",
        type=Path,
        default=None,
        metavar="FILE",
        help="known-failures ledger (default: known-failures.json of the project)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar and no matrix on stdout")
    p.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help=f"worker processes (default: {default_jobs()})",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help="per case x adapter time-out, enforced by killing the worker process "
        f"(default: {DEFAULT_TIMEOUT:g})",
    )
    p.add_argument(
        "--memory-mb",
        type=int,
        default=DEFAULT_MEMORY_MB,
        metavar="MB",
        help=f"address-space limit of each worker process (default: {DEFAULT_MEMORY_MB})",
    )
    p.add_argument(
        "--in-process",
        action="store_true",
        help="run in this process: no isolation, no time-out (for debugging)",
    )
    p.add_argument(
        "--resume",
        type=Path,
        default=None,
        metavar="DIR",
        help="finish an interrupted run in DIR: keep its records, run only the missing "
        "ones with the same corpora, adapters, tags and converters",
    )
    add_run_options(p)

    p = sub.add_parser(
        "validate",
        parents=[common],
        help="validate one instance against one schema, readably",
        description="Validate INSTANCE against SCHEMA with every adapter of its format (or the "
        "named ones) and print each verdict with located errors.",
    )
    p.add_argument("instance", type=Path)
    p.add_argument("--schema", type=Path, required=True, help="XSD or JSON Schema file")
    p.add_argument("--adapter", action="append", default=[], metavar="NAME")
    p.add_argument("--root", default=None, help="XSD: required document root ({ns}Name or Name)")

    p = sub.add_parser(
        "adapters", parents=[common], help="list adapters, their libraries and dialects"
    )
    add_convert_parser(sub)
    p = sub.add_parser(
        "report",
        help="rebuild the matrices of an earlier run from its results files",
        description="Fold DIR/results.jsonl (and DIR/conversions.jsonl) into summary.json, "
        "matrix.md, conversion-summary.json and conversion-matrix.md again, judged with the "
        "given ledger, without running anything: after editing the ledger, or on results "
        "copied from another machine.",
    )
    p.add_argument("directory", type=Path, metavar="DIR", help="the output folder of st9x run")
    p.add_argument("--ledger", type=Path, default=None, metavar="FILE",
                   help="known-failures ledger (default: known-failures.json of the project)")
    p.add_argument("--quiet", action="store_true", help="no matrix on stdout")
    p = sub.add_parser("corpora", help="list corpora with their case counts")
    p.add_argument("--corpus", action="append", default=[], metavar="PATH")
    cli_corpus.add_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return {
            "run": cmd_run,
            "validate": cmd_validate,
            "adapters": cmd_adapters,
            "corpora": cmd_corpora,
            "report": cmd_report,
            "convert": cmd_convert,
            "corpus": lambda a: cli_corpus.cmd_corpus(a, out),
        }[args.command](args)
    except UsageError as exc:
        err.print(f"st9x: error: {exc}", markup=False)
        return 2
    except St9xError as exc:
        err.print(f"st9x: error: {exc}", markup=False)
        return 1


def _load_corpora(specs: Sequence[str]) -> tuple[list[Corpus], int]:
    """Load each corpus; one that fails is reported in one line and the others still run."""
    paths = list(specs) or [str(p) for p in default_corpus_paths()]
    if not paths:
        raise UsageError(
            "no corpus given and no embedded corpora found (set ST9X_CORPORA or use --corpus)"
        )
    corpora, failed = [], 0
    for spec in paths:
        try:
            corpora.append(load_corpus(spec))
        except St9xError as exc:
            err.print(f"st9x: error: {exc}", markup=False)
            failed += 1
    return corpora, failed


def _load_peers(args: argparse.Namespace) -> tuple[list[PeerLoad], int]:
    """Load each ``--peer`` suite; one that fails is reported and the others still run. What a
    suite leaves out (a missing test set, say) is printed, and kept in the results header."""
    peers, failed = [], 0
    for kind, path in args.peer:
        try:
            peer = load_peer(kind, path, sample=args.sample, seed=args.seed)
        except UsageError:
            raise
        except St9xError as exc:
            err.print(f"st9x: error: {exc}", markup=False)
            failed += 1
            continue
        for note in peer.notes:
            err.print(f"st9x: note: {kind}: {note}", markup=False)
        if peer.sample is not None:
            out.print(
                f"sampled: {kind}: {peer.cases} of {peer.total} cases (at most {peer.sample} per "
                f"corpus, chosen by seed {peer.seed})",
                markup=False,
            )
        peers.append(peer)
    return peers, failed


def _resume_selection(args: argparse.Namespace) -> None:
    """Take corpora, adapters, tags and converter suites from the interrupted run's header."""
    results = args.resume / RESULTS_NAME
    header = next(iter_results(results, check=False), None)
    if not header or header.get("type") != "header":
        raise UsageError("cannot resume: no results header", path=results)
    selection = header.get("selection", {})
    args.peer = [(p["kind"], p["path"]) for p in selection.get("peers", [])]
    args.sample = selection.get("sample")
    args.seed = selection.get("seed") or 0
    if args.peer:  # the peer corpora are loaded from their suites again, not from the cache
        args.corpus = selection.get("corpora", [])
    else:
        args.corpus = selection.get("corpora") or [c["path"] for c in header.get("corpora", [])]
    args.adapter = selection.get("adapters", [])
    args.tag = selection.get("tags", [])
    args.external = [Path(p) for p in selection.get("external", [])]
    # the converter suites run again as chosen then (a header written before converters were
    # recorded has no such key: the defaults, as that run had unless it named some)
    args.converter = selection.get("converters", [])
    args.converter_file = [Path(p) for p in selection.get("converter_files", [])]
    args.out = args.resume


def _stop_on_sigterm(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # handled like Ctrl-C: finished records are kept, matrices folded


def cmd_run(args: argparse.Namespace) -> int:
    if args.resume:
        _resume_selection(args)
    adapters = select_adapters(args.adapter, args.external)
    ledger = load_ledger(args.ledger)
    corpora, failed = _load_corpora(args.corpus) if args.corpus or not args.peer else ([], 0)
    named = [str(c.root.resolve()) for c in corpora]
    peers, peers_failed = _load_peers(args)
    failed += peers_failed
    corpora += [c for peer in peers for c in peer.corpora]
    selection = {
        "corpora": named,
        "adapters": sorted(adapters),
        "tags": list(args.tag),
        "external": [str(Path(p).resolve()) for p in args.external],
        "converters": list(args.converter),
        "converter_files": [str(Path(p).resolve()) for p in args.converter_file],
        "executor": "in-process" if args.in_process else "processes",
        "jobs": args.jobs or default_jobs(),
        "timeout": args.timeout,
        "memory_mb": args.memory_mb,
    }
    if args.peer:
        selection.update(
            peers=[peer.describe() for peer in peers], sample=args.sample, seed=args.seed
        )
    converters = select_converters(args.converter or None, args.converter_file)
    worker = Worker(adapters, converters, conversion_out=args.out,
                    twin_corpora=twin_corpora(corpora) if converters else ())
    if args.in_process:
        executor: Executor = SerialExecutor(worker)
    else:
        executor = ProcessExecutor(
            worker, jobs=selection["jobs"], timeout=args.timeout, memory_mb=args.memory_mb or None
        )
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    for corpus in corpora:
        for note in corpus.notes:
            err.print(f"st9x: warning: {note}", markup=False)
    show = not args.quiet and err.is_terminal
    progress = Progress(
        TextColumn("[bold]st9x run"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=err,
        transient=True,
        disable=not show,
    )
    with progress:
        bar = progress.add_task("", total=None)

        def on_plan(total: int) -> None:
            progress.update(bar, total=total)

        def on_record(task: Task, record: dict) -> None:
            progress.update(bar, advance=1, description=task.item_id)

        result = run(
            corpora,
            adapters,
            args.out,
            ledger=ledger,
            converters=converters,
            tags=args.tag,
            executor=executor,
            worker=worker,
            selection=selection,
            resume=bool(args.resume),
            on_record=on_record,
            on_plan=on_plan,
        )
    _print_outcome(result, quiet=args.quiet)
    if result.interrupted:
        err.print("st9x: interrupted: the results files hold every record finished so far "
                  "(st9x run --resume finishes the rest)")
        return 1
    return 1 if result.broken or failed else 0


def _print_outcome(result: RunOutput, *, quiet: bool) -> None:
    """The matrix (unless quiet), each broken expectation in one line, and the closing line."""
    summary = result.summary
    if not quiet:
        _print_matrix(summary)
    broken = [
        f"broken: {row['case']} [{row['adapter']}] expected {row['expected']}, got "
        f"{row['verdict']}: {row['first_error'] or ''}"
        for row in summary["failures"]
    ]
    conversions = result.conversion_summary
    if conversions is not None:
        broken += [f"broken: {row['item']} [{row['subject']}] {row['judgement']}: "
                   f"{row['problem'] or ''}" for row in conversions["failures"]]
    for line in broken[:25]:
        err.print(line, markup=False)
    if len(broken) > 25:
        where = result.paths["matrix"]
        err.print(f"... and {len(broken) - 25} more (see {where} and conversion-matrix.md)",
                  markup=False)
    if result.resumed_records or result.resumed_conversions:
        out.print(f"resumed: {result.resumed_records} validation records and "
                  f"{result.resumed_conversions} converter records kept from the interrupted run")
    validations = sum(1 for r in result.records)
    out.print(
        f"{validations} case x adapter runs; broken expectations: {summary['broken']}; "
        f"written: {result.paths['results']}, {result.paths['summary']}, {result.paths['matrix']}",
        markup=False,
    )
    if conversions is not None:
        gaps = len({(g["converter"], g["case"], g["kind"]) for g in conversions["gaps"]})
        out.print(
            f"converter suites: {len(conversions['converters'])} converter(s); "
            f"{len(result.conversion_records)} records; {gaps} verdict gap(s); "
            f"{len(conversions['schema_problems'])} schema conversion error(s); broken "
            f"expectations: {conversions['broken']}; written: {result.paths['conversions']}, "
            f"{result.paths['conversion_summary']}, {result.paths['conversion_matrix']}",
            markup=False,
        )


def cmd_report(args: argparse.Namespace) -> int:
    """Fold and write the matrices of an earlier run again from its results files."""
    result = rebuild(args.directory, load_ledger(args.ledger))
    _print_outcome(result, quiet=args.quiet)
    return 1 if result.broken else 0


def _print_matrix(summary: dict) -> None:
    columns = ("pass", "fail", "xfail", "xpass", "errored", "skipped", "unchecked")
    table = Table(title="adapter x corpus")
    table.add_column("corpus")
    table.add_column("adapter")
    for column in columns:
        table.add_column(column, justify="right")
    for corpus, per_adapter in summary["by_corpus"].items():
        for adapter, counts in per_adapter.items():
            table.add_row(corpus, adapter, *(str(counts[c]) for c in columns))
    out.print(table)
    if summary["disagreements"]:
        out.print(
            f"{len(summary['disagreements'])} case(s) where validators of the same format "
            "disagree (see matrix.md)"
        )


def cmd_validate(args: argparse.Namespace) -> int:
    instance: Path = args.instance
    fmt = data_format_of(instance)
    if fmt is None:
        raise UsageError("the instance must be a .xml or .json file", path=instance)
    if not args.schema.is_file():
        raise UsageError("schema file not found", path=args.schema)
    kind = "xsd" if fmt == "xml" else "json-schema"
    schema = SchemaSpec("cli", args.schema.stem, args.schema.resolve(), kind, root=args.root)
    adapters = {
        n: a for n, a in select_adapters(args.adapter, args.external).items() if a.format == fmt
    }
    if not adapters:
        raise UsageError(f"no {fmt} adapter selected")
    case = Case("cli", instance.stem, instance.resolve(), fmt, schema, source=str(instance))
    worker = Worker(adapters)
    status = 0
    for name in sorted(adapters):
        record = worker.run(Task(case, name))
        verdict = record["verdict"]
        style = {"valid": "green", "invalid": "red", "errored": "yellow", "skipped": "dim"}[verdict]
        out.print(f"[{style}]{verdict:8}[/{style}] {name}")
        for error in record["errors"]:
            where = error.get("location") or ""
            if error.get("line"):
                where = f"line {error['line']}" + (f", {where}" if where else "")
            out.print(f"         {where + ': ' if where else ''}{error['message']}", markup=False)
        if record["error_count"] > len(record["errors"]):
            out.print(f"         ... {record['error_count'] - len(record['errors'])} more")
        if verdict in ("invalid", "errored"):
            status = 1
    return status


def cmd_adapters(args: argparse.Namespace) -> int:
    found, broken = discover_adapters()
    adapters = select_adapters(None, args.external) if args.external else found
    table = Table(title="adapters")
    for column in ("name", "format", "library", "version", "dialects", "description"):
        table.add_column(column)
    for name in sorted(adapters):
        info = adapters[name].info()
        table.add_row(
            info.name,
            info.format,
            info.library,
            info.version,
            ", ".join(info.dialects),
            info.description,
        )
    out.print(table)
    for item in broken:
        err.print(f"unavailable: {item.name}: {item.reason}", markup=False)
    return 0


def cmd_corpora(args: argparse.Namespace) -> int:
    corpora, failed = _load_corpora(args.corpus)
    table = Table(title="corpora")
    for column in (
        "id",
        "path",
        "schemas",
        "cases",
        "valid",
        "invalid",
        "errored",
        "unknown",
        "pairs",
    ):
        table.add_column(column)
    for corpus in corpora:
        counts = corpus.counts()
        table.add_row(
            corpus.id,
            str(corpus.root),
            str(len(corpus.schemas)),
            str(len(corpus.cases)),
            *(str(counts.get(k, 0)) for k in ("valid", "invalid", "errored", "unknown")),
            str(len(corpus.pairs)),
        )
    out.print(table)
    return 1 if failed else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
