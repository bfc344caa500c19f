"""What a generated JSON Schema says about the XSD components it was generated from.

The schema-level rules find each XSD type's definition in ``$defs`` (or draft-07's
``definitions``), then read its properties, arrays and ``allOf``/``anyOf`` members through local
``$ref`` chains, the way a validator would see them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from lxml import etree

from st9x.rules.st97_register.register import EXTENSION_LOSSES, local
from st9x.rules.st97_register.xsd import is_complex
from st9x.st97.names import WELL_KNOWN_PREFIXES, split_qname


def resolve(schema: dict[str, Any], node: Any) -> Any:
    """Follow local ``$ref`` (``#/$defs/...``) chains a few steps; anything else stays."""
    for _ in range(4):
        if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)
                and node["$ref"].startswith("#/")):
            return node
        target: Any = schema
        for part in node["$ref"][2:].split("/"):
            target = target.get(part.replace("~1", "/").replace("~0", "~"), {}) \
                if isinstance(target, dict) else {}
        node = target
    return node


def own_properties(schema: dict[str, Any], node: Any, depth: int = 3) -> dict[str, Any]:
    """The properties an object definition declares itself or through ``allOf``/``anyOf``/
    ``oneOf`` members (following ``$ref`` there, so an extension sees its base's), not those of
    nested objects or array items."""
    node = resolve(schema, node)
    out: dict[str, Any] = {}
    if not isinstance(node, dict):
        return out
    if isinstance(node.get("properties"), dict):
        out.update(node["properties"])
    if depth:
        for keyword in ("allOf", "anyOf", "oneOf"):
            for part in node.get(keyword, []) if isinstance(node.get(keyword), list) else []:
                for k, v in own_properties(schema, part, depth - 1).items():
                    if k not in out or out[k] in ({}, True):
                        out[k] = v  # a draft-07 closing placeholder ({}) yields to the real one
    return out


def nested_property(schema: dict[str, Any], node: Any, name: str, depth: int = 10) -> str | None:
    """The name of a property named like ``name`` anywhere inside a definition (below wrapper
    objects and array items, not through ``$ref``); for telling "renamed" from "nested"."""
    if not isinstance(node, dict) or depth < 0:
        return None
    for prop in node.get("properties") or {}:
        if local(prop) == name.lower():
            return str(prop)
    for key, sub in node.items():
        subs = sub if isinstance(sub, list) else [sub]
        for item in subs:
            if isinstance(item, dict) and key != "$defs":
                found = nested_property(schema, item, name, depth - 1)
                if found:
                    return found
    return None


def is_array(schema: dict[str, Any], node: Any) -> bool:
    node = resolve(schema, node)
    return isinstance(node, dict) and (node.get("type") == "array" or "items" in node
                                       or "prefixItems" in node) and "properties" not in node


def properties(schema: Any, pointer: str = "") -> Iterator[tuple[str, str, Any]]:
    """(pointer, property name, property schema) for every ``properties`` member."""
    if isinstance(schema, dict):
        for key, sub in schema.items():
            here = f"{pointer}/{key}"
            if key == "properties" and isinstance(sub, dict):
                for name, prop in sub.items():
                    yield f"{here}/{name}", name, prop
            yield from properties(sub, here)
    elif isinstance(schema, list):
        for i, sub in enumerate(schema):
            yield from properties(sub, f"{pointer}/{i}")


def definitions(schema: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The definitions keyword a schema uses (``$defs``, or draft-07's) and its members."""
    for keyword in ("$defs", "definitions"):
        if isinstance(schema.get(keyword), dict):
            return keyword, schema[keyword]
    return "$defs", {}


def def_key(defs: dict[str, Any], qname: str) -> str | None:
    """The definition of an XSD component: keyed by its local name, or ``<prefix>_<local>``
    with any prefix; several candidates are told apart by ST.96's conventional prefix."""
    ns, name = split_qname(qname)
    candidates = [k for k in defs if k == name or k.endswith(f"_{name}")]
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    prefix = WELL_KNOWN_PREFIXES.get(ns)
    exact = [k for k in candidates if prefix and k == f"{prefix}_{name}"]
    return exact[0] if exact else None


def compiled_types(xsd: Any, defs: dict[str, Any]) -> Iterator[tuple[Any, str]]:
    """(XSD complex type, its definition key) for every type the schema defines: named types,
    and the anonymous types of global elements (keyed by the element's name)."""
    seen: set[int] = set()
    for qname, xsd_type in sorted(xsd.maps.types.items()):
        if is_complex(xsd_type) and not qname.startswith(
                "{http://www.w3.org/2001/XMLSchema}"):
            key = def_key(defs, qname)
            if key is not None and id(xsd_type) not in seen:
                seen.add(id(xsd_type))
                yield xsd_type, key
    for qname, element in sorted(xsd.maps.elements.items()):
        xsd_type = element.type
        if is_complex(xsd_type) and xsd_type.name is None and id(xsd_type) not in seen:
            key = def_key(defs, qname)
            if key is not None:
                seen.add(id(xsd_type))
                yield xsd_type, key


def loss_at(xsd_type: Any, losses: Sequence[tuple[str, str]]) -> str | None:
    """The construct of a decision-8 loss the converter reported for this type, if any."""
    name = etree.QName(xsd_type.name).localname if xsd_type.name else None
    if name is None:
        return None
    for construct, location in losses:
        if construct in EXTENSION_LOSSES and (
                location.endswith(f"(complexType[{name}])") or location == name):
            return construct
    return None
