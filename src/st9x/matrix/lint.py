"""Folding lint records into the compliance matrix (``lint-summary.json``).

Two matrices: subject (schema file) × rule category, each cell ``pass`` / ``fail`` (with its
counts) / ``n/a`` (nothing of that category in the file) / ``errored``; and, when converters'
output was linted, converter × rule over every schema it generated. Beside them: each rule's
totals, the first failures with their place, the files that could not be linted, suppressions
that matched nothing, and the judged checks (``linter:rule-id``, essential rules only) with
every broken expectation, decided by :mod:`st9x.engine.judge` against the ledger.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from st9x.engine.judge import judge_lint, lint_item
from st9x.engine.lint import LINT_COUNTS, used_suppressions
from st9x.ledger import Ledger
from st9x.matrix.judged import file_judged

Record = dict[str, Any]
SUMMARY_FORMAT = "st9x-lint-summary/1"
EXAMPLES = 200  # listed failures (every count is kept)


def verdict(counts: Mapping[str, int]) -> str:
    """A cell's verdict from its counts: a failure outweighs everything; a suppressed failure
    is accepted, so it passes; nothing checked is ``n/a``."""
    if counts.get("fail"):
        return "fail"
    if counts.get("errored"):
        return "errored"
    if counts.get("pass") or counts.get("suppressed"):
        return "pass"
    return "n/a"


def _add(cell: dict[str, Any], counts: Mapping[str, Any]) -> None:
    for key in LINT_COUNTS:
        cell[key] = cell.get(key, 0) + int(counts.get(key, 0))


def _cell() -> dict[str, Any]:
    return dict.fromkeys(LINT_COUNTS, 0)


def fold_lint(header: Mapping[str, Any], records: Iterable[Record],
              ledger: Ledger | None = None) -> dict[str, Any]:
    records = sorted(records, key=lambda r: (r["converter"] or "", lint_item(r), r["linter"]))
    ledger = ledger or Ledger()
    rules: dict[str, dict[str, Any]] = {}
    for linter in header.get("linters", []):
        for rule in linter.get("rules", []):
            rules[rule["id"]] = {**rule, "linter": linter["name"]}
    # the columns of the linters that linted something: `--lint all` on XSDs alone names the
    # OpenAPI linters too, whose chapters would be empty columns beside every schema file
    linted = {rec["linter"] for rec in records}
    categories = sorted({r["category"] for r in rules.values() if r["linter"] in linted}
                        | {c["category"] for rec in records for c in rec["rules"].values()})
    subjects, errors, findings = [], [], []
    converters: dict[str, dict[str, dict[str, Any]]] = {}
    totals: dict[str, dict[str, Any]] = {}
    failing = 0
    suppressed = 0
    for record in records:
        item = lint_item(record)
        row: dict[str, Any] = {"item": item, "linter": record["linter"],
                               "converter": record["converter"], "status": record["status"],
                               "message": record["message"], "categories": {}}
        subjects.append(row)
        if record["status"] != "ok":
            errors.append({"item": item, "linter": record["linter"],
                           "status": record["status"], "message": record["message"]})
            continue
        for rule_id, counts in record["rules"].items():
            cell = row["categories"].setdefault(counts["category"], _cell())
            _add(cell, counts)
            total = totals.setdefault(rule_id, {**_cell(), "files": 0, "failing_files": 0})
            _add(total, counts)
            total["files"] += 1
            total["failing_files"] += 1 if counts["fail"] else 0
            if record["converter"]:
                per = converters.setdefault(record["converter"], {})
                conv = per.setdefault(rule_id, {**_cell(), "files": 0})
                _add(conv, counts)
                conv["files"] += 1
        for cell in row["categories"].values():
            cell["verdict"] = verdict(cell)
        for finding in record["findings"]:
            if finding["suppression"] is not None:
                suppressed += 1
                continue
            failing += 1
            if len(findings) < EXAMPLES:
                findings.append({"item": item, "path": record["path"], **{
                    k: finding[k] for k in ("rule", "severity", "status", "location", "line",
                                            "column", "message")}})
    for table in (totals, *converters.values()):
        for cell in table.values():
            cell["verdict"] = verdict(cell)
    config = header.get("config") or {}
    used = used_suppressions(records)
    out: dict[str, Any] = {
        "format": SUMMARY_FORMAT,
        "linters": [linter["name"] for linter in header.get("linters", [])],
        "rules": dict(sorted(rules.items())),
        "categories": categories,
        "subjects": subjects,
        "totals": dict(sorted(totals.items())),
        "converters": {c: dict(sorted(per.items())) for c, per in sorted(converters.items())},
        "findings": findings,
        "finding_count": failing,
        "suppressed": suppressed,
        "unused_suppressions": [s for s in config.get("suppressions", [])
                                if s["index"] not in used],
        "errors": errors,
    }
    out.update(_fold_checks(records, ledger))
    return out


def _fold_checks(records: list[Record], ledger: Ledger) -> dict[str, Any]:
    """Linter × judgement counts, every broken expectation and every ledgered failure (with
    its reason), and the ledger's entries about lint subjects that matched nothing."""
    checks: dict[str, dict[str, int]] = {}
    broken, expected = [], []
    keys: set[tuple[str, str]] = set()
    subjects: set[str] = set()
    for judged in judge_lint(records, ledger):
        keys.add((judged.item, judged.subject))
        subjects.add(judged.subject)
        per = checks.setdefault(judged.linter, {})
        per[str(judged.judgement)] = per.get(str(judged.judgement), 0) + 1
        file_judged(judged, broken, expected)
    corpora = {lint_item(r).split("/", 1)[0] for r in records}
    linters = {r["linter"] for r in records}
    return {
        "checks": dict(sorted(checks.items())),
        "broken": len(broken),
        "failures": sorted(broken, key=lambda r: (r["item"], r["subject"])),
        "expected_failures": sorted(expected, key=lambda r: (r["item"], r["subject"])),
        "stale_ledger_entries": [
            {"case": e.case if isinstance(e.case, str) else list(e.case), "adapter": e.adapter}
            for e in ledger.unused(keys, corpora, subjects)
            if e.adapter.split(":", 1)[0] in linters
        ],
    }
