"""Conformance to the resolved decisions of the ST.97 improvement register (1, 4, 5, 7, 8),
checked on what a converter produced, so that any converter (ours, a library, an external tool)
is measured by the same rules.

Two levels: *schema* checks read a generated JSON Schema (with the XSD it came from, to know
which elements are Bags and which types are extensions); *instance* checks read a converted
instance (with its XML source, to know which Bags it holds). A converter without a JSON Schema
is still measured on its instances. Each check answers ``pass``, ``fail`` (with the first
offending place) or ``n/a`` (nothing in the input the decision is about).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from lxml import etree

DECISIONS = {
    "1": "Bag names kept",
    "4": "arrays without wrappers",
    "5": "no ChoiceN wrappers",
    "7": "text under value, no $",
    "8": "extension as allOf",
}
TEXT_KEYS = {"$", "#text", "$t", "_", "#value"}  # pre-decision text keys seen in the wild
_CHOICE = re.compile(r"choice\d*$", re.IGNORECASE)

Check = dict[str, str]


def _ok(detail: str = "") -> Check:
    return {"status": "pass", "detail": detail}


def _fail(detail: str) -> Check:
    return {"status": "fail", "detail": detail}


def _na(detail: str) -> Check:
    return {"status": "n/a", "detail": detail}


def _local(key: str) -> str:
    """``com:ApplicantBag`` / ``@com:x`` / ``applicantBag`` → ``applicantbag``: names compared
    without prefix and case, so converters that keep XML names are judged like ours."""
    return key.lstrip("@").rsplit(":", 1)[-1].lower()


def _walk(value: Any, pointer: str = "") -> Iterator[tuple[str, str, Any]]:
    """(pointer, key, value) for every object member; JsonML element names count as keys."""
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{pointer}/{key}"
            yield here, str(key), item
            yield from _walk(item, here)
    elif isinstance(value, list):
        if len(value) > 1 and isinstance(value[0], str) and isinstance(value[1], dict):
            yield pointer, value[0], value[2:]  # a JsonML element: [name, {attributes}, ...]
        for i, item in enumerate(value):
            yield from _walk(item, f"{pointer}/{i}")


# == instances ====================================================================================
def _bags(root: Any) -> tuple[set[str], set[str]]:
    """Local names of Bag elements in the XML, and of those that are collections."""
    bags: set[str] = set()
    single: set[str] = set()
    for elem in root.iter(etree.Element):
        name = etree.QName(elem).localname
        if not name.endswith("Bag"):
            continue
        bags.add(name)
        # ST.96's collection convention: ApplicantBag holds Applicant elements (one repeated
        # component); a Bag holding other Bags (PartyBag) is a record, not a collection
        kinds = {etree.QName(c).localname for c in elem if isinstance(c.tag, str)}
        if kinds == {name[:-3]}:
            single.add(name)
    return bags, single


def instance_checks(document: Any, xml_root: Any) -> dict[str, Check]:
    """The decision checks on one converted instance and its XML source element."""
    members = list(_walk(document))
    bags, single = _bags(xml_root)
    keys = {_local(key) for _, key, _ in members}
    out: dict[str, Check] = {}

    missing = sorted(b for b in bags if b.lower() not in keys)
    out["1"] = (_na("no Bag element in the XML") if not bags
                else _fail(f"{missing[0]} has no property of that name") if missing
                else _ok(f"{len(bags)} Bag names kept"))

    wrapped = next((
        (p, k) for p, k, v in members
        if _local(k).endswith("bag") and any(_local(k) == s.lower() for s in single)
        and not isinstance(v, list)
    ), None)
    out["4"] = (_na("no Bag holding one repeated component") if not single
                else _fail(f"{wrapped[0]} is a {_kind(_value_at(members, wrapped[0]))}, "
                           "not an array") if wrapped
                else _ok(f"{len(single)} collections are arrays"))

    choice = next((p for p, k, _ in members if _CHOICE.search(_local(k))), None)
    out["5"] = _fail(f"{choice} is a choice wrapper") if choice else _ok()

    dollar = next((p for p, k, _ in members if k in TEXT_KEYS), None)
    out["7"] = _fail(f"{dollar} is a pre-decision text key") if dollar else _ok()

    nested = next((p for p, k, v in members
                   if isinstance(v, dict) and k[:1].islower() and k.endswith("Type")), None)
    out["8"] = (_fail(f"{nested} nests base-type content under the base type's name")
                if nested else _ok())
    return out


def _value_at(members: list[tuple[str, str, Any]], pointer: str) -> Any:
    return next(v for p, _, v in members if p == pointer)


def _kind(value: Any) -> str:
    return {dict: "object", list: "array", str: "string"}.get(type(value), type(value).__name__)


# == schemas ======================================================================================
def _properties(schema: Any, pointer: str = "") -> Iterator[tuple[str, str, Any]]:
    """(pointer, property name, property schema) for every ``properties`` member."""
    if isinstance(schema, dict):
        for key, sub in schema.items():
            here = f"{pointer}/{key}"
            if key == "properties" and isinstance(sub, dict):
                for name, prop in sub.items():
                    yield f"{here}/{name}", name, prop
            yield from _properties(sub, here)
    elif isinstance(schema, list):
        for i, sub in enumerate(schema):
            yield from _properties(sub, f"{pointer}/{i}")


def _resolve(schema: dict[str, Any], node: Any) -> Any:
    """Follow a local ``$ref`` (``#/$defs/...``) once or twice; anything else stays."""
    for _ in range(3):
        if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)
                and node["$ref"].startswith("#/")):
            return node
        target: Any = schema
        for part in node["$ref"][2:].split("/"):
            target = target.get(part.replace("~1", "/").replace("~0", "~"), {}) \
                if isinstance(target, dict) else {}
        node = target
    return node


def _xsd_facts(xsd: Any) -> tuple[set[str], list[str]]:
    """Bag element local names and the local names of complex-content extension types."""
    bags: set[str] = set()
    extensions: list[str] = []
    for name in xsd.maps.elements:
        local = etree.QName(name).localname
        if local.endswith("Bag"):
            bags.add(local)
    for qname, xsd_type in xsd.maps.types.items():
        if getattr(xsd_type, "derivation", None) == "extension" and xsd_type.is_complex() \
                and not xsd_type.has_simple_content() and xsd_type.base_type is not None \
                and xsd_type.base_type.name is not None \
                and not xsd_type.base_type.name.startswith("{http://www.w3.org/2001/XMLSchema}"):
            extensions.append(etree.QName(qname).localname)
    return bags, sorted(set(extensions))


def schema_checks(schema: dict[str, Any], xsd: Any) -> dict[str, Check]:
    """The decision checks on a generated JSON Schema and the XSD it was generated from."""
    props = list(_properties(schema))
    names = {name for _, name, _ in props}
    lowered = {n.lower() for n in names}
    bags, extensions = _xsd_facts(xsd)
    out: dict[str, Check] = {}

    bag_props = sorted(n for n in names if n.endswith("Bag"))
    plural = sorted(n for b in bags for n in (b[:-3].lower() + "s", b[:-3].lower() + "es")
                    if n in lowered and b.lower() not in lowered)
    out["1"] = (_fail(f"property {plural[0]!r} replaces a Bag name") if plural
                else _ok(f"{len(bag_props)} Bag properties") if bag_props
                else _na("no Bag property"))

    wrapper = None
    for pointer, name, prop in props:
        if not name.endswith("Bag"):
            continue
        target = _resolve(schema, prop)
        inner = target.get("properties") if isinstance(target, dict) else None
        if isinstance(inner, dict) and len(inner) == 1:
            (only,) = inner.values()
            if isinstance(_resolve(schema, only), dict) and \
                    _resolve(schema, only).get("type") == "array":
                wrapper = pointer
                break
    out["4"] = (_fail(f"{wrapper} wraps its array in an object") if wrapper
                else _ok() if bag_props else _na("no Bag property"))

    defs = schema.get("$defs") or schema.get("definitions") or {}
    choice = next((f"/$defs/{k}" for k in defs if _CHOICE.search(k)), None) or next(
        (p for p, n, _ in props if _CHOICE.search(n)), None)
    out["5"] = _fail(f"{choice} is a choice wrapper") if choice else _ok()

    dollar = next((p for p, n, _ in props if n in TEXT_KEYS), None)
    out["7"] = _fail(f"{dollar} is a pre-decision text key") if dollar else _ok()

    checked, offender = 0, None
    for local in extensions:
        key = next((k for k in defs if k == local or k.endswith(f"_{local}")), None)
        if key is None:
            continue
        checked += 1
        body = defs[key]
        if not (isinstance(body, dict) and any(
                isinstance(x, dict) and "$ref" in x for x in body.get("allOf", []))):
            offender = offender or f"/$defs/{key}"
    out["8"] = (_fail(f"{offender} is an extension without allOf [$ref base, ...]") if offender
                else _ok(f"{checked} extension types") if checked
                else _na("no extension type found among the definitions"))
    return out
