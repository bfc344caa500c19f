"""Compare an XML document with its XML → JSON → XML round trip, saying what had to be
normalised for them to be equal.

C14N 2.0 (``lxml.etree.canonicalize``) removes the differences no XML consumer may depend on
(attribute order, quoting, empty-element form). The rest is normalised explicitly and
*counted*, because each count is a fidelity measurement of the converter:

``xsi``             ``xsi:*`` attributes (``schemaLocation``) — not data, never put into JSON
``comment``         comments and processing instructions — not data
``whitespace``      whitespace-only text between elements where no non-blank text exists
                    (indentation), in both documents
``prefix``          namespace prefixes differ (compared with C14N ``rewrite_prefixes``)
``lexical``         a typed value written in another lexical form of the same value
                    (``1``/``true``, ``0``/``false``, ``+7``/``7``, ``1.0``/``1.0`` as numbers):
                    the mapper writes the canonical form of booleans and numbers
"""

from __future__ import annotations

import copy
import difflib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from lxml import etree

XSI = "{http://www.w3.org/2001/XMLSchema-instance}"


@dataclass
class XmlComparison:
    """The comparison's outcome. When the documents differ, ``where`` is the path of the first
    element whose content differs (``/t:Root/t:Bag[2]``, the original's prefixes) and ``steps``
    the element-child positions that lead to it from the root, so a caller can find that element
    in the original and ask its schema which construct lies there."""

    equal: bool
    exact: bool  # equal under plain C14N 2.0, before any normalisation
    normalised: dict[str, int] = field(default_factory=dict)
    difference: str | None = None  # first lines of a diff when not equal
    where: str | None = None
    steps: tuple[int, ...] = ()


def _root(doc: Any) -> Any:
    if isinstance(doc, bytes | str):
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        data = doc.encode() if isinstance(doc, str) else doc
        return etree.fromstring(data, parser)
    return doc.getroot() if hasattr(doc, "getroot") else doc


def _c14n(root: Any, rewrite: bool = False) -> str:
    return str(etree.canonicalize(etree.tostring(root, encoding="unicode"),
                                  rewrite_prefixes=rewrite))


def _normalise(root: Any, counts: dict[str, int]) -> None:
    def bump(key: str) -> None:
        counts[key] = counts.get(key, 0) + 1

    for el in root.iter(etree.Element):
        for name in [a for a in el.attrib if a.startswith(XSI)]:
            del el.attrib[name]
            bump("xsi")
    for node in root.xpath("//comment()|//processing-instruction()"):
        parent = node.getparent()
        if parent is None:
            continue
        previous = node.getprevious()
        if node.tail:
            if previous is not None:
                previous.tail = (previous.tail or "") + node.tail
            else:
                parent.text = (parent.text or "") + node.tail
        parent.remove(node)
        bump("comment")
    for el in root.iter(etree.Element):
        if len(el) == 0:
            continue
        texts = [el.text, *(child.tail for child in el)]
        if all(t is None or not t.strip() for t in texts):
            if el.text is not None:
                el.text = None
                bump("whitespace")
            for child in el:
                if child.tail is not None:
                    child.tail = None
                    bump("whitespace")


_BOOLEAN = {"true": True, "1": True, "false": False, "0": False}


def _same_value(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return False
    a, b = a.strip(), b.strip()
    if a in _BOOLEAN and b in _BOOLEAN:
        return _BOOLEAN[a] == _BOOLEAN[b]
    try:
        return Decimal(a) == Decimal(b) and a.lstrip("+-").replace(".", "").isdigit()
    except InvalidOperation:
        return False


def _lexical(a: Any, b: Any, counts: dict[str, int]) -> None:
    """Where both trees have the same elements, accept other lexical forms of a value."""
    pairs = list(zip(a.iter(etree.Element), b.iter(etree.Element), strict=False))
    if len(pairs) != sum(1 for _ in a.iter(etree.Element)) or any(
            x.tag != y.tag for x, y in pairs):
        return
    for x, y in pairs:
        if len(x) == 0 and len(y) == 0 and x.text != y.text and _same_value(x.text, y.text):
            y.text = x.text
            counts["lexical"] = counts.get("lexical", 0) + 1
        for name, value in x.attrib.items():
            other = y.get(name)
            if other != value and _same_value(value, other):
                y.set(name, value)
                counts["lexical"] = counts.get("lexical", 0) + 1


def compare_xml(original: Any, roundtripped: Any) -> XmlComparison:
    """Compare two documents (bytes, str, element or tree) as described in the module doc."""
    a = copy.deepcopy(_root(original))
    b = copy.deepcopy(_root(roundtripped))
    exact = _c14n(a) == _c14n(b)
    if exact:
        return XmlComparison(True, True)
    counts_a: dict[str, int] = {}
    counts_b: dict[str, int] = {}
    _normalise(a, counts_a)
    _normalise(b, counts_b)
    counts = {k: counts_a.get(k, 0) + counts_b.get(k, 0) for k in {*counts_a, *counts_b}}
    _lexical(a, b, counts)
    ca, cb = _c14n(a), _c14n(b)
    if ca != cb:
        ra, rb = _c14n(a, True), _c14n(b, True)
        if ra == rb:
            counts["prefix"] = 1
            ca, cb = ra, rb
    if ca == cb:
        return XmlComparison(True, False, counts)
    diff = difflib.unified_diff(ca.replace("><", ">\n<").splitlines(),
                                cb.replace("><", ">\n<").splitlines(), lineterm="", n=0)
    steps = _first_difference(a, b) or ()
    return XmlComparison(False, False, counts, "\n".join(list(diff)[:20]),
                         where=_path(a, steps), steps=steps)


def _elements(node: Any) -> list[Any]:
    return list(node.iterchildren(etree.Element))


def _first_difference(a: Any, b: Any) -> tuple[int, ...] | None:
    """The positions of the first element, in document order, whose name, attributes or text
    differ, or whose children differ in name, number or the text between them; ``None`` when
    the trees differ only outside elements (namespace declarations). A child out of place,
    missing or added is its parent's difference: the parent's content model decides order and
    number, so that is where a converter's loss would lie."""
    if a.tag != b.tag:
        return ()
    if dict(a.attrib) != dict(b.attrib) or (a.text or "") != (b.text or ""):
        return ()
    kids_a, kids_b = _elements(a), _elements(b)
    for index, (x, y) in enumerate(zip(kids_a, kids_b, strict=False)):
        if x.tag != y.tag or (x.tail or "") != (y.tail or ""):
            return ()
        below = _first_difference(x, y)
        if below is not None:
            return (index, *below)
    return () if len(kids_a) != len(kids_b) else None


def _path(root: Any, steps: tuple[int, ...]) -> str:
    """``/p:Root/p:Child[2]``: prefixed names, with a 1-based position among same-named
    siblings only where there are several."""

    def name(el: Any) -> str:
        local = etree.QName(el).localname
        return f"{el.prefix}:{local}" if el.prefix else local

    parts, node = [name(root)], root
    for index in steps:
        siblings = _elements(node)
        node = siblings[index]
        same = [s for s in siblings if s.tag == node.tag]
        parts.append(name(node) + (f"[{same.index(node) + 1}]" if len(same) > 1 else ""))
    return "/" + "/".join(parts)
