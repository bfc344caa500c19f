"""The XSD facts every rule of the catalogue decides from, read from xmlschema's component model.

Every rule decides *from the XSD* (element declarations, content groups, ``max_occurs``,
attributes, ``mixed``, ``derivation`` and ``base_type``) which elements and types a decision is
about, and only then looks at the JSON. Deciding from names (``…Bag`` holds ``<Name>`` children, a
``$defs`` key that ends with a type's local name) gave false positives: a Bag that carries
attributes is an object in ST.97 v2, not a collection, and an extension of mixed content the
converter reports as a loss is not a failure to apply decision 8.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

UNBOUNDED = -1


def _max(particle: Any) -> int:
    value = getattr(particle, "max_occurs", 1)
    return UNBOUNDED if value is None else int(value)


def _times(a: int, b: int) -> int:
    return UNBOUNDED if UNBOUNDED in (a, b) else a * b


@dataclass
class Child:
    """An element particle of a content model, as its parent type sees it."""

    decl: Any
    max: int  # effective: the particle's maxOccurs times its enclosing groups' (-1 unbounded)
    alternative: bool  # an element alternative of a decision-5 choice
    required: bool = True  # …of a choice that must occur (minOccurs ≥ 1): then anyOf applies


def _is_group(particle: Any) -> bool:
    return hasattr(particle, "model") and isinstance(getattr(particle, "model", None), str)


def _walk_group(group: Any, outer: int, alternative: bool = False,
                under_choice: bool = False, required: bool = True) -> Iterator[Child | None]:
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
            yield Child(particle, _times(here, _max(particle)), alternative, required)
        else:
            yield None  # xs:any


def children(xsd_type: Any) -> list[Child | None]:
    """The element particles of a complex type's content model, in order (``None``: xs:any)."""
    content = getattr(xsd_type, "content", None)
    if not is_complex(xsd_type) or content is None or not _is_group(content):
        return []
    return list(_walk_group(content, 1))


def child_map(xsd_type: Any) -> dict[str, Child]:
    """The element particles of a type by qualified name."""
    return {c.decl.name: c for c in children(xsd_type) if c is not None}


def is_complex(xsd_type: Any) -> bool:
    return bool(xsd_type is not None and xsd_type.is_complex())


def has_attributes(xsd_type: Any) -> bool:
    attributes = getattr(xsd_type, "attributes", None)
    return bool(attributes is not None and len(attributes) > 0)


def mixed(xsd_type: Any) -> bool:
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
    if not is_complex(xsd_type) or mixed(xsd_type) or has_attributes(xsd_type) \
            or xsd_type.has_simple_content():
        return False
    particles = children(xsd_type)
    return len(particles) == 1 and particles[0] is not None and particles[0].max != 1


def simple_with_attributes(xsd_type: Any) -> bool:
    """Decision 7's types: simple content that carries attributes."""
    return bool(is_complex(xsd_type) and xsd_type.has_simple_content()
                and has_attributes(xsd_type))


def extension_base(xsd_type: Any) -> Any:
    """The base of a decision-8 extension: a named complex type with complex content (element
    content, or mixed) extended by derivation; ``None`` for anything else (simple-content
    extensions add attributes to a text value, decision 7's business)."""
    if not is_complex(xsd_type) or getattr(xsd_type, "derivation", None) != "extension":
        return None
    base = getattr(xsd_type, "base_type", None)
    if not is_complex(base) or base.name is None \
            or base.name.startswith("{http://www.w3.org/2001/XMLSchema}") \
            or base.has_simple_content() or xsd_type.has_simple_content():
        return None
    return base
