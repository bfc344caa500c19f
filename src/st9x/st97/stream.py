"""Streaming XML → JSON: the children of a (large, Bag) root one at a time.

``lxml.etree.iterparse`` reads the document; each child of the root is converted with the
usual walk (:class:`~st9x.st97.to_json.XmlToJson`) as soon as its end tag is read and is then
freed, so memory holds one record at a time however long the collection is.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree

from st9x.st97.errors import ConversionError
from st9x.st97.generic import generic_to_json
from st9x.st97.model import Shape, is_simple_valued, member_key
from st9x.st97.to_json import XmlToJson


def iter_records(reader: XmlToJson, path: str | Path) -> Iterator[tuple[str, Any]]:
    """Convert a (large) document child by child of its root, in bounded memory.

    Yields ``(property name, JSON value)`` for each child of the root element (for a
    collection root, the collection's name and one item at a time). Each child is converted
    as soon as its end tag is read and then freed, so memory holds one record at a time.
    """
    reader.source = str(path)
    context = etree.iterparse(
        str(path), events=("start", "end"), resolve_entities=False, no_network=True,
        load_dtd=False, huge_tree=False,
    )
    depth = 0
    shape: Shape | None = None
    root_name = ""
    try:
        for event, elem in context:
            if event == "start":
                depth += 1
                if depth == 1:
                    root_name, decl = reader.root(elem)
                    if is_simple_valued(decl.type):
                        raise reader.error(elem, "root of simple type: nothing to stream")
                    shape = reader.shapes.shape(decl.type)
                continue
            if depth == 2 and isinstance(elem.tag, str):
                assert shape is not None
                yield _record(reader, elem, shape, root_name)
                elem.clear(keep_tail=True)
                parent = elem.getparent()
                while parent is not None and elem.getprevious() is not None:
                    del parent[0]
            depth -= 1
    except etree.XMLSyntaxError as exc:
        raise ConversionError(f"cannot parse XML: {exc}", path=str(path),
                              line=exc.lineno) from None


def _record(reader: XmlToJson, elem: Any, shape: Shape, root_name: str) -> tuple[str, Any]:
    """One child of the root as (property name, JSON value)."""
    holder: list[Any] = []
    if shape.kind == "collection":
        prop = shape.item
        assert prop is not None
        if prop.kind == "ordered":
            key, decl = prop.members[elem.tag]
            item: dict[str, Any] = {}
            reader.convert(elem, reader.plans.of(decl), item, key)
            return root_name, item
        reader.convert(elem, reader.plans.of(prop.component), holder, None)
        return root_name, holder[0]
    path = shape.elements.get(elem.tag)
    if path is None:
        found = shape.resolve_member(elem.tag) if shape.kind != "mixed" else None
        if found is None:
            raise reader.error(elem, f"unexpected element {elem.tag}")
        if found[1] is None:
            return member_key(elem.tag), generic_to_json(elem)
        reader.convert(elem, reader.plans.of(found[1]), holder, None)
        return member_key(elem.tag), holder[0]
    obj: dict[str, Any] = {}
    reader.place_child(obj, path, elem)
    (name, value), = obj.items()
    return name, value
