"""Content models into JSON properties: the particle walk of the shape builder.

One job: flatten an XSD content model (sequences, ``all`` groups, choices, substitution groups,
``xsd:any``) into the :class:`~st9x.st97.model.Prop` list and the ``anyOf``/``oneOf``
constraints of a :class:`~st9x.st97.model.Shape`, with the occurrences each particle gets from
the groups around it. It is apart from the type-level rules (attributes, simple content,
extensions, mixed content, collections), which call it through :meth:`ContentModels._add_content`
and :meth:`ContentModels.wildcard` only.
"""

from __future__ import annotations

from typing import Any

from xmlschema.validators import XsdAnyElement, XsdElement, XsdGroup

from st9x.st97.losses import LossLog
from st9x.st97.model import (
    XSD_NS,
    Prop,
    Shape,
    Wildcard,
    member_key,
    namespace_regex,
    real_declaration,
    substitution_candidates,
)
from st9x.st97.names import PrefixTable, lower_camel, split_qname, unique_name, upper_first
from st9x.st97.profiles import Settings

#: A lax/strict wildcard is converted with the global declarations it matches (typed members)
#: only when there are at most this many; beyond that its content is generic (reported).
MAX_TYPED_MEMBERS = 32


def _mul(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a * b


def _dedupe(props: list[Prop]) -> list[Prop]:
    seen: set[int] = set()
    out = []
    for p in props:
        if id(p) not in seen:
            seen.add(id(p))
            out.append(p)
    return out


class ContentModels:
    """The content-model half of the shape builder, as a mixin: the builder supplies the schema,
    settings, loss log, prefixes and the walk state below (set in its ``__init__``)."""

    schema: Any
    settings: Settings
    losses: LossLog
    prefixes: PrefixTable | None
    #: props created by earlier alternatives of a choice
    _siblings: set[int]
    #: inside the implicit choice of a substitution group head
    _in_subst: bool
    #: type id → names of element properties merged from several particles (reported)
    _merged: dict[int, set[str]]
    _order_reported: bool

    def wildcard(self, particle: Any, wmin: int, wmax: int | None, *, mixed: bool) -> Wildcard:
        """The :class:`Wildcard` of an ``xsd:any`` (effective occurrences), with its losses."""
        process = particle.process_contents
        wildcard = Wildcard(particle, wmin, wmax, namespace_regex(particle, attribute=False))
        if process in ("lax", "strict"):
            matching = sorted(
                (decl for qname, decl in self.schema.maps.elements.items()
                 if not decl.abstract and split_qname(qname)[0] != XSD_NS
                 and particle.is_namespace_allowed(split_qname(qname)[0])),
                key=lambda d: d.name,
            )
            if len(matching) <= MAX_TYPED_MEMBERS:
                wildcard.typed = {member_key(d.name): d for d in matching}
                wildcard.generic = process == "lax"
            else:
                self.losses.add(
                    "wildcard", particle,
                    f"xsd:any processContents={process}: {len(matching)} global declarations "
                    f"match (more than {MAX_TYPED_MEMBERS}); matched elements are converted in "
                    "the generic element form, not with their declarations",
                )
        if getattr(particle, "not_namespace", None) or getattr(particle, "not_qname", None):
            self.losses.add("wildcard", particle, "XSD 1.1 notNamespace/notQName is not "
                            "expressed (any namespace is allowed in JSON)")
        if mixed:
            return wildcard
        problems = []
        if wmax is None or wmax > 1:
            problems.append("matched elements are grouped by name (one array per name): "
                            "their order across names is not kept in JSON, and the mapper "
                            "writes them back grouped by name")
        if wmax is not None:
            problems.append(f"maxOccurs={wmax} becomes maxItems per name, not a bound on all "
                            "matched elements together")
        if wmin > 1:
            problems.append(f"minOccurs={wmin}: JSON requires at least one matched element only")
        if problems:
            self.losses.add("wildcard", particle, "xsd:any: " + "; ".join(problems))
        return wildcard

    def _add_content(self, shape: Shape, group: Any, taken: set[str], *, whole: bool) -> None:
        """Flatten a content model into properties (all profiles, all options)."""
        props, constraints = self._collect(shape, group, 1, 1, taken, whole=whole)
        shape.props.extend(p for p in _dedupe(props) if p not in shape.props)
        shape.constraints.extend(constraints)

    def _element_prop(self, shape: Shape, decl: Any, emin: int, emax: int | None,
                      taken: set[str]) -> Prop:
        qname = decl.name
        existing = shape.elements.get(qname)
        if existing is not None and len(existing) == 1 and id(existing[0]) in self._siblings:
            # the same element in another alternative of the same choice: alternatives exclude
            # each other, so the occurrences do not add up
            prop = existing[0]
            prop.max_items = None if emax is None or prop.max_items is None else max(
                prop.max_items, emax)
            if emax is None or emax > 1:
                prop.array = True
            prop.occurs_min = min(prop.occurs_min, emin)
            prop.min_items = max(1, prop.occurs_min) if prop.array else 0
            return prop
        if existing is not None and len(existing) == 1:
            prop = existing[0]
            prop.array = True
            prop.required = prop.required or emin >= 1
            prop.min_items = max(1, min(prop.min_items, emin))
            prop.max_items = None if emax is None or prop.max_items is None else (
                prop.max_items + emax
            )
            self._merged.setdefault(id(shape.xsd_type), set()).add(prop.name)
            return prop
        local = split_qname(qname)[1]
        wanted = lower_camel(local)
        ns = split_qname(qname)[0]
        try:
            suffix = self.prefixes.prefix(ns) if self.prefixes else "ns"
        except KeyError:
            suffix = "ns"
        name = unique_name(wanted, taken, "_" + suffix)
        if name != wanted:
            self.losses.add("name-collision", shape.xsd_type, f"element {qname} named {name!r}")
        taken.add(name)
        array = emax is None or emax > 1
        prop = Prop(
            name, "element", decl, array=array,
            min_items=max(1, emin) if array else 0,
            max_items=emax, required=emin >= 1, occurs_min=emin,
        )
        shape.elements[qname] = [prop]
        return prop

    def _collect(
        self, shape: Shape, particle: Any, mmin: int, mmax: int | None, taken: set[str],
        *, whole: bool,
    ) -> tuple[list[Prop], list[dict[str, Any]]]:
        if isinstance(particle, XsdElement):
            candidates = substitution_candidates(particle)
            if not self._in_subst and (len(candidates) != 1 or candidates[0] is not particle):
                # a substitution group head: an implicit choice of its members
                self._in_subst = True
                try:
                    return self._collect_choice(
                        shape, candidates, particle, mmin * particle.min_occurs,
                        _mul(mmax, particle.max_occurs), taken, whole=whole,
                    )
                finally:
                    self._in_subst = False
            emin = mmin * particle.min_occurs
            emax = _mul(mmax, particle.max_occurs)
            prop = self._element_prop(shape, particle, emin, emax, taken)
            return [prop], []
        if isinstance(particle, XsdAnyElement):
            shape.wildcard = True
            shape.wildcards.append(self.wildcard(particle, mmin * particle.min_occurs,
                                                 _mul(mmax, particle.max_occurs),
                                                 mixed=False))
            return [], []
        if not isinstance(particle, XsdGroup):
            self.losses.add("unknown-particle", particle, f"unsupported particle {particle!r}")
            return [], []
        gmin = mmin * particle.min_occurs
        gmax = _mul(mmax, particle.max_occurs)
        if particle.model in ("sequence", "all"):
            props: list[Prop] = []
            constraints: list[dict[str, Any]] = []
            only = len(particle) == 1
            repeated = particle.max_occurs is None or particle.max_occurs > 1
            if repeated and not (only and isinstance(particle[0], XsdGroup)):
                self.losses.add(
                    "repeated-sequence", particle,
                    "a repeated sequence becomes one array per element: the grouping of "
                    "each repetition is not expressed (the mapper re-interleaves in order)",
                )
            if len(particle) > 1 and not self._order_reported:
                self._order_reported = True
                self.losses.add_at(
                    "sequence-order", "<all sequences>",
                    "JSON objects are unordered: the order of elements in an xsd:sequence is "
                    "neither kept in JSON nor checked by JSON Schema (the mapper restores it)",
                )
            for child in particle:
                p, c = self._collect(
                    shape, child, gmin, gmax, taken, whole=whole and only
                )
                props.extend(p)
                constraints.extend(c)
            return props, constraints
        return self._collect_choice(shape, list(particle), particle, gmin, gmax, taken,
                                    whole=whole)

    def _collect_choice(
        self, shape: Shape, alternatives: list[Any], choice: Any, gmin: int, gmax: int | None,
        taken: set[str], *, whole: bool,
    ) -> tuple[list[Prop], list[dict[str, Any]]]:
        repeated = gmax is None or gmax > 1
        all_elements = all(isinstance(alt, XsdElement) for alt in alternatives)
        if not self.settings.v2:
            return self._legacy_choice(shape, alternatives, gmin, gmax, taken)
        if repeated and self.settings.choice_unbounded == "ordered" and all_elements:
            return self._ordered(shape, alternatives, choice, gmin, gmax, taken), []
        props: list[Prop] = []
        branches: list[list[str]] = []
        optional_branch = False
        saved = self._siblings
        self._siblings = set(saved)
        for alt in alternatives:
            # required-ness *within* the alternative decides the anyOf branch
            alt_props, alt_constraints = self._collect(shape, alt, 1, gmax, taken, whole=False)
            self._siblings.update(id(p) for p in alt_props)
            if alt_constraints:
                self.losses.add(
                    "nested-choice", alt,
                    "a choice nested inside a choice alternative: its requirement is not "
                    "expressed",
                )
            branch = [p.name for p in alt_props if p.required]
            if not branch:
                optional_branch = True
            branches.append(branch)
            for prop in alt_props:
                prop.required = False
                if not whole and prop.kind == "element":
                    # decision 5: every alternative is an array with at least one item
                    prop.array = True
                    prop.min_items = max(1, prop.min_items)
            props.extend(alt_props)
        self._siblings = saved
        props = _dedupe(props)
        constraints: list[dict[str, Any]] = []
        if self.settings.strict_choice and gmax == 1 and len(alternatives) > 1:
            constraints.append({
                "branches": [b for b in branches if b],
                "required": gmin >= 1 and not optional_branch,
                "exclusive": True,
            })
        elif gmin >= 1 and not optional_branch and branches:
            constraints.append({"branches": branches, "required": True, "exclusive": gmax == 1})
        if gmax == 1 and len(alternatives) > 1 and not self.settings.strict_choice:
            self.losses.add(
                "choice-anyof", choice,
                "a choice of exactly one alternative: JSON Schema (anyOf / independent "
                "properties) also accepts several alternatives (strict-choice=true closes this)",
            )
        if repeated and not all_elements:
            self.losses.add(
                "repeated-choice", choice,
                "a repeated choice with group alternatives: order across alternatives is lost",
            )
        elif repeated and len(alternatives) > 1:
            self.losses.add(
                "choice-order", choice,
                "choice-unbounded=per-alternative: the order of elements across alternatives "
                "is not kept (one array per alternative)",
            )
        return props, constraints

    def _ordered(self, shape: Shape, alternatives: list[Any], choice: Any, gmin: int,
                 gmax: int | None, taken: set[str]) -> list[Prop]:
        members: list[Any] = []
        for alt in alternatives:
            members.extend(substitution_candidates(alt))
        locals_ = [split_qname(alt.name)[1] for alt in members]
        if len(locals_) > 4:
            locals_ = [*locals_[:3], f"{len(locals_) - 3}More"]
        wanted = lower_camel("Or".join(upper_first(n) for n in locals_))
        name = unique_name(wanted, taken, "Choice")
        taken.add(name)
        prop = Prop(name, "ordered", choice, array=True, min_items=max(1, gmin),
                    max_items=gmax, required=gmin >= 1, occurs_min=gmin)
        for alt in members:
            emax = alt.max_occurs
            if emax is None or emax > 1:
                self.losses.add("choice-order", alt, "repeated alternative inside an ordered "
                                "choice: each occurrence becomes its own item")
            prop.members[real_declaration(alt).name] = (lower_camel(split_qname(alt.name)[1]), alt)
            shape.elements[real_declaration(alt).name] = [prop]
        return [prop]

    def _legacy_choice(self, shape: Shape, choice: list[Any], gmin: int, gmax: int | None,
                       taken: set[str]) -> tuple[list[Prop], list[dict[str, Any]]]:
        """Pre-decision-5 shape: a ``<type>Choice<n>`` wrapper object around the alternatives."""
        owner = shape.xsd_type.name or getattr(shape.xsd_type.parent, "name", None)
        type_local = split_qname(owner or "anonymous")[1]
        stem = lower_camel(type_local[:-4] if type_local.endswith("Type") else type_local)
        n = 1
        while f"{stem}Choice{n}" in taken:
            n += 1
        name = f"{stem}Choice{n}"
        taken.add(name)
        inner = Shape(shape.xsd_type)
        inner_taken: set[str] = set()
        branches: list[list[str]] = []
        saved = self._siblings
        self._siblings = set(saved)
        for index, alt in enumerate(choice):
            alt_props, _ = self._collect(inner, alt, 1, 1, inner_taken, whole=False)
            for position, prop in enumerate(_dedupe(alt_props)):
                inner.alternatives.setdefault(prop.name, {}).setdefault(index, position)
            self._siblings.update(id(p) for p in alt_props)
            branches.append([p.name for p in alt_props if p.required])
            for prop in alt_props:
                prop.required = False
            inner.props.extend(p for p in alt_props if p not in inner.props)
        self._siblings = saved
        shape.wildcards.extend(inner.wildcards)  # wildcard members live at the top level
        shape.wildcard = shape.wildcard or inner.wildcard
        inner.wildcards = []
        if all(branches):
            inner.constraints.append({"branches": branches, "required": True, "exclusive": True})
        repeated = gmax is None or gmax > 1
        group = Prop(name, "group", choice, array=repeated, min_items=max(1, gmin) if repeated
                     else 0, max_items=gmax, required=gmin >= 1, shape=inner)
        for qname, path in inner.elements.items():
            paths = [[group, *path]] + [[group, *p] for p in inner.more_paths.get(qname, ())]
            if qname in shape.elements:
                # the same element in two wrapper objects (e.g. two identical choices in a
                # row, MathML's msub): the mapper fills the wrappers in content-model order
                shape.more_paths.setdefault(qname, []).extend(paths)
            else:
                shape.elements[qname] = paths[0]
                if paths[1:]:
                    shape.more_paths.setdefault(qname, []).extend(paths[1:])
        return [group], []
