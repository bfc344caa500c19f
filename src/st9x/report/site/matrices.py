"""One page per matrix (``matrices/<name>.html``), yielded only when the run has its data."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from st9x.matrix import lint_tables, matrices
from st9x.matrix.lint_tables import RuleNote
from st9x.matrix.runs import Run
from st9x.matrix.tables import Table
from st9x.report.site.links import LINT_MATRIX, cases, matrix_path, memo, rule_anchor, targets
from st9x.report.site.model import Page, SiteContext


@dataclass(frozen=True)
class Matrix:
    name: str  # the page is matrices/<name>.html
    title: str
    intro: str
    tables: tuple[Table, ...]
    rules: tuple[RuleNote, ...] = ()  # design rules described on the page, an anchor each


def available(ctx: SiteContext) -> list[Matrix]:
    """The matrices the reported run has data for, computed once per site."""
    index = cases(ctx)

    def make(run: Run) -> list[Matrix]:
        summary, conversions = run.summary, run.conversion_summary
        found = [
            Matrix("trust", "Validator trust (peer suites)",
                   "How often each validator gives the verdict a peer conformance suite "
                   "expects: how far its verdicts on office data can be trusted.",
                   tuple(matrices.trust(summary))),
            Matrix("agreement", "Validator agreement",
                   "Cases on which validators of the same format give different verdicts "
                   "(valid against invalid; a validator that errored gave no verdict).",
                   tuple(matrices.agreement(summary, index))),
            Matrix("decisions", "Converter × ST.97 register decision",
                   "Each ST.97 register decision checked on the JSON Schemas and the JSON "
                   "instances each converter makes.",
                   tuple(matrices.decisions(conversions))),
            Matrix("verdict-agreement", "XSD vs JSON Schema verdict agreement",
                   "Whether the JSON Schema a converter makes gives the converted instance the "
                   "verdict the XSD gave the XML, by constraint kind the case breaks.",
                   tuple(matrices.verdict_agreement(conversions))),
            Matrix("roundtrip", "Round-trip fidelity",
                   "XML converted to JSON and back: equal, equal after normalising, or lossy "
                   "(with the constructs that explain the loss).",
                   tuple(matrices.roundtrip(conversions))),
        ]
        lint = _lint(run)
        if lint is not None:
            found.append(lint)
        return [m for m in found if m.tables]

    return memo(ctx, "matrices", make)


def _lint(run: Run) -> Matrix | None:
    """The design-rule compliance page, when the run linted anything."""
    summary = run.lint_summary
    if summary is None or not run.lint_records:
        return None
    tables = (*lint_tables.compliance(summary), *lint_tables.converter_rules(summary),
              *lint_tables.findings(summary))
    return Matrix(
        LINT_MATRIX, "Design-rule compliance (ST.96 on XSDs, ST.97 on JSON Schemas)",
        "Each schema file of the run, and each schema a converter generated, checked against "
        "the design rules of its kind, by rule category and by rule. Only essential rules (MUST) "
        f"are judged; recommended ones and notes are shown. Linters: "
        f"{', '.join(summary['linters']) or 'none'}.",
        tables, tuple(lint_tables.rule_notes(summary)))


def pages(ctx: SiteContext) -> Iterator[Page]:
    target = targets(ctx)
    for matrix in available(ctx):
        yield Page(matrix_path(matrix.name), matrix.title, "matrix.html",
                   {"matrix": matrix, "target": target, "anchor": rule_anchor},
                   section="Matrices")
