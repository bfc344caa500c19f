"""The ST.90 rule catalogue in docs/st90.md is generated from the rule table: the part between
its markers must be what the generator writes now; ``st9x lint --list-rules`` lists the table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from st9x.cli import main
from st9x.report.lint_catalogue import (
    ST90_BEGIN,
    ST90_END,
    TABLES,
    embedded,
    project_catalogue,
    st90_catalogue,
    update,
)
from st9x.rules import st90
from st9x.rules.st90.chapters import CHAPTERS

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_the_committed_st90_catalogue_is_the_generated_one() -> None:
    document = (DOCS / "st90.md").read_text(encoding="utf-8")
    assert embedded(document, ST90_BEGIN, ST90_END) == st90_catalogue(level=2), (
        "the catalogue in docs/st90.md is out of date: python -m st9x.report.lint_catalogue "
        "--update docs/st90.md")
    assert update(document) == document


def test_the_st90_catalogue_counts_every_chapter() -> None:
    text = st90_catalogue()
    for key, title in CHAPTERS.items():
        count = sum(1 for r in st90.RULES.lint_rules() if r.category == key)
        assert f"| {key} | {title} | {count} |" in text
    assert f"| **all** | | **{len(st90.RULES)}** |" in text
    assert all(f"| {rule_id} |" in text for rule_id in st90.RULES)


def test_the_project_catalogue_holds_the_st90_table() -> None:
    assert [name for name, _what, _rules in TABLES][-1] == "st90-openapi"
    text = project_catalogue()
    assert "`st90-openapi`" in text and f"{len(st90.RULES)} rules." in text


def test_update_leaves_a_document_without_markers_alone() -> None:
    with pytest.raises(ValueError, match="no catalogue markers"):
        update("# nothing generated here\n")


@pytest.mark.parametrize("kind", [[], ["openapi"]])
def test_list_rules_lists_the_st90_table(capsys: pytest.CaptureFixture[str],
                                         kind: list[str]) -> None:
    assert main(["lint", *kind, "--list-rules"]) == 0
    ids = [line.split("\t")[0] for line in capsys.readouterr().out.splitlines()]
    assert [i for i in ids if i.startswith("st90.")] == list(st90.RULES)
    assert main(["lint", *kind, "--list-rules", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)["st90-openapi"]
    assert [r["id"] for r in listed] == list(st90.RULES)
    assert {r["standard_rule"] for r in listed} == {None}
