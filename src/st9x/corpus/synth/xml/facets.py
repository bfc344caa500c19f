"""Which constraint kinds a lexical value breaks for a simple type.

The mutation engine promises that each invalid case breaks *exactly one* constraint of a named
kind. Asking a validator "is it valid?" cannot tell a length violation from a pattern violation,
so this module re-evaluates a value facet by facet along the type's derivation chain, using
xmlschema's own facet objects (so the semantics are xmlschema's, not a re-implementation).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from xmlschema import XMLSchemaValidationError
from xmlschema.names import (
    XSD_ENUMERATION,
    XSD_FRACTION_DIGITS,
    XSD_LENGTH,
    XSD_MAX_EXCLUSIVE,
    XSD_MAX_INCLUSIVE,
    XSD_MAX_LENGTH,
    XSD_MIN_EXCLUSIVE,
    XSD_MIN_INCLUSIVE,
    XSD_MIN_LENGTH,
    XSD_PATTERN,
    XSD_TOTAL_DIGITS,
    XSD_WHITE_SPACE,
)
from xmlschema.validators import XsdAtomicBuiltin, XsdAtomicRestriction, XsdList, XsdUnion

#: Constraint kind (the manifest's ``constraint`` enum) of each facet.
FACET_KIND: dict[str, str] = {
    XSD_LENGTH: "length",
    XSD_MIN_LENGTH: "length",
    XSD_MAX_LENGTH: "length",
    XSD_MIN_INCLUSIVE: "numeric-bound",
    XSD_MIN_EXCLUSIVE: "numeric-bound",
    XSD_MAX_INCLUSIVE: "numeric-bound",
    XSD_MAX_EXCLUSIVE: "numeric-bound",
    XSD_TOTAL_DIGITS: "digits",
    XSD_FRACTION_DIGITS: "digits",
    XSD_ENUMERATION: "enumeration",
    XSD_PATTERN: "pattern",
}

DATETIME_PRIMITIVES = frozenset(
    {"dateTime", "date", "time", "gYear", "gYearMonth", "gMonth", "gMonthDay", "gDay", "duration"}
)


@dataclass
class FacetSummary:
    """The effective facets of an atomic type: the most derived of each kind, and every
    pattern level (pattern facets of successive derivation steps must all match)."""

    builtin: str
    length: int | None = None
    min_length: int | None = None
    max_length: int | None = None
    total_digits: int | None = None
    fraction_digits: int | None = None
    enumeration: list[str] | None = None
    pattern_levels: list[Any] = field(default_factory=list)
    bounds: dict[str, Any] = field(default_factory=dict)
    bound_literals: dict[str, str] = field(default_factory=dict)


def builtin_of(simple_type: Any) -> Any:
    """The nearest built-in ancestor of an atomic type (``xs:token`` for a token restriction):
    generation starts from it, because built-ins have lexical rules the facets do not state."""
    current = simple_type
    while not isinstance(current, XsdAtomicBuiltin):
        base = getattr(current, "base_type", None)
        if base is None:
            return current
        if base.is_complex():
            base = base.content
        current = base
    return current


def summarize(simple_type: Any) -> FacetSummary:
    builtin = builtin_of(simple_type)
    summary = FacetSummary(builtin=getattr(builtin, "local_name", None) or "anySimpleType")
    current: Any = simple_type
    seen: set[str] = set()
    while current is not None:
        facets = getattr(current, "facets", {}) or {}
        for tag, facet in facets.items():
            if tag is None or tag == XSD_WHITE_SPACE:
                continue
            if tag == XSD_PATTERN:
                # Built-ins' own patterns (\i\c* for Name ...) are left to the built-in
                # generators, which keep to ASCII names that every validator accepts.
                if not isinstance(current, XsdAtomicBuiltin):
                    summary.pattern_levels.append(facet)
                continue
            if tag in seen:
                continue
            seen.add(tag)
            _record(summary, tag, facet)
        base = getattr(current, "base_type", None)
        if base is not None and base.is_complex():
            base = base.content if base.has_simple_content() else None
        current = base
    return summary


def _record(summary: FacetSummary, tag: str, facet: Any) -> None:
    if tag == XSD_LENGTH:
        summary.length = facet.value
    elif tag == XSD_MIN_LENGTH:
        summary.min_length = facet.value
    elif tag == XSD_MAX_LENGTH:
        summary.max_length = facet.value
    elif tag == XSD_TOTAL_DIGITS:
        summary.total_digits = facet.value
    elif tag == XSD_FRACTION_DIGITS:
        summary.fraction_digits = facet.value
    elif tag == XSD_ENUMERATION:
        summary.enumeration = enumeration_literals(facet)
    elif tag in (XSD_MIN_INCLUSIVE, XSD_MIN_EXCLUSIVE, XSD_MAX_INCLUSIVE, XSD_MAX_EXCLUSIVE):
        summary.bounds[tag] = facet.value
        literal = facet.elem.get("value") if facet.elem is not None else None
        if literal is not None:
            summary.bound_literals[tag] = literal.strip()


def enumeration_literals(facet: Any) -> list[str]:
    """The enumeration values as written in the schema (the facet keeps decoded values, which
    would lose the lexical form, e.g. ``1.50`` or ``+1``)."""
    literals = []
    for elem in facet:
        value = elem.get("value")
        if value is not None:
            literals.append(value)
    return literals


def is_atomic_restriction(simple_type: Any) -> bool:
    return isinstance(simple_type, XsdAtomicRestriction | XsdAtomicBuiltin)


def violated_kinds(simple_type: Any, text: str) -> set[str]:
    """The constraint kinds ``text`` breaks for ``simple_type`` (empty set: valid).

    Lists and unions are judged as a whole (``datatype``), since a facet of a member type is
    not a facet of the union.
    """
    if isinstance(simple_type, XsdUnion | XsdList) or not is_atomic_restriction(simple_type):
        return set() if simple_type.is_valid(text) else {"datatype"}
    if isinstance(simple_type, XsdAtomicBuiltin):
        if simple_type.is_valid(text):
            return set()
        primitive = getattr(simple_type.primitive_type, "local_name", "")
        return {"date-time" if primitive in DATETIME_PRIMITIVES else "datatype"}

    base = simple_type.base_type
    if base.is_complex():
        base = base.content
    kinds = violated_kinds(base, text)
    normalized = simple_type.normalize(text)
    pattern_facet = simple_type.facets.get(XSD_PATTERN)
    if pattern_facet is not None and not _passes(pattern_facet, normalized):
        kinds.add("pattern")
    if kinds & {"datatype", "date-time"}:
        return kinds
    try:
        value = base.decode(normalized)
    except XMLSchemaValidationError:
        return kinds | {"datatype"}
    for tag, facet in simple_type.facets.items():
        if tag in (None, XSD_WHITE_SPACE, XSD_PATTERN):
            continue
        if not _passes(facet, value):
            kinds.add(FACET_KIND.get(tag, "datatype"))
    return kinds


def _passes(facet: Any, value: Any) -> bool:
    try:
        facet(value)
    except XMLSchemaValidationError:
        return False
    except (TypeError, ValueError):
        return False
    return True
