"""The bodies judged against what the document declares: a success response against the
operation's response schema, an error response against the declared (or the document's shared)
error schema, and a response whose media type declares ``x-st97-schema`` against that ST.97
JSON Schema, with st9x's JSON validators."""

from __future__ import annotations

from collections.abc import Iterator

from st9x.rules.model import Finding
from st9x.rules.st90_live import contract
from st9x.rules.st90_live.exchanges import NOT_JSON, Exchange, LiveApi, Operation, Received


def _successes(api: LiveApi) -> Iterator[tuple[Exchange, Operation, Received]]:
    """Each answered exchange of a documented operation with a 2xx status: what the success
    rules judge."""
    for exchange in api.answered():
        response = exchange.response
        assert response is not None
        if exchange.operation is not None and 200 <= response.status < 300:
            yield exchange, exchange.operation, response


def response_schema(api: LiveApi) -> Iterator[Finding]:
    found = False
    for exchange, operation, response in _successes(api):
        pointer = contract.schema_pointer(api.openapi, operation, response.status)
        body = exchange.json()
        if pointer is None or body is NOT_JSON:
            continue  # nothing declared, or not JSON (st90.live.json-body)
        found = True
        errors = contract.validate(api.openapi, pointer, body)
        if errors:
            yield Finding.failed(exchange.where, f"{exchange.where}: {response.status} body "
                                 f"breaks the schema at {contract.shown(pointer)}: "
                                 f"{'; '.join(errors)}")
        else:
            yield Finding.passed(exchange.where)
    if not found:
        yield Finding.not_applicable("no success response with a declared JSON schema")


def error_schema(api: LiveApi) -> Iterator[Finding]:
    shared = contract.shared_error_schema(api.openapi)
    found = False
    for exchange in api.answered():
        response = exchange.response
        assert response is not None
        if response.status < 400:
            continue
        pointer = None
        if exchange.operation is not None:
            pointer = contract.schema_pointer(api.openapi, exchange.operation,
                                              response.status)
        pointer = pointer or shared
        if pointer is None:
            continue
        found = True
        body = exchange.json()
        if body is NOT_JSON:
            yield Finding.failed(exchange.where, f"{exchange.where}: the {response.status} "
                                 f"error body is not JSON ({exchange.got(80)})")
            continue
        errors = contract.validate(api.openapi, pointer, body)
        if errors:
            yield Finding.failed(exchange.where, f"{exchange.where}: the {response.status} "
                                 "error body breaks the error schema at "
                                 f"{contract.shown(pointer)}: {'; '.join(errors)}")
        else:
            yield Finding.passed(exchange.where)
    if not found:
        yield Finding.not_applicable("no error response, or no error schema declared")


def st97_document(api: LiveApi) -> Iterator[Finding]:
    found = False
    for exchange, operation, response in _successes(api):
        reference = contract.st97_reference(api.openapi, operation, response.status)
        if reference is None or exchange.json() is NOT_JSON:
            continue
        found = True
        if api.st97 is None:
            yield Finding.not_applicable(f"no ST.97 validator to check {reference!r}",
                                         exchange.where)
            continue
        outcome = api.st97(reference, response.body)
        if outcome.error:
            yield Finding.failed(exchange.where, f"{exchange.where}: x-st97-schema "
                                 f"{reference!r} cannot be used: {outcome.error}")
        elif outcome.problems:
            yield Finding.failed(exchange.where, f"{exchange.where}: the body breaks the ST.97 "
                                 f"schema {outcome.schema}: {'; '.join(outcome.problems[:5])}")
        else:
            yield Finding.passed(exchange.where)
    if not found:
        yield Finding.not_applicable("no success response whose media type declares "
                                     "x-st97-schema")
