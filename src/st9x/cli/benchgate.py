"""``st9x bench-gate``: the regression gate of the nightly benchmarks.

It compares a new pytest-benchmark run with the previous one (two files, or the latest two of
a storage folder) by each benchmark's ratio to its group's floor, and by absolute medians when
both ran on the same machine; see :mod:`st9x.matrix.benchgate`. The exit code is the contract
with CI: 0 no regression (or nothing to compare yet), 1 a regression, 2 an input it cannot
read (the file named on one line) or a bad command line.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from st9x.cli.console import echo, print_json
from st9x.cli.exitcodes import ExitCode
from st9x.errors import FormatError, UsageError


def register(sub: Any) -> None:
    from st9x.engine.limits import MEDIAN_FAIL, RATIO_FAIL

    p = sub.add_parser(
        "bench-gate",
        help="fail when a benchmark run is slower than the previous one beyond the noise",
        description="Compare a pytest-benchmark run (--benchmark-save or --benchmark-json) "
        "with the previous one. Every benchmark is compared by its ratio to its group's "
        "floor (the benchmark with extra_info floor=true, else the one named parse_only or "
        "parse-only, else for compile groups the first named lxml), which holds when the "
        "machine changes; when both runs were measured on the same machine (CPU brand, core "
        "count, system, Python, from machine_info) the absolute medians are compared too. "
        "A figure slower beyond its threshold is a regression. Saved runs are data: each "
        "file is checked against formats/benchmarks.schema.json.",
        epilog="Exit codes: 0 no regression, or no previous run to compare with (said on one "
        "line); 1 a regression; 2 a file that cannot be read or does not follow the format "
        "(named on one line), or a bad command line. Example (what tox -e bench does): "
        "st9x bench-gate --storage .benchmarks",
    )
    p.set_defaults(handler=cmd_bench_gate)
    p.add_argument("files", type=Path, nargs="*", metavar="FILE",
                   help="PREVIOUS NEW: two pytest-benchmark JSON files (instead of --storage)")
    p.add_argument("--storage", type=Path, metavar="DIR",
                   help="a pytest-benchmark storage folder (--benchmark-storage): the latest "
                   "run is compared with the one before it, by their recorded times")
    p.add_argument("--ratio-fail", type=float, default=RATIO_FAIL, metavar="PCT",
                   help=f"a ratio to the floor this many per cent above the previous run's "
                   f"is a regression (default: {RATIO_FAIL:g}, from the measured noise)")
    p.add_argument("--median-fail", type=float, default=MEDIAN_FAIL, metavar="PCT",
                   help=f"on the same machine, a median this many per cent above the "
                   f"previous run's is a regression (default: {MEDIAN_FAIL:g})")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="text (default) or json (one document, formats/bench-gate.schema.json)")


def cmd_bench_gate(args: argparse.Namespace) -> ExitCode:
    from st9x.matrix.benchgate import compare, describe
    from st9x.matrix.benchruns import read_saved_run, read_storage

    for name in ("ratio_fail", "median_fail"):
        value = getattr(args, name)
        if not 0 <= value < 10000:
            raise UsageError(f"--{name.replace('_', '-')} must be a percentage from 0 to 10000")
    if (args.storage is None) == (not args.files):
        raise UsageError("give either --storage DIR or two files, PREVIOUS NEW")
    try:
        if args.storage is not None:
            if not args.storage.is_dir():
                raise UsageError(f"--storage {args.storage}: not a folder")
            runs = read_storage(args.storage)
            if not runs:
                raise UsageError(f"--storage {args.storage}: no saved run in it")
            if len(runs) == 1:
                return _nothing_to_compare(args, runs[0].path)
            previous, current = runs[-2], runs[-1]
        else:
            if len(args.files) != 2:
                raise UsageError("two files, PREVIOUS NEW (or --storage DIR)")
            previous, current = (read_saved_run(p) for p in args.files)
    except FormatError as exc:  # an input the gate cannot judge: exit 2, not "regressed"
        raise UsageError(str(exc)) from None
    result = compare(previous, current, ratio_fail=args.ratio_fail,
                     median_fail=args.median_fail)
    if args.format == "json":
        print_json(_to_json(result))
    else:
        for line in describe(result):
            echo(line)
    return ExitCode.BROKEN if result.regressions else ExitCode.OK


def _nothing_to_compare(args: argparse.Namespace, only: Path) -> ExitCode:
    line = f"bench-gate: no previous run to compare {only} with: nothing gated"
    if args.format == "json":
        print_json({"previous": None, "current": str(only), "same_machine": None,
                    "changes": [], "regressions": 0, "notes": [line]})
    else:
        echo(line)
    return ExitCode.OK


def _to_json(result: Any) -> dict[str, Any]:
    return {
        "previous": str(result.previous.path),
        "current": str(result.current.path),
        "same_machine": result.same_machine,
        "changes": [
            {"group": c.group, "name": c.name, "kind": c.kind, "previous": c.previous,
             "current": c.current, "percent": round(c.percent, 3), "threshold": c.threshold,
             "regressed": c.regressed}
            for c in result.changes
        ],
        "regressions": len(result.regressions),
        "notes": list(result.notes),
    }
