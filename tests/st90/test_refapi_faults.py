"""Each fault of the reference API changes exactly the behaviour it names, and nothing else.

One probe per fault checks the compliant behaviour; the fault-free API passes them all, and the
API with one fault switched on fails exactly that fault's probe. The probes find the search path
in the served OpenAPI document, so ``verbs-in-paths`` does not trip the others.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema_rs
import orjson
import pytest
from openapi_schema_validator import OAS30Validator

from st9x.cli import main
from st9x.corpus.load import embedded_corpora_dir, load_corpus
from st9x.subjects.apis.reference import FAULTS, Behaviour, openapi_document, serving

from .refapi_http import call, is_error_body


class Probe:
    """The served API and its document, read once per probe run."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.document: dict[str, Any] = call(f"{base}/openapi.json").json()
        self.collection = next(
            path for path, item in self.document["paths"].items()
            if item.get("get", {}).get("operationId") == "searchTrademarks"
        )

    def url(self, rest: str = "") -> str:
        return self.base + self.collection + rest


def _tm_app() -> tuple[Any, list[str]]:
    corpus = load_corpus(embedded_corpora_dir() / "st97-core")
    schema = orjson.loads(Path(corpus.schemas["tm-app"].path).read_bytes())
    ids = sorted(c.id for c in corpus.cases
                 if c.expected == "valid" and c.schema is not None and c.schema.id == "tm-app")
    return jsonschema_rs.validator_for(schema), ids


def unknown_resource_is_404(p: Probe) -> bool:
    return (call(p.url("/tm-app-no-such-thing")).status == 404
            and call(p.base + "/v1/no-such-collection").status == 404)


def other_method_is_405(p: Probe) -> bool:
    answer = call(p.url(), "POST")
    return answer.status == 405 and "GET" in answer.headers.get("Allow", "")


def unsupported_accept_is_406(p: Probe) -> bool:
    return call(p.url(), headers={"Accept": "application/xml"}).status == 406


def errors_use_the_error_schema(p: Probe) -> bool:
    bad = call(p.url("?limit=0"))
    unknown = call(p.url("/tm-app-no-such-thing"))
    return is_error_body(bad, 400) and is_error_body(unknown, unknown.status)


def paging_is_honoured(p: Probe) -> bool:
    _validator, ids = _tm_app()
    body = call(p.url("?limit=2&offset=1")).json()
    return [item["id"] for item in body["items"]] == ids[1:3]


def search_matches_its_schema(p: Probe) -> bool:
    schema = {"$ref": "#/components/schemas/TrademarkSearchResult",
              "components": p.document["components"]}
    body = call(p.url("?limit=3")).json()
    return OAS30Validator(schema).is_valid(body)


def retrieval_is_valid_st97(p: Probe) -> bool:
    validator, ids = _tm_app()
    return all(validator.is_valid(call(p.url(f"/{i}")).json()) for i in ids)


def paths_have_no_verbs(p: Probe) -> bool:
    verb = re.compile(r"/(get|list|search|find|create|update|delete)[A-Z]")
    return not any(verb.search(path) for path in p.document["paths"]) and (
        call(p.base + "/v1/trademarks").status == 200)


PROBES: dict[str, Callable[[Probe], bool]] = {
    "wrong-status": unknown_resource_is_404,
    "no-405": other_method_is_405,
    "no-406": unsupported_accept_is_406,
    "error-body": errors_use_the_error_schema,
    "paging-ignored": paging_is_honoured,
    "response-off-schema": search_matches_its_schema,
    "st97-break": retrieval_is_valid_st97,
    "verbs-in-paths": paths_have_no_verbs,
}


def _failing(faults: frozenset[str]) -> set[str]:
    with serving(faults) as base:
        probe = Probe(base)
        return {name for name, check in PROBES.items() if not check(probe)}


def test_every_fault_has_a_probe() -> None:
    assert set(PROBES) == set(FAULTS)


def test_the_fault_free_api_passes_every_probe() -> None:
    assert _failing(frozenset()) == set()


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_fault_fails_exactly_its_own_probe(fault: str) -> None:
    assert _failing(frozenset({fault})) == {fault}


def test_wrong_status_answers_500_in_the_error_schema() -> None:
    with serving({"wrong-status"}) as base:
        assert is_error_body(call(f"{base}/v1/trademarks/tm-app-nope"), 500)
        assert is_error_body(call(f"{base}/v1/nothing"), 500)


def test_no_405_answers_404_without_allow() -> None:
    with serving({"no-405"}) as base:
        answer = call(f"{base}/v1/trademarks", "DELETE")
        assert is_error_body(answer, 404) and "Allow" not in answer.headers


def test_no_406_serves_json_whatever_the_accept() -> None:
    with serving({"no-406"}) as base:
        answer = call(f"{base}/v1/trademarks/tm-app-full", headers={"Accept": "text/html"})
        assert answer.status == 200 and answer.content_type == "application/json"


def test_error_body_keeps_the_status_but_not_the_shape() -> None:
    with serving({"error-body"}) as base:
        for url, status in ((f"{base}/v1/trademarks?sort=x", 400),
                            (f"{base}/v1/trademarks/tm-app-nope", 404)):
            answer = call(url)
            assert answer.status == status and answer.content_type == "application/json"
            assert not is_error_body(answer, status)


def test_paging_ignored_returns_every_match_and_echoes_the_request() -> None:
    _validator, ids = _tm_app()
    with serving({"paging-ignored"}) as base:
        body = call(f"{base}/v1/trademarks?limit=2&offset=5").json()
    assert (body["limit"], body["offset"], body["total"]) == (2, 5, len(ids))
    assert [item["id"] for item in body["items"]] == ids


def test_response_off_schema_sends_total_as_a_string() -> None:
    with serving({"response-off-schema"}) as base:
        body = call(f"{base}/v1/trademarks").json()
    assert isinstance(body["total"], str) and len(body["items"]) == 10


def test_st97_break_leaves_out_the_required_filing_date() -> None:
    with serving({"st97-break"}) as base:
        application = call(f"{base}/v1/trademarks/tm-app-full").json()["trademarkApplication"]
        assert "filingDate" not in application and "markCategory" in application
        assert call(f"{base}/v1/trademarks?q=nordlicht").json()["items"][0]["filingDate"]


def test_verbs_in_paths_serves_and_documents_get_trademarks() -> None:
    document = openapi_document({"verbs-in-paths"})
    assert set(document["paths"]) == {"/v1/getTrademarks", "/v1/getTrademarks/{id}"}
    assert openapi_document() != document
    with serving({"verbs-in-paths"}) as base:
        assert call(f"{base}/openapi.json").json() == document
        assert call(f"{base}/v1/getTrademarks/tm-app-full").status == 200
        assert call(f"{base}/v1/trademarks").status == 404


def test_st9x_lint_openapi_catches_verbs_in_paths_in_the_served_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with serving({"verbs-in-paths"}) as base:
        served = call(f"{base}/openapi.json")
    document = tmp_path / "served.json"
    document.write_bytes(served.body)
    assert main(["lint", "openapi", str(document), "--format", "json"]) == 1
    findings = json.loads(capsys.readouterr().out)["files"][0]["findings"]
    assert {f["rule"] for f in findings if f["severity"] == "essential"} == {
        "st90.resource-model.no-verbs"}


def test_faults_combine() -> None:
    behaviour = Behaviour.of({"wrong-status", "no-406"})
    assert (behaviour.not_found_status, behaviour.negotiate) == (500, False)
    assert behaviour.wrong_method_status == 405
