"""``st9x api-check``: live ST.90 conformance of a running API, as text, JSON or SARIF.

``st9x api-check --openapi API.yaml --base-url URL`` reads the OpenAPI document as untrusted
data (as ``st9x lint openapi`` does), probes the API at URL (requests schemathesis generates
from the document, and st9x's ST.90 behaviour probes: unknown resources, undeclared methods,
unsupported ``Accept``, paging) within the bounds, and judges the recorded exchanges with the
live rule table (``st9x.rules.st90_live``). Only the base URL's host and port are reached;
no redirect is followed. The report is one lint record for the API, printed like ``st9x
lint``'s.

Exit codes: 0 no finding at or above ``--fail-on`` (default: essential); 1 such a finding, a
rule that raised, or an API that cannot be reached (one line naming the URL); 2 a bad command
line or an OpenAPI document that cannot be used (one line naming the file).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from st9x.cli.console import echo, err, error, print_json
from st9x.cli.exitcodes import ExitCode
from st9x.errors import UsageError


def register(sub: Any) -> None:
    p = sub.add_parser(
        "api-check",
        help="check a running web API against its OpenAPI document and ST.90, live",
        description="Probe the API at --base-url, described by the OpenAPI document "
        "--openapi, and judge what it answers: requests generated from the document by "
        "schemathesis (GET operations only: examples, then values the document allows) and "
        "st9x's ST.90 probes (an unknown id on each retrieval path and an unknown path must "
        "give 404, a method the path does not offer 405 with Allow, an Accept the operation "
        "does not offer 406, limit/offset must page); every JSON response is validated "
        "against the declared response or error schema, and against the ST.97 JSON Schema "
        "its media type names in x-st97-schema. Requests go only to the base URL's host and "
        "port, one at a time, no redirect followed, within --max-requests and --time-limit; "
        "a request that hangs, resets or sends more than --max-body-mb is one finding naming "
        "the URL and the check goes on. Exit 0: no finding at or above --fail-on; 1: such a "
        "finding, or the API cannot be reached; 2: a bad command line or an OpenAPI document "
        "that cannot be used.",
    )
    p.set_defaults(handler=cmd_api_check)
    p.add_argument("--openapi", type=Path, required=True, metavar="FILE",
                   help="the API's OpenAPI document (Swagger 2.0, OpenAPI 3.0/3.1; YAML or "
                   "JSON; $refs followed locally, never fetched)")
    p.add_argument("--base-url", required=True, metavar="URL",
                   help="where the API runs, e.g. http://127.0.0.1:8000 (paths of the "
                   "document are appended to it)")
    p.add_argument("--format", choices=("text", "json", "sarif"), default="text",
                   help="text (default): URL: severity rule-id message; json: one document "
                   "(format lint-report); sarif: SARIF 2.1.0")
    p.add_argument("-o", "--output", type=Path, default=None, metavar="FILE",
                   help="write the report to FILE instead of stdout")
    p.add_argument("--max-requests", type=_positive_int, default=200, metavar="N",
                   help="send at most N requests (default: 200)")
    p.add_argument("--time-limit", type=_positive_float, default=60.0, metavar="S",
                   help="stop sending after S seconds in all (default: 60)")
    p.add_argument("--timeout", type=_positive_float, default=5.0, metavar="S",
                   help="seconds one request may wait for its answer, and again for its body "
                   "(default: 5)")
    p.add_argument("--max-body-mb", type=_positive_float, default=5.0, metavar="MB",
                   help="the largest response body read, in MiB; a larger one is cut off "
                   "and reported (default: 5)")
    p.add_argument("--rule", action="append", default=[], metavar="ID",
                   help="judge only this rule; repeatable")
    p.add_argument("--fail-on", choices=("essential", "recommended", "note"),
                   default="essential",
                   help="the lowest severity whose finding makes the exit code 1 "
                   "(default: essential)")
    p.add_argument("--quiet", action="store_true",
                   help="no progress bar, no notes and no closing line")


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def _write(args: argparse.Namespace, text: str) -> None:
    from st9x.cli.lint import _write as write

    write(args, text)


def cmd_api_check(args: argparse.Namespace) -> ExitCode:
    import orjson
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from st9x.cli.lint import shown_path
    from st9x.corpus.model import SchemaSpec
    from st9x.engine.lint import lint_record
    from st9x.engine.results import config_json, linter_json
    from st9x.errors import SchemaError
    from st9x.report.lint_output import rank, report_document, text_lines
    from st9x.report.sarif import sarif_log, sarif_run
    from st9x.subjects.apis.live.client import MIB, BadBaseUrl, Endpoint, LiveBounds
    from st9x.subjects.linters.config import LintConfig
    from st9x.subjects.linters.st90_live import St90LiveLinter

    try:
        Endpoint.parse(args.base_url)
    except BadBaseUrl as exc:
        raise UsageError(str(exc)) from None
    bounds = LiveBounds(args.max_requests, args.time_limit, args.timeout,
                        int(args.max_body_mb * MIB))
    show = not args.quiet and err.is_terminal
    progress = Progress(TextColumn("[bold]st9x api-check"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("{task.description}"), console=err, transient=True,
                        disable=not show)
    bar = progress.add_task("", total=bounds.max_requests)
    linter = St90LiveLinter(
        args.base_url, bounds,
        progress=lambda sent, what: progress.update(bar, completed=sent, description=what))
    known = {rule.id for rule in linter.rules()}
    unknown = [r for r in args.rule if r not in known]
    if unknown:
        raise UsageError(f"unknown rule(s): {', '.join(unknown)} (known: {', '.join(known)})")
    path: Path = args.openapi
    shown = shown_path(path)
    try:
        linter.load(path, (path.resolve().parent,))
    except SchemaError as exc:
        raise UsageError(str(exc).replace(str(path.resolve()), shown)) from None
    spec = SchemaSpec("api", args.base_url, path.resolve(), "openapi",
                      bounds=(path.resolve().parent,))
    with progress:
        record = lint_record(linter, spec, LintConfig(), rules=args.rule or None)
    record["path"] = shown
    if record["status"] != "ok":
        error(record["message"])
        return ExitCode.BROKEN
    if not args.quiet and linter.last is not None:
        for note in linter.last.notes:
            err.print(f"st9x api-check: note: {note}", markup=False)
    errored = sum(1 for f in record["findings"] if f["status"] == "errored")
    failing = sum(1 for f in record["findings"] if f["status"] == "fail"
                  and rank(f["severity"]) >= rank(args.fail_on))
    outcome = "errored" if errored else "fail" if failing else "pass"
    if args.format == "sarif":
        run = sarif_run(linter_json(linter), [record], Path.cwd())
        _write(args, orjson.dumps(sarif_log([run]), option=orjson.OPT_INDENT_2).decode() + "\n")
    elif args.format == "json":
        document = report_document(linter_json(linter), config_json(LintConfig()),
                                   args.fail_on, [record], [], [], outcome)
        if args.output is None:
            print_json(document)
        else:
            _write(args, orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        lines = text_lines(record, args.base_url)
        _write(args, "".join(line + "\n" for line in lines))
    if not args.quiet:
        sent = len(linter.last.exchanges) if linter.last else 0
        total = sum(1 for f in record["findings"] if f["status"] == "fail")
        err.print(f"st9x api-check: {args.base_url}: {sent} request(s), {total} finding(s) "
                  f"({failing} at or above {args.fail_on}), {errored} rule(s) raised",
                  markup=False)
    if args.output is not None and not args.quiet:
        echo(f"written: {args.output}")
    return ExitCode.BROKEN if errored or failing else ExitCode.OK
