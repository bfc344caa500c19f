"""A short Markdown summary of one run, fit for a CI step summary (``$GITHUB_STEP_SUMMARY``):
the headline counts per corpus × adapter, the broken expectations, and the converter checks.

Short on purpose: a step summary is read on a pull request page and GitHub caps it at 1 MiB, so
lists are cut at :data:`LISTED` rows with the count of the rest; the site and the matrices have
the whole. Every value is escaped with :mod:`st9x.report.markdown` (ids and messages are data).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from st9x.matrix.runs import Run
from st9x.report import markdown as md

LISTED = 50
_JUDGED = ("pass", "fail", "errored", "xfail", "xpass")


def _cut(lines: list[str], header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    lines += md.table(header, rows[:LISTED])
    if len(rows) > LISTED:
        lines += ["", f"... and {len(rows) - LISTED} more."]


def _validation(lines: list[str], summary: Mapping[str, Any]) -> None:
    rows = []
    for corpus, adapters in summary["by_corpus"].items():
        for adapter, counts in adapters.items():
            judged = sum(counts.get(j, 0) for j in _JUDGED)
            rows.append([corpus, adapter, f"{counts.get('pass', 0)}/{judged}",
                         counts.get("fail", 0), counts.get("errored", 0),
                         counts.get("xfail", 0), counts.get("xpass", 0),
                         counts.get("skipped", 0), counts.get("unchecked", 0)])
    lines += ["", "### Validation: corpus × adapter", ""]
    if not rows:
        lines.append("No validation records.")
        return
    _cut(lines, ["corpus", "adapter", "pass/judged", "fail", "errored", "xfail", "xpass",
                 "skipped", "unchecked"], rows)


def _failures(lines: list[str], title: str, rows: Sequence[Sequence[object]],
              header: Sequence[str]) -> None:
    if not rows:
        return
    lines += ["", f"### {title} ({len(rows)})", ""]
    _cut(lines, header, rows)


def _conversion(lines: list[str], summary: Mapping[str, Any]) -> None:
    lines += ["", "### Converters: judged checks", ""]
    rows = []
    for converter, checks in summary.get("checks", {}).items():
        for check, counts in sorted(checks.items()):
            judged = sum(counts.get(j, 0) for j in _JUDGED)
            if not judged:
                continue  # a check the converter does not claim: measured, not judged
            rows.append([converter, check, f"{counts.get('pass', 0)}/{judged}",
                         counts.get("fail", 0) + counts.get("errored", 0)
                         + counts.get("xpass", 0), counts.get("xfail", 0)])
    if not rows:
        lines.append("No converter claims a check in this run.")
    else:
        _cut(lines, ["converter", "check", "pass/judged", "broken", "xfail"], rows)


def summary_markdown(run: Run) -> str:
    """The step summary of ``run`` (folded again from its records, judged with its ledger)."""
    summary = run.summary
    conversion = run.conversion_summary
    broken = summary["broken"] + (conversion["broken"] if conversion else 0)
    status = "no broken expectations" if not broken else f"{broken} broken expectation(s)"
    lines = [f"## st9x run {md.code(run.label)}: {status}", ""]
    corpora = ", ".join(f"{md.code(c['id'])} ({c.get('cases', '?')} cases)"
                        for c in summary["corpora"])
    lines.append(f"Started {md.text(run.started)}; corpora: {corpora or 'none'}; ledger: "
                 f"{md.code(run.ledger_source)}"
                 + ("; **interrupted**: the run did not finish" if run.interrupted else "")
                 + ".")
    _validation(lines, summary)
    _failures(lines, "Broken expectations (validation)", [
        [r["case"], r["adapter"], r["judgement"], r["expected"], r["verdict"],
         r["first_error"] or ""] for r in summary["failures"]],
        ["case", "adapter", "judgement", "expected", "verdict", "first error"])
    if conversion is not None:
        _conversion(lines, conversion)
        _failures(lines, "Broken expectations (converters)", [
            [r["item"], r["subject"], r["judgement"], r["problem"] or ""]
            for r in conversion["failures"]], ["item", "subject", "judgement", "problem"])
    return "\n".join(lines) + "\n"
