"""What every throughput benchmark row carries beside its timings, and how many rounds it gets.

A row of the size-by-size suites says how many bytes its input has, which subject (validator,
converter or floor) it measures and whether it is its group's floor; after the run, the
``pytest_benchmark_update_json`` hook of ``benchmarks/conftest.py`` calls :func:`add_rates`,
which turns the medians into documents/s, MB/s and the factor to the group's floor. Computing
the ratios once every row is measured keeps them independent of the order tests run in.

Rounds: a 100 MB document takes python-jsonschema or xmlschema minutes a call, lxml a fraction
of a second; one fixed round count either wastes the night or measures noise. A call is timed
once (it doubles as the warm-up) and the rounds fill a per-row time budget, within bounds.
Sizes run smallest first, so a row's cost at the next size is known in advance from its
seconds per byte: a call expected to exceed the budget gets one round and no trial call, and
one expected to exceed ``$ST9X_BENCH_MAX_CALL`` seconds is skipped with the estimate as the
reason (python-jsonschema and xmlschema's converters at 100 MB).
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterable, MutableMapping
from dataclasses import dataclass
from typing import Any

import pytest

BUDGET_ENV = "ST9X_BENCH_BUDGET"
MAX_CALL_ENV = "ST9X_BENCH_MAX_CALL"
#: seconds of measurement per row when ``$ST9X_BENCH_BUDGET`` is unset
DEFAULT_BUDGET = 2.0
#: seconds one call may be expected to take before its row is skipped
DEFAULT_MAX_CALL = 120.0
MAX_ROUNDS = 50

#: (format, subject) → seconds per unit of scale (input bytes) last measured in this process
_RATES: dict[tuple[str, str], tuple[float, str]] = {}


@dataclass(frozen=True)
class Row:
    """One benchmark row's description, stored in its ``extra_info``."""

    subject: str  # the validator, converter or floor measured
    fmt: str  # xml, json, xml-to-json, json-to-xml, roundtrip, compile-xml, compile-json
    size: str  # the input's label: "10m", or an example's name
    nbytes: int
    floor: bool = False
    #: what a call's time grows with, for estimates across sizes (default: ``nbytes``); the
    #: size target, where a row's input is made only after deciding to run it
    scale: int | None = None

    def store(self, extra_info: MutableMapping[str, Any]) -> None:
        extra_info.update(
            subject=self.subject, format=self.fmt, size=self.size, bytes=self.nbytes,
            floor=self.floor,
        )


def _seconds(env: str, default: float) -> float:
    value = os.environ.get(env, "").strip()
    try:
        number = float(value) if value else default
    except ValueError:
        raise ValueError(f"${env} must be a number of seconds, not {value!r}") from None
    if number <= 0:
        raise ValueError(f"${env} must be positive, not {value!r}")
    return number


def budget() -> float:
    return _seconds(BUDGET_ENV, DEFAULT_BUDGET)


def max_call() -> float:
    return _seconds(MAX_CALL_ENV, DEFAULT_MAX_CALL)


def estimate(fmt: str, subject: str, scale: int) -> float | None:
    """Seconds one call of this row should take at ``scale`` (see :attr:`Row.scale`), from
    the last size measured in this process; None before any."""
    known = _RATES.get((fmt, subject))
    return None if known is None else known[0] * scale


def skip_when_slow(fmt: str, subject: str, scale: int) -> None:
    """Skip the row (before any costly preparation) when one call should exceed
    :func:`max_call`, saying what the estimate rests on."""
    expected = estimate(fmt, subject, scale)
    if expected is not None and expected > max_call():
        rate = scale / expected / 1e6
        pytest.skip(f"{subject} ({fmt}): one call would take about {expected:.3g} s "
                    f"(~{rate:.2f} MB/s at {_RATES[(fmt, subject)][1]}), over "
                    f"${MAX_CALL_ENV}={max_call():g}")


def run_row(benchmark: Any, row: Row, call: Callable[[], Any]) -> Any:
    """Measure ``call`` for ``row``: one timed call decides the rounds (at least one, as many
    as :func:`budget` allows, at most :data:`MAX_ROUNDS`), then pytest-benchmark measures; a
    call known to be slower than the budget gets one round and no trial. With
    ``--benchmark-disable`` (the CI smoke run) the call runs once and nothing else."""
    row.store(benchmark.extra_info)
    if getattr(benchmark, "disabled", False):
        return benchmark(call)
    key = (row.fmt, row.subject)
    scale = row.scale or row.nbytes
    skip_when_slow(row.fmt, row.subject, scale)
    expected = estimate(row.fmt, row.subject, scale)
    if expected is not None and expected >= budget():
        rounds = 1
    else:
        started = time.perf_counter()
        call()
        seconds = time.perf_counter() - started
        rounds = max(1, min(MAX_ROUNDS, math.floor(budget() / max(seconds, 1e-9))))
    result = benchmark.pedantic(call, rounds=rounds, iterations=1)
    median = benchmark.stats.stats.median
    _RATES[key] = (median / max(scale, 1), row.size)
    return result


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
