"""Namespace rules (ST.96 Annex I, "Namespaces"): a schema's target namespace is an ST.96 URI,
``http://www.wipo.int/standards/XMLSchema/ST96/<Domain>`` with no version in it (the version
lives in the file name and the ``version`` attribute), and element and attribute names in
instances are namespace-qualified.

Both form defaults are ``qualified``: every schema of the V6_0 package says
``attributeFormDefault="qualified"`` (instances write ``com:sequenceNumber``), which is what
global attribute declarations used by reference give anyway.
"""

from __future__ import annotations

from collections.abc import Iterator

from st9x.rules.lint import LintRule, Severity, XsdDocument, lint_rule
from st9x.rules.model import Finding
from st9x.rules.st96.facts import ST96_NAMESPACE, root, st96_schema, target_namespace

QUALIFICATION = "ST.96 Annex I, 2.5.1 Namespace declaration and qualification"
TARGET = "ST.96 Annex I, 2.5.3 Target namespaces"


def _form(doc: XsdDocument, attribute: str) -> Iterator[Finding]:
    top = root(doc)
    value = top.get(attribute)
    if value == "qualified":
        yield doc.passed(top)
    else:
        said = "absent (XSD's default is unqualified)" if value is None else f"{value!r}"
        yield doc.failed(top, f"xsd:schema {attribute} is {said}, not 'qualified'")


@st96_schema
def element_form(doc: XsdDocument) -> Iterator[Finding]:
    """``xsd:schema`` says ``elementFormDefault="qualified"``."""
    yield from _form(doc, "elementFormDefault")


@st96_schema
def attribute_form(doc: XsdDocument) -> Iterator[Finding]:
    """``xsd:schema`` says ``attributeFormDefault="qualified"``."""
    yield from _form(doc, "attributeFormDefault")


@st96_schema
def target_namespace_form(doc: XsdDocument) -> Iterator[Finding]:
    """The target namespace is ``http://www.wipo.int/standards/XMLSchema/ST96/<Domain>``
    (an UpperCamelCase domain, no version)."""
    top = root(doc)
    value = target_namespace(doc)
    if value is None:
        yield doc.failed(top, "xsd:schema has no targetNamespace")
    elif ST96_NAMESPACE.match(value):
        yield doc.passed(top)
    else:
        yield doc.failed(top, f"target namespace {value!r} is not of the form "
                              "http://www.wipo.int/standards/XMLSchema/ST96/<Domain>")


RULES: list[LintRule[XsdDocument]] = [
    lint_rule("st96.namespaces.target-namespace", "Target namespaces are ST.96 URIs",
              target_namespace_form, source=TARGET, severity=Severity.ESSENTIAL,
              category="namespaces", counts="files"),
    lint_rule("st96.namespaces.element-form-qualified", "elementFormDefault is qualified",
              element_form, source=QUALIFICATION, severity=Severity.ESSENTIAL,
              category="namespaces", counts="files"),
    lint_rule("st96.namespaces.attribute-form-qualified", "attributeFormDefault is qualified",
              attribute_form, source=QUALIFICATION, severity=Severity.ESSENTIAL,
              category="namespaces", counts="files"),
]
