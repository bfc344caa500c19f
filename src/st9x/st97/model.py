"""The JSON shape of each XSD type under a profile: one model for the compiler *and* the mapper.

The compiler turns a :class:`Shape` into JSON Schema; the mapper uses the very same shape to put
each XML child into its JSON property and back. Building the shape once, from xmlschema's
component model, is what guarantees that converted instances match the compiled schema: there
is no second set of rules that could drift.

A shape lists :class:`Prop` objects (JSON properties) and an index from each element/attribute
QName to the property (or, for the legacy profile's wrapper objects, the *path* of properties)
that holds it.

This module holds the records (:class:`Shape`, :class:`Prop`, :class:`Wildcard`), the names of
wildcard members and their patterns, and the small questions about XSD components that the
builder, the compiler and the mapper all ask (is a type built in, simple-valued; which
declarations may stand where a particle is declared). The records are built by
:class:`st9x.st97.shape_builder.ShapeBuilder`, which is kept apart because everything that reads
a shape needs these few definitions and none of the building rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from xmlschema.validators import XsdElement, XsdGroup

from st9x.st97.xmlchars import NAMESPACE_CHAR, NCNAME, NOT_XMLNS, NOT_XMLNS_ATTRIBUTE

XSD_NS = "http://www.w3.org/2001/XMLSchema"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

#: The JSON member that carries an instance's ``xsi:type`` (option ``xsi-type=anyof``): no
#: property name can be ``$type`` (names come from NCNames, ``value``/``content``/``$`` and
#: suffixes), nor can a wildcard member (those start with ``{`` or ``@``).
TYPE_MEMBER = "$type"


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
    :data:`~st9x.st97.content_models.MAX_TYPED_MEMBERS` matching declarations): such members
    are converted with the declaration. ``generic``: other members in the namespace constraint
    are allowed in the generic element form (false for a strict wildcard whose declarations are
    all typed: XSD rejects undeclared elements there, and so does the JSON Schema).
    ``pattern``: the member names of the namespace constraint (:func:`namespace_regex`)."""

    component: Any
    min_occurs: int
    max_occurs: int | None
    pattern: str
    typed: dict[str, Any] = field(default_factory=dict)
    generic: bool = True

    def allows(self, namespace: str) -> bool:
        return bool(self.component.is_namespace_allowed(namespace))


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
        xsd_type.has_simple_content() and not list(xsd_type.attributes)
        and not has_any_attribute(xsd_type)
    )


def simple_type_of(xsd_type: Any) -> Any:
    """The simple type of a simple type or of a complex type's simple content."""
    return xsd_type if xsd_type.is_simple() else xsd_type.content


def has_any_attribute(xsd_type: Any) -> bool:
    """Whether a complex type has an ``xsd:anyAttribute`` (xmlschema keys it ``None``)."""
    return any(k is None for k in xsd_type.attributes)


def is_builtin(xsd_type: Any) -> bool:
    name = getattr(xsd_type, "name", None)
    return bool(name and name.startswith(f"{{{XSD_NS}}}"))


def real_declaration(decl: Any) -> Any:
    """The global declaration an element reference points to (the declaration itself when it
    is not a reference)."""
    return decl.ref if getattr(decl, "ref", None) is not None else decl


def substitution_candidates(particle: Any) -> list[Any]:
    """The element declarations that may appear where ``particle`` is declared: the element
    itself unless abstract, plus every (transitive) substitution group member, sorted by name
    so that the JSON shape does not depend on set iteration order."""
    if not isinstance(particle, XsdElement):
        return [particle]
    head = real_declaration(particle)
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


def iter_particles(group: Any) -> Any:
    """Every particle of a model group, nested groups included (depth first)."""
    for p in group:
        yield p
        if isinstance(p, XsdGroup):
            yield from iter_particles(p)


def iter_elements(group: Any) -> Any:
    """Every element particle of a model group, nested groups included."""
    for p in iter_particles(group):
        if isinstance(p, XsdElement):
            yield p
