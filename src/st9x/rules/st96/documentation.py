"""Documentation rules (ST.96 Annex I, "Schema construct documentation"): every element,
attribute and type the schema defines, and every enumerated value, carries its definition in
``xsd:annotation/xsd:documentation``, which is where the data dictionary (Annex II) and readers
of the schema find what it means.

Only named declarations and definitions are checked: a reference (``xsd:element ref=...``)
is documented where it is declared. Empty or whitespace-only documentation counts as none.
"""

from __future__ import annotations

from collections.abc import Iterator

from st9x.rules.lint import LintRule, Severity, XsdDocument, lint_rule
from st9x.rules.model import Finding
from st9x.rules.st96.facts import Q, documentation, named, root, st96_schema

SECTION = "ST.96 Annex I, 3.5 Schema documentation"


def _documented(doc: XsdDocument, *kinds: str) -> Iterator[Finding]:
    for node in named(doc, *kinds):
        kind = node.tag.rsplit("}", 1)[-1]
        if documentation(node):
            yield doc.passed(node)
        else:
            yield doc.failed(node, f"{kind} {node.get('name')!r} has no "
                                   "xsd:annotation/xsd:documentation")


@st96_schema
def elements_documented(doc: XsdDocument) -> Iterator[Finding]:
    """Every element declared in the file has documentation."""
    yield from _documented(doc, "element")


@st96_schema
def attributes_documented(doc: XsdDocument) -> Iterator[Finding]:
    """Every attribute declared in the file has documentation."""
    yield from _documented(doc, "attribute")


@st96_schema
def types_documented(doc: XsdDocument) -> Iterator[Finding]:
    """Every named complex and simple type has documentation."""
    yield from _documented(doc, "complexType", "simpleType")


@st96_schema
def enumerations_documented(doc: XsdDocument) -> Iterator[Finding]:
    """Every ``xsd:enumeration`` value has documentation saying what the code means."""
    for node in root(doc).iter(Q + "enumeration"):
        if documentation(node):
            yield doc.passed(node)
        else:
            line, column = doc.place(node)
            yield Finding.failed(f"{doc.xpath_of(node)}[@value='{node.get('value')}']",
                                 f"enumeration value {node.get('value')!r} has no "
                                 "xsd:annotation/xsd:documentation", line=line, column=column)


RULES: list[LintRule[XsdDocument]] = [
    lint_rule("st96.documentation.elements", "Elements are documented", elements_documented,
              source=SECTION, severity=Severity.ESSENTIAL, category="documentation",
              counts="element declarations"),
    lint_rule("st96.documentation.attributes", "Attributes are documented",
              attributes_documented, source=SECTION, severity=Severity.ESSENTIAL,
              category="documentation", counts="attribute declarations"),
    lint_rule("st96.documentation.types", "Named types are documented", types_documented,
              source=SECTION, severity=Severity.ESSENTIAL, category="documentation",
              counts="named types"),
    lint_rule("st96.documentation.enumerations", "Enumerated values are documented",
              enumerations_documented, source=SECTION, severity=Severity.RECOMMENDED,
              category="documentation", counts="enumeration values",
              absent="no enumeration"),
]
