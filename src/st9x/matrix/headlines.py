"""The headline numbers of a run: the few figures a reader quotes, each computed from the run
and pointing at the matrix it summarises.

- register decisions: of the ST.97 register decisions the reference converter checks, how many
  it passes everywhere (schema and instance level; ``n/a`` is not a failure);
- XSD/JSON verdict agreement: of the converted cases under the reference converter (every JSON
  validator that gave a verdict), how many got the XSD's verdict;
- peer suites: per suite (JSON-Schema-Test-Suite, W3C XSD 1.0, W3C XSD 1.1) the pass rate of
  each validator over the cases it judged (pass and xfail over everything but skipped and
  unchecked: an xfail is a known failure, so it counts against the rate);
- validation documents: valid, invalid, errored (one verdict per document, the worst);
- design rules: per linter, the schema files without an essential (MUST) failure, and the same
  over the reference converter's generated schemas;
- broken expectations: validation, converter and lint checks that broke.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from st9x.matrix.lint_tables import clean_files
from st9x.matrix.runs import Run
from st9x.matrix.tables import percent

#: the converter whose figures are the headlines (the ST.97 v2 conversion with default options)
REFERENCE_CONVERTER = "st97-v2"
#: judgements that say a subject decided something about a case (skipped, unchecked do not)
DECIDED = ("pass", "fail", "errored", "xfail", "xpass")
#: agreement kinds that count in the XSD/JSON verdict agreement (skipped, errored do not)
AGREEMENT_DECIDED = ("agree", "gap-accepts", "gap-rejects", "not-convertible")
#: how a headline names the rules a linter checks (other linters: by their name)
LINT_LABELS = {"st96-xsd": "ST.96 design rules", "st97-jsonschema": "ST.97 design rules"}


@dataclass(frozen=True)
class Headline:
    """One figure: ``label: value``, a sentence saying what it counts, the matrix page name it
    summarises (``matrices/<matrix>.html``; empty for the overview itself) and whether it is
    bad news (a reader's eye goes there first)."""

    label: str
    value: str
    detail: str
    matrix: str
    bad: bool = False


def peer_suite(corpus: str) -> str | None:
    """The peer suite a corpus id belongs to (``JSON-Schema-Test-Suite``, ``W3C XSD 1.0``...),
    None for a corpus that is not from a peer suite. Peer corpora are named by their loaders:
    ``jsts/<folder>`` and ``w3c-xsd-<version>/<who>/<set>``."""
    head = corpus.split("/", 1)[0]
    if head == "jsts" and "/" in corpus:
        return "JSON-Schema-Test-Suite"
    if head.startswith("w3c-xsd-") and "/" in corpus:
        return f"W3C XSD {head.removeprefix('w3c-xsd-')}"
    return None


@dataclass(frozen=True)
class Rate:
    """Cases a subject passed out of those it decided."""

    passed: int
    decided: int

    @property
    def text(self) -> str:
        return percent(self.passed, self.decided)


def rate_of(counts: Mapping[str, int]) -> Rate:
    return Rate(counts.get("pass", 0), sum(counts.get(k, 0) for k in DECIDED))


def peer_rates(summary: Mapping[str, Any]) -> dict[str, dict[str, Rate]]:
    """suite -> adapter -> its pass rate over every corpus of the suite."""
    sums: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for corpus, by_adapter in summary["by_corpus"].items():
        suite = peer_suite(corpus)
        if suite is None:
            continue
        for adapter, counts in by_adapter.items():
            cell = sums[suite][adapter]
            for k, n in counts.items():
                cell[k] = cell.get(k, 0) + n
    return {s: {a: rate_of(c) for a, c in sorted(by.items())} for s, by in sorted(sums.items())}


@dataclass(frozen=True)
class DecisionStatus:
    """A register decision under one converter: where it was checked and how it went."""

    decision: str
    counts: Mapping[str, int]  # status -> how many schemas and instances

    @property
    def passed(self) -> bool:
        return not (self.counts.get("fail") or self.counts.get("errored")) and bool(
            sum(n for s, n in self.counts.items() if s != "loss"))


def decision_statuses(conversion_summary: Mapping[str, Any], converter: str
                      ) -> list[DecisionStatus]:
    """Each decision the converter was checked on, its schema and instance counts added."""
    levels = conversion_summary.get("decisions", {}).get(converter, {})
    merged: dict[str, dict[str, int]] = {}
    for by_decision in levels.values():
        for decision, counts in by_decision.items():
            cell = merged.setdefault(decision, {})
            for status, n in counts.items():
                cell[status] = cell.get(status, 0) + n
    return [DecisionStatus(d, merged[d]) for d in sorted(merged, key=_decision_order)]


def _decision_order(decision: str) -> tuple[int, str]:
    return (int(decision), "") if decision.isdigit() else (1 << 30, decision)


def agreement_counts(conversion_summary: Mapping[str, Any], converter: str) -> dict[str, int]:
    """The converter's agreement kinds added over its JSON validators and constraint kinds."""
    total: dict[str, int] = {}
    for by_kind in conversion_summary.get("agreement", {}).get(converter, {}).values():
        for counts in by_kind.values():
            for kind, n in counts.items():
                total[kind] = total.get(kind, 0) + n
    return total


def headlines(run: Run) -> list[Headline]:
    """The headline figures of ``run``, in the order the overview shows them; a figure the run
    has no data for is left out."""
    out: list[Headline] = []
    summary = run.summary
    conversions = run.conversion_summary
    if conversions is not None:
        out += _conversion_headlines(conversions)
    for suite, rates in peer_rates(summary).items():
        shown = [(a, r) for a, r in rates.items() if r.decided]
        if not shown:
            continue
        best_adapter, best = max(shown, key=lambda ar: (ar[1].passed / ar[1].decided, ar[0]))
        out.append(Headline(
            suite, best.text,
            f"best validator {best_adapter} ({best.passed}/{best.decided} cases passed); "
            + "; ".join(f"{a} {r.text}" for a, r in shown),
            "trust"))
    docs = summary["documents"]
    if sum(docs.values()):
        out.append(Headline(
            "Validation documents",
            f"{docs['valid']} valid / {docs['invalid']} invalid / {docs['errored']} errored",
            "one verdict per document, the worst its validators gave"
            + (f"; {len(summary['disagreements'])} with validators disagreeing"
               if summary["disagreements"] else ""),
            "agreement"))
    lint = run.lint_summary if run.lint_records else None
    if lint is not None:
        out += lint_headlines(run.lint_records)
    broken = (summary["broken"] + (conversions["broken"] if conversions else 0)
              + (lint["broken"] if lint else 0))
    out.append(Headline(
        "Broken expectations", str(broken),
        f"{summary['broken']} validation record(s)"
        + (f", {conversions['broken']} converter check(s)" if conversions else "")
        + (f", {lint['broken']} design-rule check(s)" if lint else "")
        + " judged fail, errored or xpass",
        "", bad=broken > 0))
    return out


def lint_headlines(records: list[dict[str, Any]]) -> list[Headline]:
    """Per linter, the schema files without an unsuppressed essential failure; for converter
    output, only the reference converter's (the other converters are on the lint page)."""
    out = []
    for clean in clean_files(records):
        if clean.converter not in (None, REFERENCE_CONVERTER) or not clean.files:
            continue
        label = LINT_LABELS.get(clean.linter, f"Design rules ({clean.linter})")
        where = (f"schema files {REFERENCE_CONVERTER} generated" if clean.converter
                 else "schema files")
        out.append(Headline(
            label + (f" on {REFERENCE_CONVERTER}'s output" if clean.converter else ""),
            f"{clean.clean}/{clean.files}",
            f"{clean.clean} of {clean.files} {where} without an essential (MUST) finding "
            f"({clean.linter}; a file that could not be linted counts as not clean"
            + (f"; {clean.not_applicable} file(s) no rule applies to left out"
               if clean.not_applicable else "") + ")",
            "lint", bad=clean.clean < clean.files))
    return out


def _conversion_headlines(conversions: Mapping[str, Any]) -> list[Headline]:
    out = []
    statuses = decision_statuses(conversions, REFERENCE_CONVERTER)
    if statuses:
        passed = [s.decision for s in statuses if s.passed]
        failed = [s.decision for s in statuses if not s.passed]
        out.append(Headline(
            "ST.97 register decisions", f"{len(passed)}/{len(statuses)}",
            f"decisions {', '.join(s.decision for s in statuses)} checked on "
            f"{REFERENCE_CONVERTER}'s schemas and instances"
            + (f"; not passed: {', '.join(failed)}" if failed else ""),
            "decisions", bad=bool(failed)))
    counts = agreement_counts(conversions, REFERENCE_CONVERTER)
    decided = sum(counts.get(k, 0) for k in AGREEMENT_DECIDED)
    if decided:
        out.append(Headline(
            "XSD/JSON verdict agreement", percent(counts.get("agree", 0), decided),
            f"{counts.get('agree', 0)}/{decided} verdicts of JSON validators on "
            f"{REFERENCE_CONVERTER}'s conversions equal the XSD's "
            f"({counts.get('gap-accepts', 0)} accept what the XSD rejects, "
            f"{counts.get('gap-rejects', 0)} reject what it accepts, "
            f"{counts.get('not-convertible', 0)} not convertible)",
            "verdict-agreement"))
    return out
