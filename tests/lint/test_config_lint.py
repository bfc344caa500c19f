"""The lint configuration: its TOML format, suppressions with reasons (an unused one reported
with its line), disabled rules, and an unknown rule id reported as bad input naming the file
and line while the rest of the file applies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from st9x import formats
from st9x.errors import UsageError
from st9x.subjects.linters.config import load_config

from .lintcore_cli import lint, test_tables  # noqa: F401  (a fixture)

FIXTURES = Path(__file__).parent / "fixtures"
CONFIG = FIXTURES / "config" / "lint.toml"
KNOWN = ["test.naming.element-upper-camel", "test.versioning.schema-version",
         "test.structure.model", "test.documentation.element"]


def test_the_file_is_read_with_lines() -> None:
    config = load_config(CONFIG, KNOWN)
    assert config.disabled == ("test.structure.*",)
    first, second = config.suppressions
    assert (first.index, first.line, first.location) == (
        0, 5, "/xs:schema/xs:element[@name='badThing']")
    assert (second.index, second.line, second.location) == (1, 11, None)
    (problem,) = config.problems
    assert str(problem) == (f"{CONFIG}:16: unknown rule 'test.no.such-rule': no installed "
                            "linter has a rule of this id; the entry is left out")


def test_a_location_with_brackets_matches_exactly() -> None:
    (first, _second) = load_config(CONFIG, KNOWN).suppressions
    assert first.matches("test.naming.element-upper-camel", ["x/Bad_V1_0.xsd"],
                         "/xs:schema/xs:element[@name='badThing']")
    assert not first.matches("test.naming.element-upper-camel", ["x/Bad_V1_0.xsd"],
                             "/xs:schema/xs:element[@name='other']")


@pytest.mark.parametrize(("content", "fragment"), [
    ('[[suppress]]\nrule = "a"\npath = "*"\n', "'reason' is a required property"),
    ('[[suppress]]\nrule = "a"\npath = "*"\nreason = "  "\n', "does not match"),
    ("suppress = [", "not a TOML lint configuration"),
    ('colour = "blue"\n', "Additional properties are not allowed"),
])
def test_a_malformed_file_is_usage(tmp_path: Path, content: str, fragment: str) -> None:
    path = tmp_path / "lint.toml"
    path.write_text(content)
    with pytest.raises(UsageError, match=fragment.replace("(", r"\(")):
        load_config(path, ["a"])


@pytest.mark.usefixtures("test_tables")
def test_the_cli_applies_it_and_reports_what_went_unused(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    code, out, err = lint(capsys, "xsd", "xsd", "--config", "config/lint.toml",
                          "--format", "json")
    assert code == 1  # the unknown rule id is bad input; Bad_V1_0.xsd still fails
    document = json.loads(out)
    formats.check("lint-report", document, path=None)
    (bad,) = [r for r in document["files"] if r["path"] == "xsd/Bad_V1_0.xsd"]
    assert "test.structure.model" not in bad["rules"]  # disabled
    assert bad["rules"]["test.naming.element-upper-camel"]["suppressed"] == 1
    assert [s["index"] for s in document["unused_suppressions"]] == [1]
    assert document["config_problems"] == [
        "config/lint.toml:16: unknown rule 'test.no.such-rule': no installed linter has a rule "
        "of this id; the entry is left out"]
    assert ("config/lint.toml:11: note: the suppression of test.versioning.schema-version in "
            "*Other_V9_9.xsd matched nothing") in err
    assert "st9x: error: config/lint.toml:16: unknown rule 'test.no.such-rule'" in err
