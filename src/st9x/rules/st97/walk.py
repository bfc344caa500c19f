"""Walking a JSON Schema the way a validator reads it: only through the keywords that hold
subschemas, so that data inside ``const``, ``enum``, ``default`` or ``examples`` (which may well
contain a key named ``properties``) is never mistaken for a schema.

Every rule of the ST.97 table reads a schema through these few functions, so they all agree on
what a property, an array, an object wrapper or a definition is, in 2020-12/2019-09 and draft-07
alike (``$defs`` or ``definitions``, ``prefixItems`` or array-form ``items``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

#: keywords whose value is one subschema
_ONE = ("additionalProperties", "unevaluatedProperties", "items", "additionalItems",
        "unevaluatedItems", "contains", "propertyNames", "if", "then", "else", "not",
        "contentSchema")
#: keywords whose value is an array of subschemas
_MANY = ("allOf", "anyOf", "oneOf", "prefixItems")
#: keywords whose value maps names to subschemas
_MAP = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")


def escape(token: str) -> str:
    """One JSON Pointer reference token (RFC 6901): ``~`` → ``~0``, ``/`` → ``~1``."""
    return token.replace("~", "~0").replace("/", "~1")


@dataclass(frozen=True)
class Node:
    """A subschema (an object, not a boolean schema) and the JSON Pointer to it."""

    pointer: str
    schema: dict[str, Any]


def subschemas(schema: Any, pointer: str = "") -> Iterator[Node]:
    """Every object subschema of ``schema``, itself first, depth first, in document order."""
    if not isinstance(schema, dict):
        return
    yield Node(pointer, schema)
    for key, value in schema.items():
        here = f"{pointer}/{escape(key)}"
        if key in _ONE:
            if isinstance(value, list):  # draft-07 array-form items
                for i, item in enumerate(value):
                    yield from subschemas(item, f"{here}/{i}")
            else:
                yield from subschemas(value, here)
        elif key in _MANY and isinstance(value, list):
            for i, item in enumerate(value):
                yield from subschemas(item, f"{here}/{i}")
        elif (key in _MAP or key == "dependencies") and isinstance(value, dict):
            # draft-07 dependencies hold schemas or name lists; lists are skipped below
            for name, item in value.items():
                yield from subschemas(item, f"{here}/{escape(name)}")


def properties(schema: Any) -> Iterator[tuple[str, str, Any]]:
    """(pointer to the property's schema, property name, its schema) for every ``properties``
    member anywhere in the schema."""
    for node in subschemas(schema):
        props = node.schema.get("properties")
        if isinstance(props, dict):
            for name, sub in props.items():
                yield f"{node.pointer}/properties/{escape(name)}", name, sub


def definitions(schema: Any) -> tuple[str, dict[str, Any]]:
    """The definitions keyword a schema uses (``$defs``, or draft-07's ``definitions``) and its
    members; ``("$defs", {})`` when it has none."""
    if isinstance(schema, dict):
        for keyword in ("$defs", "definitions"):
            if isinstance(schema.get(keyword), dict):
                return keyword, schema[keyword]
    return "$defs", {}


def resolve(root: Any, node: Any, steps: int = 8) -> Any:
    """Follow local ``$ref`` chains (``#/$defs/X``, ``#/definitions/X``) a few steps; a remote
    or broken reference leaves the node as it is. A ``$ref`` with sibling keywords (2019-09+)
    resolves to its target: the target is what the sibling keywords refine."""
    for _ in range(steps):
        ref = node.get("$ref") if isinstance(node, dict) else None
        if not (isinstance(ref, str) and ref.startswith("#/")):
            return node
        target: Any = root
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if isinstance(target, dict) and part in target:
                target = target[part]
            else:
                return node
        node = target
    return node


def ref_target(node: Any) -> str | None:
    """The definition name a local ``$ref`` points at (``#/$defs/com_PartyType`` →
    ``com_PartyType``), else None."""
    if not isinstance(node, dict):
        return None
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        return ref.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
    return None


def is_array(root: Any, node: Any) -> bool:
    """Whether a property's schema describes an array (after local ``$ref``)."""
    node = resolve(root, node)
    if not isinstance(node, dict) or "properties" in node:
        return False
    kind = node.get("type")
    return kind == "array" or (isinstance(kind, list) and kind == ["array"]) \
        or "items" in node or "prefixItems" in node


def admits_text(root: Any, node: Any) -> bool:
    """Whether a schema admits strings beside other things: the items of a mixed-content array
    (text interleaved with inline elements), which is not a collection of one component."""
    node = resolve(root, node)
    if not isinstance(node, dict):
        return False
    members = [resolve(root, m) for key in ("anyOf", "oneOf")
               for m in node.get(key, []) if isinstance(node.get(key), list)]
    kinds = {m.get("type") for m in members if isinstance(m, dict)}
    return "string" in kinds and len(members) > 1


def array_items(root: Any, node: Any) -> Any:
    """The items schema of an array schema (its ``items``, draft-07 array form's first)."""
    node = resolve(root, node)
    items = node.get("items") if isinstance(node, dict) else None
    if isinstance(items, list):
        return items[0] if items else None
    return items


def only_array_wrapper(root: Any, node: Any) -> str | None:
    """The name of the one property of an object that holds nothing but an array (the XML
    collection wrapper decision 4 removed), else None. Mixed-content arrays (strings and inline
    elements) are not collections and do not count."""
    node = resolve(root, node)
    if not isinstance(node, dict):
        return None
    props = node.get("properties")
    if not isinstance(props, dict) or len(props) != 1 or node.get("patternProperties"):
        return None
    if any(isinstance(node.get(k), list) and node[k] for k in ("allOf", "anyOf", "oneOf")):
        return None
    (name, sub), = props.items()
    if is_array(root, sub) and not admits_text(root, array_items(root, sub)):
        return str(name)
    return None


def declared_names(root: Any, node: Any, depth: int = 6) -> set[str]:
    """The property names a schema declares in ``properties``, its own and those of its local
    ``$ref`` target and ``allOf``/``anyOf``/``oneOf`` members (the names a validator's
    evaluation of that schema can annotate)."""
    node = resolve(root, node)
    if not isinstance(node, dict) or depth < 0:
        return set()
    names = {str(n) for n in node["properties"]} if isinstance(node.get("properties"), dict) \
        else set()
    for key in ("allOf", "anyOf", "oneOf"):
        for member in node.get(key, []) if isinstance(node.get(key), list) else []:
            names |= declared_names(root, member, depth - 1)
    return names


def foreign_definitions(root: Any) -> set[str]:
    """Pointers of the definitions that belong to a vocabulary ST.96 imports rather than to
    ST.96 itself (MathML's ``m_apply``, OASIS tables' ``tbl_row``): ST.96 names every type
    ``…Type`` and converters keep those names, while an imported schema's definitions keep its
    own names, and ST.97's naming decisions do not rename them. Only when some definition is
    named ``…Type`` can the two be told apart; otherwise nothing is foreign."""
    keyword, defs = definitions(root)
    if not any(k.endswith("Type") for k in defs):
        return set()
    return {f"/{keyword}/{escape(k)}" for k in defs if not k.endswith("Type")}


def in_foreign(pointer: str, foreign: set[str]) -> bool:
    """Whether a pointer lies inside one of the ``foreign`` definitions."""
    head = "/".join(pointer.split("/")[:3])
    return head in foreign
