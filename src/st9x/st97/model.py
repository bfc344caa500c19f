"""The JSON shape of each XSD type under a profile: one model for the compiler *and* the mapper.

The compiler turns a :class:`Shape` into JSON Schema; the mapper uses the very same shape to put
each XML child into its JSON property and back. Building the shape once, from xmlschema's
component model, is what guarantees that converted instances match the compiled schema: there
is no second set of rules that could drift.

A shape lists :class:`Prop` objects (JSON properties) and an index from each element/attribute
QName to the property (or, for the legacy profile's wrapper objects, the *path* of properties)
that holds it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from xmlschema.validators import (
    XsdAnyElement,
    XsdComplexType,
    XsdElement,
    XsdGroup,
)

from st9x.st97.losses import LossLog
from st9x.st97.names import PrefixTable, lower_camel, split_qname, unique_name, upper_first
from st9x.st97.profiles import Settings
from st9x.st97.xmlchars import NAMESPACE_CHAR, NCNAME, NOT_XMLNS, NOT_XMLNS_ATTRIBUTE

XSD_NS = "http://www.w3.org/2001/XMLSchema"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

#: The JSON member that carries an instance's ``xsi:type`` (option ``xsi-type=anyof``): no
#: property name can be ``$type`` (names come from NCNames, ``value``/``content``/``$`` and
#: suffixes), nor can a wildcard member (those start with ``{`` or ``@``).
TYPE_MEMBER = "$type"
#: A lax/strict wildcard is converted with the global declarations it matches (typed members)
#: only when there are at most this many; beyond that its content is generic (reported).
MAX_TYPED_MEMBERS = 32
#: xsi:type variants per element declaration beyond which none is emitted (reported).
MAX_XSI_VARIANTS = 16


def member_key(tag: str) -> str:
    """JSON member name of an element matched by a wildcard: its Clark name, with ``{}`` for no
    namespace (``{urn:x}Note``, ``{}Note``), so that it always starts with ``{`` and can never be
    a declared property name (those are lowerCamelCase NCNames)."""
    return tag if tag[:1] == "{" else "{}" + tag


def member_tag(key: str) -> str:
    """The lxml tag of a wildcard member name (inverse of :func:`member_key`)."""
    return key[2:] if key.startswith("{}") else key


def attribute_member_key(qname: str) -> str:
    """JSON member name of an attribute matched by ``xsd:anyAttribute``: ``@`` + its Clark name
    as lxml writes it (``@{http://www.w3.org/XML/1998/namespace}lang``, ``@lang`` when it has
    no namespace)."""
    return "@" + qname


def regex_literal(text: str) -> str:
    """Escape an ECMA-262 (``u`` flag) / Python ``re`` literal: only syntax characters, because
    ECMA-262 with ``u`` rejects identity escapes such as ``\\-`` or ``\\#``."""
    return re.sub(r"([\\^$.*+?()\[\]{}|/])", r"\\\1", text)


def namespace_regex(wildcard: Any, *, attribute: bool) -> str:
    """The member-name pattern of a wildcard's namespace constraint (anchored).

    Elements: ``^\\{NS\\}local$``; attributes: ``^@\\{NS\\}local$`` or ``^@local$`` for no
    namespace. ``##other`` is a negative lookahead on the target namespace. ``local`` is an
    NCName, a namespace a URI reference other than the ``xmlns`` namespace, and a no-namespace
    attribute is never ``xmlns``: names the mapper could not write as XML (or would write as a
    namespace declaration) are refused here too (:mod:`st9x.st97.xmlchars`)."""
    names = set(getattr(wildcard, "namespace", ()) or ())
    target = getattr(wildcard, "target_namespace", "") or ""
    local = NCNAME
    if "##any" in names or getattr(wildcard, "not_namespace", None):
        spaces = f"{NOT_XMLNS}{NAMESPACE_CHAR}*"
        absent = True
        named = f"{NOT_XMLNS}{NAMESPACE_CHAR}+"
    elif "##other" in names:
        absent = False
        other = f"(?!{regex_literal(target)}\\}})" if target else ""
        named = f"{NOT_XMLNS}{other}{NAMESPACE_CHAR}+"
        spaces = named
    else:
        absent = "" in names
        listed = sorted(n for n in names if n)
        named = "(?:" + "|".join(regex_literal(n) for n in listed) + ")" if listed else ""
        spaces = "(?:" + "|".join(["", *(regex_literal(n) for n in listed)] if absent else
                                  [regex_literal(n) for n in listed]) + ")"
    if not attribute:
        return f"^\\{{{spaces}\\}}{local}$"
    options = []
    if named:
        options.append(f"\\{{{named}\\}}{local}")
    if absent:
        options.append(NOT_XMLNS_ATTRIBUTE + local)
    return "^@(?:" + "|".join(options) + ")$" if options else "^@(?!)$"


@dataclass(eq=False)
class Wildcard:
    """An ``xsd:any`` particle as the JSON shape sees it.

    ``typed``: member name → global element declaration (``processContents`` lax/strict, at most
    :data:`MAX_TYPED_MEMBERS` matching declarations): such members are converted with the
    declaration. ``generic``: other members in the namespace constraint are allowed in the
    generic element form (false for a strict wildcard whose declarations are all typed: XSD
    rejects undeclared elements there, and so does the JSON Schema). ``pattern``: the member
    names of the namespace constraint (:func:`namespace_regex`)."""

    component: Any
    min_occurs: int
    max_occurs: int | None
    pattern: str
    typed: dict[str, Any] = field(default_factory=dict)
    generic: bool = True

    def allows(self, namespace: str) -> bool:
        return bool(self.component.is_namespace_allowed(namespace))


def _mul(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a * b


@dataclass(eq=False)
class Prop:
    """One JSON property.

    ``kind``: ``element`` | ``attribute`` | ``text`` (simple content) | ``ordered`` (one array of
    single-property objects for a repeated choice) | ``content`` (mixed content) | ``group`` (a
    legacy wrapper object holding ``shape``).
    """

    name: str
    kind: str
    component: Any = None
    array: bool = False
    min_items: int = 0
    max_items: int | None = 1
    required: bool = False
    members: dict[str, tuple[str, Any]] = field(default_factory=dict)  # qname → (key, decl)
    shape: Shape | None = None
    occurs_min: int = 0  # effective minOccurs from the content model (before array rules)


@dataclass(eq=False)
class Shape:
    """The JSON form of one complex type.

    ``kind``: ``object`` | ``collection`` (decision 4: the element *is* the array of its single
    repeated child, ``item``) | ``mixed`` (object or JsonML, per the ``mixed`` option).
    ``base``/``own`` are set for a v2 extension (decision 8): the JSON Schema is ``allOf``
    [base, own]; ``props`` always hold *all* properties, which is what the mapper needs.
    """

    xsd_type: Any
    kind: str = "object"
    props: list[Prop] = field(default_factory=list)
    constraints: list[dict[str, Any]] = field(default_factory=list)
    base: Any = None
    own: list[Prop] = field(default_factory=list)
    own_constraints: list[dict[str, Any]] = field(default_factory=list)
    item: Prop | None = None
    text: Prop | None = None
    elements: dict[str, list[Prop]] = field(default_factory=dict)  # qname → property path
    attributes: dict[str, Prop] = field(default_factory=dict)
    more_paths: dict[str, list[list[Prop]]] = field(default_factory=dict)  # legacy wrappers
    wildcard: bool = False
    any_attribute: Any = None  # the XsdAnyAttribute (attributes kept as "@{ns}local" strings)
    wildcards: list[Wildcard] = field(default_factory=list)  # all, in content-model order
    own_wildcards: list[Wildcard] = field(default_factory=list)  # a v2 extension's own
    #: a legacy choice wrapper's inner shape: property name → {alternative index: position of
    #: the property within that alternative}, in content-model order. The mapper uses it to
    #: tell whether a wrapper that already holds content can take one more element, or
    #: whether the element starts the next of several identical choices (``msub``).
    alternatives: dict[str, dict[int, int]] = field(default_factory=dict)

    def typed_members(self) -> dict[str, Any]:
        """Member name → declaration for every typed wildcard member of this shape."""
        out: dict[str, Any] = {}
        for w in self.wildcards:
            for key, decl in w.typed.items():
                out.setdefault(key, decl)
        return out

    def resolve_member(self, tag: str) -> tuple[Wildcard, Any] | None:
        """The wildcard that takes an element ``tag`` (lxml Clark name) and the declaration to
        convert it with (``None``: generic form); ``None`` when no wildcard allows it. The
        first wildcard (content-model order) that can take it wins, for both directions."""
        key = member_key(tag)
        namespace = tag[1:].partition("}")[0] if tag[:1] == "{" else ""
        for w in self.wildcards:
            if not w.allows(namespace):
                continue
            decl = w.typed.get(key)
            if decl is not None:
                return w, decl
            if w.generic:
                return w, None
        return None


def is_simple_valued(xsd_type: Any) -> bool:
    """Types whose elements are plain JSON scalars: simple types, and complex types with simple
    content but no attributes (an attribute is what forces the ``value`` object)."""
    if xsd_type.is_simple():
        return True
    return bool(
        xsd_type.has_simple_content() and not list(xsd_type.attributes) and not _any_attr(xsd_type)
    )


def simple_type_of(xsd_type: Any) -> Any:
    """The simple type of a simple type or of a complex type's simple content."""
    return xsd_type if xsd_type.is_simple() else xsd_type.content


def _any_attr(xsd_type: Any) -> bool:
    return any(k is None for k in xsd_type.attributes)


def is_builtin(xsd_type: Any) -> bool:
    name = getattr(xsd_type, "name", None)
    return bool(name and name.startswith(f"{{{XSD_NS}}}"))


class ShapeBuilder:
    """Builds (and caches) shapes for every complex type a conversion meets."""

    def __init__(self, schema: Any, settings: Settings, losses: LossLog,
                 prefixes: PrefixTable | None = None) -> None:
        self.schema = schema
        self.prefixes = prefixes
        self.settings = settings
        self.losses = losses
        self._shapes: dict[int, Shape] = {}
        self._siblings: set[int] = set()  # props created by earlier alternatives of a choice
        self._in_subst = False
        self._merged: dict[int, set[str]] = {}
        self._order_reported = False
        self.extension_bases: set[int] = set()
        self._derived: dict[int, list[Any]] | None = None
        self._xsi: dict[int, dict[str, Any]] = {}
        #: derived types an xsi:type variant refers to (their definitions are open, closed
        #: where used, like extension bases; option xsi-type=anyof)
        self.xsi_open: set[int] = set()
        for xsd_type in schema.maps.types.values():
            if (
                isinstance(xsd_type, XsdComplexType)
                and xsd_type.derivation == "extension"
                and isinstance(xsd_type.base_type, XsdComplexType)
                and not is_builtin(xsd_type.base_type)
            ):
                self.extension_bases.add(id(xsd_type.base_type))

    # -- public ---------------------------------------------------------------------------------
    def shape(self, xsd_type: Any) -> Shape:
        key = id(xsd_type)
        cached = self._shapes.get(key)
        if cached is None:
            cached = self._build(xsd_type)
            self._shapes[key] = cached
            merged = sorted(self._merged.pop(key, ()))
            if merged:
                shown = ", ".join(merged[:8]) + (f" and {len(merged) - 8} more"
                                                 if len(merged) > 8 else "")
                self.losses.add(
                    "merged-particles", xsd_type,
                    f"elements declared in several particles ({shown}): one array property "
                    "each holds all occurrences; per-position order and limits are not expressed",
                )
        return cached

    def is_base(self, xsd_type: Any) -> bool:
        return id(xsd_type) in self.extension_bases

    def v2_extension_parts(self, xsd_type: Any) -> tuple[Any, Any, list[str]] | None:
        """(base type, own content group or None, own attribute QNames) when decision 8 applies.

        ``None`` when the type is not an extension of a named complex type, or when xmlschema's
        effective content does not split into base + addition the way we expect (then the type
        is compiled standalone and a loss says so)."""
        if not self.settings.v2:
            return None
        if xsd_type.derivation != "extension":
            return None
        base = xsd_type.base_type
        if not isinstance(base, XsdComplexType) or is_builtin(base) or base.name is None:
            return None
        own_attrs = [q for q in xsd_type.attributes if q is not None and q not in base.attributes]
        if xsd_type.has_simple_content() or not isinstance(xsd_type.content, XsdGroup):
            return base, None, own_attrs
        content = xsd_type.content
        base_content = base.content if isinstance(base.content, XsdGroup) else None
        if base_content is None or len(base_content) == 0:
            return base, content, own_attrs
        if content is base_content:
            return base, None, own_attrs
        if len(content) == 2 and content[0] is base_content:
            return base, content[1], own_attrs
        self.losses.add(
            "extension-structure",
            xsd_type,
            "effective content of the extension does not split into base + addition; "
            "compiled as a standalone type (no allOf)",
        )
        return None

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

    # -- xsi:type -------------------------------------------------------------------------------
    def derived_types(self, xsd_type: Any) -> list[Any]:
        """Named, non-abstract types derived (in one or more steps) from ``xsd_type`` in the
        loaded schema set, sorted by name."""
        if self._derived is None:
            derived: dict[int, list[Any]] = {}
            for t in self.schema.maps.types.values():
                if is_builtin(t) or getattr(t, "abstract", False):
                    continue
                base = getattr(t, "base_type", None)
                while base is not None and not is_builtin(base):
                    derived.setdefault(id(base), []).append(t)
                    base = getattr(base, "base_type", None)
            self._derived = {k: sorted(v, key=lambda t: t.name) for k, v in derived.items()}
        return self._derived.get(id(xsd_type), [])

    def xsi_variants(self, decl: Any) -> dict[str, Any]:
        """Clark name → derived type, for the types an instance may name in ``xsi:type`` on an
        element of ``decl`` *and* whose JSON form is an object that can carry
        :data:`TYPE_MEMBER` (option ``xsi-type=anyof``; empty otherwise). Losses say what is
        left out and why; the compiler and the mapper both use this one answer."""
        decl = decl.ref if getattr(decl, "ref", None) is not None else decl
        key = id(decl)
        cached = self._xsi.get(key)
        if cached is not None:
            return cached
        xsd_type = decl.type
        out: dict[str, Any] = {}
        self._xsi[key] = out
        if is_builtin(xsd_type):
            return out
        blocked = set((getattr(decl, "block", None) or "").split())
        blocked |= set((getattr(xsd_type, "block", None) or "").split())
        candidates = []
        for derived in self.derived_types(xsd_type):
            methods = set()
            step = derived
            while step is not None and step is not xsd_type:
                methods.add(getattr(step, "derivation", None))
                step = getattr(step, "base_type", None)
            if "#all" in blocked or methods & blocked:
                continue
            candidates.append(derived)
        if not candidates:
            return out
        names = ", ".join(split_qname(t.name)[1] for t in candidates[:6]) + (
            f" and {len(candidates) - 6} more" if len(candidates) > 6 else "")
        if self.settings.xsi_type != "anyof":
            self.losses.add(
                "xsi-type", xsd_type,
                f"types derived from it ({names}) may replace it through xsi:type in "
                "instances; not expressed (xsi-type=none: the mapper refuses such instances)",
            )
            return out
        if len(candidates) > MAX_XSI_VARIANTS:
            self.losses.add(
                "xsi-type", decl,
                f"{len(candidates)} types derived from the declared type ({names}): more than "
                f"{MAX_XSI_VARIANTS} variants, none is expressed (the mapper refuses xsi:type)",
            )
            return out
        refused = []
        for derived in candidates:
            if self._carries_type(derived):
                out[derived.name] = derived
            else:
                refused.append(split_qname(derived.name)[1])
        if refused:
            self.losses.add(
                "xsi-type", decl,
                f"xsi:type {', '.join(refused)}: the derived type's JSON form is not an object "
                f"(a scalar, a collection array or JsonML), so it cannot carry {TYPE_MEMBER!r}; "
                "not expressed (the mapper refuses it)",
            )
        return out

    def _carries_type(self, xsd_type: Any) -> bool:
        if not isinstance(xsd_type, XsdComplexType) or is_simple_valued(xsd_type):
            return False
        shape = self.shape(xsd_type)
        return shape.kind == "object" or (
            shape.kind == "mixed" and self.settings.mixed != "jsonml")

    # -- building ---------------------------------------------------------------------------------
    def _build(self, xsd_type: Any) -> Shape:
        shape = Shape(xsd_type)
        if _any_attr(xsd_type):
            wildcard = xsd_type.attributes[None]
            shape.any_attribute = wildcard
            if wildcard.process_contents != "skip":
                self.losses.add(
                    "any-attribute",
                    xsd_type,
                    f"xsd:anyAttribute processContents={wildcard.process_contents}: matched "
                    "attributes are string members (\"@{ns}local\"); the types of declared "
                    "global attributes"
                    + (" and strict's demand for a declaration are" if
                       wildcard.process_contents == "strict" else " are")
                    + " not checked in JSON",
                )
        ext = self.v2_extension_parts(xsd_type)
        if ext is not None and xsd_type.has_mixed_content():
            self.losses.add(
                "mixed-extension", xsd_type,
                "extension of/into mixed content: compiled standalone (no allOf), because the "
                "added elements belong inside the base's content array",
            )
            ext = None
        if ext is not None:
            return self._build_extension(shape, ext)
        legacy_base = self._legacy_base(xsd_type)
        taken: set[str] = set()
        if legacy_base is not None:
            base_shape = self.shape(legacy_base)
            name = lower_camel(split_qname(legacy_base.name)[1])
            # required only when the base's own object is never empty: the mapper writes the
            # wrapper when the instance has base content (an element or attribute) and an
            # element without any (``<tbl:row>`` with no attributes) has no wrapper
            group = Prop(name, "group", legacy_base, shape=base_shape,
                         required=any(p.required for p in base_shape.props)
                         or bool(base_shape.constraints))
            taken.add(name)
            shape.props.append(group)
            for qname, path in base_shape.elements.items():
                shape.elements[qname] = [group, *path]
            for qname, paths in base_shape.more_paths.items():
                shape.more_paths[qname] = [[group, *path] for path in paths]
            for qname, prop in base_shape.attributes.items():
                shape.elements.setdefault(f"@{qname}", [group, prop])
            # wildcard members of the base stay at the top level (they have no property)
            shape.wildcards = list(base_shape.wildcards)
            shape.wildcard = base_shape.wildcard
            own_group, own_attrs = self._legacy_own(xsd_type, legacy_base)
            self._add_attributes(shape, own_attrs, taken)
            if own_group is not None:
                self._add_content(shape, own_group, taken, whole=False)
            return shape
        self._add_attributes(shape, [q for q in xsd_type.attributes if q is not None], taken)
        if xsd_type.has_simple_content():
            text = Prop(
                self.settings.text_key, "text", simple_type_of(xsd_type), required=True
            )
            text.name = unique_name(text.name, taken, "Value")
            shape.text = text
            shape.props.append(text)
            return shape
        content = xsd_type.content
        if not isinstance(content, XsdGroup) or len(content) == 0:
            if xsd_type.mixed:
                return self._build_mixed(shape, None, taken)
            return shape
        if xsd_type.mixed:
            return self._build_mixed(shape, content, taken)
        self._add_content(shape, content, taken, whole=True)
        self._maybe_collapse(shape)
        return shape

    def _legacy_base(self, xsd_type: Any) -> Any:
        if self.settings.v2 or xsd_type.derivation != "extension":
            return None
        if xsd_type.has_mixed_content():
            self.losses.add("mixed-extension", xsd_type,
                            "extension of/into mixed content: compiled standalone (no nesting)")
            return None
        if xsd_type.has_simple_content():
            return None  # text and attributes stay together; nothing to nest
        base = xsd_type.base_type
        if not isinstance(base, XsdComplexType) or is_builtin(base) or base.name is None:
            return None
        return base

    def _legacy_own(self, xsd_type: Any, base: Any) -> tuple[Any, list[str]]:
        own_attrs = [q for q in xsd_type.attributes if q is not None and q not in base.attributes]
        content = xsd_type.content
        if xsd_type.has_simple_content() or not isinstance(content, XsdGroup):
            return None, own_attrs
        base_content = base.content if isinstance(base.content, XsdGroup) else None
        if base_content is None or len(base_content) == 0:
            return content, own_attrs
        if content is base_content:
            return None, own_attrs
        if len(content) == 2 and content[0] is base_content:
            return content[1], own_attrs
        return content, own_attrs

    def _build_extension(self, shape: Shape, ext: tuple[Any, Any, list[str]]) -> Shape:
        base, own_group, own_attrs = ext
        base_shape = self.shape(base)
        shape.base = base
        shape.kind = base_shape.kind if base_shape.kind == "mixed" else "object"
        shape.props = list(base_shape.props)
        shape.elements = dict(base_shape.elements)
        shape.attributes = dict(base_shape.attributes)
        shape.text = base_shape.text
        shape.constraints = list(base_shape.constraints)
        shape.wildcard = base_shape.wildcard
        shape.wildcards = list(base_shape.wildcards)
        taken = {p.name for p in shape.props}
        own = Shape(shape.xsd_type)
        self._add_attributes(own, own_attrs, taken)
        if own_group is not None:
            self._add_content(own, own_group, taken, whole=False)
        shape.own = own.props
        shape.own_constraints = own.constraints
        shape.props.extend(own.props)
        shape.constraints.extend(own.constraints)
        shape.elements.update(own.elements)
        shape.attributes.update(own.attributes)
        shape.wildcard = shape.wildcard or own.wildcard
        shape.own_wildcards = own.wildcards
        shape.wildcards.extend(own.wildcards)
        return shape

    def _add_attributes(self, shape: Shape, qnames: list[str], taken: set[str]) -> None:
        """Attributes are named first but yield to elements: an attribute whose name an
        element of the same type also wants becomes ``<name>Attribute``."""
        xsd_type = shape.xsd_type
        content = getattr(xsd_type, "content", None)
        reserved = {
            lower_camel(split_qname(e.name)[1]) for e in iter_elements(content)
        } if isinstance(content, XsdGroup) else set()
        for qname in qnames:
            attr = xsd_type.attributes[qname]
            name = unique_name(lower_camel(split_qname(qname)[1]), taken | reserved, "Attribute")
            if name != lower_camel(split_qname(qname)[1]):
                self.losses.add("name-collision", xsd_type,
                                f"attribute {qname} renamed to {name!r}")
            taken.add(name)
            prop = Prop(name, "attribute", attr, required=attr.use == "required")
            shape.props.append(prop)
            shape.attributes[qname] = prop

    # -- content models -----------------------------------------------------------------------
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
            prop.members[_real(alt).name] = (lower_camel(split_qname(alt.name)[1]), alt)
            shape.elements[_real(alt).name] = [prop]
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

    def _maybe_collapse(self, shape: Shape) -> None:
        """Decision 4: an element whose content is one repeated child is the JSON array."""
        if not self.settings.v2 or shape.attributes or shape.any_attribute or shape.wildcard:
            return
        if self.is_base(shape.xsd_type) or shape.xsd_type.derivation == "extension":
            return
        if len(shape.props) != 1:
            return
        prop = shape.props[0]
        if not prop.array or prop.kind not in ("element", "ordered"):
            return
        shape.kind = "collection"
        shape.item = prop
        # an empty Bag element is an empty array: the collection's own minimum applies
        prop.min_items = prop.occurs_min if prop.required else 0
        shape.constraints = []

    def _build_mixed(self, shape: Shape, content: Any, taken: set[str]) -> Shape:
        shape.kind = "mixed"
        mode = self.settings.mixed
        members: dict[str, tuple[str, Any]] = {}
        if content is not None:
            for decl in iter_elements(content):
                members.setdefault(decl.name, (lower_camel(split_qname(decl.name)[1]), decl))
            for p in _iter_particles(content):
                if isinstance(p, XsdAnyElement):
                    shape.wildcard = True
                    if mode == "content-array":
                        shape.wildcards.append(self.wildcard(p, p.min_occurs, p.max_occurs,
                                                             mixed=True))
                    else:
                        self.losses.add(
                            "wildcard", p,
                            f"xsd:any inside mixed content under mixed={mode}: "
                            + ("wildcard elements become JsonML arrays with their local name "
                               "only (namespace lost)" if mode == "jsonml" else
                               "wildcard elements are dropped, only their text is kept"),
                        )
        if mode == "text-only":
            prop = Prop(unique_name(self.settings.text_key, taken, "Value"), "text",
                        None, required=False)
            if members:
                self.losses.add(
                    "mixed-content", shape.xsd_type,
                    "mixed=text-only: inline elements "
                    f"({', '.join(sorted(k for k, _ in members.values()))}) are dropped; "
                    "only their text is kept",
                )
        else:
            prop = Prop(unique_name("content", taken, "Content"), "content", content,
                        array=True, required=False)
            if content is not None and not _is_free_choice(content):
                self.losses.add(
                    "mixed-content", shape.xsd_type,
                    f"mixed={mode}: the order and number of inline elements are not "
                    "constrained (the content model is more than a repeated choice)",
                )
            if mode == "jsonml":
                self.losses.add(
                    "mixed-content", shape.xsd_type,
                    "mixed=jsonml: inline elements are generic JsonML arrays, their own "
                    "content is not typed",
                )
        prop.members = members
        prop.shape = shape  # content-array: the compiler reads the shape's wildcards
        shape.text = prop
        shape.props.append(prop)
        for qname in members:
            shape.elements[qname] = [prop]
        return shape


def _real(decl: Any) -> Any:
    return decl.ref if getattr(decl, "ref", None) is not None else decl


def substitution_candidates(particle: Any) -> list[Any]:
    """The element declarations that may appear where ``particle`` is declared: the element
    itself unless abstract, plus every (transitive) substitution group member, sorted by name
    so that the JSON shape does not depend on set iteration order."""
    if not isinstance(particle, XsdElement):
        return [particle]
    head = _real(particle)
    members = [m for m in head.iter_substitutes() if not m.abstract]
    if not members:
        return [particle]
    out = [] if head.abstract else [particle]
    seen = {head.name}
    for m in sorted(members, key=lambda e: e.name):
        if m.name not in seen:
            seen.add(m.name)
            out.append(m)
    return out


def _dedupe(props: list[Prop]) -> list[Prop]:
    seen: set[int] = set()
    out = []
    for p in props:
        if id(p) not in seen:
            seen.add(id(p))
            out.append(p)
    return out


def _iter_particles(group: Any) -> Any:
    for p in group:
        yield p
        if isinstance(p, XsdGroup):
            yield from _iter_particles(p)


def iter_elements(group: Any) -> Any:
    for p in _iter_particles(group):
        if isinstance(p, XsdElement):
            yield p


def _is_free_choice(group: Any) -> bool:
    """True for ``(a|b|…)*`` (optionally wrapped in a one-particle sequence): the content a
    JSON list of strings and single-key objects expresses exactly."""
    while isinstance(group, XsdGroup) and group.model == "sequence" and len(group) == 1:
        if not isinstance(group[0], XsdGroup):
            return group[0].max_occurs is None and group[0].min_occurs == 0
        if group.max_occurs is not None and group.max_occurs <= 1:
            group = group[0]
        else:
            break
    if not isinstance(group, XsdGroup):
        return False
    if group.model != "choice" or group.max_occurs is not None:
        return False
    return group.min_occurs == 0 and all(
        isinstance(p, XsdElement) for p in group
    )
