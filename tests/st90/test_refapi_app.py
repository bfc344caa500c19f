"""The reference API, fault-free, on a real loopback port: search, retrieval, errors, document."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import jsonschema_rs
import orjson
import pytest
import yaml

from st9x.cli import main
from st9x.corpus.load import embedded_corpora_dir, load_corpus
from st9x.subjects.apis.reference import (
    FAULTS,
    OPENAPI_PATH,
    SUMMARY_FIELDS,
    create_app,
    openapi_document,
    serving,
)

from .refapi_http import call, is_error_body, port_open

TRADEMARKS = "/v1/trademarks"


def _tm_app() -> tuple[dict[str, object], list[str]]:
    """The st97-core tm-app JSON Schema and the ids of its valid cases."""
    corpus = load_corpus(embedded_corpora_dir() / "st97-core")
    schema = orjson.loads(Path(corpus.schemas["tm-app"].path).read_bytes())
    ids = sorted(c.id for c in corpus.cases
                 if c.expected == "valid" and c.schema is not None and c.schema.id == "tm-app")
    return schema, ids


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with serving() as url:
        yield url


def test_search_lists_every_valid_trademark_in_id_order(base: str) -> None:
    _schema, ids = _tm_app()
    answer = call(f"{base}{TRADEMARKS}?limit=100")
    assert answer.status == 200 and answer.content_type == "application/json"
    body = answer.json()
    assert set(body) == {"total", "limit", "offset", "items"}
    assert body["total"] == len(ids) and body["limit"] == 100 and body["offset"] == 0
    assert [item["id"] for item in body["items"]] == ids
    assert all(list(item) == list(SUMMARY_FIELDS) for item in body["items"])


def test_search_defaults_to_ten_and_pages_with_offset(base: str) -> None:
    _schema, ids = _tm_app()
    first = call(f"{base}{TRADEMARKS}").json()
    assert first["limit"] == 10 and [i["id"] for i in first["items"]] == ids[:10]
    second = call(f"{base}{TRADEMARKS}?limit=5&offset=10").json()
    assert second["total"] == len(ids)
    assert [i["id"] for i in second["items"]] == ids[10:15]
    beyond = call(f"{base}{TRADEMARKS}?offset=1000").json()
    assert beyond["items"] == [] and beyond["total"] == len(ids)


def test_q_matches_mark_text_and_applicants_case_insensitively(base: str) -> None:
    mark = call(f"{base}{TRADEMARKS}?q=nordlicht").json()
    assert mark["total"] >= 1
    assert all("nordlicht" in (i["markText"] or "").lower()
               or any("nordlicht" in n.lower() for n in i["applicantNames"])
               for i in mark["items"])
    applicant = call(f"{base}{TRADEMARKS}?q=M%C3%9CLLER%20OPTIK").json()  # MÜLLER OPTIK
    assert applicant["total"] >= 1
    assert all("Müller Optik GmbH" in i["applicantNames"] for i in applicant["items"])
    assert call(f"{base}{TRADEMARKS}?q=zz-no-such-mark-zz").json() == {
        "total": 0, "limit": 10, "offset": 0, "items": []}


def test_sort_by_filing_date_both_ways(base: str) -> None:
    up = call(f"{base}{TRADEMARKS}?sort=filingDate&limit=100").json()["items"]
    down = call(f"{base}{TRADEMARKS}?sort=-filingDate&limit=100").json()["items"]
    dates = [i["filingDate"] for i in up]
    assert dates == sorted(dates) and [i["filingDate"] for i in down] == sorted(dates)[::-1]
    numbers = call(f"{base}{TRADEMARKS}?sort=-applicationNumber&limit=100").json()["items"]
    present = [i["applicationNumber"] for i in numbers if i["applicationNumber"] is not None]
    assert present == sorted(present, reverse=True)
    assert all(i["applicationNumber"] is None for i in numbers[len(present):])


def test_fields_selects_item_properties_and_keeps_id(base: str) -> None:
    body = call(f"{base}{TRADEMARKS}?fields=markText,filingDate&limit=3").json()
    assert all(list(i) == ["id", "filingDate", "markText"] for i in body["items"])


@pytest.mark.parametrize("query", [
    "limit=0", "limit=101", "limit=ten", "limit=%2B5", "offset=-1", "offset=99999999999",
    "sort=name", "sort=-", "fields=", "fields=id,colour",
])
def test_bad_query_values_are_400_in_the_error_schema(base: str, query: str) -> None:
    answer = call(f"{base}{TRADEMARKS}?{query}")
    assert is_error_body(answer, 400), answer
    assert answer.json()["detail"].startswith(query.split("=")[0])


def test_retrieval_returns_the_stored_document_valid_against_tm_app(base: str) -> None:
    schema, ids = _tm_app()
    # jsonschema-rs: the schema's patterns use \p{...}, which Python's re cannot run
    validator = jsonschema_rs.validator_for(schema)
    for trademark_id in ids:
        answer = call(f"{base}{TRADEMARKS}/{trademark_id}")
        assert answer.status == 200 and answer.content_type == "application/json"
        stored = orjson.loads(
            (embedded_corpora_dir() / "st97-core" / "instances" / "valid"
             / f"{trademark_id}.json").read_bytes())
        assert answer.json() == stored
        assert not list(validator.iter_errors(answer.json())), trademark_id


@pytest.mark.parametrize("path", [
    f"{TRADEMARKS}/tm-app-no-such-thing", f"{TRADEMARKS}/", "/v1/patents", "/v2/trademarks",
    "/", f"{TRADEMARKS}/tm-app-full/owners",
])
def test_unknown_ids_and_paths_are_404(base: str, path: str) -> None:
    assert is_error_body(call(base + path), 404)


@pytest.mark.parametrize(("method", "path"), [
    ("POST", TRADEMARKS), ("DELETE", f"{TRADEMARKS}/tm-app-full"), ("PUT", f"{TRADEMARKS}/x"),
    ("PATCH", "/openapi.json"), ("OPTIONS", TRADEMARKS),
])
def test_other_methods_are_405_with_allow(base: str, method: str, path: str) -> None:
    answer = call(base + path, method)
    assert is_error_body(answer, 405)
    assert {m.strip() for m in answer.headers["Allow"].split(",")} == {"GET", "HEAD"}


@pytest.mark.parametrize("accept", [
    "text/html", "application/xml", "application/json;q=0, */*", "image/*",
])
def test_an_accept_without_json_is_406(base: str, accept: str) -> None:
    for path in (TRADEMARKS, f"{TRADEMARKS}/tm-app-full", "/openapi.json"):
        assert is_error_body(call(base + path, headers={"Accept": accept}), 406)


@pytest.mark.parametrize("accept", [
    "*/*", "application/*", "application/json", "text/html, application/json;q=0.5",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
])
def test_an_accept_with_json_is_served(base: str, accept: str) -> None:
    assert call(base + TRADEMARKS, headers={"Accept": accept}).status == 200


def test_the_served_openapi_document_is_the_committed_yaml(base: str) -> None:
    committed = yaml.safe_load(OPENAPI_PATH.read_text(encoding="utf-8"))
    answer = call(f"{base}/openapi.json")
    assert answer.status == 200 and answer.content_type == "application/json"
    assert answer.json() == committed == openapi_document()
    assert embedded_corpora_dir() / "st90-apis" / "openapi" / "reference.yaml" == OPENAPI_PATH
    media = committed["paths"][TRADEMARKS + "/{id}"]["get"]["responses"]["200"]["content"]
    assert media["application/json"]["x-st97-schema"] == "st9x:st97-core/tm-app"


def test_the_server_stops_and_closes_its_port_after_the_block() -> None:
    with serving() as url:
        assert port_open(url)
    assert not port_open(url)


def test_the_server_stops_when_the_block_raises() -> None:
    seen: list[str] = []
    with pytest.raises(RuntimeError, match="inside"), serving() as url:
        seen.append(url)
        raise RuntimeError("inside")
    assert seen and not port_open(seen[0])


def test_an_unknown_fault_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="no-such-fault"):
        create_app(frozenset({"no-such-fault"}))


def test_the_committed_document_has_no_st9x_lint_openapi_finding(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["lint", "openapi", str(OPENAPI_PATH), "--fail-on", "note",
                 "--format", "json"]) == 0
    counts = json.loads(capsys.readouterr().out)["counts"]
    assert counts["files"] == 1 and counts["errored_files"] == counts["errored_rules"] == 0
    assert counts["essential"] == counts["recommended"] == counts["note"] == 0


def test_the_docs_fault_table_lists_every_fault() -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "st90.md").read_text("utf-8")
    rows = {line.split("|")[1].strip().strip("`") for line in text.splitlines()
            if line.startswith("| `")}
    assert set(FAULTS) <= rows
