"""Documents for the ST.90 rule tests: the two compliant fixtures (OpenAPI 3.0 and Swagger
2.0), and each rule's failing variants made from them by one small change, written to a file
and loaded as the linter loads any document."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from st9x.openapiload import OpenApiDocument, load_openapi
from st9x.rules import st90
from st9x.rules.model import Finding, Status

FIXTURES = Path(__file__).parent / "fixtures" / "st90rules"
BASES = {"oas3": FIXTURES / "good-oas3.yaml", "swagger2": FIXTURES / "good-swagger2.yaml"}

Change = Callable[[dict[str, Any]], None]


def base(kind: str) -> dict[str, Any]:
    return copy.deepcopy(yaml.safe_load(BASES[kind].read_text(encoding="utf-8")))


def write_doc(tmp: Path, document: dict[str, Any], name: str = "api.yaml") -> Path:
    path = tmp / name
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def load(path: Path) -> OpenApiDocument:
    return load_openapi(path)


def run(rule_id: str, doc: OpenApiDocument) -> list[Finding]:
    return st90.RULES.run_rule(rule_id, doc)


def statuses(rule_id: str, doc: OpenApiDocument) -> set[Status]:
    return {f.status for f in run(rule_id, doc)}


def gate_passes(doc: OpenApiDocument) -> bool:
    return statuses(st90.GATE, doc) == {Status.PASS}


# -- small edits ------------------------------------------------------------------------------

def rename_path(old: str, new: str) -> Change:
    def change(d: dict[str, Any]) -> None:
        d["paths"] = {new if k == old else k: v for k, v in d["paths"].items()}
    return change


def edit(*keys: str | int, value: Any = None, delete: bool = False) -> Change:
    """Set (or delete) the value at ``keys`` in the document."""
    def change(d: dict[str, Any]) -> None:
        target: Any = d
        for key in keys[:-1]:
            target = target[key]
        if delete:
            del target[keys[-1]]
        else:
            target[keys[-1]] = value
    return change


def both(*changes: Change) -> Change:
    def change(d: dict[str, Any]) -> None:
        for one in changes:
            one(d)
    return change


def query_param(path: str, method: str, index: int, **fields: Any) -> Change:
    """Change fields of one parameter (a query parameter of the fixtures); None drops one."""
    def change(d: dict[str, Any]) -> None:
        parameter = d["paths"][path][method]["parameters"][index]
        for key, value in fields.items():
            if value is None:
                parameter.pop(key, None)
            else:
                parameter[key] = value
    return change


def add_query(path: str, method: str, name: str, swagger: bool) -> Change:
    def change(d: dict[str, Any]) -> None:
        parameter = ({"name": name, "in": "query", "type": "string"} if swagger else
                     {"name": name, "in": "query", "schema": {"type": "string"}})
        d["paths"][path][method].setdefault("parameters", []).append(parameter)
    return change


TM, ONE, OWNERS = "/trademarks", "/trademarks/{id}", "/trademark-owners"
INLINE_ERROR = {"type": "object", "properties": {"message": {"type": "string"}}}

#: rule id → [(base, change that makes the rule fail)]
FAILING: dict[str, list[tuple[str, Change]]] = {
    "st90.uri-components.no-trailing-slash": [
        ("oas3", rename_path(TM, "/trademarks/")), ("swagger2", rename_path(TM, "/trademarks/"))],
    "st90.uri-components.kebab-case": [
        ("oas3", rename_path(OWNERS, "/trademarkOwners")),
        ("swagger2", rename_path(TM, "/trade_marks"))],
    "st90.uri-components.version-in-path": [
        ("oas3", edit("servers", 0, "url", value="https://api.example.org/")),
        ("swagger2", edit("basePath", value="/api"))],
    "st90.resource-model.no-verbs": [
        ("oas3", rename_path(OWNERS, "/search-owners")),
        ("swagger2", rename_path(TM, "/getTrademarks"))],
    "st90.resource-model.plural-collections": [
        ("oas3", rename_path(ONE, "/trademark/{id}")),
        ("swagger2", rename_path(ONE, "/trademark/{id}"))],
    "st90.http-methods.standard-methods": [  # Swagger 2.0 has no TRACE to document
        ("oas3", edit("paths", TM, "trace", value={"operationId": "traceMarks", "responses": {
            "200": {"description": "echo"}}}))],
    "st90.http-methods.no-body-on-read": [
        ("oas3", edit("paths", TM, "get", "requestBody", value={"content": {
            "application/json": {"schema": {"type": "object"}}}})),
        ("swagger2", edit("paths", ONE, "parameters", value=[
            {"name": "id", "in": "path", "required": True, "type": "string"},
            {"name": "body", "in": "body", "schema": {"type": "object"}}]))],
    "st90.status-codes.error-codes": [
        ("oas3", edit("paths", ONE, "delete", "responses", value={
            "204": {"description": "Withdrawn"},
            "default": {"$ref": "#/components/responses/Error"}})),
        ("swagger2", edit("paths", ONE, "get", "responses", "500", delete=True))],
    "st90.error-handling.shared-error-schema": [
        ("oas3", edit("paths", ONE, "get", "responses", "404", value={
            "description": "Not found",
            "content": {"application/json": {"schema": INLINE_ERROR}}})),
        ("swagger2", edit("paths", ONE, "get", "responses", "404", value={
            "description": "Not found", "schema": INLINE_ERROR}))],
    "st90.query-patterns.paging-names": [
        ("oas3", both(query_param(OWNERS, "get", 1, name="page"),
                      query_param(OWNERS, "get", 2, name="size"))),
        ("swagger2", both(add_query(TM, "post", "page", True),
                          add_query(TM, "post", "size", True)))],
    "st90.query-patterns.sort-name": [
        ("oas3", query_param(TM, "get", 3, name="sortBy")),
        ("swagger2", query_param(TM, "get", 3, name="order_by"))],
    "st90.query-patterns.filter-names": [
        ("oas3", query_param(OWNERS, "get", 0, name="search")),
        ("swagger2", add_query(TM, "post", "query", True))],
    "st90.query-patterns.fields-name": [
        ("oas3", query_param(TM, "get", 4, name="select")),
        ("swagger2", query_param(TM, "get", 4, name="fieldList"))],
    "st90.content-negotiation.json-offered": [
        ("oas3", edit("paths", OWNERS, "get", "responses", "200", "content", value={
            "application/xml": {"schema": {"type": "string"}}})),
        ("swagger2", edit("paths", TM, "get", "produces", value=["application/xml"]))],
    "st90.service-contract.operation-id": [
        ("oas3", edit("paths", OWNERS, "get", "operationId", value=" ")),
        ("swagger2", edit("paths", TM, "post", "operationId", delete=True))],
    "st90.service-contract.summary": [
        ("oas3", edit("paths", TM, "get", "summary", delete=True)),
        ("swagger2", edit("paths", ONE, "get", "summary", value=" "))],
    "st90.service-contract.description": [
        ("oas3", edit("paths", ONE, "delete", "description", delete=True)),
        ("swagger2", edit("paths", TM, "post", "description", delete=True))],
    "st90.security.security-schemes": [
        ("oas3", both(edit("components", "securitySchemes", delete=True),
                      edit("security", delete=True))),
        ("oas3", edit("security", delete=True)),
        ("swagger2", both(edit("securityDefinitions", delete=True),
                          edit("security", delete=True)))],
    "st90.security.https": [
        ("oas3", edit("servers", 0, "url", value="http://api.example.org/v1")),
        ("swagger2", edit("schemes", value=["http", "https"]))],
    "st90.data-types.numeric-format": [
        ("oas3", edit("components", "schemas", "Trademark", "properties", "classCount",
                      "format", delete=True)),
        ("swagger2", query_param(TM, "get", 1, format=None))],
    "st90.data-types.date-format": [
        ("oas3", edit("components", "schemas", "Trademark", "properties", "filingDate",
                      "format", delete=True)),
        ("swagger2", query_param(TM, "get", 5, format="partial-time"))],
    "st90.catalog-metadata.openapi-30": [
        ("oas3", edit("openapi", value="3.1.0")), ("swagger2", edit("info", "title", value="T"))],
    "st90.catalog-metadata.info-title": [
        ("oas3", edit("info", "title", value="  ")), ("swagger2", edit("info", "title", value=""))],
    "st90.catalog-metadata.info-description": [
        ("oas3", edit("info", "description", delete=True)),
        ("swagger2", edit("info", "description", value=""))],
    "st90.catalog-metadata.info-version": [
        ("oas3", edit("info", "version", value="")),
        ("swagger2", edit("info", "version", value=" "))],
    "st90.catalog-metadata.oas-url": [
        ("oas3", edit("info", "x-oas-url", delete=True)),
        ("swagger2", edit("info", "x-oas-url", value="swagger.json"))],
    "st90.catalog-metadata.product-page-url": [
        ("oas3", edit("info", "x-product-page-url", delete=True)),
        ("swagger2", edit("info", "x-product-page-url", value="ftp://example.org/api"))],
    "st90.catalog-metadata.ip-domain": [
        ("oas3", edit("info", "x-ip-domain", value="Patents")),
        ("swagger2", edit("info", "x-ip-domain", delete=True))],
    "st90.catalog-metadata.service-type": [
        ("oas3", edit("info", "x-service-type", value="Searching")),
        ("swagger2", edit("info", "x-service-type", value=["Search", "Browse"]))],
    "st90.catalog-metadata.content-type": [
        ("oas3", edit("info", "x-content-type", value="Full text")),
        ("swagger2", edit("info", "x-content-type", delete=True))],
    "st90.catalog-metadata.content-language": [
        ("oas3", edit("info", "x-content-language", value="en, english")),
        ("swagger2", edit("info", "x-content-language", value="en,,fr"))],
}
