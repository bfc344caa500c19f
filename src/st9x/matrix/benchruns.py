"""Saved benchmark runs: the files pytest-benchmark writes with ``--benchmark-save`` into its
storage (``STORAGE/<machine id>/NNNN_<name>.json``), read as typed records and ordered in time,
and their trends (each benchmark's ratio to its group's floor, each floor's median) for the
report.

A saved run is data from elsewhere (a cache restored in CI, a colleague's folder): every file is
checked against ``benchmarks.schema.json`` before use and a bad one is refused naming the file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from st9x import formats
from st9x.corpus.manifest import read_json_file
from st9x.errors import FormatError
from st9x.matrix.history import Point, Series, Trend
from st9x.matrix.throughput import BenchmarkGroup, benchmark_groups

#: the most saved runs a storage folder may hold for the trends: a nightly job keeps a year in
#: fewer, and a bound keeps memory bounded whatever a restored cache brings
MAX_RUNS = 1000


@dataclass(frozen=True)
class Machine:
    """What a run's absolute times depend on; two runs with equal ``Machine`` may compare
    medians, otherwise only ratios to the floor (the node name is left out: CI runners of one
    kind have a new name every run)."""

    cpu: str
    cpu_count: int | None
    system: str
    arch: str
    python: str

    def describe(self) -> str:
        count = "?" if self.cpu_count is None else str(self.cpu_count)
        return f"{self.cpu or 'unknown CPU'} x{count}, {self.system} {self.arch}, {self.python}"


@dataclass(frozen=True)
class SavedRun:
    """One pytest-benchmark file: where it is, when it was measured, on what, and its ratio
    table."""

    path: Path
    label: str  # the file's name without ``.json`` (``0003_nightly``)
    datetime: str  # pytest-benchmark's ISO time of the run ("" when the file has none)
    machine: Machine
    groups: tuple[BenchmarkGroup, ...]


def machine_of(info: Mapping[str, Any]) -> Machine:
    cpu = info.get("cpu") or {}
    python = f"{info.get('python_implementation', '')} {info.get('python_version', '')}".strip()
    return Machine(
        cpu=str(cpu.get("brand_raw", "")),
        cpu_count=cpu.get("count"),
        system=str(info.get("system", "")),
        arch=str(info.get("machine", "")),
        python=python,
    )


def read_saved_run(path: Path) -> SavedRun:
    """A pytest-benchmark JSON file, checked against its format (FormatError naming the file
    otherwise)."""
    path = Path(path)
    document = read_json_file(path, error=FormatError)
    formats.check("benchmarks", document, path=path)
    if not document["benchmarks"]:
        raise FormatError("benchmarks format: no benchmark in the file", path=path)
    return SavedRun(
        path=path,
        label=path.stem,
        datetime=str(document.get("datetime") or ""),
        machine=machine_of(document.get("machine_info") or {}),
        groups=tuple(benchmark_groups(document)),
    )


def saved_run_files(storage: Path) -> list[Path]:
    """The JSON files of a pytest-benchmark storage folder (its machine-id folders, or the
    files straight in it), sorted by path; FormatError when there are more than
    :data:`MAX_RUNS`."""
    storage = Path(storage)
    if not storage.is_dir():
        return []
    files = sorted({*storage.glob("*.json"), *storage.glob("*/*.json")})
    if len(files) > MAX_RUNS:
        raise FormatError(f"{len(files)} saved runs, more than the {MAX_RUNS} read at most; "
                          "keep the latest ones", path=storage)
    return files


def read_storage(storage: Path) -> list[SavedRun]:
    """Every saved run of a storage folder, oldest first (by the run's recorded time, then by
    path: pytest-benchmark numbers the files of one machine id in order)."""
    runs = [read_saved_run(p) for p in saved_run_files(storage)]
    return sorted(runs, key=lambda r: (r.datetime, str(r.path)))


def _point(run: SavedRun, value: float | None, text: str) -> Point:
    return Point(run.label, run.datetime, value, text)


def ratio_trends(runs: Sequence[SavedRun]) -> list[Trend]:
    """Per benchmark group, each benchmark's ratio to the group's floor in each saved run; a
    run without the benchmark (or the group) is a gap."""
    names: dict[str, dict[str, None]] = {}  # group → benchmark names, in order of first sight
    for run in runs:
        for group in run.groups:
            for bench in group.benchmarks:
                names.setdefault(group.name, {})[bench.name] = None
    trends = []
    for group_name, benches in names.items():
        series = []
        for bench_name in benches:
            points = []
            for run in runs:
                group = next((g for g in run.groups if g.name == group_name), None)
                row = None if group is None else next(
                    (b for b in group.benchmarks if b.name == bench_name), None)
                if row is None:
                    points.append(_point(run, None, "absent"))
                else:
                    points.append(_point(run, row.ratio, f"{row.ratio:.2f}×"))
            series.append(Series(bench_name, tuple(points)))
        trends.append(Trend(f"bench-ratio-{group_name}", f"{group_name or '(no group)'}",
                            "ratio to the group's floor", tuple(series)))
    return trends


def floor_trend(runs: Sequence[SavedRun]) -> Trend | None:
    """Each group's floor median (milliseconds) in each saved run: the absolute speed of the
    machine the ratios were measured on. None without runs."""
    if not runs:
        return None
    groups = list(dict.fromkeys(g.name for run in runs for g in run.groups))
    series = []
    for group_name in groups:
        points = []
        for run in runs:
            group = next((g for g in run.groups if g.name == group_name), None)
            floor = None if group is None else next(b for b in group.benchmarks if b.floor)
            if floor is None:
                points.append(_point(run, None, "absent"))
            else:
                ms = floor.median * 1e3
                points.append(_point(run, ms, f"{ms:.3f} ms"))
        series.append(Series(group_name or "(no group)", tuple(points)))
    return Trend("bench-floors", "Floor medians", "milliseconds", tuple(series))
