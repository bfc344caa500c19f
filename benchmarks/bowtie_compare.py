"""st9x and Bowtie side by side on one JSON-Schema-Test-Suite folder, with python-jsonschema.

Usage: python benchmarks/bowtie_compare.py [--suite PATH] [--dialect draft7] [--runs 5]

Bowtie (``pip install bowtie-json-schema``; not a test dependency) is the JSON Schema
community's harness; ``bowtie suite -i direct:python-jsonschema tests/<dialect>`` runs the same
folder through the same library in-process. This script runs both on the same files and

1. compares the verdicts test by test: each test is keyed by its schema, instance and
   description (so the two tools' orders and ids do not matter), and every test must get the
   same verdict (pass, fail, errored, skipped) from both; any difference is printed;
2. times whole runs, each tool as a user starts it (a fresh process, output written), ``--runs``
   times, and prints the median wall times and the ratio st9x/Bowtie. st9x is timed three ways:
   with a cold peer cache (a fresh ``ST9X_CACHE``: the suite's files are written first), warm
   (the default ``st9x run``: worker processes, per-case time-out), and ``--in-process``.

Exit status 1 when the verdicts differ.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
DEFAULT_SUITE = PROJECT.parent / "shared" / "peer-suites" / "JSON-Schema-Test-Suite"
BIN = Path(sys.executable).parent

Key = tuple[str, str, str]


def _key(schema: Any, instance: Any, description: str) -> Key:
    return (json.dumps(schema, sort_keys=True), json.dumps(instance, sort_keys=True), description)


def bowtie_verdicts(report: Path) -> Counter[tuple[Key, str]]:
    """(test key, judgement) pairs from a ``bowtie suite`` report (JSON Lines)."""
    cases: dict[int, dict[str, Any]] = {}
    out: Counter[tuple[Key, str]] = Counter()
    for line in report.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if "case" in row:
            cases[row["seq"]] = row["case"]
            continue
        if "seq" not in row or "implementation" not in row:
            continue
        case = cases[row["seq"]]
        tests = case["tests"]
        if row.get("skipped"):
            judgements = ["skipped"] * len(tests)
        elif "caught" in row or "context" in row:
            judgements = ["errored"] * len(tests)
        else:
            judgements = [
                "errored"
                if "valid" not in result
                else ("pass" if result["valid"] == test["valid"] else "fail")
                for test, result in zip(tests, row["results"], strict=True)
            ]
        for test, judgement in zip(tests, judgements, strict=True):
            out[_key(case["schema"], test["instance"], test["description"]), judgement] += 1
    return out


def st9x_verdicts(results: Path, suite: Path) -> Counter[tuple[Key, str]]:
    """(test key, judgement) pairs from an ``st9x run`` results file, keyed like Bowtie's by
    reading each record's source (``tests/draft7/x.json#/i/tests/j``) back from the suite."""
    files: dict[str, Any] = {}
    out: Counter[tuple[Key, str]] = Counter()
    for line in results.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record.get("type") != "record":
            continue
        relative, pointer = record["instance"].split("#/")
        if relative not in files:
            files[relative] = json.loads((suite / relative).read_text(encoding="utf-8"))
        index, _, test_index = pointer.split("/")
        case = files[relative][int(index)]
        test = case["tests"][int(test_index)]
        verdict = record["verdict"]
        judgement = (
            verdict
            if verdict in ("errored", "skipped")
            else ("pass" if (verdict == "valid") == test["valid"] else "fail")
        )
        out[_key(case["schema"], test["data"], test["description"]), judgement] += 1
    return out


def _timed(command: list[str], env: dict[str, str], stdout: Path | None = None) -> float:
    start = time.perf_counter()
    with open(stdout or os.devnull, "wb") as sink:
        subprocess.run(command, stdout=sink, stderr=subprocess.DEVNULL, env=env, check=False)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suite", type=Path, default=DEFAULT_SUITE)
    parser.add_argument("--dialect", default="draft7", help="tests/<folder> to run")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    folder = args.suite / "tests" / args.dialect
    if not folder.is_dir():
        print(f"no such suite folder: {folder}", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="bowtie-compare-"))
    env = {**os.environ, "ST9X_CACHE": str(work / "cache")}
    st9x = [str(BIN / "st9x"), "run", "--peer", "json-schema-test-suite", str(folder)]
    st9x += ["--adapter", "jsonschema", "--quiet", "--ledger", str(work / "ledger.json")]
    (work / "ledger.json").write_text('{"format": "st9x-ledger/1", "entries": []}')
    bowtie = [str(BIN / "bowtie"), "suite", "-i", "direct:python-jsonschema", str(folder)]

    report = work / "bowtie.jsonl"
    _timed(bowtie, env, report)
    _timed([*st9x, "--out", str(work / "st9x")], env)
    theirs = bowtie_verdicts(report)
    ours = st9x_verdicts(work / "st9x" / "results.jsonl", args.suite)
    print(f"tests: Bowtie {sum(theirs.values())}, st9x {sum(ours.values())}")
    for name, counts in (("Bowtie", theirs), ("st9x", ours)):
        totals = Counter()
        for (_, judgement), n in counts.items():
            totals[judgement] += n
        print(f"{name:6}: " + ", ".join(f"{totals[j]} {j}" for j in sorted(totals)))
    differences = (theirs - ours) + (ours - theirs)
    for (key, judgement), n in sorted(differences.items()):
        side = "Bowtie" if theirs[key, judgement] > ours[key, judgement] else "st9x"
        print(f"differs: {side} says {judgement} ({n}x) for {key[2]!r} schema={key[0][:80]}")

    timings: dict[str, list[float]] = {"bowtie": [], "st9x cold": [], "st9x": [], "st9x in-p": []}
    for run in range(args.runs):
        timings["bowtie"].append(_timed(bowtie, env))
        cold = {**env, "ST9X_CACHE": str(work / f"cold-{run}")}
        timings["st9x cold"].append(_timed([*st9x, "--out", str(work / "o1")], cold))
        timings["st9x"].append(_timed([*st9x, "--out", str(work / "o2")], env))
        timings["st9x in-p"].append(_timed([*st9x, "--out", str(work / "o3"), "--in-process"], env))
    base = statistics.median(timings["bowtie"])
    print(f"\nwall time over {args.runs} runs (median, min), {os.cpu_count()} CPUs:")
    for name, values in timings.items():
        median = statistics.median(values)
        print(
            f"  {name:10} {median:6.2f} s  (min {min(values):.2f} s)  "
            f"st9x/Bowtie {median / base:.2f}"
        )
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
