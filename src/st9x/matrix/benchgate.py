"""The regression gate between two saved benchmark runs.

Every benchmark present in both runs is compared by its ratio to its group's floor (measured in
the same run, so it holds when the machine changes); when both runs were measured on the same
machine (:class:`~st9x.matrix.benchruns.Machine`: CPU, core count, system, Python) the absolute
medians are compared as well. A change beyond the threshold, slower, is a regression. The
thresholds are sized by the run-to-run noise measured with ``benchmarks/noise.py`` (see the
performance docs): below them, a change cannot be told from noise on a shared machine.

pytest-benchmark's own ``--benchmark-compare-fail`` compares absolute medians with the last run
of the same machine id (``Linux-CPython-3.11-64bit``), which does not change with the CPU: a
nightly runner on a different CPU would fail (or pass) for the wrong reason. Hence this gate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from st9x.engine.limits import MEDIAN_FAIL, RATIO_FAIL
from st9x.matrix.benchruns import SavedRun

Kind = Literal["ratio", "median"]


@dataclass(frozen=True)
class Change:
    """One benchmark's figure in the previous and the new run (a ratio to the floor, or a
    median in seconds) and how much slower the new one is, in percent (negative: faster)."""

    group: str
    name: str
    kind: Kind
    previous: float
    current: float
    threshold: float

    @property
    def percent(self) -> float:
        return (self.current / self.previous - 1.0) * 100.0

    @property
    def regressed(self) -> bool:
        return self.percent > self.threshold


@dataclass(frozen=True)
class GateResult:
    previous: SavedRun
    current: SavedRun
    same_machine: bool
    changes: tuple[Change, ...]
    notes: tuple[str, ...]  # benchmarks or groups only one run has, floors that moved

    @property
    def regressions(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.regressed)


def compare(previous: SavedRun, current: SavedRun, *, ratio_fail: float = RATIO_FAIL,
            median_fail: float = MEDIAN_FAIL) -> GateResult:
    """Compare ``current`` with ``previous``: ratios always (floors excepted: theirs is 1),
    medians only on the same machine. A group whose floor is another benchmark in the two runs
    has no comparable ratios and is only noted."""
    same = previous.machine == current.machine
    old_groups = {g.name: g for g in previous.groups}
    changes: list[Change] = []
    notes: list[str] = []
    for group in current.groups:
        old = old_groups.get(group.name)
        if old is None:
            notes.append(f"group {group.name!r}: new, nothing to compare")
            continue
        old_rows = {b.name: b for b in old.benchmarks}
        ratios_comparable = old.floor == group.floor
        if not ratios_comparable:
            notes.append(f"group {group.name!r}: floor was {old.floor!r}, is {group.floor!r}; "
                         "ratios not compared")
        for bench in group.benchmarks:
            before = old_rows.get(bench.name)
            if before is None:
                notes.append(f"{bench.name!r} ({group.name}): new, nothing to compare")
                continue
            if ratios_comparable and not bench.floor:
                changes.append(Change(group.name, bench.name, "ratio", before.ratio,
                                      bench.ratio, ratio_fail))
            if same:
                changes.append(Change(group.name, bench.name, "median", before.median,
                                      bench.median, median_fail))
        for name in old_rows.keys() - {b.name for b in group.benchmarks}:
            notes.append(f"{name!r} ({group.name}): gone from the new run")
    for name in old_groups.keys() - {g.name for g in current.groups}:
        notes.append(f"group {name!r}: gone from the new run")
    return GateResult(previous, current, same, tuple(changes), tuple(notes))


def describe(result: GateResult) -> list[str]:
    """The gate's verdict as text lines: what was compared with what, then each regression."""
    prev, cur = result.previous, result.current
    if result.same_machine:
        scope = f"same machine ({cur.machine.describe()}): ratios to floor and medians gated"
    else:
        scope = (f"machine changed ({prev.machine.describe()} -> {cur.machine.describe()}): "
                 "ratios to floor gated, medians not")
    lines = [f"bench-gate: {cur.path} against {prev.path}", f"bench-gate: {scope}"]
    lines += [f"bench-gate: note: {n}" for n in result.notes]
    for c in result.regressions:
        what = "ratio to floor" if c.kind == "ratio" else "median"
        fmt = (lambda v: f"{v:.3f}x") if c.kind == "ratio" else (lambda v: f"{v * 1e3:.3f} ms")
        lines.append(f"bench-gate: REGRESSION {c.group} / {c.name}: {what} "
                     f"{fmt(c.previous)} -> {fmt(c.current)} (+{c.percent:.1f} %, "
                     f"threshold {c.threshold:g} %)")
    n = len(result.regressions)
    lines.append(f"bench-gate: {len(result.changes)} figure(s) compared, {n} regression(s)")
    return lines
