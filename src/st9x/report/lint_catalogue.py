"""The rule catalogue as Markdown, generated from the rule tables (``docs/lint-catalogue.md``),
so the documentation lists exactly the rules the linters run.

``python -m st9x.report.lint_catalogue > docs/lint-catalogue.md`` writes it;
``st9x lint --list-rules --format markdown`` prints the same text.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from st9x.report.markdown import code, table, text
from st9x.rules import st96, st97
from st9x.rules.lint import LintCatalogue, LintRule

#: the project's tables, in the order the catalogue lists them: linter name, what it reads
TABLES: tuple[tuple[str, str, LintCatalogue[Any]], ...] = (
    ("st96-xsd", "ST.96 design rules, checked on XSD files", st96.RULES),
    ("st97-jsonschema", "ST.97 design rules and register decisions, checked on JSON Schema "
     "files", st97.RULES),
)


def rules_json(rules: Sequence[LintRule[Any]]) -> list[dict[str, Any]]:
    """The rules as data: what ``--list-rules --format json`` prints."""
    return [{"id": r.id, "title": r.title, "severity": str(r.severity), "category": r.category,
             "source": r.source, "standard_rule": r.standard_rule,
             "description": r.description} for r in rules]


def render_catalogue(sections: Sequence[tuple[str, str, Sequence[LintRule[Any]]]]) -> str:
    """One section per linter: a table of its rules in table order (id, severity, category,
    title, the part of the standard it derives from, the standard's own rule id where known),
    then each rule's description where it has one."""
    lines = ["# Lint rule catalogue", "",
             "Generated from the rule tables by `python -m st9x.report.lint_catalogue`; do not "
             "edit by hand. Severity: `essential` (the standard says MUST), `recommended` "
             "(SHOULD), `note` (MAY). The standard's own rule id is given only where it is "
             "known for certain.", ""]
    for name, what, rules in sections:
        lines += [f"## {code(name)}: {text(what)}", ""]
        if not rules:
            lines += ["No rules yet.", ""]
            continue
        lines += [f"{len(rules)} rules.", ""]
        rows = [[r.id, str(r.severity), r.category, r.title, r.source, r.standard_rule or "—"]
                for r in rules]
        lines += [*table(["id", "severity", "category", "title", "derives from",
                          "standard rule"], rows), ""]
        described = [r for r in rules if r.description]
        for r in described:
            lines.append(f"- {code(r.id)}: {text(r.description)}")
        if described:
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def project_catalogue() -> str:
    """The catalogue of the project's own tables, as ``docs/lint-catalogue.md`` holds it."""
    return render_catalogue([(name, what, catalogue.lint_rules())
                             for name, what, catalogue in TABLES])


def main() -> None:
    sys.stdout.write(project_catalogue())


if __name__ == "__main__":
    main()
