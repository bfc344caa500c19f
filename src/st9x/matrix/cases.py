"""A run's records regrouped case by case, for pages that show one case or one corpus.

The matrices count; a reader who sees a count wants the cases behind it. This module turns a
:class:`~st9x.matrix.runs.Run` into one :class:`CaseView` per case (every validator's verdict,
judgement, located errors and ledger entry, and every converter's record and judged checks on
it), grouped by corpus in the order the run's header lists them, in one pass over the records,
so that a run of tens of thousands of records is regrouped once, not once per page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from st9x.engine.judge import BROKEN, Judged, Judgement
from st9x.ledger import Entry
from st9x.matrix.runs import Run
from st9x.subjects.converters.base import Check

#: the converter checks made on one case (the others are made on a schema)
CASE_LEVEL_CHECKS = frozenset({Check.ROUNDTRIP, Check.VALIDITY, Check.AGREEMENT})


@dataclass(frozen=True)
class Located:
    """One error a validator reported, with where it is when the validator said so."""

    message: str
    location: str | None = None
    line: int | None = None
    column: int | None = None

    @property
    def where(self) -> str:
        """``line:col`` (or the line, or the path in the document), empty when unknown."""
        if self.line:
            return f"{self.line}:{self.column}" if self.column else str(self.line)
        return self.location or ""


@dataclass(frozen=True)
class Verdict:
    """One validator's verdict on a case and how the run judged it."""

    adapter: str
    verdict: str
    judgement: Judgement
    entry: Entry | None
    errors: tuple[Located, ...]
    error_count: int
    errors_omitted: int


@dataclass(frozen=True)
class Conversion:
    """One converter's record on a case and the judgements of its checks on that case."""

    converter: str
    record: Mapping[str, Any]
    checks: tuple[Judged, ...]

    @property
    def worst(self) -> Judgement | None:
        """The judgement a list shows for this converter: a broken one first, then xfail."""
        return _worst(j.judgement for j in self.checks)


@dataclass
class CaseView:
    """Everything the run says about one case."""

    corpus: str
    case: str
    format: str
    expected: str
    schema: str | None
    instance: str
    instance_sha256: str | None
    constraint: str | None
    tags: tuple[str, ...]
    verdicts: list[Verdict] = field(default_factory=list)
    conversions: list[Conversion] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.corpus}/{self.case}"

    @property
    def failing(self) -> bool:
        """A broken expectation (fail, errored, xpass) under any validator or converter check."""
        return any(v.judgement in BROKEN for v in self.verdicts) or any(
            j.judgement in BROKEN for c in self.conversions for j in c.checks
        )

    @property
    def disagreement(self) -> bool:
        """Validators of the case's format gave different verdicts (errored is no verdict)."""
        return len({v.verdict for v in self.verdicts if v.verdict in ("valid", "invalid")}) > 1


_ORDER = (Judgement.FAIL, Judgement.ERRORED, Judgement.XPASS, Judgement.XFAIL, Judgement.PASS,
          Judgement.UNCHECKED, Judgement.SKIPPED)


def _worst(judgements: Iterable[Judgement]) -> Judgement | None:
    seen = set(judgements)
    return next((j for j in _ORDER if j in seen), None)


def _located(errors: Iterable[Mapping[str, Any]]) -> tuple[Located, ...]:
    return tuple(
        Located(str(e.get("message", "")), e.get("location"), e.get("line"), e.get("column"))
        for e in errors
    )


@dataclass
class CaseIndex:
    """The cases of a run by corpus (header order, then case id) and by ``corpus/case`` key."""

    by_corpus: dict[str, list[CaseView]]
    by_key: dict[str, CaseView]

    def get(self, key: str) -> CaseView | None:
        return self.by_key.get(key)


def case_index(run: Run) -> CaseIndex:
    """Regroup ``run``'s validation and conversion records case by case."""
    views: dict[tuple[str, str], CaseView] = {}
    for record in run.records:
        ident = (record["corpus"], record["case"])
        view = views.get(ident)
        if view is None:
            view = views[ident] = CaseView(
                record["corpus"], record["case"], record["format"], record["expected"],
                record.get("schema"), record["instance"], record.get("instance_sha256"),
                record.get("constraint"), tuple(record.get("tags") or ()),
            )
        judgement, entry = run.judgements[(view.key, record["adapter"])]
        view.verdicts.append(Verdict(
            record["adapter"], record["verdict"], judgement, entry,
            _located(record["errors"]), record["error_count"],
            record.get("errors_omitted", record["error_count"] - len(record["errors"])),
        ))
    checks: dict[tuple[str, str], list[Judged]] = defaultdict(list)
    for judged in run.conversion_judgements:
        if judged.check in CASE_LEVEL_CHECKS:
            checks[(judged.item, judged.converter)].append(judged)
    for record in run.conversion_records:
        if record["type"] != "case":
            continue
        ident = (record["corpus"], record["case"])
        view = views.get(ident)
        if view is None:  # a converted case no validator ran (a run of converters only)
            view = views[ident] = CaseView(
                record["corpus"], record["case"], "xml", record["expected"], record["schema"],
                "", None, record.get("constraint"), tuple(record.get("tags") or ()),
            )
        found = tuple(checks.get((view.key, record["converter"]), ()))
        view.conversions.append(Conversion(record["converter"], record, found))
    order = {c["id"]: i for i, c in enumerate(run.header.get("corpora", []))}
    by_corpus: dict[str, list[CaseView]] = {}
    for ident in sorted(views, key=lambda k: (order.get(k[0], len(order)), k[0], k[1])):
        by_corpus.setdefault(ident[0], []).append(views[ident])
    return CaseIndex(by_corpus, {v.key: v for v in views.values()})
