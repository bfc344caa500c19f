"""What a compilation starts from and what it hands on: the loaded XSD, the element(s) chosen
as document roots, and the :class:`Compilation` record.

:func:`st9x.st97.compiler.compile_schema` loads the XSD and picks the roots here, then walks the
components from them; the mapper (:mod:`st9x.st97.to_json`, :mod:`st9x.st97.to_xml`) converts
instances with the :class:`Compilation` alone. Keeping the record and the root choice apart from
the component walk lets the mapper side depend on what a compilation is, not on how it is made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xmlschema
from xmlschema.validators import XsdGroup

from st9x.errors import SchemaError
from st9x.st97.losses import Loss
from st9x.st97.names import split_qname
from st9x.st97.profiles import Settings
from st9x.st97.shape_builder import ShapeBuilder
from st9x.xsdload import load_xmlschema

#: The top-level property holding the schema's version (``version=property``).
VERSION_PROPERTY = "schemaVersion"


@dataclass
class Compilation:
    """A compiled schema plus everything the mapper needs to convert instances consistently."""

    schema: dict[str, Any]
    losses: list[Loss]
    profile: str
    options: dict[str, str]
    settings: Settings
    xsd: Any
    roots: dict[str, Any]  # JSON property name → global XsdElement
    shapes: ShapeBuilder = field(repr=False)
    version: str | None = None

    def loss_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for loss in self.losses:
            counts[loss.construct] = counts.get(loss.construct, 0) + 1
        return counts


def load_xsd(xsd: str | Path | Any) -> Any:
    """An xmlschema XSD 1.0 schema, loaded from local files only and without entity expansion
    (:func:`st9x.xsdload.load_xmlschema`: the validators and the other converters of the
    process use the same model)."""
    if not isinstance(xsd, str | Path):
        return xsd
    try:
        return load_xmlschema(xsd)  # one model per process, shared with the other subjects
    except (xmlschema.XMLSchemaException, OSError, ValueError) as exc:
        raise SchemaError(f"cannot load schema: {exc}", path=xsd) from None


def find_roots(schema: Any, root: str | None) -> list[Any]:
    """Global element declarations for ``root`` (see
    :func:`st9x.st97.compiler.compile_schema`)."""
    elements = schema.maps.elements
    if root == "auto":
        return document_roots(schema)
    if root is None:
        ns = schema.target_namespace
        found = [e for q, e in elements.items() if split_qname(q)[0] == ns]
        if not found:
            raise SchemaError("the schema declares no global element in its target namespace",
                              path=schema.url)
        return sorted(found, key=lambda e: e.name)
    if root.startswith("{"):
        qname = root
    elif ":" in root:
        prefix, local = root.split(":", 1)
        ns = schema.namespaces.get(prefix)
        if ns is None:
            raise SchemaError(f"unknown prefix in root {root!r}", path=schema.url)
        qname = f"{{{ns}}}{local}"
    else:
        candidates = [q for q in elements if split_qname(q)[1] == root]
        preferred = [q for q in candidates if split_qname(q)[0] == schema.target_namespace]
        candidates = preferred or candidates
        if len(candidates) != 1:
            raise SchemaError(
                f"root {root!r} matches {len(candidates)} global elements"
                + (f": {', '.join(sorted(candidates))}" if candidates else ""),
                path=schema.url,
            )
        qname = candidates[0]
    if qname not in elements:
        raise SchemaError(f"no global element {qname}", path=schema.url)
    return [elements[qname]]


def document_roots(schema: Any) -> list[Any]:
    """Global elements of the target namespace that no content model refers to: the document
    roots of a flattened ST.96 document schema (``TrademarkApplication``; ``TransactionData``
    in ``DGN_TransactionData_V6_0.xsd``). Used for ``root="auto"``."""
    from st9x.st97.model import iter_elements

    referenced: set[str] = set()
    for xsd_type in schema.maps.types.values():
        content = getattr(xsd_type, "content", None)
        if isinstance(content, XsdGroup):
            referenced.update(e.name for e in iter_elements(content))
    for decl in schema.maps.elements.values():
        content = getattr(decl.type, "content", None)
        if decl.type.name is None and isinstance(content, XsdGroup):
            referenced.update(e.name for e in iter_elements(content))
    ns = schema.target_namespace
    roots = [e for q, e in schema.maps.elements.items()
             if split_qname(q)[0] == ns and q not in referenced]
    if not roots:
        raise SchemaError("no unreferenced global element: give the root explicitly",
                          path=schema.url)
    return sorted(roots, key=lambda e: e.name)
