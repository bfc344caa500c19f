"""Data type formats: numbers say their size, dates say they are dates.

Numbers: every schema (and Swagger 2.0 parameter, header or items object) of type ``integer``
carries ``format: int32`` or ``int64``, and of type ``number`` ``float`` or ``double`` (another
format, such as ``decimal``, also passes: the rule asks that the size be stated, not which).
Dates: a string property or parameter whose name says it is a date (``date``, ``filingDate``,
``filing_date``, ``filing-date``; not ``update``) carries ``format: date`` or ``date-time``; a
property given by ``$ref`` is judged on the schema it leads to. Only the root file is walked:
schemas in other files are judged when those files are linted themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from st9x.openapiload import OpenApiDocument, escape
from st9x.rules.lint import LintRule, Severity, lint_rule
from st9x.rules.model import Finding
from st9x.rules.st90.chapters import chapter
from st9x.rules.st90.walk import schema_types, typed_objects

CATEGORY = "data-types"
NUMBER_FORMATS = {"integer": ("int32", "int64"), "number": ("float", "double")}
DATE_FORMATS = frozenset({"date", "date-time"})
#: ``date``, or a name ending in a capitalised ``Date`` or in ``_date`` / ``-date``
DATE_NAME = re.compile(r"(?:date|.+Date|.+[_-]date)s?\Z")


def numeric_format(doc: OpenApiDocument) -> Iterator[Finding]:
    judged = False
    for pointer, value in typed_objects(doc):
        kinds = [k for k in schema_types(value) if k in NUMBER_FORMATS]
        if not kinds:
            continue
        judged = True
        if isinstance(value.get("format"), str) and value["format"].strip():
            yield Finding.passed(pointer)
        else:
            expected = " or ".join(NUMBER_FORMATS[kinds[0]])
            yield Finding.failed(pointer, f"{pointer}: type {kinds[0]} without a format "
                                 f"({expected})")
    if not judged:
        yield Finding.not_applicable("no integer or number schema")


def _named_values(doc: OpenApiDocument) -> Iterator[tuple[str, str, Any]]:
    """(name, pointer, schema) of every property and parameter: a property's name is the last
    token of its pointer under ``properties``; a parameter's its ``name``, its schema its
    ``schema`` (OpenAPI 3) or itself (Swagger 2.0)."""
    for pointer, value in _mappings(doc.document, ""):
        properties = value.get("properties")
        if isinstance(properties, dict) and not pointer.rsplit("/", 1)[-1].startswith("x-"):
            for name, schema in properties.items():
                yield str(name), f"{pointer}/properties/{escape(str(name))}", schema
        if isinstance(value.get("name"), str) and value.get("in") in (
                "query", "path", "header", "cookie", "formData"):
            schema = value.get("schema", value)
            where = f"{pointer}/schema" if "schema" in value else pointer
            yield value["name"], where, schema


def _mappings(value: Any, pointer: str) -> Iterator[tuple[str, dict[str, Any]]]:
    stack: list[tuple[str, Any]] = [(pointer, value)]
    while stack:
        at, current = stack.pop()
        if isinstance(current, dict):
            yield at, current
            stack.extend(reversed([(f"{at}/{escape(str(k))}", v) for k, v in current.items()
                                   if not str(k).startswith("x-")
                                   and k not in ("example", "examples", "default", "enum")]))
        elif isinstance(current, list):
            stack.extend(reversed([(f"{at}/{i}", v) for i, v in enumerate(current)]))


def date_format(doc: OpenApiDocument) -> Iterator[Finding]:
    judged = False
    for name, pointer, raw in _named_values(doc):
        if not DATE_NAME.match(name):
            continue
        schema = doc.resolve(raw)
        if not isinstance(schema, dict) or "string" not in schema_types(schema):
            continue
        judged = True
        if schema.get("format") in DATE_FORMATS:
            yield Finding.passed(pointer)
        else:
            yield Finding.failed(pointer, f"{name!r} names a date but its string has no "
                                 "format date or date-time")
    if not judged:
        yield Finding.not_applicable("no string property or parameter named as a date")


RULES: list[LintRule[OpenApiDocument]] = [
    lint_rule(
        "st90.data-types.numeric-format", "Integers and numbers carry a format",
        numeric_format, source=chapter(CATEGORY), severity=Severity.RECOMMENDED,
        category=CATEGORY, counts="numeric schemas",
        description="Recommended: without int32/int64 or float/double a client in a typed "
        "language guesses the size and may overflow or lose precision; the data still "
        "validates, so it is not essential.",
    ),
    lint_rule(
        "st90.data-types.date-format", "Date-named strings carry format date or date-time",
        date_format, source=chapter(CATEGORY), severity=Severity.RECOMMENDED,
        category=CATEGORY, counts="date properties and parameters",
        description="Recommended: ST.90 writes dates as RFC 3339 (format date or date-time), "
        "and the format is how a client knows to parse one; a property or parameter named "
        "'date', '...Date', '..._date' or '...-date' of type string carries it.",
    ),
]
