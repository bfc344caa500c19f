"""What every mutation finder works with: the :class:`MutationContext` of one document, the
:data:`TreeSite` it returns, and the small helpers all finders share (an element's short name for
the description, a throw-away document context for values made up on the spot).

Apart from the finders (:mod:`st9x.corpus.synth.xml.value_mutations`,
:mod:`st9x.corpus.synth.xml.structure_mutations`) so that both kinds share it without importing
each other, and the table of kinds (:mod:`st9x.corpus.synth.xml.mutations`) can import both.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree

from st9x.corpus.synth.records import Site
from st9x.corpus.synth.xml.bind import BoundElement, ContentIndex
from st9x.corpus.synth.xml.builder import InstanceBuilder
from st9x.corpus.synth.xml.model import SchemaModel
from st9x.corpus.synth.xml.values import DocumentContext, ValueFactory

#: An applicable mutation: ``apply`` edits the tree the site was found in and says what it did.
TreeSite = Site[Callable[[], str]]


@dataclass
class MutationContext:
    """One document as the finders see it: its tree bound to the schema's declarations, the
    random generator and the value/instance makers of the run."""

    model: SchemaModel
    bound: list[BoundElement]
    index_of: Callable[[Any], ContentIndex]
    rng: random.Random
    values: ValueFactory
    builder: InstanceBuilder
    root: Any


def name_of(tag: str) -> str:
    q = etree.QName(tag)
    return f"{{{q.namespace}}}{q.localname}" if q.namespace else q.localname


def short_name(model: SchemaModel, tag: str) -> str:
    """An element's name for a mutation's description: its declaration's prefixed name."""
    decl = model.schema.maps.elements.get(tag)
    return decl.prefixed_name if decl is not None else etree.QName(tag).localname


def scratch_context() -> DocumentContext:
    """A throw-away document context: mutated values never hand out IDs."""
    return DocumentContext(id_prefix="st9xm")


def declared_attributes(ctx: MutationContext) -> Iterator[tuple[BoundElement, str, Any]]:
    """Each bound element of complex type with each attribute its type declares (wildcards
    left out): what the attribute mutations start from."""
    for b in ctx.bound:
        xsd_type = b.decl.type
        if not xsd_type.is_complex():
            continue
        for name, attribute in xsd_type.attributes.items():
            if name is not None:
                yield b, name, attribute
