"""The rule catalogue in the documentation is generated from the rule tables: the catalogue
part of the committed ``docs/lint.md`` must be what the generator writes now."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from st9x.report.lint_catalogue import embedded, project_catalogue, render_catalogue, update

from .lintcore_tables import XSD_RULES

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_the_committed_catalogue_is_the_generated_one() -> None:
    document = (DOCS / "lint.md").read_text(encoding="utf-8")
    assert embedded(document) == project_catalogue(level=2), (
        "the catalogue in docs/lint.md is out of date: python -m st9x.report.lint_catalogue "
        "--update docs/lint.md")
    assert update(document) == document


def test_the_module_prints_the_catalogue() -> None:
    done = subprocess.run([sys.executable, "-m", "st9x.report.lint_catalogue"],
                          capture_output=True, text=True, check=True)
    assert done.stdout == project_catalogue()


def test_a_table_renders_every_rule_in_order() -> None:
    text = render_catalogue([("st96-xsd", "test rules", XSD_RULES.lint_rules())])
    rows = [line for line in text.splitlines() if line.startswith("| `") or
            line.startswith("| test.")]
    assert [row.split(" | ")[0].strip("| ") for row in rows] == list(XSD_RULES)
    assert "| test.versioning.schema-version | essential | versioning | xs:schema has a " \
           "version attribute | Versioning | — |" in text
