"""Small rule tables of the tests' own, in the shape of the ST.96 and ST.97 tables, so the lint
engine is tested whatever the project's tables hold."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from st9x.rules.lint import (
    JsonSchemaDocument,
    LintCatalogue,
    Severity,
    XsdDocument,
    lint_rule,
)
from st9x.rules.model import Finding

XS = "{http://www.w3.org/2001/XMLSchema}"
UPPER_CAMEL = re.compile(r"^[A-Z][A-Za-z0-9]*$")
LOWER_CAMEL = re.compile(r"^[a-z][A-Za-z0-9]*$")


def element_upper_camel(doc: XsdDocument) -> Iterator[Finding]:
    found = False
    for element in doc.tree.getroot().iter(f"{XS}element"):
        name = element.get("name")
        if name is None:
            continue
        found = True
        if UPPER_CAMEL.match(name):
            yield doc.passed(element)
        else:
            yield doc.failed(element, f"element {name!r} is not UpperCamelCase")
    if not found:
        yield Finding.not_applicable("no named element")


def element_documented(doc: XsdDocument) -> Iterator[Finding]:
    for element in doc.tree.getroot().iter(f"{XS}element"):
        if element.get("name") is None:
            continue
        if element.find(f"{XS}annotation/{XS}documentation") is not None:
            yield doc.passed(element)
        else:
            yield doc.failed(element, f"element {element.get('name')!r} has no documentation")


def schema_version(doc: XsdDocument) -> Iterator[Finding]:
    root = doc.tree.getroot()
    if root.get("version"):
        yield doc.passed(root)
    else:
        yield doc.failed(root, "xs:schema has no version attribute")


def model_built(doc: XsdDocument) -> Iterator[Finding]:
    if doc.schema is None:
        yield Finding.not_applicable("no component model")
        return
    for name in doc.schema.elements:
        yield Finding.passed(f"/xs:schema/xs:element[@name='{name}']")


def crashes(doc: Any) -> Iterator[Finding]:
    raise RuntimeError("this rule always raises")
    yield  # pragma: no cover


XSD_RULES: LintCatalogue[XsdDocument] = LintCatalogue("test-st96", [
    lint_rule("test.naming.element-upper-camel", "Element names are UpperCamelCase",
              element_upper_camel, source="Naming rules", severity=Severity.ESSENTIAL,
              category="naming", counts="elements"),
    lint_rule("test.documentation.element", "Elements are documented", element_documented,
              source="Documentation", severity=Severity.RECOMMENDED, category="documentation"),
    lint_rule("test.versioning.schema-version", "xs:schema has a version attribute",
              schema_version, source="Versioning", severity=Severity.ESSENTIAL,
              category="versioning", standard_rule=None),
    lint_rule("test.structure.model", "The schema builds a component model", model_built,
              source="Schema structure", severity=Severity.NOTE, category="structure"),
])

CRASHING: LintCatalogue[XsdDocument] = LintCatalogue("test-crash", [
    *(XSD_RULES[r] for r in XSD_RULES),  # type: ignore[misc]
    lint_rule("test.crash.always", "A rule that raises", crashes, source="Nowhere",
              severity=Severity.ESSENTIAL, category="structure"),
])


def _properties(node: Any, pointer: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{pointer}/{key.replace('~', '~0').replace('/', '~1')}"
            if key == "properties" and isinstance(value, dict):
                for name in value:
                    yield name, f"{here}/{name.replace('~', '~0').replace('/', '~1')}"
            yield from _properties(value, here)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _properties(value, f"{pointer}/{index}")


def property_lower_camel(doc: JsonSchemaDocument) -> Iterator[Finding]:
    found = False
    for name, pointer in _properties(doc.document, ""):
        found = True
        if LOWER_CAMEL.match(name):
            yield Finding.passed(pointer)
        else:
            yield Finding.failed(pointer, f"property {name!r} is not lowerCamelCase")
    if not found:
        yield Finding.not_applicable("no property")


def id_present(doc: JsonSchemaDocument) -> Iterator[Finding]:
    if isinstance(doc.document, dict) and "$id" in doc.document:
        yield Finding.passed("/$id")
    else:
        yield Finding.failed("", "the schema has no $id")


JSON_RULES: LintCatalogue[JsonSchemaDocument] = LintCatalogue("test-st97", [
    lint_rule("test.naming.property-lower-camel", "Property names are lowerCamelCase",
              property_lower_camel, source="Naming", severity=Severity.ESSENTIAL,
              category="naming"),
    lint_rule("test.identity.id-present", "The schema has an $id", id_present,
              source="Identification", severity=Severity.RECOMMENDED, category="versioning"),
])
