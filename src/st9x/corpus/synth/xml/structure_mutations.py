"""Structural mutations: the tree made to break its content model once — a required element or
attribute removed, an element repeated beyond maxOccurs or removed below minOccurs, two siblings
swapped, an undeclared element or attribute added, a child moved to another namespace, a choice
left empty or given a second branch, text put into element-only content.

A site is only taken where the one change breaks one constraint: a child is removed for
``missing-required-element`` only if its particle is required and every group around it occurs
exactly once; a copied subtree gets fresh ID values so that it does not also repeat an ID. Apart
from the value mutations (:mod:`st9x.corpus.synth.xml.value_mutations`) because these look at
particles, groups and the schema's global declarations, never at facets.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable
from typing import Any

from lxml import etree
from xmlschema.validators import XsdElement, XsdGroup

from st9x.corpus.synth.records import Site
from st9x.corpus.synth.xml.bind import BoundElement, ContentIndex, ParticleRef, children_of
from st9x.corpus.synth.xml.facets import builtin_of
from st9x.corpus.synth.xml.model import is_any_type, is_simple_content
from st9x.corpus.synth.xml.mutation_context import (
    MutationContext,
    TreeSite,
    declared_attributes,
    scratch_context,
    short_name,
)
from st9x.corpus.synth.xml.values import type_label

ST96_COMMON = "http://www.wipo.int/standards/XMLSchema/ST96/Common"
ST96_VERSION = f"{{{ST96_COMMON}}}st96Version"
OTHER_NAMESPACE = "urn:st9x:mutation:other"
XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace"
XSI_NAMESPACE = "http://www.w3.org/2001/XMLSchema-instance"


def _single(groups: tuple[Any, ...]) -> bool:
    return all(g.min_occurs == 1 and g.max_occurs == 1 for g in groups)


def _required_path(groups: tuple[Any, ...]) -> bool:
    """Every group occurs exactly once and is a sequence/all: the particle's occurrences are
    counted against its own bounds only."""
    return _single(groups) and all(g.model in ("sequence", "all") for g in groups)


def _complex_bound(ctx: MutationContext) -> list[tuple[BoundElement, ContentIndex]]:
    return [
        (b, ctx.index_of(b.decl.type))
        for b in ctx.bound
        if b.decl.type.is_complex()
        and not is_simple_content(b.decl.type)
        and not is_any_type(b.decl.type)
    ]


def _refs_with_children(element: Any, index: ContentIndex) -> list[tuple[ParticleRef, list]]:
    seen: dict[int, tuple[ParticleRef, list]] = {}
    for child in element:
        if not isinstance(child.tag, str):
            continue
        ref = index.unique(child.tag)
        if ref is not None and id(ref.particle) not in seen:
            seen[id(ref.particle)] = (ref, children_of(element, index, ref))
    return list(seen.values())


def missing_required_element(ctx: MutationContext) -> list[TreeSite]:
    sites = []
    for b, index in _complex_bound(ctx):
        for ref, children in _refs_with_children(b.element, index):
            p = ref.particle
            if p.min_occurs == 1 and len(children) == 1 and _required_path(ref.chain):
                sites.append(Site("missing-required-element", _remove(ctx, b, children[:1])))
    return sites


def min_occurs(ctx: MutationContext) -> list[TreeSite]:
    sites = []
    for b, index in _complex_bound(ctx):
        for ref, children in _refs_with_children(b.element, index):
            p = ref.particle
            if p.min_occurs >= 2 and len(children) == p.min_occurs and _required_path(ref.chain):
                sites.append(Site("min-occurs", _remove(ctx, b, children[-1:])))
    return sites


def _remove(ctx: MutationContext, parent: BoundElement, children: list) -> Callable[[], str]:
    def apply() -> str:
        names = [short_name(ctx.model, c.tag) for c in children]
        for child in children:
            _drop(child)
        return f"removed {', '.join(names)} from {parent.decl.prefixed_name}"

    return apply


def _drop(child: Any) -> None:
    """Remove an element but keep its tail text (mixed content must stay as it was)."""
    parent = child.getparent()
    if child.tail and child.tail.strip():
        previous = child.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + child.tail
        else:
            parent.text = (parent.text or "") + child.tail
    parent.remove(child)


def max_occurs(ctx: MutationContext) -> list[TreeSite]:
    sites = []
    for b, index in _complex_bound(ctx):
        for ref, children in _refs_with_children(b.element, index):
            p = ref.particle
            if p.max_occurs is not None and len(children) == p.max_occurs and _single(ref.chain):
                sites.append(Site("max-occurs", _duplicate(ctx, b, children[-1], ref)))
    return sites


def _duplicate(
    ctx: MutationContext, parent: BoundElement, child: Any, ref: ParticleRef
) -> Callable[[], str]:
    def apply() -> str:
        twin = copy.deepcopy(child)
        twin.tail = child.tail
        child.addnext(twin)
        _renumber_ids(ctx, twin)
        limit = ref.particle.max_occurs
        return f"{short_name(ctx.model, child.tag)} repeated beyond maxOccurs={limit}" \
            f" in {parent.decl.prefixed_name}"

    return apply


def _renumber_ids(ctx: MutationContext, subtree: Any) -> None:
    """A copied subtree would repeat ID values (a second broken constraint): give its ID
    attributes fresh values. IDs are found by declared type, via the binder."""
    counter = 0
    for b in _bind_subtree(ctx, subtree):
        if not b.decl.type.is_complex():
            continue
        for name in list(b.element.attrib):
            attribute = b.decl.type.attributes.get(name)
            builtin = getattr(builtin_of(attribute.type), "local_name", "") if attribute else ""
            if builtin == "ID":
                counter += 1
                b.element.set(name, f"st9xcopy{counter}{ctx.rng.randrange(10**6)}")


def _bind_subtree(ctx: MutationContext, subtree: Any) -> list[BoundElement]:
    parent = subtree.getparent()
    owner = next((b for b in ctx.bound if b.element is parent), None)
    if owner is None:
        return []
    ref = ctx.index_of(owner.decl.type).unique(subtree.tag)
    if ref is None:
        return []
    result = [BoundElement(subtree, ref.decl, ref)]
    stack = [(subtree, ref.decl)]
    while stack:
        element, decl = stack.pop()
        index = ctx.index_of(decl.type)
        for child in element:
            if isinstance(child.tag, str) and (found := index.unique(child.tag)) is not None:
                result.append(BoundElement(child, found.decl, found))
                stack.append((child, found.decl))
    return result


def wrong_order(ctx: MutationContext) -> list[TreeSite]:
    sites = []
    for b, index in _complex_bound(ctx):
        children = [c for c in b.element if isinstance(c.tag, str)]
        for first, second in itertools.pairwise(children):
            r1, r2 = index.unique(first.tag), index.unique(second.tag)
            if r1 is None or r2 is None or r1.particle is r2.particle or first.tag == second.tag:
                continue
            group = r1.chain[-1]
            if r2.chain[-1] is not group or group.model != "sequence" or not _single(r1.chain):
                continue
            if list(group).index(r1.particle) < list(group).index(r2.particle):
                sites.append(Site("wrong-order", _swap(ctx, b, first, second)))
    return sites


def _swap(ctx: MutationContext, parent: BoundElement, first: Any, second: Any) -> Callable[[], str]:
    def apply() -> str:
        first.addprevious(second)  # moves ``second`` (with its tail) before ``first``
        return f"swapped {short_name(ctx.model, first.tag)} and " \
            f"{short_name(ctx.model, second.tag)} in {parent.decl.prefixed_name}"

    return apply


def unexpected_element(ctx: MutationContext) -> list[TreeSite]:
    # Sorted: the global maps' order follows xmlschema's schema loading, which is not fixed.
    simple_globals = [
        d for d in sorted(ctx.model.schema.maps.elements.values(), key=lambda d: d.name)
        if is_simple_content(d.type) and not d.abstract and d.type.is_simple()
    ]
    sites = []
    for b, index in _complex_bound(ctx):
        if index.has_wildcard:
            continue
        strangers = [d for d in simple_globals if d.name not in index.by_name]
        if strangers:
            decl = strangers[ctx.rng.randrange(len(strangers))]
            sites.append(Site("unexpected-element", _append_element(ctx, b, decl)))
    return sites


def _append_element(ctx: MutationContext, parent: BoundElement, decl: Any) -> Callable[[], str]:
    def apply() -> str:
        child = etree.SubElement(parent.element, decl.name)
        child.text = ctx.values.value(decl.type, type_label(decl.type, decl.prefixed_name),
                                      scratch_context())
        return f"{decl.prefixed_name} (not allowed there) appended to {parent.decl.prefixed_name}"

    return apply


def unexpected_attribute(ctx: MutationContext) -> list[TreeSite]:
    global_attributes = [
        a for a in sorted(ctx.model.schema.maps.attributes.values(), key=lambda a: a.name)
        if a.target_namespace
        and a.target_namespace not in (XML_NAMESPACE, XSI_NAMESPACE)  # always allowed
    ]
    sites = []
    for b in ctx.bound:
        xsd_type = b.decl.type
        attributes = xsd_type.attributes if xsd_type.is_complex() else {}
        if xsd_type.is_complex() and None in attributes:
            continue  # an attribute wildcard may accept anything
        strangers = [a for a in global_attributes if a.name not in attributes]
        if strangers:
            attribute = strangers[ctx.rng.randrange(len(strangers))]
            sites.append(Site("unexpected-attribute", _add_attribute(ctx, b, attribute)))
    return sites


def _add_attribute(ctx: MutationContext, b: BoundElement, attribute: Any) -> Callable[[], str]:
    def apply() -> str:
        value = attribute.fixed or ctx.values.value(
            attribute.type, type_label(attribute.type, attribute.prefixed_name), scratch_context()
        )
        b.element.set(attribute.name, value)
        return f"attribute {attribute.prefixed_name} (not declared) added to {b.decl.prefixed_name}"

    return apply


def wrong_namespace(ctx: MutationContext) -> list[TreeSite]:
    namespaces = [ns for ns in dict.fromkeys(ctx.root.nsmap.values()) if ns]
    sites = []
    for b, index in _complex_bound(ctx):
        if index.has_wildcard:
            continue
        for child in b.element:
            if not isinstance(child.tag, str) or index.unique(child.tag) is None:
                continue
            q = etree.QName(child)
            others = [ns for ns in namespaces if ns != q.namespace] or [OTHER_NAMESPACE]
            for namespace in others:
                tag = f"{{{namespace}}}{q.localname}"
                if tag not in index.by_name:
                    sites.append(Site("wrong-namespace", _rename(ctx, child, tag)))
                    break
    return sites


def _rename(ctx: MutationContext, child: Any, tag: str) -> Callable[[], str]:
    def apply() -> str:
        old = child.tag
        child.tag = tag
        return f"{old} renamed to {tag} (same local name, other namespace)"

    return apply


def missing_st96_version(ctx: MutationContext) -> list[TreeSite]:
    root = ctx.root
    decl = ctx.bound[0].decl if ctx.bound else None
    if decl is None or ST96_VERSION not in root.attrib or not decl.type.is_complex():
        return []
    attribute = decl.type.attributes.get(ST96_VERSION)
    if attribute is None or attribute.use != "required":
        return []

    def apply() -> str:
        del root.attrib[ST96_VERSION]
        return f"required com:st96Version removed from {decl.prefixed_name}"

    return [Site("missing-st96-version", apply)]


def _choice_groups(index: ContentIndex) -> list[tuple[Any, tuple[Any, ...]]]:
    return [
        (group, chain) for group, chain in index.groups
        if group.model == "choice" and _single(chain)
    ]


def _group_names(group: Any, index: ContentIndex) -> set[str]:
    names: set[str] = set()
    for name, refs in index.by_name.items():
        if any(group in ref.chain for ref in refs):
            names.add(name)
    return names


def choice_none(ctx: MutationContext) -> list[TreeSite]:
    sites = []
    for b, index in _complex_bound(ctx):
        for group, chain in _choice_groups(index):
            if not _required_path(chain[:-1]) or any(p.is_emptiable() for p in group):
                continue
            names = _group_names(group, index)
            if any(len(index.by_name[n]) != 1 for n in names):
                continue
            members = [c for c in b.element if isinstance(c.tag, str) and c.tag in names]
            if members:
                sites.append(Site("choice-none", _remove(ctx, b, members)))
    return sites


def choice_multiple(ctx: MutationContext) -> list[TreeSite]:
    sites = []
    for b, index in _complex_bound(ctx):
        for group, _chain in _choice_groups(index):
            names = _group_names(group, index)
            if any(len(index.by_name[n]) != 1 for n in names):
                continue
            present = [c for c in b.element if isinstance(c.tag, str) and c.tag in names]
            if not present:
                continue
            used = {id(_branch_of(index.unique(c.tag), group)) for c in present}
            others = [
                p for p in group
                if isinstance(p, XsdElement) and id(p) not in used
                and not any(d.name in {c.tag for c in present} for d in ctx.model.candidates(p))
            ]
            if others:
                branch = others[ctx.rng.randrange(len(others))]
                sites.append(Site("choice-multiple", _add_branch(ctx, b, present[-1], branch)))
    return sites


def _branch_of(ref: ParticleRef | None, group: Any) -> Any:
    """The particle of ``group`` through which ``ref`` is reached (a branch of the choice)."""
    if ref is None:
        return None
    chain = ref.chain
    position = chain.index(group)
    return chain[position + 1] if position + 1 < len(chain) else ref.particle


def _add_branch(
    ctx: MutationContext, parent: BoundElement, after: Any, branch: Any
) -> Callable[[], str]:
    def apply() -> str:
        child = ctx.builder.element_for(parent.element, branch, depth=1)
        after.addnext(child)
        return f"second choice alternative {short_name(ctx.model, child.tag)} added next to " \
            f"{short_name(ctx.model, after.tag)} in {parent.decl.prefixed_name}"

    return apply


def mixed_content(ctx: MutationContext) -> list[TreeSite]:
    sites = []
    for b, _index in _complex_bound(ctx):
        xsd_type = b.decl.type
        if xsd_type.mixed or not isinstance(getattr(xsd_type, "content", None), XsdGroup):
            continue

        def apply(element: Any = b.element, where: str = b.decl.prefixed_name) -> str:
            element.text = "st9x unexpected text" + (element.text or "")
            return f"character data added to element-only content of {where}"

        sites.append(Site("mixed-content", apply))
    return sites


def malformed(ctx: MutationContext) -> list[TreeSite]:
    """Handled at serialization time by the driver (a tree cannot be malformed)."""
    return [Site("malformed", lambda: "closing tag of the root element removed")]


def missing_required_attribute(ctx: MutationContext) -> list[TreeSite]:
    sites = []
    for b, name, attribute in declared_attributes(ctx):
        if attribute.use != "required" or name not in b.element.attrib:
            continue
        if name == ST96_VERSION and b.element is ctx.root:
            continue  # that one has its own kind, missing-st96-version

        def apply(element: Any = b.element, attr: str = name, where: str = b.decl.prefixed_name
                  ) -> str:
            del element.attrib[attr]
            return f"required attribute {etree.QName(attr).localname} removed from {where}"

        sites.append(Site("missing-required-attribute", apply))
    return sites
