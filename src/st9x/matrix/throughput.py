"""Validator throughput: documents/s and MB/s per subject × corpus, each with its ratio to the
parse-only floor, from two sources.

- A run's own records: each record of a validated instance has ``times.validate`` and, since
  results say so, ``times.parse_floor`` (the same instance parsed alone, once per process) and
  ``instance_bytes``. These are timings taken during a busy run (a pool of workers, other
  processes on the machine): indicative, good for spotting a subject ten times slower than
  another, not for a figure to quote.
- A pytest-benchmark JSON file (``benchmarks/test_validator_throughput.py``): every group holds
  one instance measured by a parse-only floor and by each validator, repeated until stable.
  That is the measurement; its ratios are what ``docs/benchmarks.md`` quotes.

A ratio to a floor measured in the same run on the same machine is what makes figures from two
machines comparable: the absolute numbers move with the machine, the ratio much less.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from st9x import formats
from st9x.corpus.manifest import read_json_file
from st9x.errors import FormatError

#: verdicts whose validation time measures a validator's work (errored may be a time-out or a
#: refused file, skipped did nothing)
TIMED_VERDICTS = frozenset({"valid", "invalid"})
FLOOR_MARKS = ("parse_only", "parse-only")  # in the name of a benchmark group's floor
COMPILE_FLOOR_MARK = "lxml"  # compile groups have no parse-only floor: lxml's compile is one


@dataclass(frozen=True)
class Throughput:
    """One subject on one corpus: how many documents it validated, in how long, and the same
    documents' parse-only floor. ``floored_*`` cover the documents that have a floor (all of
    them in results that record it), so that the ratio compares like with like."""

    subject: str
    corpus: str
    format: str
    documents: int
    seconds: float
    bytes: int | None  # None when a record does not say its instance's size
    floored_documents: int
    floored_seconds: float  # the validator's time on the floored documents
    floor_seconds: float

    @property
    def documents_per_second(self) -> float | None:
        return self.documents / self.seconds if self.seconds > 0 else None

    @property
    def megabytes_per_second(self) -> float | None:
        if self.bytes is None or self.seconds <= 0:
            return None
        return self.bytes / 1e6 / self.seconds

    @property
    def floor_documents_per_second(self) -> float | None:
        if not self.floored_documents or self.floor_seconds <= 0:
            return None
        return self.floored_documents / self.floor_seconds

    @property
    def ratio(self) -> float | None:
        """How many times the parse-only floor the validator takes (1.0: no cost beyond
        parsing); None without a floor."""
        if not self.floored_documents or self.floor_seconds <= 0:
            return None
        return self.floored_seconds / self.floor_seconds


def throughput(records: Iterable[Mapping[str, Any]]) -> list[Throughput]:
    """Throughput per (subject, corpus) from validation records, sorted by corpus then subject;
    empty when no record timed a validation (a run of schema tests, or of errors only)."""
    acc: dict[tuple[str, str, str], dict[str, Any]] = defaultdict(
        lambda: {"n": 0, "s": 0.0, "bytes": 0, "sized": True, "fn": 0, "fs": 0.0, "floor": 0.0}
    )
    for record in records:
        times = record.get("times") or {}
        seconds = times.get("validate")
        if record.get("verdict") not in TIMED_VERDICTS or seconds is None:
            continue
        row = acc[(record["corpus"], record["adapter"], record["format"])]
        row["n"] += 1
        row["s"] += seconds
        size = record.get("instance_bytes")
        if size is None:
            row["sized"] = False
        else:
            row["bytes"] += size
        floor = times.get("parse_floor")
        if floor is not None:
            row["fn"] += 1
            row["fs"] += seconds
            row["floor"] += floor
    return [
        Throughput(
            subject=adapter,
            corpus=corpus,
            format=fmt,
            documents=row["n"],
            seconds=round(row["s"], 6),
            bytes=row["bytes"] if row["sized"] else None,
            floored_documents=row["fn"],
            floored_seconds=round(row["fs"], 6),
            floor_seconds=round(row["floor"], 6),
        )
        for (corpus, adapter, fmt), row in sorted(acc.items())
    ]


@dataclass(frozen=True)
class Benchmark:
    """One benchmark of a pytest-benchmark file: its median and its factor to its group's
    floor."""

    name: str
    median: float  # seconds
    ratio: float
    floor: bool  # this is the group's floor


@dataclass(frozen=True)
class BenchmarkGroup:
    name: str
    floor: str  # the floor's benchmark name
    benchmarks: tuple[Benchmark, ...]  # fastest first


def group_floor(benches: Sequence[Mapping[str, Any]]) -> Mapping[str, Any]:
    """A group's floor, by the first rule that finds one: the benchmark that says so
    (``benchmark.extra_info["floor"] = True``: explicit, what new suites should do); else the
    first whose name contains ``parse_only`` or ``parse-only``; else (compile groups, which
    have no parse-only floor) the first whose name contains ``lxml``; else the group's first.
    Ratios compare across runs only while this picks the same benchmark, which is why a suite
    should mark its floor rather than lean on names."""
    marked = next((b for b in benches if (b.get("extra_info") or {}).get("floor") is True), None)
    if marked is not None:
        return marked
    named = next((b for b in benches if any(m in b["name"] for m in FLOOR_MARKS)), None)
    if named is not None:
        return named
    return next((b for b in benches if COMPILE_FLOOR_MARK in b["name"]), benches[0])


def benchmark_groups(document: Mapping[str, Any]) -> list[BenchmarkGroup]:
    """The ratio table of a pytest-benchmark JSON document (checked already): every benchmark
    gets its median's factor to its group's floor (see :func:`group_floor`). Groups keep the
    file's order, benchmarks fastest first."""
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for bench in document["benchmarks"]:
        groups.setdefault(bench.get("group") or "", []).append(bench)
    out = []
    for group, benches in groups.items():
        floor = group_floor(benches)
        base = floor["stats"]["median"]
        rows = tuple(
            Benchmark(b["name"], b["stats"]["median"], b["stats"]["median"] / base, b is floor)
            for b in sorted(benches, key=lambda b: (b["stats"]["median"], b["name"]))
        )
        out.append(BenchmarkGroup(group, floor["name"], rows))
    return out


def read_benchmarks(path: Path) -> list[BenchmarkGroup]:
    """A pytest-benchmark JSON file (untrusted: checked against ``benchmarks.schema.json``,
    a bad one refused naming the file and the field) as its ratio table."""
    document = read_json_file(Path(path), error=FormatError)
    formats.check("benchmarks", document, path=path)
    return benchmark_groups(document)
