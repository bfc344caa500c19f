"""Run-to-run noise of the benchmark suites, and the gate thresholds it implies.

The same suites are run ``--runs`` times, one child pytest after the other (each with
``--benchmark-json``); then, per benchmark, the spread of its median across the runs
(``max / min - 1``) and the spread of its ratio to its group's floor, and per group the largest
of each. The gate compares each run with the one before it, so what it sees of noise is the
slowdown between consecutive runs (``new / previous - 1``, for every benchmark and every pair of
consecutive runs); the thresholds are the 90th percentile of those slowdowns times a safety
factor, rounded up to 5 % (the maximum is printed too: on a shared, loaded machine one stalled
run makes it meaningless as a threshold):

    .venv/bin/python benchmarks/noise.py --runs 5                 # the default subset
    .venv/bin/python benchmarks/noise.py --runs 5 --json          # the figures as JSON
    .venv/bin/python benchmarks/noise.py --runs 5 -- benchmarks -k "not v6_compile"

Arguments after ``--`` replace the default pytest selection (files and ``-k``).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from st9x.matrix.benchruns import SavedRun, read_saved_run

ROOT = Path(__file__).resolve().parents[1]
#: short and representative: validators against parse-only floors (XML and JSON), converters
#: against lxml parse-only, and the harness against its bare loop
DEFAULT_SELECTION = (
    "benchmarks/test_validator_throughput.py",
    "benchmarks/test_conversion_throughput.py",
    "benchmarks/test_harness_overhead.py",
    "-k", "not compile and not schema_conversion and not bag-5000",
)
SAFETY = 2.0


@dataclass(frozen=True)
class Spread:
    group: str
    name: str
    floor: bool
    median_spread: float  # max / min - 1 over the runs
    ratio_spread: float  # the same for the ratio to the floor (0 for the floor itself)
    runs: int


def run_once(selection: list[str], out: Path) -> None:
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *selection,
           "--benchmark-only", f"--benchmark-json={out}"]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0 or not out.is_file():
        tail = (done.stdout + done.stderr).strip().splitlines()[-5:]
        raise SystemExit(f"noise: pytest failed ({done.returncode}): " + " | ".join(tail))


def spreads(runs: list[SavedRun]) -> list[Spread]:
    """Per benchmark present in every run: the spread of its median and of its ratio."""
    table: dict[tuple[str, str], list[tuple[float, float, bool]]] = {}
    for run in runs:
        for group in run.groups:
            for bench in group.benchmarks:
                table.setdefault((group.name, bench.name), []).append(
                    (bench.median, bench.ratio, bench.floor))
    out = []
    for (group, name), values in table.items():
        if len(values) != len(runs):
            continue
        medians = [v[0] for v in values]
        ratios = [v[1] for v in values]
        out.append(Spread(group, name, values[0][2], max(medians) / min(medians) - 1,
                          max(ratios) / min(ratios) - 1, len(values)))
    return out


def slowdowns(runs: list[SavedRun]) -> tuple[list[float], list[float]]:
    """What the gate would have measured between consecutive runs: every ratio (floors
    excepted) and every median, ``new / previous - 1``."""
    ratios: list[float] = []
    medians: list[float] = []
    for before, after in itertools.pairwise(runs):
        old = {(g.name, b.name): b for g in before.groups for b in g.benchmarks}
        for group in after.groups:
            for bench in group.benchmarks:
                prev = old.get((group.name, bench.name))
                if prev is None:
                    continue
                medians.append(bench.median / prev.median - 1)
                if not bench.floor:
                    ratios.append(bench.ratio / prev.ratio - 1)
    return ratios, medians


def p90(values: list[float]) -> float:
    return sorted(values)[int(0.9 * (len(values) - 1))] if values else 0.0


def threshold(spread: float) -> float:
    """Percent: the spread times :data:`SAFETY`, rounded up to a multiple of 5."""
    return float(max(5, math.ceil(spread * 100 * SAFETY / 5) * 5))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, metavar="N",
                        help="repeated runs of the suites (default: 5)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="keep each run's JSON in DIR (default: a temporary folder)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("selection", nargs="*", help="pytest selection (after --)")
    args = parser.parse_args(argv)
    if args.runs < 2:
        parser.error("--runs must be at least 2")
    selection = args.selection or list(DEFAULT_SELECTION)
    with tempfile.TemporaryDirectory(prefix="st9x-noise-") as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        runs = []
        for index in range(args.runs):
            started = time.monotonic()
            path = folder / f"run-{index + 1}.json"
            run_once(selection, path)
            runs.append(read_saved_run(path))
            print(f"run {index + 1}/{args.runs}: {time.monotonic() - started:.0f} s",
                  file=sys.stderr)
    rows = spreads(runs)
    ratio_steps, median_steps = slowdowns(runs)
    result = {
        "runs": args.runs,
        "selection": selection,
        "benchmarks": [asdict(r) for r in rows],
        "max_ratio_spread": max((r.ratio_spread for r in rows if not r.floor), default=0.0),
        "max_median_spread": max((r.median_spread for r in rows), default=0.0),
        "p90_ratio_slowdown": p90(ratio_steps),
        "p90_median_slowdown": p90(median_steps),
        "max_ratio_slowdown": max(ratio_steps, default=0.0),
        "max_median_slowdown": max(median_steps, default=0.0),
        "safety": SAFETY,
        "ratio_fail": threshold(p90(ratio_steps)),
        "median_fail": threshold(p90(median_steps)),
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{args.runs} runs of: {' '.join(selection)}")
    print("| group | benchmarks | max median spread | max ratio spread |")
    print("|---|---|---|---|")
    for group in dict.fromkeys(r.group for r in rows):
        mine = [r for r in rows if r.group == group]
        ratios = [r.ratio_spread for r in mine if not r.floor]
        ratio = f"{max(ratios) * 100:.1f} %" if ratios else "n/a"
        print(f"| {group} | {len(mine)} | {max(r.median_spread for r in mine) * 100:.1f} % "
              f"| {ratio} |")
    print(f"\nlargest spread over the runs: medians {result['max_median_spread'] * 100:.1f} %, "
          f"ratios {result['max_ratio_spread'] * 100:.1f} %")
    print(f"slowdown between consecutive runs: ratios p90 "
          f"{result['p90_ratio_slowdown'] * 100:.1f} % (max "
          f"{result['max_ratio_slowdown'] * 100:.1f} %), medians p90 "
          f"{result['p90_median_slowdown'] * 100:.1f} % (max "
          f"{result['max_median_slowdown'] * 100:.1f} %)")
    print(f"thresholds (p90 x{SAFETY:g}, rounded up to 5 %): --ratio-fail "
          f"{result['ratio_fail']:g} --median-fail {result['median_fail']:g}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
