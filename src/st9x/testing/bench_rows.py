"""What every throughput benchmark row carries beside its timings, and how many rounds it gets.

A row of the size-by-size suites says how many bytes its input has, which subject (validator,
converter or floor) it measures and whether it is its group's floor; after the run, the
``pytest_benchmark_update_json`` hook of ``benchmarks/conftest.py`` calls :func:`add_rates`,
which turns the medians into documents/s, MB/s and the factor to the group's floor. Computing
the ratios once every row is measured keeps them independent of the order tests run in.

Rounds: a 100 MB document takes python-jsonschema or xmlschema a minute a call, lxml a fraction
of a second; one fixed round count either wastes the night or measures noise. A call is timed
once (it doubles as the warm-up) and the rounds fill a per-row time budget, within bounds.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterable, MutableMapping
from dataclasses import dataclass
from typing import Any

BUDGET_ENV = "ST9X_BENCH_BUDGET"
#: seconds of measurement per row when ``$ST9X_BENCH_BUDGET`` is unset
DEFAULT_BUDGET = 2.0
MAX_ROUNDS = 50


@dataclass(frozen=True)
class Row:
    """One benchmark row's description, stored in its ``extra_info``."""

    subject: str  # the validator, converter or floor measured
    fmt: str  # xml, json, xml-to-json, json-to-xml, roundtrip, compile-xml, compile-json
    size: str  # the input's label: "10m", or an example's name
    nbytes: int
    floor: bool = False

    def store(self, extra_info: MutableMapping[str, Any]) -> None:
        extra_info.update(
            subject=self.subject, format=self.fmt, size=self.size, bytes=self.nbytes,
            floor=self.floor,
        )


def budget() -> float:
    value = os.environ.get(BUDGET_ENV, "").strip()
    return float(value) if value else DEFAULT_BUDGET


def run_row(benchmark: Any, row: Row, call: Callable[[], Any]) -> Any:
    """Measure ``call`` for ``row``: one timed call decides the rounds (at least one, as many
    as :func:`budget` allows, at most :data:`MAX_ROUNDS`), then pytest-benchmark measures. With
    ``--benchmark-disable`` (the CI smoke run) the call runs once and nothing else."""
    row.store(benchmark.extra_info)
    if getattr(benchmark, "disabled", False):
        return benchmark(call)
    started = time.perf_counter()
    call()
    seconds = time.perf_counter() - started
    rounds = max(1, min(MAX_ROUNDS, math.floor(budget() / max(seconds, 1e-9))))
    return benchmark.pedantic(call, rounds=rounds, iterations=1)


def add_rates(benchmarks: Iterable[MutableMapping[str, Any]]) -> None:
    """Documents/s, MB/s and the ratio to the group's floor, in each row's ``extra_info``
    (rows without ``bytes`` are left alone; a group without a floor gets no ratio)."""
    rows = [b for b in benchmarks if "bytes" in (b.get("extra_info") or {})]
    floors: dict[str, float] = {}
    for bench in rows:
        if bench["extra_info"].get("floor"):
            floors[bench.get("group") or ""] = bench["stats"]["median"]
    for bench in rows:
        info = bench["extra_info"]
        median = bench["stats"]["median"]
        if median <= 0:
            continue
        info["documents_per_s"] = 1.0 / median
        info["mb_per_s"] = info["bytes"] / 1e6 / median
        floor = floors.get(bench.get("group") or "")
        if floor:
            info["ratio_to_floor"] = median / floor
