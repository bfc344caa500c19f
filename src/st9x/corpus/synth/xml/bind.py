"""Bind a valid instance's elements to the schema declarations and particles they match.

Mutations must know *why* a child is where it is (which particle, inside which groups) to
break exactly one rule: removing a child is a "missing required element" only if its particle
is required and nothing else can stand in for it. For a valid document this binding is
unambiguous by the XSD 1.0 rules (Element Declarations Consistent, Unique Particle
Attribution) as long as one name maps to one particle, which is all the mutations rely on;
names that several particles accept are left unbound and never mutated structurally.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from xmlschema.validators import XsdAnyElement, XsdElement, XsdGroup

from st9x.corpus.synth.xml.model import SchemaModel, is_any_type


@dataclass(frozen=True)
class ParticleRef:
    """An element particle and the chain of groups around it, outermost first."""

    particle: Any
    decl: Any
    chain: tuple[Any, ...]


@dataclass
class ContentIndex:
    """The element names one complex type's content accepts."""

    by_name: dict[str, list[ParticleRef]] = field(default_factory=dict)
    has_wildcard: bool = False
    groups: list[tuple[Any, tuple[Any, ...]]] = field(default_factory=list)

    def unique(self, name: str) -> ParticleRef | None:
        refs = self.by_name.get(name, [])
        return refs[0] if len(refs) == 1 else None


@dataclass
class BoundElement:
    element: Any
    decl: Any
    ref: ParticleRef | None  # how it matched inside its parent (None for the root)


class Binder:
    """Caches content indexes per type; binds trees of one schema model."""

    def __init__(self, model: SchemaModel) -> None:
        self.model = model
        self._indexes: dict[int, ContentIndex] = {}

    def content_index(self, xsd_type: Any) -> ContentIndex:
        key = id(xsd_type)
        if key not in self._indexes:
            index = ContentIndex()
            content = getattr(xsd_type, "content", None)
            if (
                xsd_type.is_complex()
                and not is_any_type(xsd_type)
                and isinstance(content, XsdGroup)
            ):
                self._walk(content, (content,), index)
            self._indexes[key] = index
        return self._indexes[key]

    def _walk(self, group: Any, chain: tuple[Any, ...], index: ContentIndex) -> None:
        index.groups.append((group, chain))
        for particle in group:
            if isinstance(particle, XsdGroup):
                self._walk(particle, (*chain, particle), index)
            elif isinstance(particle, XsdElement):
                for decl in self.model.candidates(particle):
                    index.by_name.setdefault(decl.name, []).append(
                        ParticleRef(particle, decl, chain)
                    )
            elif isinstance(particle, XsdAnyElement):
                index.has_wildcard = True

    def bind(self, root: Any) -> list[BoundElement]:
        """Bound elements in document order; children of unbound elements are skipped."""
        decl = self.model.schema.maps.elements.get(root.tag)
        if decl is None:
            return []
        bound = [BoundElement(root, decl, None)]
        stack = [(root, decl)]
        while stack:
            element, decl = stack.pop()
            index = self.content_index(decl.type)
            for child in element:
                if not isinstance(child.tag, str):
                    continue
                ref = index.unique(child.tag)
                if ref is None:
                    continue
                bound.append(BoundElement(child, ref.decl, ref))
                stack.append((child, ref.decl))
        order = {id(el): i for i, el in enumerate(root.iter())}
        bound.sort(key=lambda b: order.get(id(b.element), 0))
        return bound


def children_of(element: Any, index: ContentIndex, ref: ParticleRef) -> list[Any]:
    """The children of ``element`` that matched ``ref``'s particle."""
    result = []
    for child in element:
        if isinstance(child.tag, str):
            found = index.unique(child.tag)
            if found is not None and found.particle is ref.particle:
                result.append(child)
    return result


def qname(tag: str) -> etree.QName:
    return etree.QName(tag)
