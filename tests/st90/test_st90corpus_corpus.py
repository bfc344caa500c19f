"""The embedded ``st90-apis`` corpus: its manifest loads, every OpenAPI document in it is linted
by ``st9x run`` (no case references them), the large document is the generator's output and
lints within a generous bound, and the gate-failing document fails only the gate, located."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from st9x import formats
from st9x.corpus.load import load_corpus
from st9x.engine.tasks import lint_items
from st9x.openapiload import load_openapi
from st9x.testing import large_openapi

from .st90corpus_run import CORPUS, lint_records, matrix, row, st9x_run

DOCUMENTS = {"swagger2-verbs", "swagger2-contract", "oas30-resources", "oas30-errors",
             "oas31-catalog", "gate-invalid", "large", "reference"}


@pytest.fixture(scope="module")
def run_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("st90-run")
    assert st9x_run(out) == 0  # the gate failure is ledgered: nothing is broken
    return out


def test_manifest_lists_openapi_documents_of_both_families() -> None:
    corpus = load_corpus(CORPUS)
    assert corpus.lint == ("st90-openapi", "st90-live")
    assert corpus.provenance["source"] == "written for st9x"
    assert not corpus.cases
    assert {s.id for s in corpus.api_documents()} >= DOCUMENTS
    versions = {load_openapi(s.path, (CORPUS,)).major_minor for s in corpus.api_documents()}
    assert {"2.0", "3.0"} <= versions
    assert dict(corpus.schemas["oas30-errors"].not_applicable)["security"]


def test_lint_items_are_every_openapi_schema_and_only_without_tags() -> None:
    corpus = load_corpus(CORPUS)
    assert {s.id for s in lint_items(corpus, "openapi")} == {
        s.id for s in corpus.api_documents()}
    assert lint_items(corpus, "openapi", ("some-tag",)) == []
    assert lint_items(corpus, "xsd") == []


def test_large_document_is_the_generators_output(tmp_path: Path) -> None:
    large = CORPUS / "openapi" / "large"
    for name, text in large_openapi.files().items():
        assert (large / name).read_text(encoding="utf-8") == text, (
            f"{name} differs: python -m st9x.testing.large_openapi {large}")
    assert large_openapi.main([str(tmp_path)]) == 0
    assert (tmp_path / "api.yaml").read_bytes() == (large / "api.yaml").read_bytes()


def test_large_document_size_operations_and_ref_chains() -> None:
    api = CORPUS / "openapi" / "large" / "api.yaml"
    assert api.stat().st_size >= 300_000
    document = load_openapi(api, (CORPUS,))
    assert not document.ref_problems
    assert document.major_minor == "3.0"
    operations = list(document.operations())
    assert len(operations) >= 300
    # api.yaml → components.yaml response → its schema → item schema → Party → Address
    text = api.read_text(encoding="utf-8")
    assert "components.yaml#/components/responses/TrademarkApplicationPage" in text
    chain = document.resolve({"$ref": "components.yaml#/components/responses/"
                              "TrademarkApplicationPage"})
    assert chain is not None


def test_run_lints_every_document_the_large_one_included(run_out: Path) -> None:
    records = lint_records(run_out)
    static = [r for r in records if r["linter"] == "st90-openapi"]
    assert {r["schema"] for r in static} == DOCUMENTS
    assert all(r["status"] == "ok" for r in records)
    # the live rules run on the one document the manifest serves: the reference API's
    assert [r["schema"] for r in records if r["linter"] == "st90-live"] == ["reference"]
    large = next(r for r in records if r["schema"] == "large")
    assert large["seconds"] < 300  # generous: a few seconds on a shared machine
    assert large["rules"]["st90.gate.valid-openapi"]["fail"] == 0


def test_gate_failing_document_gets_located_errors_only(run_out: Path) -> None:
    record = next(r for r in lint_records(run_out) if r["schema"] == "gate-invalid")
    assert set(record["rules"]) == {"st90.gate.valid-openapi"}
    assert len(record["findings"]) >= 4
    assert all(f["line"] for f in record["findings"])
    assert any("version" in f["message"] for f in record["findings"])


def test_matrix_files_are_written_and_in_format(run_out: Path) -> None:
    document = matrix(run_out)
    formats.check("st90-matrix", document, path=run_out / "st90-matrix.json")
    assert {r["api"] for r in document["apis"]} == {f"st90-apis/{d}" for d in DOCUMENTS}
    gate = row(document, "st90-apis/gate-invalid")["cells"]
    assert gate["gate"]["state"] == "fail" and gate["gate"]["counts"]["fail"] >= 4
    assert {c["state"] for k, c in gate.items() if k != "gate"} == {"gated"}
    assert row(document, "st90-apis/large")["cells"]["gate"]["state"] == "pass"
    text = (run_out / "st90-matrix.md").read_text(encoding="utf-8")
    assert "| st90-apis/gate-invalid | fail 5/5 | — (gate) |" in text


def test_manifest_not_applicable_shows_with_its_reason(run_out: Path) -> None:
    cell = row(matrix(run_out), "st90-apis/oas30-errors")["cells"]["security"]
    assert cell["state"] == "not-applicable"
    assert cell["reason"].startswith("open bibliographic data")
    assert "n/a (open bibliographic data" in (run_out / "st90-matrix.md").read_text("utf-8")


def test_report_rebuild_writes_the_same_matrix(run_out: Path) -> None:
    from st9x.cli import main

    before = (run_out / "st90-matrix.json").read_bytes()
    assert main(["report", str(run_out)]) == 0
    assert (run_out / "st90-matrix.json").read_bytes() == before
    header = json.loads((run_out / "lint.jsonl").read_text("utf-8").splitlines()[0])
    assert {c["chapter"] for c in header["config"]["not_applicable"]} >= {"security"}
