"""Identification and versioning rules: a schema says which dialect it is written in
(``$schema``), what it is (``$id``), and, per the option chosen for the register's open issue 10,
which version of ST.97 the data follows.

Issue 10 is open, so its rule is built for one option at a time (:func:`version_indicator`):
``none`` (the default, the register's status quo: nothing is checked, the rule says so),
``property`` (a required top-level ``schemaVersion`` fixed by ``const``) or ``id`` (a ``$id``
carrying a version).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from st9x.rules.lint import JsonSchemaDocument, LintRule, Severity, lint_rule
from st9x.rules.model import Finding
from st9x.rules.st97 import walk

VERSION_OPTIONS = ("none", "property", "id")
VERSION_PROPERTY = "schemaVersion"
#: a version inside an identifier: ST.96's ``V6_0``, ``2.0``, ``1.0.0``, or ``v2`` as a
#: whole path or URN segment (``…/v2/…``, ``:v2:``), but not a name that merely ends in a digit
_VERSIONED = re.compile(
    r"(?:^|[/:_.#-])[vV]?\d+(?:[._]\d+)+(?=$|[/:_.#-])|(?:^|[/:])[vV]\d+(?=$|[/:#.])")


def schema_keyword(doc: JsonSchemaDocument) -> Iterator[Finding]:
    """The root declares its dialect with ``$schema`` (a string), so a consumer does not have
    to guess which draft's keywords it reads."""
    value = doc.document.get("$schema") if isinstance(doc.document, dict) else None
    if isinstance(value, str) and value:
        yield Finding.passed("/$schema")
    else:
        yield Finding.failed("", "the schema does not declare its dialect with $schema")


def schema_id(doc: JsonSchemaDocument) -> Iterator[Finding]:
    """The root has an ``$id`` (draft-07 also accepts ``$id``), the identifier other schemas
    and tools refer to it by."""
    value = doc.document.get("$id") if isinstance(doc.document, dict) else None
    if isinstance(value, str) and value:
        yield Finding.passed("/$id")
    else:
        yield Finding.failed("", "the schema has no $id")


def _version_property(doc: JsonSchemaDocument) -> Iterator[Finding]:
    root: Any = doc.document if isinstance(doc.document, dict) else {}
    props = root.get("properties") if isinstance(root.get("properties"), dict) else {}
    here = f"/properties/{VERSION_PROPERTY}"
    if VERSION_PROPERTY not in props:
        yield Finding.failed("", f"no top-level {VERSION_PROPERTY} property")
        return
    sub = walk.resolve(root, props[VERSION_PROPERTY])
    problems = []
    if VERSION_PROPERTY not in (root.get("required") or []):
        problems.append("not required")
    if not (isinstance(sub, dict) and isinstance(sub.get("const"), str)):
        problems.append("not fixed by a string const")
    if problems:
        yield Finding.failed(here, f"{here}: {' and '.join(problems)}")
    else:
        yield Finding.passed(here)


def _version_id(doc: JsonSchemaDocument) -> Iterator[Finding]:
    value = doc.document.get("$id") if isinstance(doc.document, dict) else None
    if not isinstance(value, str):
        yield Finding.failed("", "no $id to carry the version")
    elif _VERSIONED.search(value):
        yield Finding.passed("/$id")
    else:
        yield Finding.failed("/$id", f"/$id {value!r} carries no version")


def _version_none(doc: JsonSchemaDocument) -> Iterator[Finding]:
    yield Finding.not_applicable("version indicator option 'none' (open issue 10 undecided)")


_CHECKS: dict[str, Callable[[JsonSchemaDocument], Iterator[Finding]]] = {
    "none": _version_none, "property": _version_property, "id": _version_id}


def version_indicator(option: str = "none") -> LintRule[JsonSchemaDocument]:
    """The version-indicator rule for one option of open issue 10. ``none`` is a note that is
    never violated; a chosen option (``property``, ``id``) is a requirement."""
    if option not in _CHECKS:
        raise ValueError(f"version option {option!r}: expected one of "
                         f"{', '.join(VERSION_OPTIONS)}")
    return lint_rule(
        "st97.versioning.version-indicator", "A version indicator, per the chosen option",
        _CHECKS[option], source="ST.97 register, open issue 10",
        severity=Severity.NOTE if option == "none" else Severity.ESSENTIAL,
        category="versioning", counts="version indicators",
        absent=f"version indicator option {option!r}",
        description=f"Option {option!r} (of none, property, id): with property, the root "
                    f"requires a top-level {VERSION_PROPERTY} fixed by const; with id, the "
                    "root's $id carries a version (V6_0, 2.0, /v2/); with none, nothing is "
                    "checked.")


RULES: list[LintRule[JsonSchemaDocument]] = [
    lint_rule(
        "st97.identification.schema-keyword", "$schema declares the dialect", schema_keyword,
        source="JSON Schema Core 2020-12, $schema (as ST.97 schemas use it)",
        severity=Severity.RECOMMENDED, category="identification", counts="schemas",
        description="The root object has a $schema string naming its dialect."),
    lint_rule(
        "st97.identification.schema-id", "$id identifies the schema", schema_id,
        source="JSON Schema Core 2020-12, $id (as ST.97 schemas use it)",
        severity=Severity.RECOMMENDED, category="identification", counts="schemas",
        description="The root object has a non-empty $id string."),
    version_indicator("none"),
]
