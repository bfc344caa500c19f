"""Conformance to the resolved decisions of the ST.97 improvement register (1, 4, 5, 7, 8),
checked on what a converter produced, so that any converter (ours, a library, an external tool)
is measured by the same rules.

Every check decides *from the XSD* (xmlschema's component model: element declarations, content
groups, ``max_occurs``, attributes, ``mixed``, ``derivation`` and ``base_type``) which elements
and types a decision is about, and only then looks at the JSON. Deciding from names (``…Bag``
holds ``<Name>`` children, a ``$defs`` key that ends with a type's local name) gave false
positives: a Bag that carries attributes is an object in ST.97 v2, not a collection, and an
extension of mixed content the converter reports as a loss is not a failure to apply decision 8.

Two levels: *schema* checks read a generated JSON Schema with the XSD it was generated from (and
the converter's loss report); *instance* checks read a converted instance with its XML source,
walking both in parallel with the XSD declaration of each element. A converter without a JSON
Schema (xmlschema's converters, xmltodict) is still measured on its instances, since the XSD is
the corpus's, not the converter's.

Each check answers ``pass`` (with how many places were checked), ``fail`` (with the first
offending place and how many there are) or ``n/a`` (nothing in the input the decision is about).
A decision-8 extension the converter could not express and says so in its loss report is
``n/a`` for that place and counted in the check's ``losses`` (:func:`reported_losses`), so that
the matrix shows it apart from both a pass and a failure.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from st9x.st97.names import WELL_KNOWN_PREFIXES, split_qname

DECISIONS = {
    "1": "Bag names kept",
    "4": "arrays without wrappers",
    "5": "no ChoiceN wrappers",
    "7": "text under value, no $",
    "8": "extension as allOf",
}
TEXT_KEYS = {"$", "#text", "$t", "_", "#value"}  # pre-decision text keys seen in the wild
VALUE_KEY = "value"
#: the generated wrapper names decision 5 removes (``contactChoice1``, ``Choice2``); a name that
#: merely ends in "Choice" (MathML's ``intervalChoice``… would be one) is an element's own name
_CHOICE = re.compile(r"Choice\d+$", re.IGNORECASE)
#: loss constructs with which a converter says it did not apply decision 8 to a type
EXTENSION_LOSSES = ("mixed-extension", "extension-structure")
UNBOUNDED = -1

Check = dict[str, Any]  # status, detail and, where the converter reported some, losses


def _ok(detail: str = "") -> Check:
    return {"status": "pass", "detail": detail}


def _fail(detail: str) -> Check:
    return {"status": "fail", "detail": detail}


def _na(detail: str) -> Check:
    return {"status": "n/a", "detail": detail}


def reported_losses(check: Check) -> int:
    """How many places of a check the converter reported as a loss instead of converting;
    0 when none."""
    return int(check.get("losses", 0))


def _local(key: str) -> str:
    """``com:ApplicantBag`` / ``@com:x`` / ``applicantBag`` → ``applicantbag``: names compared
    without prefix and case, so converters that keep XML names are judged like ours."""
    return str(key).lstrip("@").rsplit(":", 1)[-1].lower()


@dataclass
class _Tally:
    """Places checked and failures found for one decision."""

    checked: int = 0
    failures: list[str] = field(default_factory=list)
    losses: list[str] = field(default_factory=list)

    def fail(self, detail: str) -> None:
        self.checked += 1
        self.failures.append(detail)

    def result(self, what: str, none: str) -> Check:
        lost = (f"; n/a where the converter reports a loss ({', '.join(self.losses[:3])}"
                f"{'…' if len(self.losses) > 3 else ''})" if self.losses else "")
        if self.failures:
            more = f" (and {len(self.failures) - 1} more)" if len(self.failures) > 1 else ""
            check = _fail(self.failures[0] + more + lost)
        elif self.checked:
            check = _ok(f"{self.checked} {what}{lost}")
        else:
            check = _na(f"{none}{lost}")
        if self.losses:
            check["losses"] = len(self.losses)
        return check


# == the XSD facts every check decides from =======================================================
def _max(particle: Any) -> int:
    value = getattr(particle, "max_occurs", 1)
    return UNBOUNDED if value is None else int(value)


def _times(a: int, b: int) -> int:
    return UNBOUNDED if UNBOUNDED in (a, b) else a * b


@dataclass
class _Child:
    """An element particle of a content model, as its parent type sees it."""

    decl: Any
    max: int  # effective: the particle's maxOccurs times its enclosing groups' (-1 unbounded)
    alternative: bool  # an element alternative of a decision-5 choice
    required: bool = True  # …of a choice that must occur (minOccurs ≥ 1): then anyOf applies


def _is_group(particle: Any) -> bool:
    return hasattr(particle, "model") and isinstance(getattr(particle, "model", None), str)


def _walk_group(group: Any, outer: int, alternative: bool = False,
                under_choice: bool = False, required: bool = True) -> Iterator[_Child | None]:
    """Element particles of a group with their effective maxOccurs; ``None`` for a wildcard.
    An element directly in a choice that occurs once, sits in a sequence with other particles
    and is not itself inside another choice is a decision-5 alternative (the decision's words:
    "a choice inside a sequence with more elements"; choices nested in choices are outside it,
    and converters report them as a loss of their own)."""
    here = _times(outer, _max(group))
    d5 = group.model == "sequence" and len(group) > 1
    for particle in group:
        if _is_group(particle):
            is_choice = particle.model == "choice" and _max(particle) == 1 and d5 \
                and not under_choice
            yield from _walk_group(particle, here, is_choice,
                                   under_choice or group.model == "choice",
                                   getattr(particle, "min_occurs", 1) >= 1)
        elif hasattr(particle, "type") and getattr(particle, "name", None):
            yield _Child(particle, _times(here, _max(particle)), alternative, required)
        else:
            yield None  # xs:any


def _children(xsd_type: Any) -> list[_Child | None]:
    content = getattr(xsd_type, "content", None)
    if not xsd_type_is_complex(xsd_type) or content is None or not _is_group(content):
        return []
    return list(_walk_group(content, 1))


def xsd_type_is_complex(xsd_type: Any) -> bool:
    return bool(xsd_type is not None and xsd_type.is_complex())


def _has_attributes(xsd_type: Any) -> bool:
    attributes = getattr(xsd_type, "attributes", None)
    return bool(attributes is not None and len(attributes) > 0)


def _mixed(xsd_type: Any) -> bool:
    return bool(getattr(xsd_type, "mixed", False))


def is_collection(xsd_type: Any) -> bool:
    """Decision 4's collection: element-only content that is exactly one repeated element
    particle, and no attributes.

    An element of such a type holds nothing but the repetitions, so the XML wrapper becomes the
    JSON array itself. A Bag that also carries attributes (V6_0 ``GeographicRegionDescriptionBag``
    has ``com:languageCode``) has data of its own beside the repetitions: an array has no place
    for it, so ST.97 v2 keeps such a Bag an object whose repeated member is an array; it is a
    record holding a collection, not a collection. Mixed content has text beside the children
    (open question 9), and a Bag of several kinds of children (``PartyBag``) is a record too."""
    if not xsd_type_is_complex(xsd_type) or _mixed(xsd_type) or _has_attributes(xsd_type) \
            or xsd_type.has_simple_content():
        return False
    children = _children(xsd_type)
    return len(children) == 1 and children[0] is not None and children[0].max != 1


def _child_map(xsd_type: Any) -> dict[str, _Child]:
    return {c.decl.name: c for c in _children(xsd_type) if c is not None}


def _simple_with_attributes(xsd_type: Any) -> bool:
    return bool(xsd_type_is_complex(xsd_type) and xsd_type.has_simple_content()
                and _has_attributes(xsd_type))


def extension_base(xsd_type: Any) -> Any:
    """The base of a decision-8 extension: a named complex type with complex content (element
    content, or mixed) extended by derivation; ``None`` for anything else (simple-content
    extensions add attributes to a text value, decision 7's business)."""
    if not xsd_type_is_complex(xsd_type) or getattr(xsd_type, "derivation", None) != "extension":
        return None
    base = getattr(xsd_type, "base_type", None)
    if not xsd_type_is_complex(base) or base.name is None \
            or base.name.startswith("{http://www.w3.org/2001/XMLSchema}") \
            or base.has_simple_content() or xsd_type.has_simple_content():
        return None
    return base


# == instances ====================================================================================
def _jsonml(value: Any, local: str | None = None) -> bool:
    """A JsonML element ``[name, {attributes}?, child…]``. With the element's local name, only
    a list whose first item is that name counts, so that an array of strings (``["Anna",
    "Maria"]``) is not mistaken for one."""
    if not (isinstance(value, list) and value and isinstance(value[0], str)):
        return False
    if local is not None:
        return _local(value[0]) == local.lower()
    return len(value) == 1 or isinstance(value[1], dict | list) or ":" in value[0]


@dataclass
class _Walk:
    """The parallel walk of an XML tree (with its XSD declarations) and its JSON conversion."""

    xsd: Any
    t1: _Tally = field(default_factory=_Tally)
    t4: _Tally = field(default_factory=_Tally)
    t5: _Tally = field(default_factory=_Tally)
    t7: _Tally = field(default_factory=_Tally)
    t8: _Tally = field(default_factory=_Tally)

    def global_decl(self, tag: str) -> Any:
        if self.xsd is None:
            return None
        return self.xsd.maps.elements.get(tag)

    def visit(self, elem: Any, decl: Any, value: Any, pointer: str) -> None:
        xsd_type = getattr(decl, "type", None)
        name = etree.QName(elem).localname
        if _simple_with_attributes(xsd_type):
            self._text_value(elem, value, pointer)
            return
        if not xsd_type_is_complex(xsd_type) or _mixed(xsd_type):
            return  # simple values, and mixed content (open question 9), hold no decision
        kids = [c for c in elem if isinstance(c.tag, str)]
        if is_collection(xsd_type):
            if isinstance(value, list) and not _jsonml(value, name):
                self.t4.checked += 1
                if len(value) == len(kids):
                    (only,) = _children(xsd_type)
                    assert only is not None
                    for i, (kid, item) in enumerate(zip(kids, value, strict=True)):
                        self.visit(kid, self._decl_of(kid, {only.decl.name: only}),
                                   item, f"{pointer}/{i}")
                return
            self.t4.fail(f"{pointer or '/'} ({name}, a collection) is "
                         f"{_kind(value)}, not an array of its items")
        if _jsonml(value, name):
            self._jsonml_children(kids, value, pointer, xsd_type)
            return
        if not isinstance(value, dict):
            return
        base = extension_base(xsd_type)
        base_names = set(_child_map(base)) if base is not None else set()
        children = _child_map(xsd_type)
        groups: dict[str, list[Any]] = {}
        for kid in kids:
            groups.setdefault(kid.tag, []).append(kid)
        found = {tag: _member(value, etree.QName(tag).localname) for tag in groups}
        # where the extension's own children sit: a converter that wraps every child list
        # (abdera's "children") nests both alike, which is not decision 8's nesting
        own_paths = {path for tag, (key, _, path) in found.items()
                     if key is not None and tag not in base_names}
        for tag, same in groups.items():
            local = etree.QName(tag).localname
            child = children.get(tag) or self._substitute(tag, children)
            key, sub, path = found[tag]
            if key is None:
                if local.endswith("Bag"):
                    self.t1.fail(f"{pointer}: {local} has no property of that name")
                continue
            here = f"{pointer}{path}/{key}"
            if local.endswith("Bag"):
                self.t1.checked += 1
                if not str(key).endswith("Bag"):
                    self.t1.fail(f"{here} is the property of {local}")
            if tag in base_names:
                if path and path not in own_paths and (own_paths or _names_base(path, base)):
                    self.t8.fail(f"{here}: {local}, content of the base type "
                                 f"{etree.QName(base.name).localname}, nests under {path}")
                else:
                    self.t8.checked += 1
            if path:  # another representation (a wrapper, an ordered choice): no shape checks
                if len(same) == 1:
                    self.visit(same[0], self._decl(child, tag),
                               sub, here)
                continue
            items, indexed = self._items(same, child, sub, here, local)
            for i, (kid, item) in enumerate(zip(same, items, strict=False)):
                self.visit(kid, self._decl(child, tag), item,
                           f"{here}/{i}" if indexed else here)

    def _items(self, same: list[Any], child: _Child | None, sub: Any, here: str,
               local: str) -> tuple[list[Any], bool]:
        """The JSON values of a group of same-named XML children (and whether they are items
        of an array), checking decision 4 (an element that may repeat is an array) and 5 (an
        alternative of a choice inside a longer sequence is an array)."""
        repeats = child.max != 1 if child is not None else len(same) > 1
        if repeats:
            if isinstance(sub, list) and not _jsonml(sub, local):
                self.t4.checked += 1
                return sub, True
            self.t4.fail(f"{here} ({local}, maxOccurs > 1) is {_kind(sub)}, not an array")
            return [sub], False
        if child is not None and child.alternative:
            if isinstance(sub, list) and not _jsonml(sub, local):
                self.t5.checked += 1
                return sub, True
            self.t5.fail(f"{here} ({local}, an alternative of a choice inside a sequence) "
                         f"is {_kind(sub)}, not an array")
        return [sub], False

    def _jsonml_children(self, kids: list[Any], value: list[Any], pointer: str,
                         xsd_type: Any) -> None:
        """A JsonML element ``[name, {attributes}?, child…]``: children in document order."""
        items = [(i, v) for i, v in enumerate(value) if i and _jsonml(v)]  # children only
        children = _child_map(xsd_type)
        base = extension_base(xsd_type)
        base_names = set(_child_map(base)) if base is not None else set()
        for kid, (i, item) in zip(kids, items, strict=False):
            local = etree.QName(kid).localname
            if local.endswith("Bag"):
                self.t1.checked += 1
            child = children.get(kid.tag)
            if child is not None and child.alternative:
                self.t5.fail(f"{pointer}/{i} ({local}, an alternative of a choice inside a "
                             "sequence) is a JsonML element, not an array property")
            if kid.tag in base_names:
                self.t8.checked += 1  # JsonML children are flat: nothing nests the base's
            decl = self._decl(child, kid.tag)
            self.visit(kid, decl, item, f"{pointer}/{i}")

    def _text_value(self, elem: Any, value: Any, pointer: str) -> None:
        """Decision 7 on an element of simple content with attributes: an object with the text
        under ``value`` beside the attributes. A bare value is accepted only where the XML
        element carries no attribute (then nothing had to be told apart)."""
        name = etree.QName(elem).localname
        text = (elem.text or "").strip()
        if isinstance(value, dict):
            if not text or VALUE_KEY in value:
                self.t7.checked += 1
            else:
                self.t7.fail(f"{pointer} ({name}, simple content with attributes) has no "
                             f"{VALUE_KEY!r} member (keys: {', '.join(map(str, value))[:60]})")
        elif elem.attrib and _jsonml(value, name):
            self.t7.fail(f"{pointer} ({name}) is a JsonML element: the text is an item beside "
                         f"the attributes, not under {VALUE_KEY!r}")
        elif elem.attrib:
            self.t7.fail(f"{pointer} ({name}) is {_kind(value)}: its attributes have no place "
                         f"and the text is not under {VALUE_KEY!r}")

    def _decl_of(self, kid: Any, children: dict[str, _Child]) -> Any:
        child = children.get(kid.tag) or self._substitute(kid.tag, children)
        return self._decl(child, kid.tag)

    def _decl(self, child: _Child | None, tag: str) -> Any:
        """The particle's declaration, else the global one. (Not ``a or b``: an xmlschema
        element of simple type has no particles, so it is falsy.)"""
        return child.decl if child is not None else self.global_decl(tag)

    def _substitute(self, tag: str, children: dict[str, _Child]) -> _Child | None:
        """The particle a substitution-group member stands for."""
        decl = self.global_decl(tag)
        seen = 0
        while decl is not None and seen < 8:
            head = getattr(decl, "substitution_group", None)
            if head is None:
                return None
            if head in children:
                return children[head]
            decl, seen = self.global_decl(head), seen + 1
        return None


def _names_base(path: str, base: Any) -> bool:
    """Whether the first wrapper of ``path`` is named after the base type (``partyType``,
    ``party``): the pre-decision nesting, told apart from a converter's generic containers."""
    first = _local(path.strip("/").split("/", 1)[0])
    name = etree.QName(base.name).localname.lower()
    return first in (name, name.removesuffix("type"))


def _member(value: dict[str, Any], local: str, depth: int = 3) -> tuple[Any, Any, str]:
    """(key, value, path of the wrappers above it) of the member named like the element, found
    directly or below wrapper objects (``contactChoice1``, a legacy ``partyType``, abdera's
    ``children``); ``(None, None, "")`` when there is none."""
    wanted = local.lower()
    for key, sub in value.items():
        if _local(key) == wanted:
            return key, sub, ""
    if depth == 0:
        return None, None, ""
    for key, sub in value.items():
        for i, inner in (enumerate(sub) if isinstance(sub, list) else [(None, sub)]):
            if isinstance(inner, dict):
                found, got, path = _member(inner, local, depth - 1)
                if found is not None:
                    step = f"/{key}" + ("" if i is None else f"/{i}")
                    return found, got, step + path
    return None, None, ""


def _walk(value: Any, pointer: str = "") -> Iterator[tuple[str, str, Any]]:
    """(pointer, key, value) for every object member; JsonML element names count as keys."""
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{pointer}/{key}"
            yield here, str(key), item
            yield from _walk(item, here)
    elif isinstance(value, list):
        if _jsonml(value):
            yield pointer, value[0], value[1:]
        for i, item in enumerate(value):
            yield from _walk(item, f"{pointer}/{i}")


def _root_value(document: Any, root: Any) -> tuple[Any, str]:
    """The JSON value of the root element: ``{"trademarkApplication": …}`` holds it under the
    root's name; xmlschema's default and Parker converters return it bare."""
    local = etree.QName(root).localname.lower()
    if isinstance(document, dict) and len(document) >= 1:
        for key, value in document.items():
            if _local(key) == local:
                return value, f"/{key}"
    return document, ""


def instance_checks(document: Any, xml_root: Any, xsd: Any = None) -> dict[str, Check]:
    """The decision checks on one converted instance, its XML source element and the XSD the
    XML is valid against (without it only the name checks of decisions 5 and 7 can run)."""
    walk = _Walk(xsd)
    members = list(_walk(document))
    decl = walk.global_decl(xml_root.tag)
    if decl is not None:
        value, pointer = _root_value(document, xml_root)
        walk.visit(xml_root, decl, value, pointer)
    choice = [p for p, k, _ in members if _CHOICE.search(_local(k))]
    for pointer in choice:
        walk.t5.fail(f"{pointer} is a choice wrapper")
    dollar = [p for p, k, _ in members if k in TEXT_KEYS]
    for pointer in dollar:
        walk.t7.fail(f"{pointer} is a pre-decision text key")
    if decl is None:
        none = "no XSD declaration of the root element to decide from"
        return {"1": _na(none), "4": _na(none),
                "5": walk.t5.result("places", "no choice wrapper"),
                "7": walk.t7.result("places", "no text key"), "8": _na(none)}
    # the name checks count once, not per member, so that a clean instance passes
    walk.t5.checked += 1
    walk.t7.checked += 1
    return {
        "1": walk.t1.result("Bag properties named …Bag", "no Bag element in the XML"),
        "4": walk.t4.result("collections and repeated elements are arrays",
                            "no collection or repeated element in the XML"),
        "5": walk.t5.result("places without choice wrappers", "no choice"),
        "7": walk.t7.result("places without text keys", "no simple content"),
        "8": walk.t8.result("base-type members not nested",
                            "no extension of element content in the XML"),
    }


def _kind(value: Any) -> str:
    if _jsonml(value):
        return "a JsonML element"
    return {dict: "an object", list: "an array", str: "a string"}.get(
        type(value), f"a {type(value).__name__}")


# == schemas ======================================================================================
def _resolve(schema: dict[str, Any], node: Any) -> Any:
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


def _own_properties(schema: dict[str, Any], node: Any, depth: int = 3) -> dict[str, Any]:
    """The properties an object definition declares itself or through ``allOf``/``anyOf``/
    ``oneOf`` members (following ``$ref`` there, so an extension sees its base's), not those of
    nested objects or array items."""
    node = _resolve(schema, node)
    out: dict[str, Any] = {}
    if not isinstance(node, dict):
        return out
    if isinstance(node.get("properties"), dict):
        out.update(node["properties"])
    if depth:
        for keyword in ("allOf", "anyOf", "oneOf"):
            for part in node.get(keyword, []) if isinstance(node.get(keyword), list) else []:
                for k, v in _own_properties(schema, part, depth - 1).items():
                    if k not in out or out[k] in ({}, True):
                        out[k] = v  # a draft-07 closing placeholder ({}) yields to the real one
    return out


def _nested_property(schema: dict[str, Any], node: Any, local: str, depth: int = 10) -> str | None:
    """The name of a property named like ``local`` anywhere inside a definition (below wrapper
    objects and array items, not through ``$ref``); for telling "renamed" from "nested"."""
    if not isinstance(node, dict) or depth < 0:
        return None
    for name in node.get("properties") or {}:
        if _local(name) == local.lower():
            return str(name)
    for key, sub in node.items():
        subs = sub if isinstance(sub, list) else [sub]
        for item in subs:
            if isinstance(item, dict) and key != "$defs":
                found = _nested_property(schema, item, local, depth - 1)
                if found:
                    return found
    return None


def _is_array(schema: dict[str, Any], node: Any) -> bool:
    node = _resolve(schema, node)
    return isinstance(node, dict) and (node.get("type") == "array" or "items" in node
                                       or "prefixItems" in node) and "properties" not in node


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


def _definitions(schema: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    for keyword in ("$defs", "definitions"):
        if isinstance(schema.get(keyword), dict):
            return keyword, schema[keyword]
    return "$defs", {}


def _def_key(defs: dict[str, Any], qname: str) -> str | None:
    """The definition of an XSD component: keyed by its local name, or ``<prefix>_<local>``
    with any prefix; several candidates are told apart by ST.96's conventional prefix."""
    ns, local = split_qname(qname)
    candidates = [k for k in defs if k == local or k.endswith(f"_{local}")]
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    prefix = WELL_KNOWN_PREFIXES.get(ns)
    exact = [k for k in candidates if prefix and k == f"{prefix}_{local}"]
    return exact[0] if exact else None


def _compiled_types(xsd: Any, defs: dict[str, Any]) -> Iterator[tuple[Any, str]]:
    """(XSD complex type, its definition key) for every type the schema defines: named types,
    and the anonymous types of global elements (keyed by the element's name)."""
    seen: set[int] = set()
    for qname, xsd_type in sorted(xsd.maps.types.items()):
        if xsd_type_is_complex(xsd_type) and not qname.startswith(
                "{http://www.w3.org/2001/XMLSchema}"):
            key = _def_key(defs, qname)
            if key is not None and id(xsd_type) not in seen:
                seen.add(id(xsd_type))
                yield xsd_type, key
    for qname, element in sorted(xsd.maps.elements.items()):
        xsd_type = element.type
        if xsd_type_is_complex(xsd_type) and xsd_type.name is None and id(xsd_type) not in seen:
            key = _def_key(defs, qname)
            if key is not None:
                seen.add(id(xsd_type))
                yield xsd_type, key


def _loss_at(xsd_type: Any, losses: Sequence[tuple[str, str]]) -> str | None:
    """The construct of a decision-8 loss the converter reported for this type, if any."""
    local = etree.QName(xsd_type.name).localname if xsd_type.name else None
    if local is None:
        return None
    for construct, location in losses:
        if construct in EXTENSION_LOSSES and (
                location.endswith(f"(complexType[{local}])") or location == local):
            return construct
    return None


def schema_checks(schema: dict[str, Any], xsd: Any,
                  losses: Iterable[tuple[str, str]] = ()) -> dict[str, Check]:
    """The decision checks on a generated JSON Schema, the XSD it was generated from and the
    converter's loss report (``(construct, location)`` pairs)."""
    losses = list(losses)
    keyword, defs = _definitions(schema)
    t1, t4, t5, t7, t8 = _Tally(), _Tally(), _Tally(), _Tally(), _Tally()
    for xsd_type, key in _compiled_types(xsd, defs):
        where = f"/{keyword}/{key}"
        body = defs[key]
        own = _own_properties(schema, body)
        children = [c for c in _children(xsd_type) if c is not None]
        base = extension_base(xsd_type)
        inherited = set(_child_map(base)) if base is not None else set()
        collection = is_collection(xsd_type)
        # 1: a Bag element's property keeps the Bag name (the items of a collection have none)
        for child in children if not collection else []:
            local = etree.QName(child.decl.name).localname
            if not local.endswith("Bag"):
                continue
            if any(_local(n) == local.lower() and str(n).endswith("Bag") for n in own):
                t1.checked += 1
            else:
                other = _nested_property(schema, body, local)
                if other is None and _mixed(xsd_type):
                    continue  # mixed content: inline elements may live in a content array
                if other is not None and other.endswith("Bag"):
                    t1.checked += 1  # kept, below a wrapper (decision 5's business)
                    continue
                t1.fail(f"{where}: {local} has no property named …Bag"
                        + (f" (found {other!r} nested)" if other else ""))
        # 4: a collection is an array; an element that may repeat is an array
        if collection:
            if _is_array(schema, body):
                t4.checked += 1
            else:
                t4.fail(f"{where} is a collection wrapped in an object, not an array")
        elif not _mixed(xsd_type):
            for child in children:
                local = etree.QName(child.decl.name).localname
                prop = next((p for n, p in own.items() if _local(n) == local.lower()), None)
                if child.max == 1 or prop is None:
                    continue
                if _is_array(schema, prop):
                    t4.checked += 1
                else:
                    t4.fail(f"{where}/properties/{local} (maxOccurs > 1) is not an array")
        # 5: alternatives of a choice inside a longer sequence: minItems-1 arrays + anyOf (a
        # choice the type inherits is checked on its base's definition, where the anyOf is)
        counts = Counter(c.decl.name for c in children)  # merged particles: shape undecidable
        alternatives = [c for c in children if c.alternative and c.decl.name not in inherited
                        and counts[c.decl.name] == 1]
        if alternatives and not _mixed(xsd_type):
            _check_choice(schema, body, own, alternatives, where, t5)
        # 7: simple content with attributes keeps its text under "value"
        if _simple_with_attributes(xsd_type):
            if VALUE_KEY in own:
                t7.checked += 1
            else:
                t7.fail(f"{where}: simple content without a {VALUE_KEY!r} property")
        # 8: an extension of a complex base is allOf [$ref base, added]
        if base is not None:
            _check_extension(schema, body, xsd_type, base, where, losses, t8, defs)
    for pointer, name, _ in _properties(schema):
        if _CHOICE.search(name):
            t5.fail(f"{pointer} is a choice wrapper")
        if name in TEXT_KEYS:
            t7.fail(f"{pointer} is a pre-decision text key")
    choice_def = next((k for k in defs if _CHOICE.search(k)), None)
    if choice_def:
        t5.fail(f"/{keyword}/{choice_def} is a choice wrapper")
    return {
        "1": t1.result("Bag properties", "no Bag element among the compiled types"),
        "4": t4.result("collections and repeated elements as arrays",
                       "no collection or repeated element"),
        "5": t5.result("choices as alternative arrays + anyOf",
                       "no choice inside a longer sequence"),
        "7": t7.result("simple-content types with value", "no simple content with attributes"),
        "8": t8.result("extensions as allOf", "no extension of a complex type"),
    }


def _check_choice(schema: dict[str, Any], body: Any, own: dict[str, Any],
                  alternatives: list[_Child], where: str, tally: _Tally) -> None:
    names: list[str] = []
    for child in alternatives:
        local = etree.QName(child.decl.name).localname
        name = next((n for n in own if _local(n) == local.lower()), None)
        if name is None:
            tally.fail(f"{where}: alternative {local} is not a property of the type")
            return
        prop = _resolve(schema, own[name])
        if not (_is_array(schema, prop) and isinstance(prop, dict)
                and int(prop.get("minItems", 0)) >= 1):
            tally.fail(f"{where}/properties/{name}: an alternative, not an array with "
                       "minItems 1")
            return
        names.append(str(name))
    resolved = _resolve(schema, body)
    parts = [resolved] + [p for p in resolved.get("allOf", []) if isinstance(p, dict)] \
        if isinstance(resolved, dict) else []
    required = [{r for r in (m.get("required") or [])} for part in parts
                for m in part.get("anyOf", []) if isinstance(m, dict)]
    if not all(c.required for c in alternatives) or all(
            any(name in r for r in required) for name in names):
        tally.checked += 1
        return
    other = next((k for part in parts for k in ("oneOf",) if k in part), None)
    tally.fail(f"{where}: no top-level anyOf requiring one of {', '.join(names)}"
               + (f" ({other} instead)" if other else ""))


def _check_extension(schema: dict[str, Any], body: Any, xsd_type: Any, base: Any, where: str,
                     losses: Sequence[tuple[str, str]], tally: _Tally,
                     defs: dict[str, Any]) -> None:
    resolved = _resolve(schema, body)
    base_key = _def_key(defs, base.name)
    refs = [p.get("$ref", "") for p in (resolved.get("allOf") or [])
            if isinstance(p, dict)] if isinstance(resolved, dict) else []
    if any(base_key and ref.endswith(f"/{base_key}") for ref in refs) or (
            base_key is None and refs):
        tally.checked += 1
        return
    construct = _loss_at(xsd_type, losses)
    if construct is not None and (_mixed(xsd_type) or _mixed(base)):
        tally.losses.append(f"{etree.QName(xsd_type.name).localname}: {construct}")
        return
    tally.fail(f"{where} extends {etree.QName(base.name).localname} without "
               "allOf [$ref base, …]" + (f" (reported: {construct})" if construct else ""))
