"""The parallel walk of an XML instance (with the XSD declaration of each element) and its JSON
conversion, which the instance-level rules share.

Which JSON value stands for which XML element depends on the decisions themselves: a collection
that is an array holds its items, one that is not is read as an object; a repeated element that
is an array holds one value per repetition. Pairing the two trees therefore judges decisions 1,
4, 5, 7 and 8 as it goes, and one walk records the findings of all five (each rule then takes its
own), rather than five walks each redoing the pairing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from st9x.rules.model import Finding
from st9x.rules.st97_register.register import VALUE_KEY, jsonml, kind, local
from st9x.rules.st97_register.xsd import (
    Child,
    child_map,
    children,
    extension_base,
    is_collection,
    is_complex,
    mixed,
    simple_with_attributes,
)


@dataclass
class Walk:
    """The walk's state: the XSD, and the findings so far by decision id."""

    xsd: Any
    findings: dict[str, list[Finding]] = field(default_factory=dict)

    def of(self, decision: str) -> list[Finding]:
        """The findings of one decision, in document order."""
        return self.findings.get(decision, [])

    def _pass(self, decision: str, location: str) -> None:
        self.findings.setdefault(decision, []).append(Finding.passed(location))

    def _fail(self, decision: str, location: str, detail: str) -> None:
        self.findings.setdefault(decision, []).append(Finding.failed(location, detail))

    def global_decl(self, tag: str) -> Any:
        if self.xsd is None:
            return None
        return self.xsd.maps.elements.get(tag)

    def visit(self, elem: Any, decl: Any, value: Any, pointer: str) -> None:
        xsd_type = getattr(decl, "type", None)
        name = etree.QName(elem).localname
        if simple_with_attributes(xsd_type):
            self._text_value(elem, value, pointer)
            return
        if not is_complex(xsd_type) or mixed(xsd_type):
            return  # simple values, and mixed content (open question 9), hold no decision
        kids = [c for c in elem if isinstance(c.tag, str)]
        if is_collection(xsd_type):
            if isinstance(value, list) and not jsonml(value, name):
                self._pass("4", pointer or "/")
                if len(value) == len(kids):
                    (only,) = children(xsd_type)
                    assert only is not None
                    for i, (kid, item) in enumerate(zip(kids, value, strict=True)):
                        self.visit(kid, self._decl_of(kid, {only.decl.name: only}),
                                   item, f"{pointer}/{i}")
                return
            self._fail("4", pointer or "/", f"{pointer or '/'} ({name}, a collection) is "
                       f"{kind(value)}, not an array of its items")
        if jsonml(value, name):
            self._jsonml_children(kids, value, pointer, xsd_type)
            return
        if not isinstance(value, dict):
            return
        base = extension_base(xsd_type)
        base_names = set(child_map(base)) if base is not None else set()
        particles = child_map(xsd_type)
        groups: dict[str, list[Any]] = {}
        for kid in kids:
            groups.setdefault(kid.tag, []).append(kid)
        found = {tag: _member(value, etree.QName(tag).localname) for tag in groups}
        # where the extension's own children sit: a converter that wraps every child list
        # (abdera's "children") nests both alike, which is not decision 8's nesting
        own_paths = {path for tag, (key, _, path) in found.items()
                     if key is not None and tag not in base_names}
        for tag, same in groups.items():
            name = etree.QName(tag).localname
            child = particles.get(tag) or self._substitute(tag, particles)
            key, sub, path = found[tag]
            if key is None:
                if name.endswith("Bag"):
                    self._fail("1", pointer, f"{pointer}: {name} has no property of that name")
                continue
            here = f"{pointer}{path}/{key}"
            if name.endswith("Bag"):
                if str(key).endswith("Bag"):
                    self._pass("1", here)
                else:
                    self._fail("1", here, f"{here} is the property of {name}")
            if tag in base_names:
                if path and path not in own_paths and (own_paths or _names_base(path, base)):
                    self._fail("8", here, f"{here}: {name}, content of the base type "
                               f"{etree.QName(base.name).localname}, nests under {path}")
                else:
                    self._pass("8", here)
            if path:  # another representation (a wrapper, an ordered choice): no shape checks
                if len(same) == 1:
                    self.visit(same[0], self._decl(child, tag), sub, here)
                continue
            items, indexed = self._items(same, child, sub, here, name)
            for i, (kid, item) in enumerate(zip(same, items, strict=False)):
                self.visit(kid, self._decl(child, tag), item,
                           f"{here}/{i}" if indexed else here)

    def _items(self, same: list[Any], child: Child | None, sub: Any, here: str,
               name: str) -> tuple[list[Any], bool]:
        """The JSON values of a group of same-named XML children (and whether they are items
        of an array), checking decision 4 (an element that may repeat is an array) and 5 (an
        alternative of a choice inside a longer sequence is an array)."""
        repeats = child.max != 1 if child is not None else len(same) > 1
        if repeats:
            if isinstance(sub, list) and not jsonml(sub, name):
                self._pass("4", here)
                return sub, True
            self._fail("4", here, f"{here} ({name}, maxOccurs > 1) is {kind(sub)}, "
                       "not an array")
            return [sub], False
        if child is not None and child.alternative:
            if isinstance(sub, list) and not jsonml(sub, name):
                self._pass("5", here)
                return sub, True
            self._fail("5", here, f"{here} ({name}, an alternative of a choice inside a "
                       f"sequence) is {kind(sub)}, not an array")
        return [sub], False

    def _jsonml_children(self, kids: list[Any], value: list[Any], pointer: str,
                         xsd_type: Any) -> None:
        """A JsonML element ``[name, {attributes}?, child…]``: children in document order."""
        items = [(i, v) for i, v in enumerate(value) if i and jsonml(v)]  # children only
        particles = child_map(xsd_type)
        base = extension_base(xsd_type)
        base_names = set(child_map(base)) if base is not None else set()
        for kid, (i, item) in zip(kids, items, strict=False):
            name = etree.QName(kid).localname
            here = f"{pointer}/{i}"
            if name.endswith("Bag"):
                self._pass("1", here)
            child = particles.get(kid.tag)
            if child is not None and child.alternative:
                self._fail("5", here, f"{here} ({name}, an alternative of a choice inside a "
                           "sequence) is a JsonML element, not an array property")
            if kid.tag in base_names:
                self._pass("8", here)  # JsonML children are flat: nothing nests the base's
            self.visit(kid, self._decl(child, kid.tag), item, here)

    def _text_value(self, elem: Any, value: Any, pointer: str) -> None:
        """Decision 7 on an element of simple content with attributes: an object with the text
        under ``value`` beside the attributes. A bare value is accepted only where the XML
        element carries no attribute (then nothing had to be told apart)."""
        name = etree.QName(elem).localname
        text = (elem.text or "").strip()
        if isinstance(value, dict):
            if not text or VALUE_KEY in value:
                self._pass("7", pointer)
            else:
                self._fail("7", pointer, f"{pointer} ({name}, simple content with attributes) "
                           f"has no {VALUE_KEY!r} member (keys: "
                           f"{', '.join(map(str, value))[:60]})")
        elif elem.attrib and jsonml(value, name):
            self._fail("7", pointer, f"{pointer} ({name}) is a JsonML element: the text is an "
                       f"item beside the attributes, not under {VALUE_KEY!r}")
        elif elem.attrib:
            self._fail("7", pointer, f"{pointer} ({name}) is {kind(value)}: its attributes "
                       f"have no place and the text is not under {VALUE_KEY!r}")

    def _decl_of(self, kid: Any, particles: dict[str, Child]) -> Any:
        child = particles.get(kid.tag) or self._substitute(kid.tag, particles)
        return self._decl(child, kid.tag)

    def _decl(self, child: Child | None, tag: str) -> Any:
        """The particle's declaration, else the global one. (Not ``a or b``: an xmlschema
        element of simple type has no particles, so it is falsy.)"""
        return child.decl if child is not None else self.global_decl(tag)

    def _substitute(self, tag: str, particles: dict[str, Child]) -> Child | None:
        """The particle a substitution-group member stands for."""
        decl = self.global_decl(tag)
        seen = 0
        while decl is not None and seen < 8:
            head = getattr(decl, "substitution_group", None)
            if head is None:
                return None
            if head in particles:
                return particles[head]
            decl, seen = self.global_decl(head), seen + 1
        return None


def _names_base(path: str, base: Any) -> bool:
    """Whether the first wrapper of ``path`` is named after the base type (``partyType``,
    ``party``): the pre-decision nesting, told apart from a converter's generic containers."""
    first = local(path.strip("/").split("/", 1)[0])
    name = etree.QName(base.name).localname.lower()
    return first in (name, name.removesuffix("type"))


def _member(value: dict[str, Any], name: str, depth: int = 3) -> tuple[Any, Any, str]:
    """(key, value, path of the wrappers above it) of the member named like the element, found
    directly or below wrapper objects (``contactChoice1``, a legacy ``partyType``, abdera's
    ``children``); ``(None, None, "")`` when there is none."""
    wanted = name.lower()
    for key, sub in value.items():
        if local(key) == wanted:
            return key, sub, ""
    if depth == 0:
        return None, None, ""
    for key, sub in value.items():
        for i, inner in (enumerate(sub) if isinstance(sub, list) else [(None, sub)]):
            if isinstance(inner, dict):
                found, got, path = _member(inner, name, depth - 1)
                if found is not None:
                    step = f"/{key}" + ("" if i is None else f"/{i}")
                    return found, got, step + path
    return None, None, ""


def members(value: Any, pointer: str = "") -> Iterator[tuple[str, str, Any]]:
    """(pointer, key, value) for every object member; JsonML element names count as keys."""
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{pointer}/{key}"
            yield here, str(key), item
            yield from members(item, here)
    elif isinstance(value, list):
        if jsonml(value):
            yield pointer, value[0], value[1:]
        for i, item in enumerate(value):
            yield from members(item, f"{pointer}/{i}")


def root_value(document: Any, root: Any) -> tuple[Any, str]:
    """The JSON value of the root element: ``{"trademarkApplication": …}`` holds it under the
    root's name; xmlschema's default and Parker converters return it bare."""
    name = etree.QName(root).localname.lower()
    if isinstance(document, dict) and len(document) >= 1:
        for key, value in document.items():
            if local(key) == name:
                return value, f"/{key}"
    return document, ""
