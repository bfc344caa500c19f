"""The ST.90 rule table on real documents: the two compliant fixtures (OpenAPI 3.0 and Swagger
2.0) pass every rule, and for every rule a one-change variant of a fixture, still valid
OpenAPI, fails it; the table's metadata; the linter locating findings by line."""

from __future__ import annotations

from pathlib import Path

import pytest

from st9x.rules import st90
from st9x.rules.lint import LintRule, Severity
from st9x.rules.model import Status
from st9x.rules.st90.chapters import CHAPTERS
from st9x.subjects.linters.st90_openapi import St90OpenApiLinter

from .st90rules_docs import (
    BASES,
    FAILING,
    base,
    edit,
    gate_passes,
    load,
    rename_path,
    run,
    statuses,
    write_doc,
)

RULE_IDS = [r for r in st90.RULES if r != st90.GATE]
CASES = [pytest.param(rule_id, kind, change, id=f"{rule_id}-{kind}-{n}")
         for rule_id, cases in FAILING.items() for n, (kind, change) in enumerate(cases)]
#: rules a compliant Swagger 2.0 document cannot pass: the catalog recommends OpenAPI 3.0
SWAGGER_FAILS = {"st90.catalog-metadata.openapi-30"}


def test_every_rule_has_failing_documents_of_both_kinds() -> None:
    assert set(FAILING) == set(RULE_IDS)
    for rule_id, cases in FAILING.items():
        kinds = {kind for kind, _change in cases}
        assert "oas3" in kinds, rule_id
        if rule_id != "st90.http-methods.standard-methods":  # 2.0 has no TRACE at all
            assert "swagger2" in kinds, rule_id


@pytest.mark.parametrize("kind", sorted(BASES))
@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_the_compliant_fixtures_pass(rule_id: str, kind: str) -> None:
    doc = load(BASES[kind])
    assert gate_passes(doc)
    found = statuses(rule_id, doc)
    if kind == "swagger2" and rule_id in SWAGGER_FAILS:
        assert found == {Status.FAIL}
        return
    assert Status.PASS in found and Status.FAIL not in found and Status.ERRORED not in found, \
        [f.detail for f in run(rule_id, doc) if f.status is not Status.PASS]


@pytest.mark.parametrize(("rule_id", "kind", "change"), CASES)
def test_one_change_makes_the_rule_fail(rule_id: str, kind: str, change: object,
                                        tmp_path: Path) -> None:
    document = base(kind)
    change(document)  # type: ignore[operator]
    doc = load(write_doc(tmp_path, document))
    assert gate_passes(doc), [f.detail for f in run(st90.GATE, doc)]
    failed = [f for f in run(rule_id, doc) if f.status is Status.FAIL]
    assert failed and all(f.detail and f.rule == rule_id for f in failed)
    assert all(f.location == "" or f.location.startswith("/") for f in failed)


@pytest.mark.parametrize("rule", [st90.RULES[r] for r in RULE_IDS], ids=lambda r: r.id)
def test_rule_metadata(rule: LintRule[object]) -> None:
    category = rule.id.split(".")[1]
    assert rule.category == category and rule.source == CHAPTERS[category]
    assert rule.severity in (Severity.ESSENTIAL, Severity.RECOMMENDED)
    # the description opens with the severity and says why it was chosen
    assert rule.title and rule.description.split()[0].rstrip(":;,").lower() == str(
        rule.severity)
    assert rule.standard_rule is None


def test_the_table_follows_the_chapters() -> None:
    order = list(CHAPTERS)
    categories = [st90.RULES[r].category for r in st90.RULES]
    assert categories[0] == "gate"
    assert categories == sorted(categories, key=order.index)
    assert set(categories) == set(CHAPTERS)


def test_a_document_without_paths_is_not_applicable(tmp_path: Path) -> None:
    doc = load(write_doc(tmp_path, {"openapi": "3.0.3", "info": {"title": "t",
                                                                  "version": "1"},
                                    "paths": {}}))
    assert gate_passes(doc)
    for rule_id in RULE_IDS:
        if st90.RULES[rule_id].category not in ("catalog-metadata", "security"):
            assert statuses(rule_id, doc) == {Status.NA}, rule_id


def test_the_version_may_stand_first_in_each_path(tmp_path: Path) -> None:
    document = base("oas3")
    document["servers"] = [{"url": "https://api.example.org"}]
    document["paths"] = {f"/v2{k}": v for k, v in document["paths"].items()}
    doc = load(write_doc(tmp_path, document))
    assert statuses("st90.uri-components.version-in-path", doc) == {Status.PASS}


def test_catalog_fields_may_stand_at_the_root_in_any_case(tmp_path: Path) -> None:
    document = base("oas3")
    for key in [k for k in document["info"] if k.startswith("x-")]:
        document[key] = document["info"].pop(key)
    document["x-ip-domain"] = "trademark, PATENT"
    doc = load(write_doc(tmp_path, document))
    assert gate_passes(doc)
    for rule_id in RULE_IDS:
        if rule_id.startswith("st90.catalog-metadata."):
            assert statuses(rule_id, doc) == {Status.PASS}, rule_id


def test_a_public_operation_and_a_loopback_server_pass(tmp_path: Path) -> None:
    document = base("oas3")
    document["paths"]["/trademarks"]["get"]["security"] = []
    document["servers"].append({"url": "http://127.0.0.1:8000/v1"})
    doc = load(write_doc(tmp_path, document))
    assert Status.FAIL not in statuses("st90.security.security-schemes", doc)
    assert Status.FAIL not in statuses("st90.security.https", doc)


def test_update_is_not_a_verb_in_a_date_name(tmp_path: Path) -> None:
    """``lastUpdate`` is not judged as a date, ``filingDates`` is."""
    document = base("oas3")
    document["components"]["schemas"]["Trademark"]["properties"]["filingDates"] = {
        "type": "string"}
    doc = load(write_doc(tmp_path, document))
    failed = [f.location for f in run("st90.data-types.date-format", doc)
              if f.status is Status.FAIL]
    assert failed == ["/components/schemas/Trademark/properties/filingDates"]


def test_the_linter_locates_findings_by_line(tmp_path: Path) -> None:
    path = tmp_path / "api.yaml"
    text = BASES["oas3"].read_text(encoding="utf-8")
    text = text.replace("  - url: https://api.example.org/v1",
                        "  - url: http://api.example.org/v1")
    text = text.replace("  /trademark-owners:", "  /trademark-owners/:")
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    results = St90OpenApiLinter().check(path)
    https = [f for f in results["st90.security.https"] if f.status is Status.FAIL]
    assert [(f.line, f.column) for f in https] == [
        (lines.index("  - url: http://api.example.org/v1") + 1, 5)]
    slash = [f for f in results["st90.uri-components.no-trailing-slash"]
             if f.status is Status.FAIL]
    # the loader places a value, not its key: a path item starts on the line under its path
    assert [f.line for f in slash] == [lines.index("  /trademark-owners/:") + 1]


def test_a_document_failing_the_gate_gets_no_rule_finding(tmp_path: Path) -> None:
    document = base("oas3")
    rename_path("/trademarks", "trademarks")(document)  # a path must start with '/'
    results = St90OpenApiLinter().check(write_doc(tmp_path, document))
    assert list(results) == [st90.GATE]
    edit("info", "title", delete=True)(document)
    assert Status.FAIL in {f.status for f in St90OpenApiLinter().check(
        write_doc(tmp_path, document))[st90.GATE]}


def test_a_duplicate_operation_id_fails_the_gate_and_the_rule(tmp_path: Path) -> None:
    """openapi-spec-validator already refuses a duplicate operationId; the rule says so too
    when run on its own (``--rule``), at the second operation."""
    document = base("oas3")
    edit("paths", "/trademark-owners", "get", "operationId", value="searchTrademarks")(document)
    doc = load(write_doc(tmp_path, document))
    assert not gate_passes(doc)
    failed = [f for f in run("st90.service-contract.operation-id", doc)
              if f.status is Status.FAIL]
    assert [f.location for f in failed] == ["/paths/~1trademark-owners/get/operationId"]
    assert "also that of GET /trademarks" in failed[0].detail


def test_an_openapi_31_document_is_read_like_30(tmp_path: Path) -> None:
    """OpenAPI 3.1 (a type list with "null" among them) passes what 3.0 passes; only the
    catalog's recommendation of 3.0.x fails."""
    document = base("oas3")
    document["openapi"] = "3.1.0"
    properties = document["components"]["schemas"]["Trademark"]["properties"]
    properties["classCount"] = {"type": ["integer", "null"], "format": "int32"}
    properties["weight"] = {"type": ["number", "null"]}
    doc = load(write_doc(tmp_path, document))
    assert gate_passes(doc)
    failing = {rule_id for rule_id in RULE_IDS if Status.FAIL in statuses(rule_id, doc)}
    assert failing == {"st90.catalog-metadata.openapi-30", "st90.data-types.numeric-format"}
    assert [f.location for f in run("st90.data-types.numeric-format", doc)
            if f.status is Status.FAIL] == ["/components/schemas/Trademark/properties/weight"]
