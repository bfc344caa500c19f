"""The compliance matrices of a run's lint summary as :class:`~st9x.matrix.tables.Table`
records, for ``lint-matrix.md`` and the report site alike: schema file × rule category,
converter output × rule category, converter × rule, and the failing findings; beside them each
rule's description (title, the section it derives from, severity) that a finding points at.

A cell says what it counts in its text (``pass 12``, ``fail 3/415``, ``n/a``), so a renderer
may colour it by its word but never has to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from st9x.matrix.tables import Cell, Ref, Table, row_header

#: what a clean file is clean of: a failure of a rule of this severity (a MUST)
ESSENTIAL = "essential"


def cell_text(counts: Mapping[str, Any] | None) -> str:
    """``pass N`` (places checked), ``fail F/N`` (F failing of N), ``n/a`` or ``errored E``,
    with accepted (suppressed) failures counted after a ``+``; ``—`` where the rule or category
    does not apply to the file's kind."""
    if not counts:
        return "—"
    verdict = counts["verdict"]
    checked = counts["pass"] + counts["fail"] + counts["suppressed"]
    extra = f" (+{counts['suppressed']} suppressed)" if counts["suppressed"] else ""
    if verdict == "fail":
        return f"fail {counts['fail']}/{checked}{extra}"
    if verdict == "errored":
        return f"errored {counts['errored']}"
    if verdict == "pass":
        return f"pass {checked}{extra}"
    return "n/a"


def _cell(counts: Mapping[str, Any] | None) -> Cell:
    word = counts["verdict"] if counts else ""
    return Cell(cell_text(counts), word if word in ("pass", "fail", "errored") else "")


def _item_row(row: Mapping[str, Any], categories: list[str]) -> tuple[Cell, ...]:
    if row["status"] != "ok":
        status = str(row["status"])
        return (row_header(row["item"]), Cell(row["linter"], ref=Ref("subject", row["linter"])),
                *(Cell(status, "errored" if status == "errored" else "") for _ in categories))
    return (row_header(row["item"]), Cell(row["linter"], ref=Ref("subject", row["linter"])),
            *(_cell(row["categories"].get(c)) for c in categories))


def compliance(summary: Mapping[str, Any]) -> list[Table]:
    """Schema file × rule category, then converter output × rule category."""
    categories = list(summary["categories"])
    out = []
    for converted, caption, first in (
        (False, "Schema file × rule category", "schema file"),
        (True, "Converter output × rule category", "generated schema"),
    ):
        rows = tuple(_item_row(s, categories) for s in summary["subjects"]
                     if bool(s["converter"]) is converted)
        if rows:
            out.append(Table(caption, (first, "linter", *categories), rows,
                             "pass N: N places checked, none failing; fail F/N: F of N failing; "
                             "n/a: nothing of the category in the file; —: no rule of the "
                             "category applies to this kind of schema."))
    return out


def converter_rules(summary: Mapping[str, Any]) -> list[Table]:
    """Converter × rule over every schema each converter generated."""
    per_converter = summary["converters"]
    if not per_converter:
        return []
    rule_ids = sorted({r for per in per_converter.values() for r in per})
    rows = tuple(
        (row_header(conv, Ref("subject", conv)),
         *(_cell(per.get(r)) for r in rule_ids))
        for conv, per in per_converter.items()
    )
    return [Table("Converter × rule, over every schema the converter generated",
                  ("converter", *rule_ids), rows)]


def findings(summary: Mapping[str, Any]) -> list[Table]:
    """The failing findings the summary lists (suppressed ones left out), each naming its rule
    so a reader can look the rule up."""
    listed = summary["findings"]
    if not listed:
        return []
    rows = tuple(
        (row_header(f["rule"], Ref("rule", f["rule"])),
         Cell(f["severity"], "fail" if f["severity"] == ESSENTIAL else ""),
         Cell(f"{f['item']}:{f['line']}" if f["line"] else f["item"]),
         Cell(f["location"] or "/"),
         Cell(f["message"] or ""))
        for f in listed
    )
    more = summary["finding_count"] - len(listed)
    note = (f"The first {len(listed)} of {summary['finding_count']} failures; lint.jsonl holds "
            "every one." if more > 0 else "")
    return [Table(f"Failing findings ({summary['finding_count']}, "
                  f"{summary['suppressed']} suppressed)",
                  ("rule", "severity", "file:line", "location", "message"), rows, note)]


@dataclass(frozen=True)
class RuleNote:
    """What a finding's rule is: its table row as the run's lint header lists it, and how it
    went over the run (places, failing files)."""

    id: str
    title: str
    source: str
    severity: str
    category: str
    linter: str
    standard_rule: str | None
    places: str
    failing_files: str


def rule_notes(summary: Mapping[str, Any]) -> list[RuleNote]:
    """Every rule of the run's linters, those with failures first."""
    notes = []
    for rule_id, rule in summary["rules"].items():
        total = summary["totals"].get(rule_id)
        notes.append(RuleNote(
            id=rule_id, title=str(rule.get("title", "")), source=str(rule.get("source", "")),
            severity=str(rule.get("severity", "")), category=str(rule.get("category", "")),
            linter=str(rule.get("linter", "")), standard_rule=rule.get("standard_rule"),
            places=cell_text(total) if total else "not run",
            failing_files=f"{total['failing_files']}/{total['files']}" if total else "—",
        ))
    failing = {rid for rid, t in summary["totals"].items() if t["fail"]}
    return sorted(notes, key=lambda n: (n.id not in failing, n.id))


@dataclass(frozen=True)
class CleanFiles:
    """Schema files a linter read without an unsuppressed essential failure, of those read;
    files no rule applied to (an imported vocabulary such as MathML: every rule ``n/a``) are
    counted apart."""

    linter: str
    converter: str | None
    clean: int
    files: int
    not_applicable: int = 0


def _applies(record: Mapping[str, Any]) -> bool:
    return any(c["pass"] or c["fail"] or c["suppressed"] or c["errored"]
               for c in record["rules"].values())


def clean_files(records: list[Mapping[str, Any]]) -> list[CleanFiles]:
    """Per linter (and, for converter output, per converter): the files without an essential
    failure. A file that could not be linted is not clean; a skipped one (no generated schema)
    is not counted, nor is one no rule applied to."""
    counts: dict[tuple[str, str | None], list[int]] = {}
    for record in records:
        if record["status"] == "skipped":
            continue
        cell = counts.setdefault((record["linter"], record["converter"]), [0, 0, 0])
        if record["status"] == "ok" and not _applies(record):
            cell[2] += 1
            continue
        cell[1] += 1
        if record["status"] == "ok" and not any(
            f["severity"] == ESSENTIAL and f["status"] == "fail" and f["suppression"] is None
            for f in record["findings"]
        ):
            cell[0] += 1
    return [CleanFiles(linter, converter, clean, files, na)
            for (linter, converter), (clean, files, na) in
            sorted(counts.items(), key=lambda kv: (kv[0][1] or "", kv[0][0]))]
