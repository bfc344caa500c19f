"""The figures behind the badges: one per subject × corpus, for a validator (an adapter, from its
validation records) and for a converter (every check it claims, from its judged converter
records), so that a vendor's badge and the matrices say the same thing.

A badge counts *judged* items: passes against everything that was judged (pass, fail, errored,
xfail, xpass). Skipped items (a dialect the subject does not support) and unchecked ones (no
expectation) are left out: a badge says how a subject does on what it was asked, not how much
it was asked. An expected failure (xfail) is not a pass: "139/140 pass" with one known failure.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from st9x.engine.judge import Judgement
from st9x.matrix.runs import Run

JUDGED = (Judgement.PASS, Judgement.FAIL, Judgement.ERRORED, Judgement.XFAIL, Judgement.XPASS)

#: the colour of a pass rate, shields.io's named colours, best first: (lowest rate, colour)
COLOURS: tuple[tuple[float, str], ...] = (
    (1.0, "brightgreen"),
    (0.95, "green"),
    (0.90, "yellowgreen"),
    (0.75, "yellow"),
    (0.50, "orange"),
    (0.0, "red"),
)
NOTHING_JUDGED = "lightgrey"


@dataclass(frozen=True)
class BadgeFigure:
    """One subject on one corpus: ``kind`` is ``validator`` or ``converter``."""

    kind: str
    subject: str
    corpus: str
    passed: int
    judged: int
    skipped: int

    @property
    def rate(self) -> float | None:
        return self.passed / self.judged if self.judged else None

    @property
    def label(self) -> str:
        return f"{self.subject} on {self.corpus}"

    @property
    def message(self) -> str:
        if not self.judged:
            return f"{self.skipped} skipped" if self.skipped else "nothing judged"
        return f"{self.passed}/{self.judged} pass"

    @property
    def colour(self) -> str:
        rate = self.rate
        if rate is None:
            return NOTHING_JUDGED
        return next(colour for lowest, colour in COLOURS if rate >= lowest)


def _figure(kind: str, subject: str, corpus: str, counts: Counter[Judgement]) -> BadgeFigure:
    return BadgeFigure(kind, subject, corpus, counts[Judgement.PASS],
                       sum(counts[j] for j in JUDGED), counts[Judgement.SKIPPED])


def badge_figures(run: Run) -> list[BadgeFigure]:
    """Every subject × corpus of ``run`` that has a record, validators first, sorted."""
    validators: dict[tuple[str, str], Counter[Judgement]] = {}
    for r in run.records:
        judgement, _entry = run.judgements[(f"{r['corpus']}/{r['case']}", r["adapter"])]
        validators.setdefault((r["adapter"], r["corpus"]), Counter())[judgement] += 1
    # a judged converter item is "corpus/id" and a corpus id may hold "/": the longest id of
    # the run's corpora that prefixes the item is its corpus
    corpora = sorted({str(r["corpus"]) for r in run.conversion_records}, key=len, reverse=True)
    converters: dict[tuple[str, str], Counter[Judgement]] = {}
    for judged in run.conversion_judgements:
        if judged.judgement is Judgement.UNCHECKED:
            continue  # a check the converter does not claim is measured, not judged
        corpus = next((c for c in corpora if judged.item.startswith(c + "/")), "")
        converters.setdefault((judged.converter, corpus), Counter())[judged.judgement] += 1
    return ([_figure("validator", s, c, n) for (s, c), n in sorted(validators.items())]
            + [_figure("converter", s, c, n) for (s, c), n in sorted(converters.items())])
