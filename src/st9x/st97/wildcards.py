"""Wildcards and ``xsi:type``, both ways: the fallbacks of the two walks.

Both walks look a child tag, attribute or JSON property up in the plan's tables first and come
here only on a miss (or for an ``xsi:type`` attribute, a ``$type`` member), so the common path
pays nothing for them (see README.md, "Wildcards, xsd:anyType and xsi:type"):

* an element matched by ``xsd:any`` is the member named by its Clark name, an array in
  document order, typed with its global declaration (lax/strict) or in the generic form
  (:mod:`st9x.st97.generic`); an attribute matched by ``xsd:anyAttribute`` is ``"@{ns}local"``;
* ``xsi:type`` naming a derived type (``xsi-type=anyof``) is ``$type``, converted with the
  derived type's plan; anything else is refused, never dropped silently.

On the way back, wildcard members wait (in JSON order) for the ``xsd:any`` particle that allows
their namespace.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from st9x.st97.generic import generic_child, generic_to_json
from st9x.st97.instance import XSI_TYPE, namespace_of
from st9x.st97.model import TYPE_MEMBER, member_key, member_tag
from st9x.st97.names import split_qname
from st9x.st97.plan import ANYTYPE, MIXED, ElementPlan, Particle, Plans, PropsPlan
from st9x.st97.pointer import Where, fail, token
from st9x.st97.queues import Queues
from st9x.st97.xmlchars import attribute_name_problem, element_name_problem

if TYPE_CHECKING:
    from st9x.st97.to_json import XmlToJson
    from st9x.st97.to_xml import JsonToXml

# -- XML → JSON ---------------------------------------------------------------------------------


def xsi_plan(reader: XmlToJson, elem: Any, plan: ElementPlan, raw: str) -> ElementPlan | None:
    """The plan for ``xsi:type="raw"`` on ``elem``: ``None`` when it names the declared type
    (nothing to record) or the element is of ``xsd:anyType`` (the generic form keeps the
    attribute); a derived type's plan; else a ConversionError (never dropped silently)."""
    if plan.kind == ANYTYPE:
        return None
    value = raw.strip()
    prefix, _, local = value.rpartition(":")
    namespace = elem.nsmap.get(prefix or None)
    if prefix and namespace is None:
        raise reader.error(elem, f"xsi:type {value!r}: prefix {prefix!r} is not bound")
    clark = f"{{{namespace}}}{local}" if namespace else local
    if clark == plan.xsd_type.name:
        return None
    variants = plan.xsi_types
    if variants is None or clark not in variants:
        if reader.settings.xsi_type != "anyof":
            raise reader.error(elem, f"xsi:type {value!r}: type substitution is not mapped "
                                     "under xsi-type=none (compile with xsi-type=anyof)")
        raise reader.error(elem, f"xsi:type {value!r}: not a type derived from the declared "
                                 "type whose JSON form can carry $type in this compilation")
    return reader.plans.of_type(plan.decl, variants[clark])


def convert_typed(reader: XmlToJson, elem: Any, typed: ElementPlan, container: Any,
                  key: str | None) -> None:
    """Convert with a derived type's plan and record it as ``$type``."""
    reader.convert(elem, typed, container, key)
    placed = container[-1] if key is None else container[key]
    if not isinstance(placed, dict):
        raise reader.error(elem, "xsi:type on an element whose JSON value is not an object "
                                 "(xsi:nil): the type cannot be recorded")
    placed[TYPE_MEMBER] = typed.xsi_clark


def wild_member(reader: XmlToJson, child: Any, plan: ElementPlan,
                where: str) -> tuple[str, ElementPlan | None]:
    """(member name, typed plan or None for the generic form) of an element that no
    declaration of ``plan`` takes, or the usual "unexpected element" error."""
    tag = child.tag
    cached = plan.wild_cache.get(tag)
    if cached is None:
        shape = plan.wild
        found = shape.resolve_member(tag) if shape is not None else None
        if found is None:
            raise reader.error(child, f"unexpected element {tag} in {where}")
        cached = (member_key(tag), None if found[1] is None else reader.plans.of(found[1]))
        plan.wild_cache[tag] = cached
    return cached


def wild_to_json(reader: XmlToJson, child: Any, elem: Any, plan: ElementPlan,
                 obj: dict[str, Any]) -> None:
    """An element matched by ``xsd:any``: appended to the array of its member name."""
    if plan.kind == MIXED:
        raise reader.error(child, f"unexpected element {child.tag} in {elem.tag}")
    key, wplan = wild_member(reader, child, plan, str(elem.tag))
    items = obj.get(key)
    if items is None:
        items = obj[key] = []
    if wplan is None:
        items.append(generic_to_json(child))
    else:
        reader.convert(child, wplan, items, None)


# -- JSON → XML ---------------------------------------------------------------------------------


def build_typed(writer: JsonToXml, value: dict[str, Any], plan: ElementPlan, parent: Any,
                where: Where, nsmap: dict[str | None, str] | None,
                holder: list[Any] | None) -> None:
    """An object with ``$type``: built with the derived type's plan, ``xsi:type`` set."""
    clark = value[TYPE_MEMBER]
    assert plan.xsi_types is not None
    xsd_type = plan.xsi_types.get(clark) if isinstance(clark, str) else None
    if xsd_type is None:
        raise fail((where, "/" + TYPE_MEMBER, None),
                   f"{clark!r} is not a type derived from the declared type in "
                   "this compilation")
    rest = {k: v for k, v in value.items() if k != TYPE_MEMBER}
    writer.build(rest, writer.plans.of_type(plan.decl, xsd_type), parent, where, nsmap, holder)
    elem = holder[-1] if parent is None and holder else parent[-1]
    namespace, local = split_qname(clark)
    if not namespace:
        if elem.nsmap.get(None):
            raise fail(where, f"xsi:type {local!r} has no namespace but a default "
                              "namespace is in scope")
        elem.set(XSI_TYPE, local)
        return
    prefix = next((p for p, u in elem.nsmap.items() if u == namespace and p), None)
    if prefix is None:  # bind a prefix on the element: lxml declares one for an attribute
        marker = f"{{{namespace}}}st9x-xsi-type"
        elem.set(marker, "")
        del elem.attrib[marker]
        prefix = next(p for p, u in elem.nsmap.items() if u == namespace and p)
    elem.set(XSI_TYPE, f"{prefix}:{local}")


def flatten_wild(plans: Plans, props: PropsPlan, value: dict[str, Any], elem: Any,
                 queues: Queues, where: Where) -> None:
    """Wildcard members of ``value``: ``@`` attributes onto ``elem``, elements onto the
    queues (in JSON order) for the ``xsd:any`` particles; any other unknown name fails."""
    shape = props.wild
    assert shape is not None
    known = props.known
    for key, v in value.items():
        if key in known:
            continue
        first = key[:1]
        if first == "@" and shape.any_attribute is not None and \
                shape.any_attribute.is_namespace_allowed(namespace_of(key[1:])):
            if type(v) is not str:
                raise fail((where, token(key), None), "expected a string")
            problem = attribute_name_problem(key[1:])
            if problem is not None:
                raise fail((where, token(key), None), problem)
            try:
                elem.set(key[1:], v)
            except (ValueError, TypeError):
                raise fail((where, token(key), None), "not an attribute name") from None
            continue
        found = None
        if first == "{" and "}" in key and shape.kind != "mixed":
            found = shape.resolve_member(member_tag(key))
        if found is None:
            unknown = sorted(k for k in value if k not in known)
            raise fail(where, f"unknown properties {unknown}")
        at = (where, token(key), None)
        problem = element_name_problem(key)
        if problem is not None:
            raise fail(at, problem)
        if not isinstance(v, list):
            raise fail(at, "expected an array")
        wplan = None if found[1] is None else plans.of(found[1])
        tag = member_tag(key)
        for i, one in enumerate(v):
            queues.add_wild(tag, one, wplan, (at, "/", i))


def walk_wild(writer: JsonToXml, node: Particle, queues: Queues, elem: Any) -> bool:
    """An ``xsd:any`` particle: emit the waiting members it allows, in JSON order."""
    wild = node.wild
    items = queues.wild
    max_occurs = node.max_occurs
    n = i = 0
    while i < len(items) and (max_occurs is None or n < max_occurs):
        tag = items[i][0]
        if not wild.is_namespace_allowed(namespace_of(tag)):
            i += 1
            continue
        _, one, wplan, where = queues.take_wild(i)
        if wplan is None:
            generic_child(member_key(tag), one, elem, where)
        else:
            writer.build(one, wplan, elem, where)
        n += 1
    return n > 0
