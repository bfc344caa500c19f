"""HTTP methods: which methods an API offers, and which of them carry a request body.

Standard methods: GET, PUT, POST, DELETE, OPTIONS, HEAD and PATCH, the OpenAPI set less TRACE.
TRACE operates on no resource (it echoes the request back, credentials and cookies included,
the "cross-site tracing" risk), so a documented TRACE operation is a finding; OpenAPI 3.2's
``query`` and other methods do not reach the table, since the gate accepts 2.0, 3.0 and 3.1 only.
"""

from __future__ import annotations

from collections.abc import Iterator

from st9x.openapiload import OpenApiDocument
from st9x.rules.lint import LintRule, Severity, lint_rule
from st9x.rules.model import Finding
from st9x.rules.st90.chapters import chapter
from st9x.rules.st90.walk import operations, parameters

CATEGORY = "http-methods"
STANDARD_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch"})
#: methods whose request body has no meaning in HTTP (RFC 9110 §9.3.1, §9.3.2, §9.3.5)
NO_BODY_METHODS = frozenset({"get", "head", "delete"})


def standard_methods(doc: OpenApiDocument) -> Iterator[Finding]:
    ops = operations(doc)
    if not ops:
        yield Finding.not_applicable("no operations")
    for op in ops:
        if op.method in STANDARD_METHODS:
            yield Finding.passed(op.pointer)
        else:
            yield Finding.failed(op.pointer, f"{op.method.upper()} {op.template}: "
                                 f"{op.method.upper()} is not one of the methods an ST.90 API "
                                 "offers (GET, PUT, POST, DELETE, OPTIONS, HEAD, PATCH)")


def no_body_on_read(doc: OpenApiDocument) -> Iterator[Finding]:
    ops = [op for op in operations(doc) if op.method in NO_BODY_METHODS]
    if not ops:
        yield Finding.not_applicable("no GET, HEAD or DELETE operation")
    for op in ops:
        where = None
        if doc.swagger:
            body = [p for p in parameters(doc, op) if p.where in ("body", "formData")]
            where = body[0].pointer if body else None
        elif "requestBody" in op.value:
            where = f"{op.pointer}/requestBody"
        if where is None:
            yield Finding.passed(op.pointer)
        else:
            yield Finding.failed(where, f"{op.method.upper()} {op.template} takes a request "
                                 "body, which HTTP gives no meaning for this method")


RULES: list[LintRule[OpenApiDocument]] = [
    lint_rule(
        "st90.http-methods.standard-methods", "Operations use the standard HTTP methods",
        standard_methods, source=chapter(CATEGORY), severity=Severity.ESSENTIAL,
        category=CATEGORY, counts="operations",
        description="Essential: GET, PUT, POST, DELETE, OPTIONS, HEAD and PATCH only. TRACE "
        "is left out: it acts on no resource and echoes the request, credentials included, "
        "so proxies and security policies block it.",
    ),
    lint_rule(
        "st90.http-methods.no-body-on-read", "GET, HEAD and DELETE take no request body",
        no_body_on_read, source=chapter(CATEGORY), severity=Severity.ESSENTIAL,
        category=CATEGORY, counts="operations",
        description="Essential: HTTP defines no meaning for a body on these methods and "
        "caches and proxies may drop it, so a client cannot rely on it being read. OpenAPI 3: "
        "a requestBody; Swagger 2.0: a 'body' or 'formData' parameter (path-level ones "
        "included).",
    ),
]
