"""Per-declaration conversion plans: the mapper's shapes, pre-digested for both walks.

:class:`~st9x.st97.model.Shape` is the single source of truth for the JSON form of a type, but
reading it element by element means xmlschema calls (``is_simple()``, ``has_simple_content()``,
base-type walks), ``isinstance`` chains and property-path handling for every element of every
instance. A plan answers the same questions once per element declaration: the child tag → (JSON
property, array or not, child plan) table, the attribute tag → (name, decoder) table and the
simple type's decoder (:func:`st9x.st97.simple.converter`). The walk in
:mod:`st9x.st97.to_json` is then a loop of dict lookups over ``for child in elem``.

Plans are filled lazily, at the point where the original walk first asked for the shape (after
the ``xsi:nil`` and simple-type checks), so the shape builder is consulted for exactly the same
types as before and recursive content models (MathML) need no special handling: a child plan is
an (empty) object first and is compiled when an instance first reaches it.

For JSON → XML a plan also holds its properties in shape order (:class:`PropsPlan`) and the
content model compiled into a :class:`Particle` program (substitution candidates resolved once,
the element QNames below each particle precomputed), and, when the greedy content-model walk
would traverse it in a single pass, the element particles in document order (``direct``).
Everything here is derived from the same shapes and content models as before, so outputs and
error messages do not change; only how often they are recomputed does.
"""

from __future__ import annotations

from typing import Any

from xmlschema.validators import XsdAnyElement, XsdElement, XsdGroup

from st9x.st97 import simple as simple_mod
from st9x.st97.model import (
    Prop,
    Shape,
    is_builtin,
    is_simple_valued,
    simple_type_of,
    substitution_candidates,
)
from st9x.st97.names import split_qname

# plan kinds; the mapper dispatches on these small ints
UNCOMPILED = 0  # complex type whose shape has not been looked up yet
SIMPLE = 1  # a bare scalar (simple type, or simple content without attributes)
ANYTYPE = 2  # xsd:anyType: the generic element form
COLLECTION = 3  # decision 4: the element is the array of its one repeated child
JSONML = 4  # mixed content under mixed=jsonml
OBJECT = 5  # element-only content or simple content with attributes
MIXED = 6  # mixed content under mixed=content-array or text-only

ChildEntry = tuple[int, str, "ElementPlan | None", str, int, "simple_mod.Converter | None"]

# child entry modes in an OBJECT plan
SINGLE = 0  # property holds one value (maxOccurs 1)
ARRAY = 1  # property is an array (maxOccurs > 1 or decision 5)
ORDERED = 2  # one-property object appended to an ordered array (choice-unbounded=ordered)
PATH = 3  # legacy wrapper objects (property path, alternatives): the general placement

# child entry leaf flags (SINGLE / ARRAY entries whose child plan is SIMPLE, fixed at creation):
# the walk decodes such a child inline when it has no attribute and no child element
NOT_LEAF = 0
LEAF = 1  # decoded with the entry's converter (None: the text as it is)
LEAF_COLLAPSE = 2  # a collapsed string (converter simple.collapse): collapsed inline

# JSON kinds of simple types for which encode() returns a str value unchanged
STR_KINDS = frozenset({"string", "union"})
# ... and for which it returns str(value) for an int value
INT_KINDS = frozenset({"integer", "number", "boolean", "union"})

# JSON → XML: property kinds in a PropsPlan entry, particle kinds in a content-model program
P_ATTRIBUTE, P_TEXT, P_ELEMENT, P_ORDERED, P_GROUP, P_OTHER, P_ANY = range(7)
#: the queue name under which wildcard members wait for an ``xsd:any`` particle (not a QName)
WILD = "*"
PROP_KINDS = {"attribute": P_ATTRIBUTE, "text": P_TEXT, "element": P_ELEMENT,
              "ordered": P_ORDERED, "group": P_GROUP}
PropEntry = tuple[str, int, Prop, str, Any, Any]  # name, kind, prop, "/name", a, b


class PropsPlan:
    """The properties of a shape (or of a legacy wrapper's inner shape) for JSON → XML, in the
    shape's order (which is the order attributes are written and errors are met)."""

    __slots__ = ("entries", "in_order", "index", "known", "selective", "shape", "wild")

    def __init__(self, shape: Shape) -> None:
        self.shape = shape
        # a shape with wildcard members ("{ns}local", "@{ns}local"): unknown names go there
        self.wild = shape if shape.wildcards or shape.any_attribute is not None else None
        entries: list[PropEntry] = []
        for prop in shape.props:
            kind = PROP_KINDS.get(prop.kind, P_OTHER)
            a: Any = None
            b: Any = None
            if kind == P_ATTRIBUTE:
                a, b = prop.component.name, prop.component.type
            elif kind == P_TEXT:
                a = prop.component
            elif kind == P_ELEMENT:
                a, b = real(prop.component).name, prop.array
            elif kind == P_ORDERED:
                a = {key: q for q, (key, _) in prop.members.items()}
            elif kind == P_GROUP:
                a = prop.shape
            entries.append((prop.name, kind, prop, "/" + prop.name, a, b))
        self.entries = tuple(entries)
        self.known = frozenset(e[0] for e in entries)
        self.index = {e[0]: i for i, e in enumerate(entries)}
        # names are unique in a shape; if they ever were not, always visit every property
        self.selective = len(self.index) == len(entries)
        # legacy choice wrappers that share element QNames (two identical choices in a row,
        # MathML's msub): their values go onto one ordered queue, wrapper after wrapper, so
        # that the walk gives each choice particle the values of its own wrapper
        in_order: set[str] = set()
        for qname, paths in shape.more_paths.items():
            for path in (shape.elements.get(qname), *paths):
                if path and path[0].kind == "group" and not path[0].array and \
                        path[0].shape is not None and path[0].shape.alternatives:
                    in_order.add(path[0].name)
        self.in_order = frozenset(in_order)


class Particle:
    """A content-model particle compiled for the JSON → XML walk: the element's substitution
    candidates as (QName, plan, ``/local``), or a group's children, plus every element QName
    below it so that the walk can skip a particle none of whose elements has values left."""

    __slots__ = ("cands", "children", "choice", "kind", "max_occurs", "qnames", "wild")

    def __init__(self, kind: int, max_occurs: int | None = None) -> None:
        self.kind = kind
        self.max_occurs = max_occurs
        self.cands: tuple[tuple[str, ElementPlan, str], ...] = ()
        self.children: tuple[Particle, ...] = ()
        self.choice = False
        self.qnames: frozenset[str] = frozenset()
        self.wild: Any = None  # P_ANY: the XsdAnyElement


def real(decl: Any) -> Any:
    """The declaration an element reference points to (the declaration itself otherwise)."""
    return decl.ref if getattr(decl, "ref", None) is not None else decl


class ElementPlan:
    """How to convert an element of one declaration; see the module docstring."""

    __slots__ = (
        "attrs",
        "by_key",
        "children",
        "conv",
        "decl",
        "direct",
        "direct_limits",
        "fast",
        "item_plan",
        "item_tag",
        "kind",
        "members",
        "mixed_name",
        "nillable",
        "program",
        "props",
        "shape",
        "st",
        "str_ok",
        "tag",
        "text_conv",
        "text_name",
        "text_prop",
        "wild",
        "wild_cache",
        "xml_ready",
        "xsd_type",
        "xsi_clark",
        "xsi_types",
    )

    def __init__(self, decl: Any, xsd_type: Any = None) -> None:
        self.decl = decl
        # the type the element is converted with: the declared one, or (xsi:type) a derived one
        self.xsd_type = decl.type if xsd_type is None else xsd_type
        self.xsi_clark: str | None = None if xsd_type is None else xsd_type.name
        # xsi:type variants of the declaration (option xsi-type=anyof): Clark name → type
        self.xsi_types: dict[str, Any] | None = None
        # OBJECT / MIXED with wildcards or xsd:anyAttribute: the shape (resolve_member), and
        # tag → (member name, typed child plan or None) as met
        self.wild: Shape | None = None
        self.wild_cache: dict[str, tuple[str, ElementPlan | None]] = {}
        self.tag: str = decl.name
        self.nillable: bool = bool(decl.nillable)
        self.conv: simple_mod.Converter | None = None
        self.shape: Shape | None = None
        # OBJECT / MIXED: attribute tag → (property name, decoder, wrapper property path)
        self.attrs: dict[str, tuple[str, simple_mod.Converter | None, tuple[Prop, ...]]] = {}
        # OBJECT: child tag → (mode, property name, child plan, ordered key, leaf, decoder);
        # leaf (LEAF, LEAF_COLLAPSE; NOT_LEAF otherwise): the child plan is SIMPLE (fixed at
        # creation), so the walk can decode inline
        self.children: dict[str, ChildEntry] = {}
        # OBJECT: every child has a top-level property of its own (no legacy wrapper paths,
        # no attribute in a wrapper): the walk may undo a partly converted content
        self.fast = True
        self.text_name: str | None = None  # OBJECT with simple content: the value property
        self.text_conv: simple_mod.Converter | None = None
        self.text_prop: Prop | None = None  # MIXED: the content/text property
        # MIXED under mixed=content-array: the name of that (content array) property
        self.mixed_name: str | None = None
        self.item_tag: str | None = None  # COLLECTION of one element
        self.item_plan: ElementPlan | None = None
        # COLLECTION of an ordered choice, MIXED content: child tag → (key, child plan)
        self.members: dict[str, tuple[str, ElementPlan]] = {}
        # JSON → XML (filled by Plans.compile_xml): the simple type and whether a str value is
        # written as it is; properties; content-model program; JSON key → plan (ordered
        # collections, mixed content)
        self.st: Any = None
        self.str_ok = False
        self.props: PropsPlan | None = None
        self.program: Particle | None = None
        self.by_key: dict[str, ElementPlan] | None = None
        # a content model the walk would traverse in one pass, one element per QName:
        # (QName, plan, "/local", maxOccurs) in document order (see Plans.compile_xml)
        self.direct: tuple[tuple[str, ElementPlan, str, int | None], ...] | None = None
        self.direct_limits: dict[str, int | None] = {}
        self.xml_ready = False
        xsd_type = self.xsd_type
        if is_simple_valued(xsd_type):
            self.kind = SIMPLE
            self.st = simple_type_of(xsd_type)
            self.conv = simple_mod.converter(self.st)
            # encode() returns a string unchanged exactly for these kinds
            self.str_ok = simple_mod.kind_of(self.st) in STR_KINDS
        elif is_builtin(xsd_type):
            self.kind = ANYTYPE
        else:
            self.kind = UNCOMPILED


class Plans:
    """The plans of one mapper (one compilation: same shapes, profile and options)."""

    @classmethod
    def of_compilation(cls, compilation: Any) -> Plans:
        return cls(compilation.shapes, compilation.settings.mixed == "jsonml")

    def __init__(self, shapes: Any, jsonml: bool) -> None:
        self.shapes = shapes
        self.jsonml = jsonml
        self.xsi = shapes.settings.xsi_type == "anyof"
        self._plans: dict[int, ElementPlan] = {}
        self._typed: dict[tuple[int, int], ElementPlan] = {}
        self._programs: dict[int, tuple[Any, Particle]] = {}
        self._props: dict[int, PropsPlan] = {}

    def of(self, decl: Any) -> ElementPlan:
        """The plan of an element declaration (or reference), created on first request."""
        decl = real(decl)
        plan = self._plans.get(id(decl))
        if plan is None:
            plan = self._plans[id(decl)] = ElementPlan(decl)
            if self.xsi:
                plan.xsi_types = self.shapes.xsi_variants(decl) or None
        return plan

    def of_type(self, decl: Any, xsd_type: Any) -> ElementPlan:
        """The plan of a declaration converted with a derived type (``xsi:type``)."""
        decl = real(decl)
        key = (id(decl), id(xsd_type))
        plan = self._typed.get(key)
        if plan is None:
            plan = self._typed[key] = ElementPlan(decl, xsd_type)
        return plan

    def compile(self, plan: ElementPlan) -> None:
        """Look up the shape of a complex-typed declaration and fill the plan's tables."""
        shape = self.shapes.shape(plan.xsd_type)
        if shape.wildcards or shape.any_attribute is not None:
            plan.wild = shape
        if shape.kind == "collection":
            prop = shape.item
            assert prop is not None
            if prop.kind == "ordered":
                plan.members = {q: (key, self.of(d)) for q, (key, d) in prop.members.items()}
            else:
                plan.item_tag = real(prop.component).name
                plan.item_plan = self.of(prop.component)
            plan.shape = shape
            plan.kind = COLLECTION
            return
        if shape.kind == "mixed" and self.jsonml:
            plan.shape = shape
            plan.kind = JSONML
            return
        for qname, prop in shape.attributes.items():
            plan.attrs[qname] = (prop.name, simple_mod.converter(prop.component.type), ())
        for qname, path in shape.elements.items():
            if qname.startswith("@"):  # legacy: base-type attributes inside the base wrapper
                *groups, prop = path
                plan.attrs.setdefault(qname[1:], (
                    prop.name, simple_mod.converter(prop.component.type), tuple(groups)))
                continue
            plan.children[qname] = entry = self._child_entry(shape, qname, path)
            if entry[0] == PATH:
                plan.fast = False
        if any(groups for _, _, groups in plan.attrs.values()):
            plan.fast = False
        attribute_names = {name for name, _, _ in plan.attrs.values()}
        if any(entry[1] in attribute_names for entry in plan.children.values()):
            plan.fast = False  # (never in practice: names in one object are unique)
        if shape.kind == "mixed":
            plan.text_prop = shape.text
            assert shape.text is not None
            if shape.text.kind != "text":
                plan.mixed_name = shape.text.name
            plan.members = {q: (key, self.of(d)) for q, (key, d) in shape.text.members.items()}
            plan.shape = shape
            plan.kind = MIXED
            return
        if shape.text is not None:
            plan.text_name = shape.text.name
            plan.text_conv = simple_mod.converter(shape.text.component)
        plan.shape = shape
        plan.kind = OBJECT

    def _child_entry(self, shape: Shape, qname: str, path: list[Prop]) -> ChildEntry:
        prop = path[-1]
        if len(path) == 1 and qname not in shape.more_paths:
            if prop.kind == "element":
                child = self.of(prop.component)
                if child.kind != SIMPLE:
                    leaf = NOT_LEAF
                elif child.conv is simple_mod.collapse:
                    leaf = LEAF_COLLAPSE
                else:
                    leaf = LEAF
                return ARRAY if prop.array else SINGLE, prop.name, child, "", leaf, child.conv
            if prop.kind == "ordered":
                key, decl = prop.members[qname]
                child = self.of(decl)
                return ORDERED, prop.name, child, key, NOT_LEAF, child.conv
        return PATH, prop.name, None, "", NOT_LEAF, None

    # -- JSON → XML ---------------------------------------------------------------------------
    def compile_xml(self, plan: ElementPlan) -> None:
        """Fill the JSON → XML tables of a compiled (complex, non-JSONML) plan."""
        shape = plan.shape
        assert shape is not None
        plan.xml_ready = True
        if plan.kind == COLLECTION:
            prop = shape.item
            assert prop is not None
            if prop.kind == "ordered":
                plan.by_key = {key: self.of(d) for key, d in prop.members.values()}
            return
        plan.props = self.props_of(shape)
        if plan.kind == MIXED:
            assert shape.text is not None
            plan.by_key = {key: self.of(d) for key, d in shape.text.members.values()}
            return
        content = plan.xsd_type.content
        if isinstance(content, XsdGroup):
            plan.program = self.program(content)
            plan.direct = self._direct(plan)
            if plan.direct is not None:
                plan.direct_limits = {q: limit for q, _, _, limit in plan.direct}

    def _direct(self, plan: ElementPlan) -> tuple[tuple[str, ElementPlan, str, int | None],
                                                   ...] | None:
        """The element particles in walk order when the content-model walk is one pass.

        That is the case for sequences (nested ones too) that are not repeated, of elements
        without substitutes, each QName in one particle, and no property that queues values
        in a shared order (ordered choices, legacy wrappers). The greedy walk then emits, for
        each particle in turn, that element's values up to its maxOccurs, and whatever is left
        is reported; the mapper does exactly that without queues."""
        assert plan.props is not None and plan.program is not None
        if any(e[1] in (P_ORDERED, P_GROUP) for e in plan.props.entries):
            return None
        leaves: list[Particle] = []
        if not _flat(plan.program, leaves):
            return None
        qnames = [leaf.cands[0][0] for leaf in leaves]
        if len(set(qnames)) != len(qnames):
            return None
        return tuple((*leaf.cands[0], leaf.max_occurs) for leaf in leaves)

    def props_of(self, shape: Shape) -> PropsPlan:
        cached = self._props.get(id(shape))
        if cached is None or cached.shape is not shape:
            cached = self._props[id(shape)] = PropsPlan(shape)
        return cached

    def program(self, particle: Any) -> Particle:
        """The walk program of a content-model particle (cached: extensions share groups)."""
        cached = self._programs.get(id(particle))
        if cached is not None and cached[0] is particle:
            return cached[1]
        if isinstance(particle, XsdElement):
            node = Particle(P_ELEMENT, particle.max_occurs)
            cands = []
            for decl in substitution_candidates(particle):
                qname = real(decl).name
                cands.append((qname, self.of(decl), "/" + split_qname(qname)[1]))
            node.cands = tuple(cands)
            node.qnames = frozenset(c[0] for c in cands)
        elif isinstance(particle, XsdAnyElement):
            node = Particle(P_ANY, particle.max_occurs)
            node.wild = particle
            node.qnames = frozenset((WILD,))
        elif not isinstance(particle, XsdGroup):
            node = Particle(P_OTHER)
        else:
            node = Particle(P_GROUP, particle.max_occurs)
            node.choice = particle.model == "choice"
            node.children = tuple(self.program(p) for p in particle)
            node.qnames = frozenset(q for c in node.children for q in c.qnames)
        self._programs[id(particle)] = (particle, node)
        return node


def _flat(node: Particle, leaves: list[Particle]) -> bool:
    """Collect the element particles of a one-pass program (see Plans._direct)."""
    if node.kind == P_ELEMENT:
        if len(node.cands) != 1:
            return False
        leaves.append(node)
        return True
    if node.kind == P_OTHER:
        return True  # (an unknown particle: the walk never emits anything for it)
    if node.kind == P_ANY:
        return False  # wildcard members wait in the queues for their particle
    if node.choice or node.max_occurs != 1:
        return False
    return all(_flat(child, leaves) for child in node.children)


class Direction:
    """What both directions of a mapper hold: one compilation and its plans. ``Mapper`` gives
    both directions the same plans, so that each declaration's plan is compiled once."""

    def __init__(self, compilation: Any, plans: Plans | None = None) -> None:
        self.c = compilation
        self.settings = compilation.settings
        self.shapes = compilation.shapes
        self.plans = plans if plans is not None else Plans.of_compilation(compilation)
