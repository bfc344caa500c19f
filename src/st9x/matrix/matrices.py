"""The matrices of a run as :class:`~st9x.matrix.tables.Table` records, one function per
matrix; each returns no table when the run has no data for it, so a report shows only what was
measured.

- trust: validators on peer suites (adapter × suite pass rate, and every peer corpus's counts);
- agreement: validators of one format that disagree, counted by corpus, tag, constraint kind and
  adapter pair;
- decisions: converter × ST.97 register decision, schema and instance level;
- verdict agreement: XSD vs JSON Schema verdicts per converter × JSON validator × constraint kind;
- round trip: fidelity per converter × corpus, and the lossy constructs that explain it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from itertools import combinations
from typing import Any

from st9x.matrix.cases import CaseIndex
from st9x.matrix.headlines import (
    AGREEMENT_DECIDED,
    decision_statuses,
    peer_rates,
    peer_suite,
    rate_of,
)
from st9x.matrix.tables import Cell, Ref, Table, counts_text, num, percent, row_header, worst_word

JUDGEMENTS = ("pass", "fail", "errored", "xfail", "xpass", "skipped", "unchecked")
ROUNDTRIP = ("exact", "normalised", "lossy", "errored", "unsupported", "not-converted")
AGREEMENT = ("agree", "gap-accepts", "gap-rejects", "not-convertible", "errored", "skipped")
DECISION = ("pass", "fail", "errored", "n/a", "loss")
LISTED = 200  # rows of a list of cases on a matrix page (the corpus pages list every case)


def _subject(name: str) -> Cell:
    return row_header(name, Ref("subject", name))


def _corpus(name: str) -> Cell:
    return row_header(name, Ref("corpus", name))


def _case(key: str) -> Cell:
    return Cell(key, ref=Ref("case", key))


def trust(summary: Mapping[str, Any]) -> list[Table]:
    rates = peer_rates(summary)
    if not rates:
        return []
    suites = list(rates)
    adapters = sorted({a for by in rates.values() for a in by})
    overall = Table(
        "Validators on peer suites: cases passed of those judged (pass rate)",
        ("validator", *suites),
        tuple(
            (_subject(a), *(
                num(f"{r.text} ({r.passed}/{r.decided})", "fail" if r.passed < r.decided
                    else "pass") if (r := rates[s].get(a)) and r.decided else num("—")
                for s in suites))
            for a in adapters),
        note="A case counts as passed when the validator's verdict is the suite's; an expected "
             "failure (xfail) counts against the rate; skipped cases (a dialect the validator "
             "does not implement) are left out.",
    )
    rows = []
    for corpus, by_adapter in summary["by_corpus"].items():
        if peer_suite(corpus) is None:
            continue
        for adapter, counts in by_adapter.items():
            r = rate_of(counts)
            rows.append((_corpus(corpus), _subject(adapter),
                         num(r.text, "fail" if r.passed < r.decided else "pass"),
                         *(num(counts.get(j, 0)) for j in JUDGEMENTS)))
    detail = Table("Every peer corpus under every validator",
                   ("corpus", "validator", "pass rate", *JUDGEMENTS), tuple(rows))
    return [overall, detail]


def agreement(summary: Mapping[str, Any], index: CaseIndex) -> list[Table]:
    disagreements = summary["disagreements"]
    by_corpus: Counter[str] = Counter()
    by_tag: Counter[str] = Counter()
    by_constraint: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    cases_of: Counter[str] = Counter()
    for view in index.by_key.values():
        cases_of[view.corpus] += 1
    for row in disagreements:
        view = index.get(row["case"])
        if view is not None:
            by_corpus[view.corpus] += 1
            by_tag.update(view.tags)
            by_constraint[view.constraint or "(none)"] += 1
        decided = {a: v for a, v in row["verdicts"].items() if v in ("valid", "invalid")}
        for a, b in combinations(sorted(decided), 2):
            if decided[a] != decided[b]:
                pairs[(a, b)] += 1
    if not summary["by_corpus"]:
        return []
    corpora = Table(
        "Cases whose validators disagree, by corpus",
        ("corpus", "cases", "disagreements", "share"),
        tuple((_corpus(c), num(cases_of[c]),
               num(by_corpus[c], "fail" if by_corpus[c] else "pass",
                   Ref("disagreements", c) if by_corpus[c] else None),
               num(percent(by_corpus[c], cases_of[c])))
              for c in summary["by_corpus"]),
    )
    tables = [corpora]
    if pairs:
        tables.append(Table("Disagreements by pair of validators (one verdict valid, the other "
                            "invalid)", ("validator", "other validator", "cases"),
                            tuple((_subject(a), Cell(b, ref=Ref("subject", b)), num(n))
                                  for (a, b), n in sorted(pairs.items()))))
    if by_constraint:
        tables.append(Table("Disagreements by constraint kind the case breaks",
                            ("constraint kind", "cases"),
                            tuple((row_header(k), num(n))
                                  for k, n in sorted(by_constraint.items()))))
    if by_tag:
        tables.append(Table("Disagreements by tag", ("tag", "cases"),
                            tuple((row_header(k), num(n)) for k, n in sorted(by_tag.items()))))
    if disagreements:
        adapters = sorted({a for row in disagreements for a in row["verdicts"]})
        listed = disagreements[:LISTED]
        tables.append(Table(
            "Cases whose validators disagree" + (
                f" (the first {LISTED} of {len(disagreements)}; each corpus page lists all)"
                if len(disagreements) > LISTED else ""),
            ("case", "expected", *adapters),
            tuple((_case(r["case"]), Cell(r["expected"]),
                   *(Cell(r["verdicts"].get(a, "—")) for a in adapters)) for r in listed)))
    return tables


def decisions(conversions: Mapping[str, Any] | None) -> list[Table]:
    if not conversions or not conversions.get("decisions"):
        return []
    converters = sorted(conversions["decisions"])
    numbers = sorted({d for c in converters for s in decision_statuses(conversions, c)
                      for d in [s.decision]}, key=lambda d: (not d.isdigit(), int(d) if
                                                             d.isdigit() else 0, d))
    tables = []
    for level in ("schema", "instance"):
        rows = []
        for conv in converters:
            by_d = conversions["decisions"][conv].get(level, {})
            if not by_d:
                continue
            rows.append((_subject(conv), *(
                Cell(counts_text(by_d[d], DECISION), worst_word(by_d[d])) if d in by_d
                else Cell("—") for d in numbers)))
        if rows:
            tables.append(Table(
                f"ST.97 register decisions checked on each converter's {level}s "
                "(how many passed, failed, did not apply; loss: places a reported loss explains)",
                ("converter", *(f"decision {d}" for d in numbers)), tuple(rows)))
    summary_rows = []
    for conv in converters:
        statuses = decision_statuses(conversions, conv)
        passed = sum(s.passed for s in statuses)
        summary_rows.append((_subject(conv), num(f"{passed}/{len(statuses)}",
                                                 "pass" if passed == len(statuses) else "fail")))
    tables.insert(0, Table("Decisions passed everywhere (schemas and instances)",
                           ("converter", "decisions passed"), tuple(summary_rows)))
    failures = conversions.get("decision_failures") or []
    if failures:
        tables.append(Table(
            "Decision failures (the first ones listed by the summary)",
            ("converter", "level", "decision", "where", "detail"),
            tuple((_subject(f["converter"]), Cell(f["level"]), Cell(f["decision"]),
                   _case(f["where"]) if f["level"] == "instance" else Cell(f["where"]),
                   Cell(f["detail"])) for f in failures)))
    return tables


def verdict_agreement(conversions: Mapping[str, Any] | None) -> list[Table]:
    if not conversions or not conversions.get("agreement"):
        return []
    by_conv = conversions["agreement"]
    adapters_all = sorted({a for c in by_conv.values() for a in c})
    overall_rows = []
    tables = []
    for conv in sorted(by_conv):
        adapters = sorted(by_conv[conv])
        totals = []
        for adapter in adapters_all:
            total: Counter[str] = Counter()
            for counts in by_conv[conv].get(adapter, {}).values():
                total.update(counts)
            decided = sum(total[k] for k in AGREEMENT_DECIDED)
            totals.append(_agreement_cell(total["agree"], decided, percent_first=True))
        overall_rows.append((_subject(conv), *totals))
        kinds = sorted({k for a in adapters for k in by_conv[conv][a]})
        rows = []
        for kind in kinds:
            cells = []
            for adapter in adapters:
                counts = by_conv[conv][adapter].get(kind, {})
                decided = sum(counts.get(k, 0) for k in AGREEMENT_DECIDED)
                rest = {k: n for k, n in counts.items() if k != "agree" and n}
                cell = _agreement_cell(counts.get("agree", 0), decided)
                if rest:
                    cell = Cell(f"{cell.text} ({counts_text(rest, AGREEMENT)})", cell.word)
                cells.append(cell)
            rows.append((row_header(kind), *cells))
        tables.append(Table(f"{conv}: XSD vs JSON Schema verdicts by constraint kind",
                            ("constraint kind", *adapters), tuple(rows)))
    overall = Table("Verdict agreement per converter and JSON validator (skipped and errored "
                    "verdicts left out)", ("converter", *adapters_all), tuple(overall_rows))
    gaps = conversions.get("gaps") or []
    out = [overall, *tables]
    if gaps:
        out.append(Table(f"Verdict gaps (the first {min(len(gaps), LISTED)} of {len(gaps)})",
                         ("case", "converter", "JSON validator", "kind", "explanation"),
                         tuple((_case(g["case"]), _subject(g["converter"]),
                                Cell(g["adapter"], ref=Ref("subject", g["adapter"])),
                                Cell(g["kind"], "fail"), Cell(g["explanation"]))
                               for g in gaps[:LISTED])))
    return out


def _agreement_cell(agree: int, decided: int, percent_first: bool = False) -> Cell:
    if not decided:
        return num("—")
    word = "pass" if agree == decided else "fail"
    if percent_first:
        return num(f"{percent(agree, decided)} ({agree}/{decided})", word)
    return Cell(f"{agree}/{decided} agree", word)


def roundtrip(conversions: Mapping[str, Any] | None) -> list[Table]:
    if not conversions or not conversions.get("roundtrip"):
        return []
    trips = conversions["roundtrip"]
    rows = []
    for conv in sorted(trips):
        for corpus in sorted(trips[conv]):
            counts = trips[conv][corpus]
            total = sum(counts.values())
            faithful = counts.get("exact", 0) + counts.get("normalised", 0)
            rows.append((_subject(conv), _corpus(corpus),
                         num(f"{percent(faithful, total)} ({faithful}/{total})",
                             "pass" if faithful == total else "fail"),
                         *(num(counts.get(k, 0)) for k in ROUNDTRIP)))
    tables = [Table("Round trip of XSD-valid cases (XML → JSON → XML) per converter and corpus",
                    ("converter", "corpus", "faithful", *ROUNDTRIP), tuple(rows),
                    note="faithful: exact, or equal after normalising whitespace and prefixes")]
    constructs = conversions.get("lossy_constructs") or {}
    if constructs:
        tables.append(Table("Constructs that explain the lossy round trips (cases)",
                            ("converter", "constructs"),
                            tuple((_subject(c), Cell(counts_text(constructs[c])))
                                  for c in sorted(constructs))))
    lossy = conversions.get("lossy") or []
    if lossy:
        tables.append(Table(
            "Lossy round trips (the first ones listed by the summary)",
            ("case", "converter", "status", "constructs", "difference"),
            tuple((_case(r["case"]), _subject(r["converter"]), Cell(r["status"], "fail"),
                   Cell(", ".join(sorted({x["construct"] for x in r["losses"]})) or
                        "unexplained"), Cell(r["difference"])) for r in lossy)))
    return tables
