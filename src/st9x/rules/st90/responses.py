"""HTTP status codes and error handling: each operation says how it fails (4xx and 5xx codes,
not only ``default``), and every error body follows one shared schema.

"One schema" is judged by identity: two error bodies share their schema when both refer to
the same ``$ref`` or are written identically. The schema most error responses use is taken as
the API's error schema; each error response that uses another is a finding.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

from st9x.openapiload import OpenApiDocument
from st9x.rules.lint import LintRule, Severity, lint_rule
from st9x.rules.model import Finding
from st9x.rules.st90.chapters import chapter
from st9x.rules.st90.walk import operations, response_schemas, responses

STATUS = "status-codes"
ERRORS = "error-handling"


def _class(code: str) -> str | None:
    """``"4"`` for ``404`` or ``4XX``, ``"5"`` for ``503``; None for ``default``, ``200``..."""
    code = code.upper()
    if len(code) == 3 and code[0] in "45" and (code[1:].isdigit() or code[1:] == "XX"):
        return code[0]
    return None


def error_codes(doc: OpenApiDocument) -> Iterator[Finding]:
    ops = operations(doc)
    if not ops:
        yield Finding.not_applicable("no operations")
    for op in ops:
        codes = [code for code, _value, _pointer in responses(doc, op)]
        classes = {_class(code) for code in codes}
        missing = [f"{c}xx" for c in "45" if c not in classes]
        if not missing:
            yield Finding.passed(op.pointer)
            continue
        only_default = " (only 'default')" if "default" in codes else ""
        yield Finding.failed(f"{op.pointer}/responses" if codes else op.pointer,
                             f"{op.method.upper()} {op.template} declares no "
                             f"{' and no '.join(missing)} response{only_default}")


def _identity(schema: Any) -> str:
    """What makes two error schemas the same: the ``$ref`` they name, else their text."""
    if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
        return "$ref " + schema["$ref"]
    return json.dumps(schema, sort_keys=True, default=str)


def shared_error_schema(doc: OpenApiDocument) -> Iterator[Finding]:
    bodies: list[tuple[str, str, str]] = []  # identity, pointer, what
    for op in operations(doc):
        for code, value, pointer in responses(doc, op):
            if _class(code) is None:
                continue
            for schema, at in response_schemas(doc, value, pointer):
                bodies.append((_identity(schema), at, f"{op.method.upper()} "
                               f"{op.template} {code}"))
    if not bodies:
        yield Finding.not_applicable("no 4xx or 5xx response with a body")
        return
    counts = Counter(identity for identity, _at, _what in bodies)
    shared = max(counts, key=lambda i: (counts[i], -next(
        n for n, b in enumerate(bodies) if b[0] == i)))
    shown = shared if shared.startswith("$ref ") else "an inline schema"
    for identity, at, what in bodies:
        if identity == shared:
            yield Finding.passed(at)
        else:
            yield Finding.failed(at, f"{what}: the error body does not use the schema the "
                                 f"other errors share ({shown.removeprefix('$ref ')})")


RULES: list[LintRule[OpenApiDocument]] = [
    lint_rule(
        "st90.status-codes.error-codes", "Operations declare 4xx and 5xx responses",
        error_codes, source=chapter(STATUS), severity=Severity.RECOMMENDED, category=STATUS,
        counts="operations",
        description="Recommended: a client handles failures from the contract only when each "
        "operation names a client-error (4xx) and a server-error (5xx) response, as codes or "
        "ranges ('4XX'); 'default' alone says nothing of which class a failure is in.",
    ),
    lint_rule(
        "st90.error-handling.shared-error-schema", "All error bodies share one schema",
        shared_error_schema, source=chapter(ERRORS), severity=Severity.ESSENTIAL,
        category=ERRORS, counts="error responses",
        description="Essential: ST.90 gives error responses one structure, so a client parses "
        "every failure in one place. Every 4xx/5xx response with a body refers to the same "
        "schema ($ref) or writes it identically; the one most of them use is taken as shared.",
    ),
]
