"""What the ST.96 rules read from an XSD file: its own declarations (lxml, with source lines)
and, where meaning matters, xmlschema's component model of the schema the file belongs to.

Every rule reports on what is *written in this file*, so that a finding points at a line a
person can open; the component model is consulted only to learn what a declaration means (the
content a type ends up with after derivation, a type declared in another file).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from functools import wraps
from typing import Any

from st9x.rules.lint import XsdDocument
from st9x.rules.model import Finding
from st9x.rules.st97_register.xsd import Child, children, is_complex

XS = "http://www.w3.org/2001/XMLSchema"
Q = "{" + XS + "}"

#: Third-party schemas that the ST.96 package imports unchanged (Annex I, "Industry-standard
#: schemas"): they follow their own conventions, so the ST.96 rules say nothing about them.
THIRD_PARTY_NAMESPACES = frozenset({
    "http://www.w3.org/1998/Math/MathML",
    "http://www.w3.org/1998/Math/MathML3",
    "http://www.oasis-open.org/tables/exchange/1.0",
    "http://www.w3.org/1999/xhtml",
    "http://www.w3.org/XML/1998/namespace",
})

ST96_NAMESPACE = re.compile(r"^http://www\.wipo\.int/standards/XMLSchema/ST96/([A-Z][A-Za-z]*)$")

Check = Callable[[XsdDocument], Iterable[Finding]]


def root(doc: XsdDocument) -> Any:
    return doc.tree.getroot()


def target_namespace(doc: XsdDocument) -> str | None:
    value = root(doc).get("targetNamespace")
    return value if value else None


def st96_schema(check: Check) -> Check:
    """Run ``check`` only on an XSD the ST.96 rules are about: the document must be an
    ``xsd:schema`` and not one of the third-party schemas ST.96 imports as they are."""

    @wraps(check)
    def guarded(doc: XsdDocument) -> Iterator[Finding]:
        top = root(doc)
        if top.tag != Q + "schema":
            yield Finding.not_applicable(f"{doc.path.name} is not an XML Schema (root "
                                         f"{top.tag!r})")
            return
        if target_namespace(doc) in THIRD_PARTY_NAMESPACES:
            yield Finding.not_applicable(
                f"{doc.path.name} is a third-party schema ({target_namespace(doc)}) that ST.96 "
                "imports unchanged")
            return
        yield from check(doc)

    return guarded


def named(doc: XsdDocument, *kinds: str) -> Iterator[Any]:
    """Every declaration or definition of the given kinds (``element``, ``complexType``...)
    that carries a ``name`` in this file, global or local, in document order."""
    for node in root(doc).iter(*(Q + kind for kind in kinds)):
        if node.get("name") is not None:
            yield node


def is_global(node: Any) -> bool:
    parent = node.getparent()
    return parent is not None and parent.tag == Q + "schema"


def global_named(doc: XsdDocument, kind: str) -> Iterator[Any]:
    for node in root(doc).iterchildren(Q + kind):
        if node.get("name") is not None:
            yield node


def documentation(node: Any) -> str:
    """The text of the declaration's own ``xsd:annotation/xsd:documentation`` (stripped)."""
    texts = []
    for annotation in node.iterchildren(Q + "annotation"):
        for doc_node in annotation.iterchildren(Q + "documentation"):
            texts.append("".join(doc_node.itertext()).strip())
    return " ".join(t for t in texts if t)


def model_element(doc: XsdDocument, node: Any) -> Any:
    """xmlschema's declaration of the global element ``node`` of this file, or None (no model,
    or the file is not part of the model's namespace)."""
    if doc.schema is None:
        return None
    tns = target_namespace(doc)
    qname = f"{{{tns}}}{node.get('name')}" if tns else node.get("name")
    return doc.schema.maps.elements.get(qname)


def element_children(decl: Any) -> list[Child]:
    """The element particles the declaration's type holds (after derivation), wildcards
    left out."""
    xsd_type = getattr(decl, "type", None)
    if not is_complex(xsd_type):
        return []
    return [child for child in children(xsd_type) if child is not None]


def repeated(child: Child) -> bool:
    return child.max != 1


def local_name(qname: str | None) -> str:
    return (qname or "").rsplit("}", 1)[-1]
