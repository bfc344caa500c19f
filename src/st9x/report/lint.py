"""Rendering the lint summary as ``lint-matrix.md``: the compliance matrix (schema file × rule
category), the converter × rule matrix, each rule's totals and the failures with their place.
No timestamps, so two runs diff cleanly."""

from __future__ import annotations

from typing import Any

from st9x.matrix.lint_tables import cell_text
from st9x.report.markdown import code, table, text

CHECK_COLUMNS = ("pass", "fail", "xfail", "xpass", "errored", "skipped", "unchecked")


def render_lint(summary: dict[str, Any]) -> str:
    lines = ["# st9x lint: design-rule compliance", "",
             "Linters: " + (", ".join(code(n) for n in summary["linters"]) or "none") + ". "
             "A cell counts the places a rule checked: `fail F/N` (F failing of N), `pass N`, "
             "`n/a` (nothing of that category in the file). Only essential rules (MUST) are "
             "judged; recommended ones and notes are shown.", ""]
    categories = summary["categories"]
    lines += ["## Schema file × rule category", ""]
    rows = [[s["item"], s["linter"], *(cell_text(s["categories"].get(c)) if s["status"] == "ok"
                                       else s["status"] for c in categories)]
            for s in summary["subjects"] if not s["converter"]]
    lines += [*table(["schema file", "linter", *categories], rows), ""]
    converted = [s for s in summary["subjects"] if s["converter"]]
    if converted:
        lines += ["## Converter output × rule category", ""]
        rows = [[s["item"], s["linter"], *(cell_text(s["categories"].get(c)) if s["status"] == "ok"
                                           else s["status"] for c in categories)]
                for s in converted]
        lines += [*table(["generated schema", "linter", *categories], rows), ""]
    if summary["converters"]:
        rule_ids = sorted({r for per in summary["converters"].values() for r in per})
        lines += ["## Converter × rule", "",
                  "Over every schema the converter generated for the run's corpora.", ""]
        rows = [[conv, *(cell_text(per.get(r)) for r in rule_ids)]
                for conv, per in summary["converters"].items()]
        lines += [*table(["converter", *rule_ids], rows), ""]
    lines += ["## Rules", ""]
    rows = []
    for rule_id, total in summary["totals"].items():
        rule = summary["rules"].get(rule_id, {})
        rows.append([rule_id, rule.get("severity", ""), rule.get("category", ""),
                     cell_text(total), f"{total['failing_files']}/{total['files']}"])
    lines += [*table(["rule", "severity", "category", "places", "failing files"], rows), ""]
    lines += [f"Failures: **{summary['finding_count']}** (suppressed: {summary['suppressed']}); "
              f"broken expectations: **{summary['broken']}**.", ""]
    for f in summary["findings"]:
        where = f":{f['line']}" if f["line"] else ""
        lines.append(f"- {code(f['item'] + where)} {text(f['severity'])} {code(f['rule'])}: "
                     f"{text(f['message'])} at {code(f['location'] or '/')}")
    if summary["finding_count"] > len(summary["findings"]):
        lines.append(f"- … and {summary['finding_count'] - len(summary['findings'])} more "
                     "(lint.jsonl holds every one)")
    for e in summary["errors"]:
        lines.append(f"- {text(e['status'])}: {code(e['item'])} [{code(e['linter'])}]: "
                     f"{text(e['message'] or '')}")
    for s in summary["unused_suppressions"]:
        where = f" at {code(s['location'])}" if s.get("location") else ""
        lines.append(f"- note: the suppression of {code(s['rule'])} in {code(s['path'])}{where} "
                     "matched nothing")
    lines += ["", "## Judged rules (linter × judgement)", ""]
    rows = [[linter, *(counts.get(k, 0) for k in CHECK_COLUMNS)]
            for linter, counts in summary["checks"].items()]
    lines += table(["linter", *CHECK_COLUMNS], rows)
    for row in summary["failures"][:50]:
        lines.append(f"- {text(row['judgement'])}: {code(row['item'])} × "
                     f"{code(row['subject'])}: {text(row['problem'] or '')}")
    if summary["expected_failures"]:
        lines += ["", "Known failures (ledger):", ""]
        lines += table(["item", "subject", "reason"],
                       [[f["item"], f["subject"], f["reason"]]
                        for f in summary["expected_failures"]])
    return "\n".join(lines).rstrip() + "\n"
