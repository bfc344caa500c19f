"""``st9x run`` on API subjects: the reference API is served on the loopback for the live
rules, its static and live findings fold into one row of the API × chapter matrix, a served
fault fails the chapter its live rule belongs to, and each non-compliant document of the
corpus fails the chapters its README says it breaks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from .st90corpus_run import CORPUS, lint_records, matrix, row, st9x_run


@pytest.fixture(scope="module")
def run_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("st90-live-run")
    assert st9x_run(out) == 0  # every deliberate failure is in the ledger with its reason
    return out


def test_the_reference_api_is_linted_and_probed_live(run_out: Path) -> None:
    records = [r for r in lint_records(run_out) if r["schema"] == "reference"]
    assert sorted(r["linter"] for r in records) == ["st90-live", "st90-openapi"]
    live = next(r for r in records if r["linter"] == "st90-live")
    assert live["status"] == "ok"
    assert sum(c["pass"] for c in live["rules"].values()) > 0
    assert not [f for f in live["findings"] if f["status"] == "fail"]
    cells = row(matrix(run_out), "st90-apis/reference")["cells"]
    assert {cells[c]["state"] for c in cells} == {"pass"}


@pytest.mark.parametrize(("api", "chapters"), [
    ("st90-apis/swagger2-verbs", {"uri-components", "resource-model", "content-negotiation",
                                  "security", "catalog-metadata"}),
    ("st90-apis/swagger2-contract", {"service-contract", "status-codes", "query-patterns"}),
    ("st90-apis/oas30-resources", {"uri-components", "resource-model", "http-methods",
                                   "status-codes", "catalog-metadata"}),
    ("st90-apis/oas30-errors", {"error-handling", "query-patterns"}),
    ("st90-apis/oas31-catalog", {"catalog-metadata", "uri-components", "service-contract"}),
])
def test_each_non_compliant_document_fails_the_chapters_it_breaks(
        run_out: Path, api: str, chapters: set[str]) -> None:
    cells = row(matrix(run_out), api)["cells"]
    failing = {c for c, cell in cells.items() if cell["state"] == "fail"}
    assert chapters <= failing


def test_a_served_fault_fails_its_chapter_in_the_run(tmp_path: Path) -> None:
    corpus = tmp_path / "faulty"
    (corpus / "openapi").mkdir(parents=True)
    shutil.copy(CORPUS / "openapi" / "reference.yaml", corpus / "openapi" / "reference.yaml")
    manifest: dict[str, Any] = {
        "format": "st9x-corpus/1", "id": "faulty", "title": "the reference API, one fault",
        "lint": ["st90-live"], "cases": [],
        "provenance": {"source": "written for this test", "licence": "Apache-2.0"},
        "schemas": [{"id": "no-406", "path": "openapi/reference.yaml", "kind": "openapi",
                     "serve": {"app": "reference", "faults": ["no-406"]}}],
    }
    (corpus / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    out = tmp_path / "out"
    assert st9x_run(out, corpus=corpus) == 0  # a recommended rule: reported, not broken
    (record,) = lint_records(out)
    failed = {f["rule"] for f in record["findings"] if f["status"] == "fail"}
    assert failed == {"st90.live.not-acceptable-406"}
    cells = row(matrix(out), "faulty/no-406")["cells"]
    assert cells["content-negotiation"]["state"] == "fail"
