"""What a conversion could not express, and where.

Every construct the compiler or mapper cannot carry over into JSON Schema/JSON is recorded as a
:class:`Loss` instead of being dropped: the loss report is how a task force compares converters
and profiles, so a silent drop would make a converter look better than it is. Locations are
``file:line`` of the XSD declaration where we can find it (xmlschema parses with ElementTree and
keeps no line numbers, so we look the named component up once in an lxml parse of its file),
else the component path inside the nearest named component.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lxml import etree

XSD_NS = "http://www.w3.org/2001/XMLSchema"

#: Constructs whose loss only weakens the JSON Schema (a facet, a requirement, an identity
#: constraint not checked), never what the mapper writes: they cannot explain a round trip that
#: differs. ``sequence-order`` is here because the mapper restores sequence order itself.
SCHEMA_ONLY = frozenset({
    "assertion", "bound", "choice-anyof", "date-calendar", "digits", "facet", "id-idref",
    "identity-constraint", "length", "nested-choice", "pattern", "sequence-order",
    "union-facets", "value-constraint", "version",
})

#: The improvement-register item each construct belongs to (a resolved decision, or the open
#: question whose option selects the mapping), so a reader can tell a loss the register chose
#: from one nobody decided.
REGISTER_ITEMS = {
    "choice-anyof": "decision 5",
    "nested-choice": "decision 5",
    "mixed-extension": "decision 8",
    "extension-structure": "decision 8",
    "choice-order": "open question 6",
    "repeated-choice": "open question 6",
    "mixed-content": "open question 9",
    "version": "open question 10",
}


@dataclass(frozen=True, order=True)
class Loss:
    """One construct that could not be expressed exactly.

    ``construct`` is a short stable identifier (``pattern``, ``wildcard``, ``mixed-content``…)
    so reports can be grouped and counted; ``reason`` is for humans.
    """

    construct: str
    location: str
    reason: str

    def __str__(self) -> str:
        return f"{self.location}: [{self.construct}] {self.reason}"


class LossLog:
    """An ordered, de-duplicated list of losses (a type used by many elements is reported once)."""

    def __init__(self) -> None:
        self._items: dict[Loss, None] = {}

    def add(self, construct: str, component: Any, reason: str) -> Loss:
        loss = Loss(construct, locate(component), reason)
        self._items.setdefault(loss, None)
        return loss

    def add_at(self, construct: str, location: str, reason: str) -> Loss:
        loss = Loss(construct, location, reason)
        self._items.setdefault(loss, None)
        return loss

    def items(self) -> list[Loss]:
        return list(self._items)

    def counts(self) -> Counter[str]:
        return Counter(loss.construct for loss in self._items)


def _file_of(component: Any) -> str | None:
    schema = getattr(component, "schema", None)
    url = getattr(schema, "url", None) if schema is not None else None
    if not url:
        return None
    parsed = urlparse(url)
    return unquote(parsed.path) if parsed.scheme in ("file", "") else url


@lru_cache(maxsize=256)
def _lines(path: str) -> dict[tuple[str, str], int]:
    """(tag local name, @name) → line of the first global declaration in ``path``."""
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        root = etree.parse(path, parser).getroot()
    except (OSError, etree.XMLSyntaxError):
        return {}
    found: dict[tuple[str, str], int] = {}
    for node in root:
        if not isinstance(node.tag, str) or not node.tag.startswith(f"{{{XSD_NS}}}"):
            continue
        name = node.get("name")
        if name:
            found.setdefault((etree.QName(node).localname, name), node.sourceline or 0)
    return found


def _kind(component: Any) -> str:
    tag = getattr(getattr(component, "elem", None), "tag", "") or ""
    return tag.rpartition("}")[2]


def locate(component: Any) -> str:
    """``file:line (path)`` for an xmlschema component, as precise as we can make it."""
    if component is None:
        return "<schema>"
    if isinstance(component, str):
        return component
    trail: list[str] = []
    current = component
    while current is not None:
        name = getattr(current, "local_name", None) or getattr(current, "name", None)
        kind = _kind(current)
        is_global = getattr(current, "parent", None) is None
        if is_global and name:
            trail.append(f"{kind}[{name}]")
            path = _file_of(current)
            line = _lines(path).get((kind, name)) if path else None
            if path and line:
                where = f"{Path(path).name}:{line}"
            else:
                where = Path(path).name if path else "?"
            return f"{where} ({'/'.join(reversed(trail))})"
        trail.append(f"{kind}[{name}]" if name else kind or type(current).__name__)
        current = getattr(current, "parent", None)
    path = _file_of(component)
    return f"{Path(path).name if path else '?'} ({'/'.join(reversed(trail))})"
