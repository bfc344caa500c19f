"""``st9x catalog-entry``: a complete entry printed one field a line (exit 0), every missing or
invalid field one located line (exit 1), an unreadable document one error line (exit 2); the
JSON output follows the ``catalog-entry`` format; the command and the lint rules agree."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from st9x.cli import main
from st9x.formats import FORMATS, format_schema
from st9x.rules import st90
from st9x.rules.model import Status
from st9x.rules.st90.catalogmeta import FIELDS

from .st90rules_docs import BASES, base, edit, load, write_doc


def entry(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["catalog-entry", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def validate(document: object) -> None:
    schema = format_schema("catalog-entry")
    jsonschema.Draft202012Validator(schema).validate(document)


def test_the_format_is_registered_and_valid() -> None:
    assert "catalog-entry" in FORMATS
    jsonschema.Draft202012Validator.check_schema(format_schema("catalog-entry"))


def test_a_complete_entry_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = entry(capsys, str(BASES["oas3"]))
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "title: Trademark search"
    assert "service type: Search, Dissemination" in lines
    assert "languages: en, fr" in lines
    assert lines[-1] == "OpenAPI version: 3.0.3"
    assert len(lines) == len(FIELDS) + 1


@pytest.mark.parametrize("kind", sorted(BASES))
def test_json_follows_the_format(capsys: pytest.CaptureFixture[str], kind: str) -> None:
    code, out, _err = entry(capsys, str(BASES[kind]), "--format", "json")
    document = json.loads(out)
    validate(document)
    assert code == 0 and document["complete"] is True and document["problems"] == []
    assert document["ip_domains"] == ["Trademark"]
    assert document["openapi_version"] == ("2.0" if kind == "swagger2" else "3.0.3")


def test_missing_and_invalid_fields_are_located_lines(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text = BASES["oas3"].read_text(encoding="utf-8")
    text = text.replace("  x-ip-domain: Trademark\n", "  x-ip-domain: Trademarks\n")
    text = text.replace("  x-oas-url: https://api.example.org/v1/openapi.yaml\n", "")
    path = tmp_path / "api.yaml"
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    code, out, _err = entry(capsys, str(path))
    assert code == 1
    domain_line = lines.index("  x-ip-domain: Trademarks") + 1
    assert out.splitlines() == [
        f"{path}:2:1: required: x-oas-url is missing (required by the WIPO API Catalog)",
        f"{path}:{domain_line}:3: recommended: x-ip-domain: 'Trademarks' is not among "
        "Patent, Trademark, Industrial design, Copyright, Geographical Indication, Plant "
        "Variety Protection, Integrated Circuit Layout Design",
    ]
    code, out, _err = entry(capsys, str(path), "--format", "json")
    document = json.loads(out)
    validate(document)
    assert code == 1 and document["complete"] is False
    assert [(p["field"], p["required"], p["line"]) for p in document["problems"]] == [
        ("x-oas-url", True, 2), ("x-ip-domain", False, domain_line)]
    assert document["oas_url"] is None and document["ip_domains"] == []


@pytest.mark.parametrize(("content", "fragment"), [
    pytest.param("openapi: [\n", "not YAML", id="not-yaml"),
    pytest.param("- a\n- b\n", "not an OpenAPI document", id="a-list"),
    pytest.param("info: {title: x}\n", "neither an 'openapi' nor a 'swagger'", id="no-version"),
])
def test_an_unreadable_document_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                        content: str, fragment: str) -> None:
    path = tmp_path / "api.yaml"
    path.write_text(content, encoding="utf-8")
    code, out, err = entry(capsys, str(path))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and fragment in err and "api.yaml" in err


def test_a_missing_file_and_a_bad_command_line_exit_2(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _out, err = entry(capsys, str(tmp_path / "none.yaml"))
    assert code == 2 and "none.yaml" in err
    with pytest.raises(SystemExit) as stopped:
        main(["catalog-entry"])
    assert stopped.value.code == 2
    with pytest.raises(SystemExit) as stopped:
        main(["catalog-entry", str(BASES["oas3"]), "--format", "xml"])
    assert stopped.value.code == 2


def test_the_command_and_the_rules_agree(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         ) -> None:
    """Every field the command reports is a failing catalog rule, and the reverse."""
    document = base("swagger2")
    edit("info", "x-content-language", value="en, xx")(document)
    edit("info", "x-product-page-url", delete=True)(document)
    path = write_doc(tmp_path, document)
    code, out, _err = entry(capsys, str(path), "--format", "json")
    reported = {p["field"] for p in json.loads(out)["problems"]}
    assert code == 1 and reported == {"x-content-language", "x-product-page-url"}
    doc = load(path)
    failing = {rule_id for rule_id in st90.RULES if rule_id.startswith(
        "st90.catalog-metadata.") and Status.FAIL in {
        f.status for f in st90.RULES.run_rule(rule_id, doc)}}
    assert failing == {"st90.catalog-metadata.content-language",
                       "st90.catalog-metadata.product-page-url",
                       "st90.catalog-metadata.openapi-30"}
