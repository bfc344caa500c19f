"""The bulk validation figures of docs/performance: peak RSS and throughput of ``st9x
validate-bulk`` on TrademarkBags of given sizes, 1 and 2 workers, against lxml validating the
same records as one whole document.

    .venv/bin/python benchmarks/bulk_figures.py --size 100m --size 1g [--json FILE]

Bags are made once by ``st9x corpus bag`` machinery and cached in ``~/.cache/st9x/bags`` (the
first 1 GB bag takes about a minute more). Each run is a child process started by a wrapper
process that reads the peak RSS of its children (``RUSAGE_CHILDREN``: the command and its pool
workers), so nothing of this script's own memory counts. Measure on a quiet machine: the
figures are only as steady as the load beside them (``uptime`` is printed with them).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT.parent / "shared" / "corpora" / "wipo-st96-v6_0" / "schemas" / "Trademark_V6_0.xsd"
TMK = "{http://www.wipo.int/standards/XMLSchema/ST96/Trademark}"
#: Whole-document baselines parse the bag into memory: only for bags up to this size.
BASELINE_MAX = 300_000_000

_WRAPPER = (
    "import json, resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "wall = time.perf_counter() - t\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print(json.dumps({'code': done.returncode, 'peak_kb': peak, 'wall': wall,"
    " 'out': done.stdout, 'err': done.stderr}))\n"
)


@dataclass(frozen=True)
class BulkRun:
    size: int
    workers: int
    records: int
    seconds: float
    wall: float
    records_per_s: float
    mb_per_s: float
    peak_rss_mb: float


@dataclass(frozen=True)
class Baseline:
    size: int
    compile_s: float
    whole_parse_s: float
    whole_validate_s: float
    whole_mb_per_s: float
    records_mb_per_s: float


def bulk_run(bag: Path, workers: int) -> BulkRun:
    with tempfile.TemporaryDirectory(prefix="st9x-bulk-figures-") as out:
        command = [sys.executable, "-c", "import sys; from st9x.cli import main; "
                   "sys.exit(main())", "validate-bulk", str(bag), "--schema", str(SCHEMA),
                   "--out", out, "--workers", str(workers), "--quiet", "--format", "json"]
        done = subprocess.run([sys.executable, "-c", _WRAPPER, *command], capture_output=True,
                              text=True, check=True, stdin=subprocess.DEVNULL)
    report = json.loads(done.stdout)
    if report["code"] not in (0, 1):
        raise SystemExit(f"validate-bulk failed: {report['err']}")
    summary = json.loads(report["out"])
    return BulkRun(bag.stat().st_size, workers, summary["records"], summary["seconds"],
                   round(report["wall"], 2), summary["records_per_s"], summary["mb_per_s"],
                   round(report["peak_kb"] / 1024, 1))


def baseline(bag: Path) -> Baseline:
    """lxml on the same records without bulk machinery: the schema compiled, the bag parsed as
    one document and each record validated in the tree; and each record parsed and validated
    as a standalone document (its own namespace declarations)."""
    from st9x.corpus.bag import iter_records, read_layout

    started = time.perf_counter()
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    compile_s = time.perf_counter() - started
    size = bag.stat().st_size
    started = time.perf_counter()
    document = etree.parse(str(bag), etree.XMLParser(huge_tree=True))
    parsed = time.perf_counter()
    for record in document.getroot():
        schema.validate(record)
    validated = time.perf_counter()
    del document
    layout = read_layout(bag)
    declarations = layout.wrapper_open[layout.wrapper_open.index(b" ") : -1]
    standalone = []
    for raw in iter_records(layout):
        name = raw.data[1:].split(b">")[0].split()[0].rstrip(b"/")
        standalone.append(b"<" + name + declarations + raw.data[1 + len(name) :])
    started_records = time.perf_counter()
    for data in standalone:
        schema.validate(etree.fromstring(data))
    records_s = time.perf_counter() - started_records
    return Baseline(size, round(compile_s, 2), round(parsed - started, 2),
                    round(validated - parsed, 2), round(size / 1e6 / (validated - started), 2),
                    round(sum(map(len, standalone)) / 1e6 / records_s, 2))


def ratios(runs: list[dict[str, float]], baselines: list[dict[str, float]]) -> list[dict]:
    """Per bag size: bulk (1 worker) against lxml's whole-document throughput (the largest bag
    that had a baseline: the same records, the same schema), end to end and without the schema
    compile; and the 1 → 2 worker speed-up."""
    if not baselines:
        return []
    base = baselines[-1]
    out = []
    for size in sorted({run["size"] for run in runs}):
        by_workers = {run["workers"]: run for run in runs if run["size"] == size}
        one, two = by_workers.get(1), by_workers.get(2)
        row: dict[str, float] = {"size": size}
        if one:
            work = max(one["seconds"] - base["compile_s"], 1e-9)
            row["bulk_vs_whole"] = round(one["mb_per_s"] / base["whole_mb_per_s"], 3)
            row["bulk_vs_whole_without_compile"] = round(
                size / 1e6 / work / base["whole_mb_per_s"], 3)
        if one and two:
            row["speedup_1_to_2"] = round(one["seconds"] / two["seconds"], 3)
        out.append(row)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", action="append", default=[], help="bag size (100m, 1g)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    if not SCHEMA.is_file():
        raise SystemExit(f"needs the V6_0 Trademark schema at {SCHEMA}")
    from st9x.corpus.synth.bag import cached_bag, parse_bag_size

    figures: dict[str, object] = {"load": os.getloadavg(), "cpus": os.cpu_count(), "runs": [],
                                  "baselines": []}
    for text in args.size or ["100m"]:
        bag = cached_bag(SCHEMA, f"{TMK}TrademarkBag", parse_bag_size(text))
        for workers in args.workers:
            run = bulk_run(bag, workers)
            figures["runs"].append(asdict(run))  # type: ignore[attr-defined]
            print(json.dumps(asdict(run)), flush=True)
        if bag.stat().st_size <= BASELINE_MAX:
            base = baseline(bag)
            figures["baselines"].append(asdict(base))  # type: ignore[attr-defined]
            print(json.dumps(asdict(base)), flush=True)
    figures["ratios"] = ratios(figures["runs"], figures["baselines"])  # type: ignore[arg-type]
    print(json.dumps(figures["ratios"]), flush=True)
    figures["load_after"] = os.getloadavg()
    print(json.dumps({"load_before": figures["load"], "load_after": figures["load_after"]}))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
