"""Versioning rules (ST.96 Annex I, "Schema versioning"): the version is written three times and
the three must agree: in the file name (``<Name>_V<major>_<minor>.xsd``), in the ``version``
attribute of ``xsd:schema``, and, for instances, in the required ``com:st96Version`` attribute
of a document's root element.

A document schema is a file whose name names a global element it declares
(``TrademarkApplication_V6_0.xsd`` declares ``TrademarkApplication``); WIPO's transaction
schemas put a three-letter domain before it (``TMK_TransactionData_V6_0.xsd`` declares
``TransactionData``). A namespace schema (``Trademark_V6_0.xsd``, named after its namespace)
and a flattened part (``..._V6_0_Common.xsd``) have no document root.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from st9x.rules.lint import LintRule, Severity, XsdDocument, lint_rule
from st9x.rules.model import Finding
from st9x.rules.st96.facts import (
    ST96_NAMESPACE,
    Q,
    global_named,
    local_name,
    model_element,
    root,
    st96_schema,
    target_namespace,
)

FILES = "ST.96 Annex I, 2.6.2.1 Folder and file naming conventions in schema versioning"
VERSION = "ST.96 Annex I, 2.6.2.2 Built-in XML schema version attribute in schema versioning"
INSTANCE = ("ST.96 Annex I, 2.6.2.3 User-defined st96Version and ipoVersion attributes in schema "
            "versioning for XML instances")

VERSION_VALUE = re.compile(r"^V(\d+)_(\d+)$")
#: ``<Name>_V<major>_<minor>.xsd``; WIPO's package adds a domain prefix (``TMK_``) to its
#: transaction schemas and a namespace suffix (``_Common``) to the parts of a flattened schema
FILE_NAME = re.compile(r"^(?:(?P<prefix>[A-Z]{2,4})_)?(?P<name>[A-Z][A-Za-z0-9]*)"
                       r"_V(?P<major>\d+)_(?P<minor>\d+)(?:_(?P<part>[A-Z][A-Za-z]*))?\.xsd$")
#: the ST.96 namespaces, which name the namespace schemas and the parts of flattened schemas
DOMAINS = frozenset({"Common", "Patent", "Trademark", "Design", "GeographicalIndication",
                     "Copyright"})
ST96_VERSION = "st96Version"


@st96_schema
def schema_version(doc: XsdDocument) -> Iterator[Finding]:
    """``xsd:schema`` has a ``version`` attribute of the form ``V<major>_<minor>``."""
    top = root(doc)
    value = top.get("version")
    if value is None:
        yield doc.failed(top, "xsd:schema has no version attribute")
    elif not VERSION_VALUE.match(value):
        yield doc.failed(top, f"xsd:schema version {value!r} is not of the form V<major>_<minor>")
    else:
        yield doc.passed(top)


@st96_schema
def file_name(doc: XsdDocument) -> Iterator[Finding]:
    """The file is named ``<Name>_V<major>_<minor>.xsd`` (a flattened part may add the name of
    an ST.96 namespace: ``_Common``), and its version is the ``version`` attribute's."""
    top = root(doc)
    name = doc.path.name
    found = FILE_NAME.match(name)
    if found is None:
        yield doc.failed(top, f"file name {name!r} is not of the form "
                              "<Name>_V<major>_<minor>.xsd")
        return
    part = found.group("part")
    if part is not None and part not in DOMAINS:
        yield doc.failed(top, f"file name {name!r} ends in {part!r} after the version, which "
                              "is not the name of an ST.96 namespace")
        return
    in_name = f"V{found.group('major')}_{found.group('minor')}"
    declared = top.get("version")
    if declared is not None and declared != in_name:
        yield doc.failed(top, f"file name says {in_name} but xsd:schema version is "
                              f"{declared!r}")
        return
    yield doc.passed(top)


def document_root_name(doc: XsdDocument) -> str | None:
    """The name of the document root a file's name announces, or None for a namespace schema,
    a flattened part, or a name of another form."""
    found = FILE_NAME.match(doc.path.name)
    if found is None or found.group("part") is not None:
        return None
    name = found.group("name")
    domain = ST96_NAMESPACE.match(target_namespace(doc) or "")
    if found.group("prefix") is None and (name in DOMAINS or (domain and domain[1] == name)):
        return None
    return name


def _optional_uses(doc: XsdDocument) -> Iterator[Finding]:
    """Every use of ``st96Version`` written in the file (``xsd:attribute ref="com:st96Version"``)
    is required."""
    for node in root(doc).iter(Q + "attribute"):
        if (node.get("ref") or "").rsplit(":", 1)[-1] != ST96_VERSION:
            continue
        if node.get("use") == "required":
            yield doc.passed(node)
        else:
            yield doc.failed(node, "st96Version is used without use=\"required\"")


@st96_schema
def root_st96_version(doc: XsdDocument) -> Iterator[Finding]:
    """The document root element of a document schema (the global element the file is named
    after) has a type with a required ``st96Version`` attribute, and every use of
    ``st96Version`` in the file is required: an instance must say which ST.96 version it
    follows."""
    yield from _optional_uses(doc)
    name = document_root_name(doc)
    if name is None:
        return
    node = next((n for n in global_named(doc, "element") if n.get("name") == name), None)
    if node is None:
        return
    decl = model_element(doc, node)
    if decl is None:
        yield Finding.not_applicable(f"{doc.path.name}: no component model to read the "
                                     f"attributes of {name}")
        return
    attributes = getattr(decl.type, "attributes", {}) or {}
    uses = [a for key, a in attributes.items()
            if key is not None and local_name(key) == ST96_VERSION]
    if not uses:
        yield doc.failed(node, f"document root {name!r} has no st96Version attribute")
    elif uses[0].use != "required":
        yield doc.failed(node, f"document root {name!r} has st96Version but not required")
    else:
        yield doc.passed(node)


RULES: list[LintRule[XsdDocument]] = [
    lint_rule("st96.versioning.file-name", "Files are named <Name>_V<major>_<minor>.xsd",
              file_name, source=FILES, severity=Severity.ESSENTIAL, category="versioning",
              counts="files"),
    lint_rule("st96.versioning.schema-version", "xsd:schema has a version attribute V<m>_<n>",
              schema_version, source=VERSION, severity=Severity.ESSENTIAL,
              category="versioning", counts="files"),
    lint_rule("st96.versioning.root-st96-version",
              "Document roots require com:st96Version", root_st96_version, source=INSTANCE,
              severity=Severity.ESSENTIAL, category="versioning",
              counts="document roots and st96Version uses",
              absent="no document root and no use of st96Version"),
]
