"""Content negotiation and the service contract: every operation that returns a body offers
JSON, and every operation is identified and documented (``operationId``, ``summary``,
``description``), since the OpenAPI document is the contract a client is built from.

JSON offered: OpenAPI 3, a success (2xx) response of the operation lists ``application/json``
(parameters such as ``; charset=utf-8`` allowed) in its ``content`` (any response, when no
success response has a body: an error body in JSON does not make a result JSON); Swagger 2.0,
the operation's ``produces`` (or the document's, which it inherits) lists it. An operation
whose responses carry no body is not judged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from st9x.openapiload import OpenApiDocument
from st9x.rules.lint import LintRule, Severity, lint_rule
from st9x.rules.model import Finding
from st9x.rules.st90.chapters import chapter
from st9x.rules.st90.walk import Operation, operations, responses

NEGOTIATION = "content-negotiation"
CONTRACT = "service-contract"
JSON = "application/json"


def _is_json(media: Any) -> bool:
    return isinstance(media, str) and media.split(";")[0].strip().lower() == JSON


def _offers(doc: OpenApiDocument, op: Operation) -> tuple[bool, bool]:
    """(whether the operation returns a body at all, whether JSON is among its media types)."""
    if doc.swagger:
        has_body = any("schema" in value for _c, value, _p in responses(doc, op))
        produces = op.value.get("produces", doc.document.get("produces"))
        listed = produces if isinstance(produces, list) else []
        return has_body or bool(listed), any(_is_json(m) for m in listed)
    success: list[Any] = []
    media: list[Any] = []
    for code, value, _pointer in responses(doc, op):
        content = value.get("content")
        if isinstance(content, dict):
            media.extend(content)
            if code.startswith("2"):
                success.extend(content)
    judged = success or media  # what it returns on success, when it says
    return bool(judged), any(_is_json(m) for m in judged)


def json_offered(doc: OpenApiDocument) -> Iterator[Finding]:
    judged = False
    for op in operations(doc):
        has_body, json = _offers(doc, op)
        if not has_body:
            continue
        judged = True
        if json:
            yield Finding.passed(op.pointer)
        else:
            yield Finding.failed(op.pointer, f"{op.method.upper()} {op.template} does not "
                                 f"offer {JSON}")
    if not judged:
        yield Finding.not_applicable("no operation returns a body")


def operation_id(doc: OpenApiDocument) -> Iterator[Finding]:
    ops = operations(doc)
    if not ops:
        yield Finding.not_applicable("no operations")
    seen: dict[str, str] = {}
    for op in ops:
        value = op.value.get("operationId")
        what = f"{op.method.upper()} {op.template}"
        if not isinstance(value, str) or not value.strip():
            yield Finding.failed(op.pointer, f"{what} has no operationId")
        elif value in seen:
            yield Finding.failed(f"{op.pointer}/operationId", f"{what}: operationId "
                                 f"{value!r} is also that of {seen[value]}")
        else:
            seen[value] = what
            yield Finding.passed(op.pointer)


def _documented(key: str) -> Callable[[OpenApiDocument], Iterator[Finding]]:
    """The check that every operation has a non-empty ``key``."""
    def check(doc: OpenApiDocument) -> Iterator[Finding]:
        ops = operations(doc)
        if not ops:
            yield Finding.not_applicable("no operations")
        for op in ops:
            value = op.value.get(key)
            if isinstance(value, str) and value.strip():
                yield Finding.passed(op.pointer)
            else:
                yield Finding.failed(op.pointer, f"{op.method.upper()} {op.template} has "
                                     f"no {key}")
    check.__name__ = f"has_{key}"
    return check


RULES: list[LintRule[OpenApiDocument]] = [
    lint_rule(
        "st90.content-negotiation.json-offered", "Operations offer application/json",
        json_offered, source=chapter(NEGOTIATION), severity=Severity.ESSENTIAL,
        category=NEGOTIATION, counts="operations",
        description="Essential: JSON is the representation ST.90 asks every API to support, so "
        "each operation that returns a body lists application/json (OpenAPI 3 'content', "
        "Swagger 2.0 'produces', the document's inherited).",
    ),
    lint_rule(
        "st90.service-contract.operation-id", "Operations have a unique operationId",
        operation_id, source=chapter(CONTRACT), severity=Severity.ESSENTIAL,
        category=CONTRACT, counts="operations",
        description="Essential: generated clients and documentation name each operation by its "
        "operationId, and OpenAPI itself requires it to be unique; a missing one leaves tools "
        "to invent names that change between releases.",
    ),
    lint_rule(
        "st90.service-contract.summary", "Operations have a summary",
        _documented("summary"), source=chapter(CONTRACT), severity=Severity.RECOMMENDED,
        category=CONTRACT, counts="operations",
        description="Recommended: the one-line summary is what documentation and catalogues "
        "list; the contract stays usable without it, so it is not essential.",
    ),
    lint_rule(
        "st90.service-contract.description", "Operations have a description",
        _documented("description"), source=chapter(CONTRACT), severity=Severity.RECOMMENDED,
        category=CONTRACT, counts="operations",
        description="Recommended: the description says what the operation does beyond its "
        "name (behaviour, limits, errors); missing, a client learns it by trial.",
    ),
]
