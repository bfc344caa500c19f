"""Mixed content as JsonML (option ``mixed=jsonml``), both ways.

``[{attributes}, "text", ["B", {}, "bold"], …]`` for the mixed element itself, ``[name,
{attributes}, …]`` below it: inline children are untyped (a reported loss), so apart from the
mixed element's own attributes the form needs no plan, and both directions are plain functions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lxml import etree
from xmlschema.validators import XsdGroup

from st9x.st97 import simple as simple_mod
from st9x.st97.errors import ConversionError
from st9x.st97.instance import XSI_PREFIX
from st9x.st97.model import Shape, iter_elements, substitution_candidates
from st9x.st97.names import split_qname
from st9x.st97.plan import real
from st9x.st97.pointer import encode, fail

#: how the XML → JSON walk reports a problem at an element (with its path, line and file)
ErrorAt = Callable[[Any, str], ConversionError]


def jsonml_to_json(elem: Any, shape: Shape | None, error: ErrorAt) -> list[Any]:
    """``[{attributes}, children…]`` for the mixed element (``shape`` given: its attributes
    are typed), ``[name, {attrs}, …]`` below it."""
    attrs: dict[str, Any] = {}
    for qname, raw in elem.attrib.items():
        if qname.startswith(XSI_PREFIX):
            continue
        if shape is not None:
            prop = shape.attributes.get(qname)
            if prop is None:
                raise error(elem, f"undeclared attribute {qname}")
            try:
                attrs[prop.name] = simple_mod.decode(raw, prop.component.type)
            except simple_mod.ValueProblem as exc:
                raise error(elem, str(exc)) from None
        else:
            attrs[split_qname(qname)[1]] = raw
    out: list[Any] = [attrs] if shape is not None else [etree.QName(elem).localname, attrs]
    if elem.text:
        out.append(elem.text)
    for child in elem:
        if isinstance(child.tag, str):
            out.append(jsonml_to_json(child, None, error))
        if child.tail:
            out.append(child.tail)
    return out


def build_jsonml(value: Any, decl: Any, elem: Any, where: str, shape: Shape | None) -> None:
    """Attributes and content of a JsonML array onto ``elem`` (an element of ``decl``)."""
    if not isinstance(value, list) or not value or not isinstance(value[0], dict):
        raise fail(where, "expected a JsonML array starting with an attribute object")
    attrs, children = value[0], value[1:]
    xsd_type = real(decl).type
    if shape is not None:
        by_name = {p.name: p for p in shape.props if p.kind == "attribute"}
        for key, raw in attrs.items():
            prop = by_name.get(key)
            if prop is None:
                raise fail(where, f"unknown attribute {key!r}")
            elem.set(prop.component.name, encode(where, raw, prop.component.type))
    else:
        by_local = {split_qname(q)[1]: q for q in getattr(xsd_type, "attributes", {}) if q}
        for key, raw in attrs.items():
            if key not in by_local:
                raise fail(where, f"unknown attribute {key!r}")
            elem.set(by_local[key], str(raw))
    children_decls: dict[str, Any] = {}
    content = getattr(xsd_type, "content", None)
    if isinstance(content, XsdGroup):
        for p in iter_elements(content):
            for candidate in substitution_candidates(p):
                children_decls.setdefault(split_qname(real(candidate).name)[1], candidate)
    last: Any = None
    for i, child in enumerate(children):
        if isinstance(child, str):
            if last is None:
                elem.text = (elem.text or "") + child
            else:
                last.tail = (last.tail or "") + child
            continue
        if not isinstance(child, list) or len(child) < 2 or not isinstance(child[0], str):
            raise fail(f"{where}/{i + 1}", "expected a string or a JsonML element")
        cdecl = children_decls.get(child[0])
        if cdecl is None:
            raise fail(f"{where}/{i + 1}", f"element {child[0]!r} is not allowed here")
        sub = etree.SubElement(elem, real(cdecl).name)
        build_jsonml(child[1:], cdecl, sub, f"{where}/{i + 1}", None)
        last = sub
