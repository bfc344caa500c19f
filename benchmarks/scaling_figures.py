"""Scaling with workers, and a Dask LocalCluster against the process pool, on this machine.

Measures (wall time, best and median of ``--repeat`` runs, with the load average around them):

- ``st9x run`` of the embedded corpora, validation only (``--converter none --lint none``;
  ``--full`` for the default run with converters and linters, whose longest single tasks, the
  live ST.90 check among them, bound any pool), with
  ``--workers 1`` and ``--workers 2``, each in a fresh process as a user runs it, and with
  ``--executor dask`` against a ``LocalCluster`` of 2 worker processes (1 thread each) that
  this script starts first (its start-up is reported apart);
- bulk judging of a generated bag (records of a small schema, some invalid, some broken):
  :func:`st9x.engine.bulk.judge_chunk` over the bag's chunks by ``SerialChunks``,
  ``PoolChunks(2)`` and ``DaskChunks`` on the same cluster (cold: each worker compiles the
  schema on its first chunk; warm: a second pass).

Usage::

    .venv/bin/python benchmarks/scaling_figures.py [--repeat 3] [--records 60000]
        [--full] [--json reports/scaling.json]

The figures are wall-clock times on a shared machine: read them beside the load average the
script prints, and re-run on a quiet machine for the record.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

XSD = b"""<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:b="urn:bag"
           targetNamespace="urn:bag" elementFormDefault="qualified">
  <xs:element name="Item"><xs:complexType><xs:sequence>
    <xs:element name="ApplicationNumberText">
      <xs:simpleType><xs:restriction base="xs:string">
        <xs:pattern value="A-[0-9]+"/>
      </xs:restriction></xs:simpleType>
    </xs:element>
    <xs:element name="Name" type="xs:string" maxOccurs="10"/>
    <xs:element name="Count" type="xs:nonNegativeInteger"/>
    <xs:element name="Date" type="xs:date"/>
  </xs:sequence></xs:complexType></xs:element>
</xs:schema>
"""


@dataclass
class Figure:
    """One measured configuration: wall seconds of every repeat, and what was measured."""

    name: str
    seconds: list[float]
    cpu_seconds: float  # CPU of the child processes over all repeats (st9x run only)
    units: int  # records (bulk) or case x subject runs (st9x run)

    @property
    def best(self) -> float:
        return min(self.seconds)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def _timed(fn: Callable[[], int], repeat: int, name: str) -> Figure:
    seconds, units = [], 0
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    for _ in range(repeat):
        start = time.perf_counter()
        units = fn()
        seconds.append(round(time.perf_counter() - start, 3))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    figure = Figure(name, seconds, round(cpu, 2), units)
    print(f"{name:<42} best {figure.best:7.2f} s  median {figure.median:7.2f} s  "
          f"({units} units; load {os.getloadavg()[0]:.2f})", flush=True)
    return figure


def _st9x_run(out: Path, *options: str) -> Callable[[], int]:
    def run() -> int:
        done = subprocess.run(
            [sys.executable, "-c", "from st9x.cli import main; raise SystemExit(main())",
             "run", "--quiet", "--out", str(out), *options],
            cwd=ROOT, capture_output=True, text=True,
        )
        if done.returncode not in (0, 1):
            raise SystemExit(f"st9x run {' '.join(options)} failed:\n{done.stderr}")
        footer = json.loads((out / "results.jsonl").read_text().splitlines()[-1])
        return int(footer["records"])

    return run


def _bag(folder: Path, records: int) -> Path:
    def item(n: int) -> str:
        number = f"A-{n}" if n % 7 else f"B-{n}"
        names = "".join(f"<b:Name>name {n} {k}</b:Name>" for k in range(1 + n % 5))
        close = "Date" if n % 997 else "Wrong"
        return (f"  <b:Item><b:ApplicationNumberText>{number}</b:ApplicationNumberText>{names}"
                f"<b:Count>{n if n % 11 else -1}</b:Count><b:Date>2024-01-{1 + n % 28:02d}"
                f"</b:{close}></b:Item>")

    (folder / "bag.xsd").write_bytes(XSD)
    path = folder / "bag.xml"
    with path.open("w", encoding="utf-8") as handle:
        handle.write('<?xml version="1.0"?>\n<b:ItemBag xmlns:b="urn:bag">\n')
        for n in range(records):
            handle.write(item(n) + "\n")
        handle.write("</b:ItemBag>\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--records", type=int, default=60_000, help="records of the bulk bag")
    parser.add_argument("--chunk-kb", type=int, default=256, help="bytes per bulk chunk, in KiB")
    parser.add_argument("--full", action="store_true",
                        help="st9x run as by default: converter suites and linters too")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    args = parser.parse_args()

    from distributed import Client, LocalCluster

    from st9x.corpus.bag import plan_chunks, read_layout
    from st9x.corpus.model import SchemaSpec
    from st9x.engine.bulk import BulkSubject, ChunkTask, judge_chunk
    from st9x.engine.chunked import ChunkRunner, PoolChunks, SerialChunks
    from st9x.engine.dask_chunks import DaskChunks
    from st9x.subjects.registry import select_adapters

    print(f"cores: {os.cpu_count()}; load before: {os.getloadavg()}", flush=True)
    figures: list[Figure] = []
    started = time.perf_counter()
    cluster = LocalCluster(n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1",
                           dashboard_address=None,
                           scheduler_kwargs={"dashboard": False,
                                             "dashboard_address": "127.0.0.1:0"})
    client = Client(cluster)
    client.wait_for_workers(2)
    cluster_start = round(time.perf_counter() - started, 2)
    print(f"LocalCluster start-up: {cluster_start} s", flush=True)
    try:
        with tempfile.TemporaryDirectory(prefix="st9x-scaling-") as scratch:
            folder = Path(scratch)
            run = () if args.full else ("--converter", "none", "--lint", "none")
            for name, options in (
                ("st9x run --workers 1", ("--workers", "1")),
                ("st9x run --workers 2", ("--workers", "2")),
                ("st9x run --executor dask (2 workers)",
                 ("--executor", "dask", "--scheduler", cluster.scheduler_address)),
            ):
                figures.append(_timed(_st9x_run(folder / "run", *run, *options),
                                      args.repeat, name))
            path = _bag(folder, args.records)
            layout = read_layout(path)
            subject = BulkSubject(select_adapters(["lxml"])["lxml"],
                                  SchemaSpec("bags", "bag", (folder / "bag.xsd"), "xsd"))
            tasks = [ChunkTask(subject, "bag.xml", path, layout, chunk)
                     for chunk in plan_chunks(layout, chunk_bytes=args.chunk_kb << 10)]
            print(f"bag: {args.records} records, {path.stat().st_size / 1e6:.1f} MB, "
                  f"{len(tasks)} chunks", flush=True)

            def judged(runner: ChunkRunner) -> Callable[[], int]:
                return lambda: sum(len(r.records) for r in runner.map(judge_chunk, tasks))

            for name, runner in (
                ("bulk SerialChunks", SerialChunks()),
                ("bulk PoolChunks(2)", PoolChunks(2)),
                ("bulk DaskChunks (2 workers, warm)", DaskChunks(client)),
            ):
                if isinstance(runner, DaskChunks):
                    figures.append(_timed(judged(runner), 1, "bulk DaskChunks (cold)"))
                figures.append(_timed(judged(runner), args.repeat, name))
                runner.close()
    finally:
        client.close()
        cluster.close()
    print(f"load after: {os.getloadavg()}")
    by = {f.name: f for f in figures}
    one, two = by["st9x run --workers 1"], by["st9x run --workers 2"]
    speed_up = one.best / two.best
    print(f"st9x run scaling 1 -> 2 workers: {speed_up:.2f}x (best of {args.repeat}); "
          f"serial share by Amdahl: {max(0.0, 2 / speed_up - 1):.0%}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "date": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
            "cores": os.cpu_count(), "cluster_start_seconds": cluster_start,
            "figures": [asdict(f) | {"best": f.best, "median": f.median} for f in figures],
        }, indent=2))


if __name__ == "__main__":
    main()
