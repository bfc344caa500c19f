"""Trends across runs (e.g. nightly results folders): per matrix, one series per subject, one
point per run, in the order the runs were given (oldest first).

Every point is recomputed from its run's records (the same folding the run's own pages use),
and keeps its text beside its value ("83.3 % (5/6)"), so a table can show what a line plots.
A subject or corpus absent from a run is a gap (no value), not a zero.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from st9x.matrix.grids import Share, pass_share
from st9x.matrix.runs import Run
from st9x.matrix.throughput import Throughput, throughput


@dataclass(frozen=True)
class Point:
    run: str  # the run's label
    started: str
    value: float | None  # None: the subject or corpus is not in this run
    text: str


@dataclass(frozen=True)
class Series:
    name: str  # a subject
    points: tuple[Point, ...]


@dataclass(frozen=True)
class Trend:
    """One matrix's trend: what it measures (``title``, ``unit``) and a series per subject.
    ``key`` is a short stable name (a corpus id may be part of it) for the trend's files."""

    key: str
    title: str
    unit: str
    series: tuple[Series, ...]


ABSENT = "absent"


def _series(runs: Sequence[Run], names: Sequence[str],
            point: Callable[[Run, str], tuple[float, str] | None]) -> tuple[Series, ...]:
    out = []
    for name in names:
        points = []
        for run in runs:
            got = point(run, name)
            value, text = got if got is not None else (None, ABSENT)
            points.append(Point(run.label, run.started, value, text))
        out.append(Series(name, tuple(points)))
    return tuple(out)


def _share_point(share: Share) -> tuple[float, str] | None:
    if share.value is None:
        return None
    return 100 * share.value, f"{share.percent()} ({share.fraction()})"


def pass_rate_trends(runs: Sequence[Run]) -> list[Trend]:
    """Per corpus, each validator's pass share (passes out of judged records) in each run."""
    corpora = sorted({c for run in runs for c in run.summary["by_corpus"]})
    trends = []
    for corpus in corpora:
        adapters = sorted({a for run in runs for a in run.summary["by_corpus"].get(corpus, {})})

        def point(run: Run, adapter: str, corpus: str = corpus) -> tuple[float, str] | None:
            counts = run.summary["by_corpus"].get(corpus, {}).get(adapter)
            return None if counts is None else _share_point(pass_share(counts))

        trends.append(Trend(f"pass-{corpus}", f"Pass rate on {corpus}", "% of judged records",
                            _series(runs, adapters, point)))
    return trends


def check_trends(runs: Sequence[Run]) -> list[Trend]:
    """Each converter's judged checks that pass (of all its judged checks), per run; none when
    no run converted anything."""
    def checks(run: Run) -> dict[str, dict[str, dict[str, int]]]:
        return (run.conversion_summary or {}).get("checks") or {}

    converters = sorted({c for run in runs for c in checks(run)})
    if not converters:
        return []

    def point(run: Run, converter: str) -> tuple[float, str] | None:
        per_check = checks(run).get(converter)
        if per_check is None:
            return None
        passed = sum(counts.get("pass", 0) for counts in per_check.values())
        judged = sum(pass_share(counts).of for counts in per_check.values())
        return float(passed), f"{passed} of {judged}"

    return [Trend("checks", "Converter checks passed", "checks passed",
                  _series(runs, converters, point))]


def throughput_trends(runs: Sequence[Run]) -> list[Trend]:
    """Per corpus, each validator's documents/s in each run (indicative: timed in a busy run);
    none when no run timed a validation."""
    # by the run itself, not its label: two folders of one name (two machines' ``latest``)
    # stay apart
    tables: dict[int, dict[tuple[str, str], Throughput]] = {
        id(run): {(t.corpus, t.subject): t for t in throughput(run.records)} for run in runs
    }
    corpora = sorted({c for table in tables.values() for c, _ in table})
    trends = []
    for corpus in corpora:
        adapters = sorted({a for table in tables.values() for c, a in table if c == corpus})

        def point(run: Run, adapter: str, corpus: str = corpus) -> tuple[float, str] | None:
            row = tables[id(run)].get((corpus, adapter))
            rate = None if row is None else row.documents_per_second
            return None if rate is None else (rate, f"{rate:.1f}")

        trends.append(Trend(f"throughput-{corpus}", f"Throughput on {corpus}", "documents/s",
                            _series(runs, adapters, point)))
    return trends


def trends(runs: Sequence[Run]) -> list[Trend]:
    """Every trend of the runs given (oldest first): pass rates, converter checks,
    throughput."""
    return [*pass_rate_trends(runs), *check_trends(runs), *throughput_trends(runs)]
