"""What one subject (a validator adapter or a converter) did in a run, as tables: its counts
per corpus and every case on which it broke an expectation or failed as the ledger expected."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from st9x.engine.judge import BROKEN, Judgement
from st9x.matrix.cases import CaseIndex
from st9x.matrix.tables import Cell, Ref, Table, counts_text, num, row_header, worst_word

JUDGEMENTS = tuple(j.value for j in Judgement)
LISTED = 1000  # failures listed on a subject's page; the corpus pages' filters list them all


def _truncated(caption: str, total: int) -> str:
    return caption + (f" (the first {LISTED} of {total})" if total > LISTED else "")


def validator_tables(name: str, summary: Mapping[str, Any], index: CaseIndex) -> list[Table]:
    rows = []
    for corpus, by_adapter in summary["by_corpus"].items():
        counts = by_adapter.get(name)
        if counts:
            rows.append((row_header(corpus, Ref("corpus", corpus)),
                         *(num(counts.get(j, 0)) for j in JUDGEMENTS)))
    tables = [Table(f"{name}: judgements per corpus", ("corpus", *JUDGEMENTS), tuple(rows))]
    broken: list[tuple[Cell, ...]] = []
    expected: list[tuple[Cell, ...]] = []
    for view in index.by_key.values():
        for v in view.verdicts:
            if v.adapter != name:
                continue
            first = v.errors[0] if v.errors else None
            text = (f"{first.where}: {first.message}" if first and first.where else
                    first.message if first else "")
            row = (Cell(view.key, ref=Ref("case", view.key)), Cell(view.expected),
                   Cell(v.verdict), Cell(v.judgement.value, v.judgement.value))
            if v.judgement in BROKEN:
                broken.append((*row, Cell(text)))
            elif v.judgement is Judgement.XFAIL and v.entry is not None:
                expected.append((*row, Cell(v.entry.reason)))
    columns = ("case", "expected", "verdict", "judgement")
    tables.append(Table(_truncated(f"{name}: broken expectations", len(broken)),
                        (*columns, "first error"), tuple(broken[:LISTED])))
    tables.append(Table(_truncated(f"{name}: expected failures (in the ledger)", len(expected)),
                        (*columns, "reason"), tuple(expected[:LISTED])))
    return tables


def converter_tables(name: str, conversions: Mapping[str, Any] | None, judged: list[Any],
                     index: CaseIndex) -> list[Table]:
    if conversions is None:
        return []
    tables = []
    checks = conversions.get("checks", {}).get(name, {})
    if checks:
        tables.append(Table(f"{name}: judgements per check", ("check", *JUDGEMENTS),
                            tuple((row_header(c), *(num(checks[c].get(j, 0)) for j in JUDGEMENTS))
                                  for c in sorted(checks))))
    schemas = conversions.get("schemas", {}).get(name, {})
    if schemas:
        tables.append(Table(
            f"{name}: schema conversion per corpus", ("corpus", "ok", "unsupported", "errored",
                                                      "losses"),
            tuple((row_header(c, Ref("corpus", c)), num(s["ok"]), num(s["unsupported"]),
                   num(s["errored"], "errored" if s["errored"] else ""),
                   Cell(counts_text(s["losses"]))) for c, s in sorted(schemas.items()))))
    trips = conversions.get("roundtrip", {}).get(name, {})
    if trips:
        tables.append(Table(f"{name}: round trip per corpus (XSD-valid cases)",
                            ("corpus", "statuses"),
                            tuple((row_header(c, Ref("corpus", c)),
                                   Cell(counts_text(t), worst_word(
                                       t, ("lossy", "errored")) if t.get("lossy") or
                                       t.get("errored") else "pass"))
                                  for c, t in sorted(trips.items()))))
    broken: list[tuple[Cell, ...]] = []
    expected: list[tuple[Cell, ...]] = []
    for j in judged:
        if j.converter != name:
            continue
        item = (Cell(j.item, ref=Ref("case", j.item) if index.get(j.item) else None),
                Cell(str(j.check)), Cell(j.judgement.value, j.judgement.value))
        if j.judgement in BROKEN:
            broken.append((*item, Cell(j.problems[0] if j.problems else "")))
        elif j.judgement is Judgement.XFAIL and j.entry is not None:
            expected.append((*item, Cell(j.entry.reason)))
    columns = ("case or schema", "check", "judgement")
    tables.append(Table(_truncated(f"{name}: broken expectations", len(broken)),
                        (*columns, "problem"), tuple(broken[:LISTED])))
    tables.append(Table(_truncated(f"{name}: expected failures (in the ledger)", len(expected)),
                        (*columns, "reason"), tuple(expected[:LISTED])))
    return tables
