"""``st9x diff OLD NEW``: what changed between two runs, as a gate for CI.

Both folders are read as data (:func:`st9x.matrix.runs.load_run`); the exit code says whether
the change is a regression under ``--fail-on``, so a CI job can compare a pull request's run
with the main branch's and fail on a new failure.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from st9x.cli.console import err, print_json
from st9x.cli.exitcodes import ExitCode
from st9x.errors import UsageError
from st9x.options import add_cli_options

_FAIL_ON = ("worse", "new-failures", "flips", "slower", "never")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "diff",
        help="what changed between two runs: flips, new and fixed failures, matrices, versions",
        description="Compare two output folders of st9x run (OLD, then NEW): judgements that "
        "flipped (validation records by case and adapter, converter checks by item and "
        "converter:check), new failures (fail, errored or xpass now; not before or absent "
        "before) and fixed ones, matrix cells that changed, subjects and corpora added or "
        "removed, library, adapter and converter versions and corpus contents that changed, "
        "and validation throughput per adapter changed beyond the measured noise. Each run "
        "is judged with the ledger it kept (ledger.json) unless --ledger gives one for both.",
        epilog="Exit codes: 0 no regression, 1 a regression under --fail-on (or a results "
        "folder that cannot be read), 2 bad command line. --fail-on (repeatable): worse "
        "(default: a new failure or a judgement flipped to a worse one: pass < xfail, "
        "unchecked < skipped < fail, errored, xpass), new-failures (only judgements broken "
        "now and not before), flips (any judgement flipped, either way), slower (an adapter "
        "slower beyond the noise), never (always 0). "
        "Example: st9x diff reports/main reports/latest --format markdown",
    )
    p.set_defaults(handler=cmd_diff)
    p.add_argument("old", type=Path, metavar="OLD", help="the earlier run's output folder")
    p.add_argument("new", type=Path, metavar="NEW", help="the later run's output folder")
    p.add_argument("--format", choices=("text", "markdown", "json"), default="text",
                   help="text (default), markdown, or json (one document, "
                   "formats/diff.schema.json)")
    p.add_argument("--fail-on", action="append", choices=_FAIL_ON, metavar="KIND",
                   help="what makes the exit code 1: " + ", ".join(_FAIL_ON) +
                   " (repeatable; default: worse)")
    p.add_argument("--min-change", type=float, default=10.0, metavar="PCT",
                   help="smallest throughput change reported, in per cent, however far "
                   "beyond the noise (default: 10)")
    add_cli_options(p, ("ledger",))


def cmd_diff(args: argparse.Namespace) -> ExitCode:
    from st9x.ledger import load_ledger
    from st9x.matrix.diff import FailOn, diff_runs
    from st9x.matrix.runs import load_run
    from st9x.report.diff import RENDERERS, to_json

    fail_on = [FailOn(k) for k in (args.fail_on or ["worse"])]
    if FailOn.NEVER in fail_on and len(set(fail_on)) > 1:
        raise UsageError("--fail-on never cannot be combined with another kind")
    if not 0 <= args.min_change < 1000:
        raise UsageError("--min-change must be a percentage from 0 to 1000")
    ledger = load_ledger(args.ledger) if args.ledger is not None else None
    old = load_run(args.old, ledger=ledger)
    new = load_run(args.new, ledger=ledger)
    diff = diff_runs(old, new, min_change=args.min_change / 100)
    if args.format == "json":
        print_json(to_json(diff))
    else:
        sys.stdout.write(RENDERERS[args.format](diff))
        sys.stdout.flush()
    reasons = diff.regressions(fail_on)
    if reasons:
        err.print(f"st9x diff: regression: {'; '.join(reasons)}", markup=False)
        return ExitCode.BROKEN
    return ExitCode.OK
