"""Declaration rules (ST.96 Annex I, "Elements and attributes" and "Types definitions"): elements
and attributes are declared once, globally, and used by reference; types are named, so that each
component is reusable and has one documented definition.

A local declaration (``xsd:element name=...`` inside a content model) or an anonymous type
(``xsd:complexType`` without a name inside a declaration) cannot be referenced or reused from
another schema. Anonymous simple types inside ``xsd:union``, ``xsd:list`` or ``xsd:restriction``
are not declarations of a component and are left alone: ST.96 V6_0 uses them for its
"a code from the list or any token" unions.
"""

from __future__ import annotations

from collections.abc import Iterator

from st9x.rules.lint import LintRule, Severity, XsdDocument, lint_rule
from st9x.rules.model import Finding
from st9x.rules.st96.facts import Q, is_global, root, st96_schema

ELEMENTS = "ST.96 Annex I, 3.2.2 Elements"
ATTRIBUTES = "ST.96 Annex I, 3.2.3 Attributes"
TYPES = "ST.96 Annex I, 3.1 Types definitions"


def _declarations(doc: XsdDocument, kind: str) -> Iterator[Finding]:
    for node in root(doc).iter(Q + kind):
        if node.get("name") is None:
            if node.get("ref") is not None:
                yield doc.passed(node)
            continue
        if is_global(node):
            yield doc.passed(node)
        else:
            yield doc.failed(node, f"{kind} {node.get('name')!r} is declared locally; declare "
                                   f"it globally and use it with ref")


@st96_schema
def global_elements(doc: XsdDocument) -> Iterator[Finding]:
    """Every element is declared as a child of ``xsd:schema``; content models use ``ref``."""
    yield from _declarations(doc, "element")


@st96_schema
def global_attributes(doc: XsdDocument) -> Iterator[Finding]:
    """Every attribute is declared as a child of ``xsd:schema``; types use ``ref``."""
    yield from _declarations(doc, "attribute")


@st96_schema
def no_anonymous_types(doc: XsdDocument) -> Iterator[Finding]:
    """No element or attribute declaration defines its type inline: the type is a named
    ``...Type`` referred to by ``type``."""
    for node in root(doc).iter(Q + "element", Q + "attribute"):
        if node.get("name") is None:
            continue
        inline = [c for c in node.iterchildren(Q + "complexType", Q + "simpleType")]
        kind = node.tag.rsplit("}", 1)[-1]
        if inline:
            what = inline[0].tag.rsplit("}", 1)[-1]
            yield doc.failed(inline[0], f"{kind} {node.get('name')!r} has an anonymous "
                                        f"{what}; name the type and refer to it")
        else:
            yield doc.passed(node)


RULES: list[LintRule[XsdDocument]] = [
    lint_rule("st96.declarations.global-elements", "Elements are declared globally",
              global_elements, source=ELEMENTS, severity=Severity.ESSENTIAL,
              category="declarations", counts="element declarations and references"),
    lint_rule("st96.declarations.global-attributes", "Attributes are declared globally",
              global_attributes, source=ATTRIBUTES, severity=Severity.RECOMMENDED,
              category="declarations", counts="attribute declarations and references"),
    lint_rule("st96.declarations.no-anonymous-types",
              "Element and attribute declarations use named types", no_anonymous_types,
              source=TYPES, severity=Severity.ESSENTIAL, category="declarations",
              counts="element and attribute declarations"),
]
