"""What changed between two runs: the computation behind ``st9x diff`` and the site's diff page.

Both runs are read with :func:`st9x.matrix.runs.load_run` (untrusted data, each judged with its
own ledger unless one ledger is given for both), then compared item by item:

- every judgement, keyed as the run keys it: validation records by ``(corpus/case, adapter)``,
  converter checks by ``(corpus/item, converter:check)``. A judgement that differs is a
  :class:`VerdictChange`; one that is broken (fail, errored, xpass) now and was not before
  (absent included) is a *new failure*, the reverse a *fixed* failure;
- the matrices' cells (validation counts per corpus × adapter; converter decisions, round trip,
  verdict agreement and checks), the subjects run, the corpora's content hashes and the versions
  of the libraries, adapters and converters;
- throughput per adapter, by the rule of :func:`throughput_change`.

Everything is sorted, so two diffs of the same runs are the same text.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from st9x.engine.judge import BROKEN, Judgement, judge_lint
from st9x.matrix.fold import _describe
from st9x.matrix.runs import Run

#: how a judgement ranks, best first: a flip to a higher rank is a flip to worse. An item that
#: was skipped (its subject cannot handle it) ranks below a pass and above a broken expectation
RANK: dict[Judgement, int] = {
    Judgement.PASS: 0,
    Judgement.XFAIL: 1,
    Judgement.UNCHECKED: 1,
    Judgement.SKIPPED: 2,
    Judgement.FAIL: 3,
    Judgement.ERRORED: 3,
    Judgement.XPASS: 3,
}

#: throughput: the smallest change reported, however precise the measurement (a fraction)
MIN_CHANGE = 0.10
#: throughput: cases timed in both runs that an adapter needs before any change is claimed
MIN_CASES = 5
#: throughput: how many standard errors of the median make a change beyond the noise
NOISE_SIGMAS = 3.0


class Kind(StrEnum):
    VALIDATION = "validation"
    CONVERSION = "conversion"
    LINT = "lint"


class FailOn(StrEnum):
    """What makes ``st9x diff`` exit 1."""

    WORSE = "worse"  # a new failure, or a judgement that flipped to a worse one
    NEW_FAILURES = "new-failures"  # a judgement broken now that was not before
    FLIPS = "flips"  # any judgement that flipped, either way, or a new failure
    SLOWER = "slower"  # an adapter slower beyond the noise
    NEVER = "never"


@dataclass(frozen=True)
class VerdictChange:
    """One item whose judgement differs between the runs; ``before``/``after`` is None where
    the item is absent from that run. ``detail`` says why the new judgement is what it is (the
    first error or problem of the new run, else of the old)."""

    kind: Kind
    item: str
    subject: str
    before: Judgement | None
    after: Judgement | None
    detail: str | None = None

    @property
    def new_failure(self) -> bool:
        return self.after in BROKEN and self.before not in BROKEN

    @property
    def fixed(self) -> bool:
        return self.before in BROKEN and self.after is not None and self.after not in BROKEN

    @property
    def flip(self) -> bool:
        """Judged in both runs, differently."""
        return self.before is not None and self.after is not None

    @property
    def worse(self) -> bool:
        if self.new_failure:
            return True
        return self.flip and RANK[self.after] > RANK[self.before]  # type: ignore[index]

    @property
    def direction(self) -> str:
        """``worse``, ``better`` or ``same`` (same rank: fail -> errored), or ``added`` /
        ``removed`` for an item only one run has."""
        if self.before is None:
            return "added"
        if self.after is None:
            return "removed"
        before, after = RANK[self.before], RANK[self.after]
        return "worse" if after > before else "better" if after < before else "same"


@dataclass(frozen=True)
class CellChange:
    """A matrix cell whose counts differ: ``matrix`` names the table, ``row`` and ``column``
    the cell; counts are by judgement or status (an absent cell counts nothing)."""

    matrix: str
    row: str
    column: str
    before: Mapping[str, int]
    after: Mapping[str, int]

    @property
    def one_sided(self) -> bool:
        """The cell counts something in one run only (its subject or corpus was added or
        removed): listed as a count, since the subject's change already says it."""
        return not any(self.before.values()) or not any(self.after.values())

    @property
    def deltas(self) -> dict[str, int]:
        """Status -> change in count, for the statuses whose count changed."""
        keys = sorted(set(self.before) | set(self.after))
        out = {k: self.after.get(k, 0) - self.before.get(k, 0) for k in keys}
        return {k: v for k, v in out.items() if v}


@dataclass(frozen=True)
class SubjectChange:
    """A subject (an adapter or a converter) or a corpus that only one run has."""

    what: str  # adapter, converter, corpus
    name: str
    added: bool


@dataclass(frozen=True)
class ValueChange:
    """A value that both runs have, different: a library's version, an adapter's, a corpus's
    content hash."""

    what: str  # library, adapter, converter, python, st9x, corpus
    name: str
    before: str
    after: str


@dataclass(frozen=True)
class ItemCount:
    """How many items of one subject only one run has (listed one by one only when they fail)."""

    kind: Kind
    subject: str
    added: int
    removed: int


@dataclass(frozen=True)
class ThroughputChange:
    """Validation time of one adapter, new over old, on the cases timed in both runs.

    ``ratio`` is the median of the per-case ratios (above 1: slower), ``noise`` the relative
    half-width of the band around 1 inside which the median is not told from no change,
    ``reported`` whether the change is beyond the noise and at least :data:`MIN_CHANGE`."""

    adapter: str
    cases: int
    ratio: float
    noise: float
    reported: bool

    @property
    def slower(self) -> bool:
        return self.reported and self.ratio > 1


@dataclass(frozen=True)
class RunRef:
    label: str
    directory: str
    started: str
    interrupted: bool


@dataclass(frozen=True)
class RunDiff:
    """Everything that differs between two runs, each list sorted."""

    old: RunRef
    new: RunRef
    changes: tuple[VerdictChange, ...]
    items: tuple[ItemCount, ...]
    cells: tuple[CellChange, ...]
    subjects: tuple[SubjectChange, ...]
    values: tuple[ValueChange, ...]
    throughput: tuple[ThroughputChange, ...] = field(default=())
    unchanged: int = 0  # items judged alike in both runs

    @property
    def flips(self) -> tuple[VerdictChange, ...]:
        return tuple(c for c in self.changes if c.flip)

    @property
    def new_failures(self) -> tuple[VerdictChange, ...]:
        return tuple(c for c in self.changes if c.new_failure)

    @property
    def fixed(self) -> tuple[VerdictChange, ...]:
        return tuple(c for c in self.changes if c.fixed)

    @property
    def worse(self) -> tuple[VerdictChange, ...]:
        return tuple(c for c in self.changes if c.worse)

    @property
    def slower(self) -> tuple[ThroughputChange, ...]:
        return tuple(t for t in self.throughput if t.slower)

    @property
    def empty(self) -> bool:
        return not (self.changes or self.cells or self.subjects or self.values
                    or any(t.reported for t in self.throughput))

    def regressions(self, fail_on: Iterable[FailOn]) -> list[str]:
        """Why the diff is a regression under ``fail_on`` (one line per kind), or nothing."""
        out = []
        kinds = set(fail_on)
        if FailOn.NEVER in kinds:
            return []
        if FailOn.NEW_FAILURES in kinds and self.new_failures:
            out.append(f"{len(self.new_failures)} new failure(s)")
        if FailOn.WORSE in kinds and self.worse:
            out.append(f"{len(self.worse)} judgement(s) worse (new failures included)")
        if FailOn.FLIPS in kinds and (self.flips or self.new_failures):
            out.append(f"{len(self.flips)} judgement(s) flipped, "
                       f"{len(self.new_failures)} new failure(s)")
        if FailOn.SLOWER in kinds and self.slower:
            out.append(f"{len(self.slower)} adapter(s) slower beyond the noise")
        return out


# == judgements ===================================================================================
def _validation(run: Run) -> dict[tuple[str, str], tuple[Judgement, str | None]]:
    records = {(f"{r['corpus']}/{r['case']}", r["adapter"]): r for r in run.records}
    out = {}
    for key, (judgement, _entry) in run.judgements.items():
        errors = records[key]["errors"]
        out[key] = (judgement, _describe(errors[0]) if errors else None)
    return out


def _conversion(run: Run) -> dict[tuple[str, str], tuple[Judgement, str | None]]:
    return {(j.item, j.subject): (j.judgement, j.problems[0] if j.problems else None)
            for j in run.conversion_judgements}


def _lint(run: Run) -> dict[tuple[str, str], tuple[Judgement, str | None]]:
    """Each rule on each linted file, keyed ``(item, linter:rule)`` as the ledger names it."""
    return {(j.item, j.subject): (j.judgement, j.problems[0] if j.problems else None)
            for j in judge_lint(run.lint_records, run.ledger)}


def _changes(kind: Kind, old: Mapping[tuple[str, str], tuple[Judgement, str | None]],
             new: Mapping[tuple[str, str], tuple[Judgement, str | None]],
             ) -> tuple[list[VerdictChange], list[ItemCount], int]:
    changes = []
    unchanged = 0
    added: Counter[str] = Counter()
    removed: Counter[str] = Counter()
    for key in sorted(set(old) | set(new)):
        before, after = old.get(key), new.get(key)
        if before is not None and after is not None and before[0] == after[0]:
            unchanged += 1
            continue
        if before is None:
            added[key[1]] += 1
        elif after is None:
            removed[key[1]] += 1
        detail = (after[1] if after else None) or (before[1] if before else None)
        change = VerdictChange(kind, key[0], key[1], before and before[0], after and after[0],
                               detail)
        changes.append(change)
    counts = [ItemCount(kind, s, added[s], removed[s]) for s in sorted(set(added) | set(removed))]
    return changes, counts, unchanged


# == matrices =====================================================================================
def _leaves(table: Mapping[str, Any], depth: int, path: tuple[str, ...] = ()
            ) -> Iterator[tuple[tuple[str, ...], dict[str, int]]]:
    """The count cells of a nested table: ``depth`` keys lead to a cell of ``status -> count``."""
    if len(path) == depth:
        yield path, {k: v for k, v in table.items() if isinstance(v, int)}
        return
    for key, value in table.items():
        if isinstance(value, Mapping):
            yield from _leaves(value, depth, (*path, str(key)))


#: the matrices compared cell by cell: name, where in which summary, how many keys to a cell
MATRICES: tuple[tuple[str, str, str, int], ...] = (
    ("validation by corpus", "summary", "by_corpus", 2),
    ("converter checks", "conversion", "checks", 2),
    ("decisions", "conversion", "decisions", 3),
    ("round trip", "conversion", "roundtrip", 2),
    ("verdict agreement", "conversion", "agreement", 3),
    ("design-rule checks", "lint", "checks", 1),
)


def _cells(old: Run, new: Run) -> list[CellChange]:
    out = []
    for name, source, key, depth in MATRICES:
        tables = []
        for run in (old, new):
            summary = {"summary": run.summary, "conversion": run.conversion_summary,
                       "lint": run.lint_summary}[source]
            tables.append(dict(_leaves((summary or {}).get(key) or {}, depth)))
        before, after = tables
        for path in sorted(set(before) | set(after)):
            b, a = before.get(path, {}), after.get(path, {})
            if {k: v for k, v in b.items() if v} != {k: v for k, v in a.items() if v}:
                out.append(CellChange(name, path[0], " / ".join(path[1:]), b, a))
    return out


# == subjects, versions, corpora ==================================================================
def _named(entries: Iterable[Any]) -> dict[str, Mapping[str, Any]]:
    return {str(e["name"]): e for e in entries if isinstance(e, Mapping) and "name" in e}


def _subjects_and_values(old: Run, new: Run) -> tuple[list[SubjectChange], list[ValueChange]]:
    subjects: list[SubjectChange] = []
    values: list[ValueChange] = []

    def compare(what: str, before: Mapping[str, Any], after: Mapping[str, Any],
                value: str | None, present: bool = True) -> None:
        for name in sorted(set(before) | set(after)):
            if name not in after or name not in before:
                if present:
                    subjects.append(SubjectChange(what, name, name in after))
                continue
            b = before[name] if value is None else before[name].get(value)
            a = after[name] if value is None else after[name].get(value)
            if str(b) != str(a):
                values.append(ValueChange(what, name, str(b), str(a)))

    compare("adapter", _named(old.header.get("adapters", [])),
            _named(new.header.get("adapters", [])), "version")
    compare("converter", _named((old.conversion_header or {}).get("converters", [])),
            _named((new.conversion_header or {}).get("converters", [])), "version")
    corpora = [{str(c["id"]): c for c in run.header.get("corpora", [])} for run in (old, new)]
    compare("corpus", corpora[0], corpora[1], "tree_sha256")
    compare("library", old.libraries, new.libraries, None, present=False)
    # a library only one run lists is a version change from or to "absent"
    for name in sorted(set(old.libraries) ^ set(new.libraries)):
        values.append(ValueChange("library", name, old.libraries.get(name, "absent"),
                                  new.libraries.get(name, "absent")))
    compare("environment", {"python": old.header.get("python"),
                            "st9x": (old.header.get("tool") or {}).get("version")},
            {"python": new.header.get("python"),
             "st9x": (new.header.get("tool") or {}).get("version")}, None)
    subjects.sort(key=lambda s: (s.what, s.name))
    values.sort(key=lambda v: (v.what, v.name))
    return subjects, values


# == throughput ===================================================================================
def throughput_change(adapter: str, pairs: Sequence[tuple[float, float]], *,
                      min_change: float = MIN_CHANGE) -> ThroughputChange | None:
    """The change in one adapter's validation time from ``(old, new)`` times of the same cases.

    The rule: each case gives the log of its ratio ``new / old``; their median ``m`` is the
    change (robust to a few cases disturbed by the machine); the noise is measured from the
    spread of those logs, as the standard error of the median: ``1.2533 × 1.4826 × MAD / √n``
    (MAD the median absolute deviation from ``m``; 1.4826 × MAD estimates the standard
    deviation, 1.2533 σ/√n is the standard error of a median). A change is reported only when
    ``|m|`` exceeds :data:`NOISE_SIGMAS` standard errors *and* the ratio differs from 1 by at
    least ``min_change``. Fewer than :data:`MIN_CASES` timed cases: nothing is claimed (None).
    """
    logs = [math.log(new / old) for old, new in pairs if old > 0 and new > 0]
    if len(logs) < MIN_CASES:
        return None
    m = statistics.median(logs)
    mad = statistics.median(abs(x - m) for x in logs)
    error = 1.2533 * 1.4826 * mad / math.sqrt(len(logs))
    band = NOISE_SIGMAS * error
    ratio = math.exp(m)
    noise = math.exp(band) - 1
    reported = abs(m) > band and abs(ratio - 1) >= min_change
    return ThroughputChange(adapter, len(logs), round(ratio, 4), round(noise, 4), reported)


def _throughput(old: Run, new: Run, min_change: float) -> list[ThroughputChange]:
    def times(run: Run) -> dict[tuple[str, str], float]:
        out = {}
        for r in run.records:
            seconds = (r.get("times") or {}).get("validate")
            if r["verdict"] != "skipped" and isinstance(seconds, int | float) and seconds > 0:
                out[(f"{r['corpus']}/{r['case']}", r["adapter"])] = float(seconds)
        return out

    before, after = times(old), times(new)
    by_adapter: dict[str, list[tuple[float, float]]] = {}
    for key in sorted(set(before) & set(after)):
        by_adapter.setdefault(key[1], []).append((before[key], after[key]))
    out = []
    for adapter in sorted(by_adapter):
        change = throughput_change(adapter, by_adapter[adapter], min_change=min_change)
        if change is not None:
            out.append(change)
    return out


# == the diff =====================================================================================
def _ref(run: Run) -> RunRef:
    return RunRef(run.label, str(run.directory), run.started, run.interrupted)


def diff_runs(old: Run, new: Run, *, min_change: float = MIN_CHANGE) -> RunDiff:
    """Everything that differs from ``old`` to ``new``."""
    changes, items, unchanged = _changes(Kind.VALIDATION, _validation(old), _validation(new))
    c_changes, c_items, c_unchanged = _changes(Kind.CONVERSION, _conversion(old),
                                               _conversion(new))
    l_changes, l_items, l_unchanged = _changes(Kind.LINT, _lint(old), _lint(new))
    subjects, values = _subjects_and_values(old, new)
    return RunDiff(
        old=_ref(old),
        new=_ref(new),
        changes=tuple(changes + c_changes + l_changes),
        items=tuple(items + c_items + l_items),
        cells=tuple(_cells(old, new)),
        subjects=tuple(subjects),
        values=tuple(values),
        throughput=tuple(_throughput(old, new, min_change)),
        unchanged=unchanged + c_unchanged + l_unchanged,
    )
