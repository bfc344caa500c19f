"""Which of a converter's reported losses explain a lossy round trip.

A round trip that differs says *that* the converter lost something; the loss report says *what*
it could not express, schema-wide. Naming the loss behind one difference joins the two: the
first element whose content differs (:attr:`st9x.st97.XmlComparison.steps`) is looked up in the
XSD, and a reported loss explains the difference when it was reported on that element's
declaration, its type (or a base type), or a particle of the type's content model, the component
whose mapping the converter said it could not keep. Losses that only weaken the JSON Schema
(:data:`st9x.st97.losses.SCHEMA_ONLY`) never change what comes back, so they explain nothing
here. A difference no reported loss explains is recorded as ``unexplained``: either the
converter's report misses a loss or the mapper has a fault, a finding in both cases.

Locations are compared as the converter wrote them (``file:line (component path)``, the form of
:func:`st9x.st97.losses.locate`); a converter that writes locations another way, or reports
none, leaves every difference unexplained, which is what its report lets a reader know.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from lxml import etree

from st9x.engine.records import RoundTripLoss
from st9x.errors import crash_message
from st9x.rules.st97_register.xsd import child_map
from st9x.st97.losses import REGISTER_ITEMS, SCHEMA_ONLY, locate
from st9x.st97.roundtrip import XmlComparison
from st9x.subjects.converters.base import LossItem

XSD_NS = "{http://www.w3.org/2001/XMLSchema}"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
UNEXPLAINED = "unexplained"


def explain_lossy(instance: Path, result: XmlComparison, xsd: Any,
                  losses: Sequence[LossItem]) -> list[RoundTripLoss]:
    """:func:`explain_difference` for the source document at ``instance``; never raises (a
    difference that cannot be located is unexplained, saying why)."""
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        root = etree.parse(str(instance), parser).getroot()
        return explain_difference(root, result.steps, result.where, xsd, losses)
    except Exception as exc:
        return [_unexplained(result.where or "/", crash_message("locating the loss", exc))]


def explain_difference(original: Any, steps: Sequence[int], where: str | None, xsd: Any,
                       losses: Sequence[LossItem]) -> list[RoundTripLoss]:
    """The reported losses located at the first differing element of ``original`` (the root
    element of the source document, ``steps`` its element-child positions), or one
    ``unexplained`` entry saying why none applies."""
    place = where or "/"
    if xsd is None:
        return [_unexplained(place, "the XSD could not be loaded to locate the difference")]
    decl, xsd_type = _declaration(original, steps, xsd)
    if decl is None and xsd_type is None:
        return [_unexplained(place, "no declaration in the XSD for the differing element")]
    anchors = set(_anchors(decl, xsd_type))
    found: dict[tuple[str, str], RoundTripLoss] = {}
    for loss in losses:
        if loss.location in anchors and loss.construct not in SCHEMA_ONLY:
            found.setdefault((loss.construct, loss.location), {
                "construct": loss.construct, "where": place, "location": loss.location,
                "rule": REGISTER_ITEMS.get(loss.construct), "reason": loss.reason})
    if found:
        return list(found.values())
    named = _name(decl, xsd_type)
    return [_unexplained(place, f"no reported loss applies to {named} "
                                f"({len(losses)} reported for the schema)")]


def _unexplained(where: str, reason: str) -> RoundTripLoss:
    return {"construct": UNEXPLAINED, "where": where, "location": None, "rule": None,
            "reason": reason}


def _elements(node: Any) -> list[Any]:
    return list(node.iterchildren(etree.Element))


def _declaration(root: Any, steps: Sequence[int], xsd: Any) -> tuple[Any, Any]:
    """The declaration and type of the element at ``steps``; where the walk leaves the XSD
    (content of a wildcard, an undeclared element), those of the last element it reached: its
    content model is the one whose mapping carried the rest."""
    decl = xsd.maps.elements.get(root.tag)
    xsd_type = _type_of(root, decl, xsd)
    node = root
    for index in steps:
        kids = _elements(node)
        if index >= len(kids) or xsd_type is None:
            break
        node = kids[index]
        child = child_map(xsd_type).get(node.tag)
        found = child.decl if child is not None else xsd.maps.elements.get(node.tag)
        if found is None:
            break
        decl, xsd_type = found, _type_of(node, found, xsd)
    return decl, xsd_type


def _type_of(elem: Any, decl: Any, xsd: Any) -> Any:
    """The element's type: the one its ``xsi:type`` names, else its declaration's."""
    named = elem.get(XSI_TYPE)
    if named:
        prefix, _, local = named.rpartition(":")
        namespace = elem.nsmap.get(prefix or None)
        substituted = xsd.maps.types.get(f"{{{namespace}}}{local}" if namespace else local)
        if substituted is not None:
            return substituted
    return getattr(decl, "type", None)


def _anchors(decl: Any, xsd_type: Any) -> Iterator[str]:
    """The locations a loss about this element would carry: its declaration, its type and base
    types, and every particle of the type's content model (not the types of child elements:
    their content is the children's business)."""
    if decl is not None:
        yield locate(decl)
    seen: set[int] = set()
    current = xsd_type
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        name = getattr(current, "name", None) or ""
        if name.startswith(XSD_NS):
            yield f"<builtin xs:{name[len(XSD_NS):]}>"
        else:
            yield locate(current)
            content = getattr(current, "content", None)
            if content is not None and hasattr(content, "model"):
                yield locate(content)
                yield from _particles(content)
        current = getattr(current, "base_type", None)


def _particles(group: Any) -> Iterator[str]:
    for particle in group:
        yield locate(particle)
        if hasattr(particle, "model"):
            yield from _particles(particle)


def _name(decl: Any, xsd_type: Any) -> str:
    def local(component: Any) -> str | None:
        name = getattr(component, "name", None)
        return etree.QName(name).localname if name else None

    element, type_name = local(decl), local(xsd_type)
    if element and type_name:
        return f"element {element} (type {type_name})"
    return f"element {element}" if element else f"type {type_name or 'anonymous'}"
