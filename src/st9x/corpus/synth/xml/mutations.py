"""The XML mutation kinds and their finders: each finder finds places in a valid tree where
exactly one constraint of its kind can be broken, and breaks it.

Sites are chosen from the schema components, not from the document text: a value is only
mutated for ``pattern`` if its type has a pattern facet and the new value breaks that facet
and nothing else (checked facet by facet, see :mod:`st9x.corpus.synth.xml.facets`); a child is
only removed for ``missing-required-element`` if its particle is required and every group around
it occurs exactly once. The validators still have the last word (see
:mod:`st9x.corpus.synth.mutation`).

The finders live in :mod:`st9x.corpus.synth.xml.value_mutations` (facets and fixed values) and
:mod:`st9x.corpus.synth.xml.structure_mutations` (content models); this module is their table,
the one list of XML mutation kinds the driver (:mod:`st9x.corpus.synth.xml.mutate`) and the
command line read.
"""

from __future__ import annotations

from collections.abc import Callable

from st9x.corpus.synth.xml.mutation_context import MutationContext, TreeSite
from st9x.corpus.synth.xml.structure_mutations import (
    choice_multiple,
    choice_none,
    malformed,
    max_occurs,
    min_occurs,
    missing_required_attribute,
    missing_required_element,
    missing_st96_version,
    mixed_content,
    unexpected_attribute,
    unexpected_element,
    wrong_namespace,
    wrong_order,
)
from st9x.corpus.synth.xml.value_mutations import VALUE_KINDS, fixed_value, value_sites

FINDERS: dict[str, Callable[[MutationContext], list[TreeSite]]] = {
    "missing-required-element": missing_required_element,
    "missing-required-attribute": missing_required_attribute,
    "unexpected-element": unexpected_element,
    "unexpected-attribute": unexpected_attribute,
    "wrong-order": wrong_order,
    "max-occurs": max_occurs,
    "min-occurs": min_occurs,
    "wrong-namespace": wrong_namespace,
    "missing-st96-version": missing_st96_version,
    "choice-none": choice_none,
    "choice-multiple": choice_multiple,
    "mixed-content": mixed_content,
    "fixed-value": fixed_value,
    "malformed": malformed,
}
for _kind in VALUE_KINDS:
    FINDERS[_kind] = lambda ctx, kind=_kind: value_sites(kind, ctx)

#: Kinds tried by default: every XML kind of the manifest's enum except ``malformed``
#: (a parse error, whose expected verdict depends on the harness's policy).
DEFAULT_KINDS = tuple(k for k in FINDERS if k != "malformed")
