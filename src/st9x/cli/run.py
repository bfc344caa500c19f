"""``st9x run``: corpora through validators and converters, written as results and matrices.

The options ``run`` shares with the pytest plugin (what to run, how to isolate it) come from
:mod:`st9x.options`; the rest (peer suites, output, resuming, converters) are its own.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from st9x.cli.console import echo, err, error, out, print_table
from st9x.cli.exitcodes import ExitCode
from st9x.cli.parallel import add_executor_options, check_executor
from st9x.engine.limits import default_jobs
from st9x.errors import St9xError, UsageError
from st9x.filelimit import DEFAULT_MAX_FILE_MB, ENV_VAR, max_file_mb
from st9x.options import add_cli_options

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from st9x.corpus.model import Corpus
    from st9x.corpus.peer import PeerLoad
    from st9x.engine.executors import Executor
    from st9x.engine.tasks import Task
    from st9x.engine.worker import Worker
    from st9x.runner import RunOutput
    from st9x.subjects.converters.base import Converter
    from st9x.subjects.linters.base import RuleLinter
    from st9x.subjects.linters.config import LintConfig

# the kinds of --peer suites (st9x.corpus.peer.KINDS, which a test keeps equal): named here so
# that building the parser imports no suite loader
PEER_KINDS = ("json-schema-test-suite", "w3c-xsd")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "run",
        help="run corpora through adapters; write results and matrices",
        description="Run every selected case under every adapter of its format, writing "
        "results.jsonl (one record per case x adapter), summary.json and matrix.md.",
    )
    p.set_defaults(handler=cmd_run)
    add_cli_options(p)
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
        "--out",
        type=Path,
        default=Path("reports/latest"),
        metavar="DIR",
        help="output directory (default: reports/latest)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar and no matrix on stdout")
    p.add_argument(
        "--max-file-mb",
        type=int,
        default=None,
        metavar="N",
        help=f"largest file st9x reads, in MiB; a larger instance is an errored case and a larger "
        f"schema is left out with a note (default: ${ENV_VAR} or {DEFAULT_MAX_FILE_MB})",
    )
    p.add_argument(
        "--jobs",
        "--workers",
        dest="jobs",
        type=int,
        default=None,
        metavar="N",
        help=f"worker processes, each compiling each schema once (default: {default_jobs()}); "
        "--workers is the same option, named as in the bulk commands",
    )
    add_executor_options(p)
    p.add_argument(
        "--no-floors",
        dest="floors",
        action="store_false",
        help="do not time each instance's parse alone (the floor validators' times are read "
        "against in the throughput matrix); it costs one more parse per instance, as much as "
        "lxml's whole validation of a large document",
    )
    p.add_argument(
        "--resume",
        type=Path,
        default=None,
        metavar="DIR",
        help="finish an interrupted run in DIR: keep its records, run only the missing "
        "ones with the adapters, tags and converter suites its header names. A results file is "
        "data: no path, command or plug-in is taken from it, so --corpus, --peer, --external "
        "and --converter-file are given again and must be the run's own (the same folders; "
        "TOML files with the same SHA-256); without --corpus the run must have been of the "
        "embedded corpora. A duplicated record, or one of a task the run does not plan, is "
        "refused naming its line",
    )
    p.add_argument(
        "--converter",
        action="append",
        default=[],
        metavar="NAME",
        help="converter suite to run on the selected XML cases with XSDs; repeatable; 'all' runs "
        "every installed converter, 'none' none; default: all on the embedded corpora, none on "
        "other corpora and peer suites (a run of an office's own data validates only)",
    )
    p.add_argument(
        "--lint",
        action="append",
        default=[],
        metavar="NAME",
        help="design-rule linter to run on the corpora's schema files (st96-xsd on XSDs and "
        "every file they include, st97-jsonschema on JSON Schemas and on every converter's "
        "generated schema); repeatable; 'all' runs every installed linter on every corpus, "
        "'none' none at all; default: the linters each corpus's manifest names (its \"lint\" "
        "list), which a NAME given here adds to. Writes lint.jsonl, lint-summary.json and "
        "lint-matrix.md",
    )
    p.add_argument(
        "--lint-config",
        type=Path,
        default=None,
        metavar="FILE",
        help="TOML lint configuration (disabled rules, suppressions with reasons); see st9x lint",
    )
    p.add_argument(
        "--converter-file",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        help="TOML file of external-command converters ([converter.NAME] tables)",
    )


def _load_peers(args: argparse.Namespace) -> tuple[list[PeerLoad], int]:
    """Load each ``--peer`` suite; one that fails is reported and the others still run. What a
    suite leaves out (a missing test set, say) is printed, and kept in the results header."""
    from st9x.corpus.peer import load_peer

    peers, failed = [], 0
    for kind, path in args.peer:
        try:
            peer = load_peer(kind, path, sample=args.sample, seed=args.seed)
        except UsageError:
            raise
        except St9xError as exc:
            error(exc)
            failed += 1
            continue
        for note in peer.notes:
            err.print(f"st9x: note: {kind}: {note}", markup=False)
        if peer.sample is not None:
            echo(
                f"sampled: {kind}: {peer.cases} of {peer.total} cases (at most {peer.sample} per "
                f"corpus, chosen by seed {peer.seed})"
            )
        peers.append(peer)
    return peers, failed


def _check_tags(corpora: list[Corpus], tags: list[str]) -> None:
    """A ``--tag`` that no case carries (as a tag or as the constraint kind it breaks) is a
    typo until shown otherwise: refused before anything runs."""
    present = {t for c in corpora for case in c.cases for t in (*case.tags, case.constraint)}
    missing = [t for t in tags if t not in present]
    if missing and corpora:
        raise UsageError(
            f"no case of the selected corpora carries tag(s) {', '.join(missing)} (nothing to "
            "run; `st9x corpora` and the manifests list the tags)"
        )


def _converters(
    args: argparse.Namespace,
    corpora: list[Corpus],
    select: Callable[[list[str] | None, list[Path]], dict[str, Converter]],
) -> dict[str, Converter]:
    """The converter suites of this run. Named ones (``--converter NAME|all``) always run. By
    default every installed converter runs on the embedded corpora, which are written to
    exercise them; on other data (an office's own package, a peer suite) a run validates only
    unless converters are named: converting every schema of a real package with every
    installed converter takes minutes, and is not what pointing st9x at a folder asks for."""
    from st9x.corpus.load import embedded_corpora_dir

    if args.converter or args.converter_file:
        return select(args.converter or None, args.converter_file)
    if args.peer:
        return {}
    base = embedded_corpora_dir().resolve()
    if corpora and all(base in c.root.resolve().parents for c in corpora):
        return select(None, [])
    err.print(
        "st9x: note: validating only; converter suites run on data other than the embedded "
        "corpora when named (--converter NAME, or --converter all)",
        markup=False,
    )
    return {}


def _linters(
    args: argparse.Namespace, corpora: Sequence[Corpus]
) -> tuple[dict[str, RuleLinter], dict[str, set[str]], LintConfig]:
    """The linters of the run, which corpora each lints (corpus id → linter names) and the
    configuration they apply. A corpus is linted by the linters its manifest names plus those
    of ``--lint`` (``all``: every installed one); ``--lint none`` lints nothing. A configuration
    entry naming an unknown rule, or an unknown ST.90 chapter (there or in a manifest's
    ``not_applicable``), is reported (one line each) and left out."""
    from st9x.subjects.linters.base import RuleLinter
    from st9x.subjects.linters.config import LintConfig, load_config
    from st9x.subjects.linters.not_applicable import from_corpora
    from st9x.subjects.registry import select_linters

    if "none" in args.lint:
        if args.lint != ["none"]:
            raise UsageError("--lint none cannot be combined with other linters")
        if args.lint_config:
            raise UsageError("--lint-config applies to linters, and --lint none runs none")
        return {}, {}, LintConfig()
    chosen = dict(select_linters(None if args.lint == ["all"] else args.lint)) if args.lint \
        else {}
    everywhere = set(chosen)
    named = sorted({name for corpus in corpora for name in corpus.lint} - everywhere)
    if named:
        installed = select_linters(None)
        for corpus in corpora:
            for name in corpus.lint:
                if name not in installed:
                    raise UsageError(
                        f"corpus {corpus.id!r} names linter {name!r}, which is not installed "
                        f"(installed: {', '.join(sorted(installed)) or 'none'})",
                        path=corpus.manifest)
        chosen.update({name: installed[name] for name in named})
    if not chosen:
        if args.lint_config:
            raise UsageError("--lint-config applies to linters: name them with --lint, or in "
                             "the corpus manifest's \"lint\" list")
        return {}, {}, LintConfig()
    for name, linter in chosen.items():
        if not isinstance(linter, RuleLinter):
            raise UsageError(f"linter {name!r} runs no rule table st9x can fold into a matrix")
    config = LintConfig()
    if args.lint_config:
        known = [rule.id for linter in chosen.values() for rule in linter.rules()]
        config = load_config(args.lint_config, known)
        for problem in config.problems:
            error(problem)
    # the ST.90 chapters the corpora's APIs leave out by choice, for the compatibility matrix
    choices, problems = from_corpora(corpora)
    for problem in problems:
        error(problem)
    config = config.with_choices(choices, problems)
    scope = {corpus.id: everywhere | set(corpus.lint) for corpus in corpora}
    return chosen, scope, config


def cmd_run(args: argparse.Namespace) -> ExitCode:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from st9x.cli.loading import load_corpora
    from st9x.cli.resume import file_fingerprints, resume_selection
    from st9x.engine.worker import Worker
    from st9x.ledger import load_ledger
    from st9x.runner import run, twin_corpora
    from st9x.subjects.registry import select_adapters, select_converters

    check_executor(args)
    if args.executor == "dask" and args.in_process:
        raise UsageError("--in-process runs in this process; --executor dask runs each task in a "
                         "child process of a Dask worker (choose one)")
    recorded = resume_selection(args) if args.resume else None
    adapters = select_adapters(args.adapter, args.external)
    ledger = load_ledger(args.ledger)
    corpora, failed = (
        load_corpora(args.corpus, args.expect, require_cases=True)
        if args.corpus or not args.peer
        else ([], 0)
    )
    _check_tags(corpora, args.tag)
    named = [str(c.root.resolve()) for c in corpora]
    peers, peers_failed = _load_peers(args)
    failed += peers_failed
    corpora += [c for peer in peers for c in peer.corpora]
    if recorded is not None:
        recorded.check(named, [(peer.kind, Path(peer.path)) for peer in peers])
    if failed and not corpora:
        return ExitCode.BROKEN  # each corpus that failed to load was reported; nothing is left
    selection = {
        "corpora": named,
        "adapters": sorted(adapters),
        "tags": list(args.tag),
        "expect": args.expect,
        "external": [str(Path(p).resolve()) for p in args.external],
        "external_sha256": file_fingerprints(args.external),
        "converters": list(args.converter),
        "converter_files": [str(Path(p).resolve()) for p in args.converter_file],
        "converter_files_sha256": file_fingerprints(args.converter_file),
        "executor": "dask" if args.executor == "dask" else
        "in-process" if args.in_process else "processes",
        "jobs": args.jobs or default_jobs(),
        "timeout": args.timeout,
        "memory_mb": args.memory_mb,
        "max_errors": args.max_errors,
        "max_file_mb": max_file_mb(),
        "floors": args.floors,
    }
    if args.scheduler:
        selection["scheduler"] = args.scheduler
    if args.peer:
        selection.update(
            peers=[peer.describe() for peer in peers], sample=args.sample, seed=args.seed
        )
    converters = _converters(args, corpora, select_converters)
    linters, lint_scope, lint_config = _linters(args, corpora)
    failed += len(lint_config.problems)
    if linters:
        selection.update(linters=sorted(linters), lint_config=str(args.lint_config or ""))
    worker = Worker(
        adapters,
        converters,
        conversion_out=args.out.resolve(),  # the same folder for a worker elsewhere (Dask)
        twin_corpora=twin_corpora(corpora) if converters else (),
        max_errors=args.max_errors,
        linters=linters,
        lint_config=lint_config,
        floors=args.floors,
    )
    executor = _executor(args, worker, selection["jobs"])
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
    try:
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
                require_tasks=True,
                linters=linters,
                lint_scope=lint_scope,
            )
    finally:
        close = getattr(executor, "close", None)
        if close is not None:
            close()  # a Dask client's connection, a kept worker process
    print_outcome(result, quiet=args.quiet)
    if result.interrupted:
        err.print(
            "st9x: interrupted: the results file holds every record finished so far, as does "
            "conversions.jsonl when converters ran (st9x run --resume finishes the rest)"
        )
        return ExitCode.BROKEN
    return ExitCode.BROKEN if result.broken or failed else ExitCode.OK


def _executor(args: argparse.Namespace, worker: Worker, jobs: int) -> Executor:
    """This process (``--in-process``), the local process pool, or the Dask cluster at
    ``--scheduler`` (each task in a child process of a Dask worker, with the pool's time-out and
    memory limit)."""
    from st9x.engine.executors import SerialExecutor
    from st9x.engine.isolation import ProcessExecutor

    if args.in_process:
        return SerialExecutor(worker)
    memory_mb = args.memory_mb or None
    if args.executor == "dask":
        from st9x.engine.dask_executor import DaskExecutor

        return DaskExecutor(worker, args.scheduler, timeout=args.timeout, memory_mb=memory_mb)
    return ProcessExecutor(worker, jobs=jobs, timeout=args.timeout, memory_mb=memory_mb)


def print_outcome(result: RunOutput, *, quiet: bool) -> None:
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
    linted = result.lint_summary
    if linted is not None:
        broken += [
            f"broken: {row['item']} [{row['subject']}] {row['judgement']}: {row['problem'] or ''}"
            for row in linted["failures"]
        ]
    if conversions is not None:
        broken += [
            f"broken: {row['item']} [{row['subject']}] {row['judgement']}: {row['problem'] or ''}"
            for row in conversions["failures"]
        ]
    for line in broken[:25]:
        err.print(line, markup=False)
    if len(broken) > 25:
        where = result.paths["matrix"]
        err.print(
            f"... and {len(broken) - 25} more (see {where} and conversion-matrix.md)",
            markup=False,
        )
    if result.resumed_records:
        out.print(f"resumed: {result.resumed_records} records kept from the interrupted run")
    if result.resumed_conversions:
        out.print(f"converter suites resumed: {result.resumed_conversions} records kept from the "
                  "interrupted run")
    validations = sum(1 for r in result.records)
    documents = summary.get("documents") or {}
    echo(
        f"{sum(documents.values())} documents: {documents.get('valid', 0)} valid, "
        f"{documents.get('invalid', 0)} invalid, {documents.get('errored', 0)} errored"
        + (f", {documents['skipped']} skipped" if documents.get("skipped") else "")
        + f" ({validations} case x adapter runs); broken expectations: {summary['broken']}; "
        f"written: {result.paths['results']}, {result.paths['summary']}, {result.paths['matrix']}"
    )
    if conversions is not None:
        gaps = len({(g["converter"], g["case"], g["kind"]) for g in conversions["gaps"]})
        echo(
            f"converter suites: {len(conversions['converters'])} converter(s); "
            f"{len(result.conversion_records)} records; {gaps} verdict gap(s); "
            f"{len(conversions['schema_problems'])} schema conversion error(s); broken "
            f"expectations: {conversions['broken']}; written: {result.paths['conversions']}, "
            f"{result.paths['conversion_summary']}, {result.paths['conversion_matrix']}"
        )
    if linted is not None:
        for unused in linted["unused_suppressions"]:
            err.print(f"st9x: note: the suppression of {unused['rule']} in {unused['path']} "
                      "matched nothing", markup=False)
        echo(
            f"lint: {len(linted['subjects'])} schema file(s) x linter; {linted['finding_count']} "
            f"failure(s), {linted['suppressed']} suppressed, {len(linted['errors'])} not "
            f"linted; broken expectations: {linted['broken']}; written: {result.paths['lint']}, "
            f"{result.paths['lint_summary']}, {result.paths['lint_matrix']}"
        )
        if "st90_matrix" in result.paths:
            echo(f"ST.90 compatibility matrix (API x chapter): written: "
                 f"{result.paths['st90_matrix_json']}, {result.paths['st90_matrix']}")


def _print_matrix(summary: dict) -> None:
    columns = ("pass", "fail", "xfail", "xpass", "errored", "skipped", "unchecked")
    print_table(
        "adapter x corpus",
        ("corpus", "adapter", *columns),
        (
            (corpus, adapter, *(counts[c] for c in columns))
            for corpus, per_adapter in summary["by_corpus"].items()
            for adapter, counts in per_adapter.items()
        ),
        justify=dict.fromkeys(columns, "right"),
    )
    if summary["disagreements"]:
        out.print(
            f"{len(summary['disagreements'])} case(s) where validators of the same format "
            "disagree (see matrix.md)"
        )
