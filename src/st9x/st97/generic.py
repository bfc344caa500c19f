"""The generic element form, both ways: XML that no declaration types.

``xsd:anyType`` content and elements matched by a wildcard without a declaration keep order,
namespaces and mixed text as ``{"attributes": {clark: str}, "content": [str | {"{ns}local":
generic}]}``, each member only when not empty (see README.md, "Wildcards, xsd:anyType and
xsi:type"). The form needs no schema, so both directions are plain functions.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from st9x.st97.instance import XSI_HINTS
from st9x.st97.model import member_key, member_tag
from st9x.st97.pointer import Where, fail, token
from st9x.st97.xmlchars import attribute_name_problem, element_name_problem

SubElement = etree.SubElement


def generic_to_json(elem: Any) -> dict[str, Any]:
    """The generic element form of ``elem``; comments and processing instructions dropped
    (their tails kept), ``xsi`` location hints too."""
    out: dict[str, Any] = {}
    attrib = elem.items()
    if attrib:
        attrs = {q: v for q, v in attrib if q not in XSI_HINTS}
        if attrs:
            out["attributes"] = attrs
    content: list[Any] = []
    text = elem.text
    if text:
        content.append(text)
    for child in elem:
        tag = child.tag
        if isinstance(tag, str):
            content.append({member_key(tag): generic_to_json(child)})
        tail = child.tail
        if tail:
            if content and type(content[-1]) is str:
                content[-1] += tail
            else:
                content.append(tail)
    if content:
        out["content"] = content
    return out


def fill_generic(value: Any, elem: Any, where: Where) -> None:
    """Attributes and content of the generic element form onto ``elem``."""
    if type(value) is not dict or not set(value) <= {"attributes", "content"}:
        raise fail(where, "expected the generic element form {\"attributes\": {...}, "
                          "\"content\": [...]}")
    attrs = value.get("attributes")
    if attrs is not None:
        if type(attrs) is not dict:
            raise fail((where, "/attributes", None), "expected an object")
        for qname, raw in attrs.items():
            at = ((where, "/attributes", None), token(qname), None)
            if type(raw) is not str:
                raise fail(at, "expected a string")
            problem = attribute_name_problem(qname)
            if problem is not None:
                raise fail(at, problem)
            try:
                elem.set(qname, raw)
            except (ValueError, TypeError):
                raise fail(at, f"{qname!r} is not an attribute name") from None
    content = value.get("content")
    if content is None:
        return
    if type(content) is not list:
        raise fail((where, "/content", None), "expected an array")
    last: Any = None
    for i, item in enumerate(content):
        if type(item) is str:
            if last is None:
                elem.text = (elem.text or "") + item
            else:
                last.tail = (last.tail or "") + item
            continue
        if type(item) is not dict or len(item) != 1:
            raise fail(((where, "/content", None), "/", i),
                       "expected a string or a one-property object")
        (key, x), = item.items()
        last = generic_child(key, x, elem, (((where, "/content", None), "/", i),
                                            token(key), None))


def generic_child(key: str, value: Any, parent: Any, where: Where) -> Any:
    """Append the element of member ``key`` (a Clark name) in the generic form to ``parent``."""
    problem = element_name_problem(key)
    if problem is not None:
        raise fail(where, problem)
    try:
        elem = SubElement(parent, member_tag(key))
    except ValueError:
        raise fail(where, f"{key!r} is not an element name") from None
    fill_generic(value, elem, where)
    return elem
