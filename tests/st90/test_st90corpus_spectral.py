"""st9x's ST.90 lint side by side with Spectral (spectral:oas) on the st90-apis corpus: real
overlap exists (the gate and Spectral's schema check on the gate-failing document), and st9x's
own rules (ST.90 chapters, WIPO API Catalog metadata) are found by st9x only. Spectral's output
is read as untrusted data. Without Spectral the comparison skips, naming how to install it (and
fails under ``ST9X_REQUIRE_SPECTRAL``, which CI sets once it has installed Spectral)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from st9x.rules import st90
from st9x.testing.spectral import (
    INSTALL,
    Comparison,
    SpectralError,
    documents,
    find_spectral,
    parse,
    render,
    run_comparison,
)

from .st90corpus_run import CORPUS

OPENAPI = CORPUS / "openapi"


@pytest.fixture(scope="module")
def comparisons() -> dict[str, Comparison]:
    command = find_spectral()
    if command is None:
        if os.environ.get("ST9X_REQUIRE_SPECTRAL"):  # CI installed it: a skip would hide a fault
            pytest.fail(f"ST9X_REQUIRE_SPECTRAL is set but Spectral is not found ({INSTALL})")
        pytest.skip(f"Spectral CLI not installed ({INSTALL})")
    return {Path(c.document).name: c for c in run_comparison([OPENAPI], command)}


def test_documents_are_the_openapi_roots_only() -> None:
    names = {p.name for p in documents([OPENAPI])}
    assert "api.yaml" in names and "components.yaml" not in names
    assert {"gate-invalid.yaml", "swagger2-contract.json"} <= names


def test_gate_and_spectral_schema_check_overlap(comparisons: dict[str, Comparison]) -> None:
    gate = comparisons["gate-invalid.yaml"]
    pairs = {(theirs.rule, ours.rule) for ours, theirs in gate.both}
    assert ("oas3-schema", st90.GATE) in pairs
    # Spectral's own style rules (tags, contact) are Spectral's alone
    only = {f.rule for c in comparisons.values() for f in c.only_spectral}
    assert {"operation-tags", "info-contact"} <= only
    table = render(list(comparisons.values()))
    assert "| oas3-schema | st90.gate.valid-openapi |" in table


def _has(pattern: str) -> bool:
    return any(rule.startswith(pattern) for rule in st90.RULES)


def test_missing_operation_id_found_by_both(comparisons: dict[str, Comparison]) -> None:
    if not _has("st90.service-contract."):
        pytest.skip("the rule table has no service-contract rule yet")
    contract = comparisons["swagger2-contract.json"]
    assert any(theirs.rule == "operation-operationId" for _ours, theirs in contract.both)


def test_catalog_metadata_found_by_st9x_only(comparisons: dict[str, Comparison]) -> None:
    if not _has("st90.catalog-metadata."):
        pytest.skip("the rule table has no catalog-metadata rule yet")
    only = {f.rule for c in comparisons.values() for f in c.only_st9x}
    assert any(rule.startswith("st90.catalog-metadata.") for rule in only)


@pytest.mark.parametrize("text, words", [
    ("not json", "not JSON"),
    ('{"a": 1}', "not a JSON array"),
    ('[{"code": "x"}]', "finding #0 lacks"),
    ('[{"code": "x", "message": "m", "path": [], "source": "s", "range": {"start": {}}}]',
     "finding #0 lacks"),
])
def test_untrusted_output_is_refused_with_a_named_error(text: str, words: str) -> None:
    with pytest.raises(SpectralError, match=words):
        list(parse(text, []))


def test_output_is_mapped_to_pointers_and_lines(tmp_path: Path) -> None:
    doc = tmp_path / "a.yaml"
    text = ('[{"code": "operation-operationId", "message": "m", "severity": 1, '
            f'"source": "{doc}", "path": ["paths", "/v1/a/{{id}}", "get"], '
            '"range": {"start": {"line": 4, "character": 2}}}]')
    (found,) = parse(text, [doc])
    assert found.pointer == "/paths/~1v1~1a~1{id}/get" and found.line == 5
    assert found.document == str(doc) and found.operation == "/paths/~1v1~1a~1{id}/get"
