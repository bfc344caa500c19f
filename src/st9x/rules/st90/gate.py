"""The gate: the document is a valid Swagger 2.0, OpenAPI 3.0 or 3.1 document whose references
all lead somewhere local. A document that fails it gets located errors and no rule findings
(the linter runs the rest of the table only on a document that passes), since a rule reading a
document that is not OpenAPI would report nonsense with confidence.

The validation is PyPI's ``openapi-spec-validator`` (the validator the OpenAPI tooling of
Python uses), run only after every ``$ref`` has been followed by st9x's own loader
(:mod:`st9x.openapiload`): it never sees a reference it could fetch or one leading nowhere
(on which it stops with a traceback instead of an error).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from st9x.openapiload import OpenApiDocument, escape
from st9x.rules.lint import Severity, lint_rule
from st9x.rules.model import Finding

MAX_GATE_ERRORS = 100  # errors one document reports; the count of the rest is said


def _validator(version: str) -> Any:
    from openapi_spec_validator import (
        OpenAPIV2SpecValidator,
        OpenAPIV30SpecValidator,
        OpenAPIV31SpecValidator,
    )

    return {"2.0": OpenAPIV2SpecValidator, "3.0": OpenAPIV30SpecValidator,
            "3.1": OpenAPIV31SpecValidator}.get(version)


def valid_openapi(doc: OpenApiDocument) -> Iterator[Finding]:
    if doc.version is None:
        yield Finding.failed("", "not an OpenAPI document: it has neither an 'openapi' nor a "
                             "'swagger' field", line=1)
        return
    validator = _validator(doc.major_minor)
    if validator is None:
        line, column = doc.position("/openapi" if "openapi" in doc.document else "/swagger")
        yield Finding.failed("/openapi", f"version {doc.version!r}: st9x reads Swagger 2.0 "
                             "and OpenAPI 3.0 and 3.1", line=line, column=column)
        return
    if doc.ref_problems:
        for problem in doc.ref_problems[:MAX_GATE_ERRORS]:
            where = problem.pointer if problem.file == doc.path.resolve() else (
                f"{problem.file.name}#{problem.pointer}")
            yield Finding.failed(where, problem.detail, line=problem.line,
                                 column=problem.column)
        return
    try:
        errors = validator(doc.document, base_uri=doc.path.resolve().as_uri()).iter_errors()
        count = 0
        for error in errors:
            count += 1
            if count > MAX_GATE_ERRORS:
                continue
            pointer = "".join(f"/{escape(str(p))}" for p in getattr(error, "absolute_path", ()))
            line, column = doc.position(pointer)
            yield Finding.failed(pointer, f"not valid OpenAPI {doc.major_minor}: "
                                 f"{_first_line(error.message)}", line=line, column=column)
    except RecursionError:
        yield Finding.failed("", "not valid OpenAPI: nested too deep for the validator")
        return
    if count > MAX_GATE_ERRORS:
        yield Finding.failed("", f"... and {count - MAX_GATE_ERRORS} more OpenAPI errors")
    if count == 0:
        yield Finding.passed("")


def _first_line(message: str) -> str:
    """The validator's sentence, without the schema dump jsonschema appends after it."""
    return (message.strip().splitlines() or [""])[0]


RULES = [
    lint_rule(
        "st90.gate.valid-openapi", "The document is valid Swagger 2.0 or OpenAPI 3.0/3.1",
        valid_openapi, source="OpenAPI Specification (precondition of every ST.90 check)",
        severity=Severity.ESSENTIAL, category="gate", counts="documents",
        description="Checked by openapi-spec-validator after st9x has followed every $ref "
        "locally; a remote or unresolvable $ref fails the gate without being fetched. A "
        "document failing the gate gets no other finding.",
    ),
]
