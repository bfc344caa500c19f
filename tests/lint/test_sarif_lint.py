"""SARIF 2.1.0 output, validated against the official SARIF JSON Schema (OASIS, see
fixtures/README.md) and checked for what GitHub code scanning reads: rules with their default
level and tags, results with a relative URI, line and column and the XPath or pointer as a
logical location, suppressions with their justification, and notifications for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from .lintcore_cli import lint, test_tables  # noqa: F401  (a fixture)

FIXTURES = Path(__file__).parent / "fixtures"
pytestmark = pytest.mark.usefixtures("test_tables")


@pytest.fixture(scope="module")
def sarif_validator() -> jsonschema.protocols.Validator:
    schema = json.loads((FIXTURES / "sarif-schema-2.1.0.json").read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def sarif(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
          *argv: str) -> tuple[int, dict, str]:
    monkeypatch.chdir(FIXTURES)
    code, out, err = lint(capsys, *argv, "--format", "sarif")
    return code, json.loads(out), err


def test_xsd_sarif_is_valid_and_complete(capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch,
                                         sarif_validator: jsonschema.protocols.Validator) -> None:
    code, log, _ = sarif(capsys, monkeypatch, "xsd", "xsd", "bad", "--config",
                         "config/lint.toml")
    assert code == 1
    sarif_validator.validate(log)
    (run,) = log["runs"]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    naming = rules["test.naming.element-upper-camel"]
    assert naming["defaultConfiguration"]["level"] == "error"
    assert naming["properties"]["tags"] == ["naming"]
    assert naming["shortDescription"]["text"] == "Element names are UpperCamelCase"
    assert rules["test.documentation.element"]["defaultConfiguration"]["level"] == "warning"
    assert rules["test.structure.model"]["defaultConfiguration"]["level"] == "note"
    results = run["results"]
    part = next(r for r in results if "part_name" in r["message"]["text"]
                and r["ruleId"] == "test.naming.element-upper-camel")
    assert part["level"] == "error"
    (location,) = part["locations"]
    assert location["physicalLocation"]["artifactLocation"] == {
        "uri": "xsd/Bad_V1_0.xsd", "uriBaseId": "SRCROOT"}
    # the column of the start tag, found in the line's text (lxml gives lines only)
    assert location["physicalLocation"]["region"] == {"startLine": 7, "startColumn": 9}
    assert location["logicalLocations"][0]["fullyQualifiedName"].endswith(
        "xs:element[@name='part_name']")
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == FIXTURES.as_uri() + "/"
    suppressed = [r for r in results if "suppressions" in r]
    assert [s["suppressions"] for s in suppressed] == [[{
        "kind": "external", "status": "accepted",
        "justification": "the root element keeps its historical name"}]]
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is False
    (broken,) = invocation["toolExecutionNotifications"]
    assert "not well-formed XML" in broken["message"]["text"]
    configuration = [n["message"]["text"] for n in invocation["toolConfigurationNotifications"]]
    assert any("matched nothing" in text for text in configuration)
    assert any("unknown rule 'test.no.such-rule'" in text for text in configuration)


def test_json_schema_sarif_has_columns_and_pointers(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        sarif_validator: jsonschema.protocols.Validator) -> None:
    code, log, _ = sarif(capsys, monkeypatch, "jsonschema", "json")
    assert code == 1
    sarif_validator.validate(log)
    (run,) = log["runs"]
    bad = next(r for r in run["results"] if "BadThing" in r["message"]["text"])
    physical = bad["locations"][0]["physicalLocation"]
    assert physical["region"] == {"startLine": 5, "startColumn": 17}
    assert bad["locations"][0]["logicalLocations"] == [
        {"fullyQualifiedName": "/properties/BadThing", "kind": "value"}]
    assert run["invocations"][0]["executionSuccessful"] is True


def test_a_clean_run_is_still_a_valid_log(capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch,
                                          sarif_validator: jsonschema.protocols.Validator) -> None:
    code, log, _ = sarif(capsys, monkeypatch, "xsd", "xsd/Good_V1_0.xsd")
    assert code == 0 and log["runs"][0]["results"] == []
    sarif_validator.validate(log)


def test_the_project_tables_give_a_valid_log(capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch,
                                             sarif_validator: jsonschema.protocols.Validator
                                             ) -> None:
    """Whatever the project's own tables hold, the log they give is valid SARIF."""
    monkeypatch.undo()
    from st9x.cli import main

    monkeypatch.chdir(FIXTURES)
    for kind, path in (("xsd", "xsd"), ("jsonschema", "json")):
        main(["lint", kind, path, "--format", "sarif"])
        sarif_validator.validate(json.loads(capsys.readouterr().out))
