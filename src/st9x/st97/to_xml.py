"""JSON → XML: instance conversion driven by a :class:`~st9x.st97.compilation.Compilation`.

Element names, namespaces and order come from the XSD content model: the JSON properties of an
object are put onto queues per element QName (:mod:`st9x.st97.queues`), then a walk of the
content model, compiled once per declaration (:class:`~st9x.st97.plan.Particle`), consumes them
in the order the XSD requires; a content model the walk would traverse in one pass is emitted
without queues. So a conversion that succeeds gives XML valid against the XSD whenever the
JSON was valid against the compiled schema.

An instance that does not fit the schema is converted as far as possible and
:class:`~st9x.st97.errors.ConversionError` says where it stopped (a JSON pointer, built only
then: :mod:`st9x.st97.pointer`) and carries the partial result.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from lxml import etree

from st9x.st97.compilation import VERSION_PROPERTY, Compilation
from st9x.st97.errors import ConversionError
from st9x.st97.generic import fill_generic, generic_child
from st9x.st97.instance import XSI_NIL
from st9x.st97.jsonml import build_jsonml
from st9x.st97.legacy import push_wrapper
from st9x.st97.model import TYPE_MEMBER, Prop, member_tag
from st9x.st97.names import WELL_KNOWN_PREFIXES, split_qname
from st9x.st97.plan import (
    ANYTYPE,
    COLLECTION,
    INT_KINDS,
    JSONML,
    MIXED,
    P_ANY,
    P_ATTRIBUTE,
    P_ELEMENT,
    P_GROUP,
    P_ORDERED,
    P_TEXT,
    SIMPLE,
    STR_KINDS,
    UNCOMPILED,
    Direction,
    ElementPlan,
    Particle,
    Plans,
    PropsPlan,
    real,
)
from st9x.st97.pointer import Where, encode, fail, pointer, token
from st9x.st97.queues import Found, Queues
from st9x.st97.simple import kind_of
from st9x.st97.wildcards import build_typed, flatten_wild, walk_wild
from st9x.st97.xmlchars import check_characters

SubElement = etree.SubElement


class JsonToXml(Direction):
    """Converts JSON instances back to XML with the shapes of one compilation."""

    def __init__(self, compilation: Compilation, plans: Plans | None = None) -> None:
        super().__init__(compilation, plans)
        self._nsmap_cache: dict[str | None, str] | None = None

    def to_xml(self, document: dict[str, Any]) -> Any:
        """Convert a JSON document back to an lxml element (namespaces and order from the XSD)."""
        if not isinstance(document, dict):
            raise ConversionError("a JSON document must be an object", where="")
        check_characters(document)  # before lxml sees any string: it fails without a place
        body = dict(document)
        if self.settings.version == "property":
            version = body.pop(VERSION_PROPERTY, None)
            if version != self.c.version:
                raise ConversionError(
                    f"{VERSION_PROPERTY} {version!r} does not match the schema's "
                    f"{self.c.version!r}", where=f"/{VERSION_PROPERTY}")
        if len(body) != 1:
            raise ConversionError(f"expected exactly one root property, found {sorted(body)}",
                                  where="")
        (name, value), = body.items()
        decl = self.c.roots.get(name)
        if decl is None:
            raise ConversionError(f"{name!r} is not a root of this compilation", where="")
        nsmap = self._nsmap()
        holder: list[Any] = []
        try:
            self.build(value, self.plans.of(decl), None, f"/{name}", nsmap, holder)
        except ConversionError as exc:
            exc.partial = holder[0] if holder else None
            raise
        return holder[0]

    def _nsmap(self) -> dict[str | None, str]:
        """Prefixes for the root element (computed once: it scans every global element)."""
        if self._nsmap_cache is None:
            self._nsmap_cache = self._compute_nsmap()
        return dict(self._nsmap_cache)

    def _compute_nsmap(self) -> dict[str | None, str]:
        namespaces = {split_qname(q)[0] for q in self.c.xsd.maps.elements}
        namespaces |= {split_qname(q)[0] for d in self.c.roots.values()
                       for q in real(d).type.attributes if q}
        # the schema's own prefixes first (they are what instances of it usually use), then
        # the conventional ST.96 ones for namespaces the entry schema file does not bind
        nsmap: dict[str | None, str] = {}
        for prefix, ns in self.c.xsd.namespaces.items():
            if prefix and ns and ns in namespaces and ns not in nsmap.values():
                nsmap[prefix] = ns
        for ns in sorted(namespaces):
            prefix = WELL_KNOWN_PREFIXES.get(ns)
            if ns and prefix and prefix not in ("xml", "xs") and ns not in nsmap.values() \
                    and prefix not in nsmap:
                nsmap[prefix] = ns
        nsmap.pop("xml", None)
        return nsmap

    def build(self, value: Any, plan: ElementPlan, parent: Any, where: Where,
              nsmap: dict[str | None, str] | None = None, holder: list[Any] | None = None) -> None:
        """Append the element of ``plan`` holding ``value`` to ``parent`` (or make the root).

        ``where`` is the JSON pointer of ``value``, kept lazy (see :data:`Where`) because it is
        only ever read when something fails."""
        if plan.xsi_types is not None and type(value) is dict and TYPE_MEMBER in value:
            build_typed(self, value, plan, parent, where, nsmap, holder)
            return
        name = plan.tag
        if parent is None:
            elem = etree.Element(name, nsmap=nsmap)
            if holder is not None:
                holder.append(elem)
        else:
            elem = SubElement(parent, name)
        if value is None:
            if not plan.nillable:
                raise fail(where, "null for an element that is not nillable")
            elem.set(XSI_NIL, "true")
            return
        kind = plan.kind
        if kind == SIMPLE:
            if plan.str_ok and type(value) is str:
                elem.text = value  # what encode() returns for a string of these kinds
            else:
                elem.text = encode(where, value, plan.st)
            return
        if kind == ANYTYPE:
            fill_generic(value, elem, where)
            return
        if kind == UNCOMPILED:
            self.plans.compile(plan)
            kind = plan.kind
        if not plan.xml_ready and kind != JSONML:
            self.plans.compile_xml(plan)
        if kind == COLLECTION:
            self._build_collection(value, plan, elem, where)
            return
        if kind == JSONML:
            build_jsonml(value, plan.decl, elem, pointer(where), plan.shape)
            return
        if not isinstance(value, dict):
            raise fail(where, f"expected an object, got {type(value).__name__}")
        props = plan.props
        assert props is not None
        direct = plan.direct
        if direct is not None:
            self._build_direct(value, plan, direct, elem, where)
            return
        queues = Queues()
        self._flatten(props, value, elem, queues, where)
        if kind == MIXED:
            content = plan.text_prop
            assert content is not None
            self._build_mixed(value.get(content.name), content, plan, elem,
                              (where, "/" + content.name, None))
            return
        program = plan.program
        if program is not None and queues.total:
            self._walk(program, queues, elem, where)
        if queues.total:  # (else every queue is empty: nothing can be left over)
            left = queues.leftovers()
            if left:
                raise fail(where, "could not place " + ", ".join(left) +
                           " where the XSD content model allows it")

    def _build_direct(self, value: dict[str, Any], plan: ElementPlan,
                      direct: tuple[tuple[str, ElementPlan, str, int | None], ...], elem: Any,
                      where: Where) -> None:
        """The content of a one-pass content model (see ``Plans._direct``), without queues:
        what the walk would emit, in the same order, with the same leftovers reported."""
        props = plan.props
        assert props is not None
        found = Found()
        self._flatten(props, value, elem, found, where)  # type: ignore[arg-type]
        values_by = found.values
        if not values_by:
            return
        build = self.build
        for qname, cplan, slash, limit in direct:
            values = values_by.get(qname)
            if not values:
                continue
            str_ok = cplan.str_ok
            for n, one in enumerate(values):
                if limit is not None and n >= limit:
                    break
                if str_ok and type(one) is str:
                    SubElement(elem, cplan.tag).text = one
                else:
                    build(one, cplan, elem, (where, slash, n))
        limits = plan.direct_limits
        left = []
        for qname, values in values_by.items():
            limit = limits.get(qname, 0)
            if values and (limit is not None and len(values) > limit):
                left.append(qname)
        if left:
            raise fail(where, "could not place " + ", ".join(sorted(left)) +
                       " where the XSD content model allows it")

    def _flatten(self, props: PropsPlan, value: dict[str, Any], elem: Any, queues: Queues,
                 where: Where) -> None:
        """Attributes and text onto ``elem``; element values onto ``queues`` for the walk."""
        known = props.known
        for key in value:
            if key not in known:
                if props.wild is not None:
                    flatten_wild(self.plans, props, value, elem, queues, where)
                    break
                unknown = sorted(set(value) - known)
                raise fail(where, f"unknown properties {unknown}")
        entries = props.entries
        in_order: deque[tuple[str, Any]] | None = None
        if props.selective and len(entries) > 2 * len(value) + 4:
            # few of many properties present: visit those, still in the shape's order
            index = props.index
            entries = tuple(entries[i] for i in sorted(index[k] for k in value if k in index))
        for name, kind, prop, slash, a, b in entries:
            if name not in value:
                continue
            v = value[name]
            if kind == P_ELEMENT:
                if b:  # an array property
                    if not isinstance(v, list):
                        raise fail((where, slash, None), "expected an array")
                    queues.add(a, v)
                else:
                    queues.add(a, [v])
            elif kind == P_ATTRIBUTE:
                vtype = type(v)
                if vtype is str and kind_of(b) in STR_KINDS:
                    elem.set(a, v)  # what encode() returns for a string of these kinds
                elif vtype is int and kind_of(b) in INT_KINDS:
                    elem.set(a, str(v))  # likewise for an int (bool is not an exact int)
                else:
                    elem.set(a, encode((where, slash, None), v, b))
            elif kind == P_TEXT:
                if a is None:
                    elem.text = str(v)
                else:
                    elem.text = encode((where, slash, None), v, a)
            elif kind == P_ORDERED:
                at = pointer((where, slash, None))
                shared: deque[tuple[str, Any]] = deque()
                for i, item in enumerate(self._items(v, at)):
                    qname = a.get(next(iter(item)))
                    if qname is None or len(item) != 1:
                        raise fail(f"{at}/{i}", "expected one of " + ", ".join(a))
                    queues.add_ordered(shared, qname, next(iter(item.values())))
            elif kind == P_GROUP:
                at = pointer((where, slash, None))
                if prop.array:
                    shared = deque()
                    for i, wrapper in enumerate(self._items(v, at)):
                        push_wrapper(prop, wrapper, queues, shared, f"{at}/{i}")
                elif name in props.in_order and isinstance(v, dict):
                    if in_order is None:
                        in_order = deque()
                    push_wrapper(prop, v, queues, in_order, at, in_order=True)
                elif isinstance(v, dict):
                    self._flatten(self.plans.props_of(a), v, elem, queues, at)
                else:
                    raise fail(at, "expected an object")

    def _items(self, v: Any, where: Where) -> list[dict[str, Any]]:
        if not isinstance(v, list) or not all(isinstance(i, dict) and i for i in v):
            raise fail(where, "expected an array of objects")
        return v

    def _walk(self, node: Particle, queues: Queues, elem: Any, where: Where) -> bool:
        """Emit queued values in content-model order; True if anything was emitted.

        The compiled program replaces the per-particle xmlschema calls, and a particle none of
        whose elements has values left is skipped (it could not emit: the walk has no other
        effect), which is most of a large content model for a typical instance."""
        live = queues.live
        if node.kind == P_ELEMENT:
            max_occurs = node.max_occurs
            cands = node.cands
            n = 0
            while max_occurs is None or n < max_occurs:
                for qname, plan, slash in cands:
                    if qname in live and queues.available(qname):
                        self.build(queues.pop(qname), plan, elem, (where, slash, n))
                        n += 1
                        break
                else:
                    break
            return n > 0
        if node.kind != P_GROUP:
            return node.kind == P_ANY and walk_wild(self, node, queues, elem)
        emitted = False
        reps = 0
        max_occurs = node.max_occurs
        walk = self._walk
        while max_occurs is None or reps < max_occurs:
            progress = False
            if node.choice:
                for alt in node.children:
                    if live.isdisjoint(alt.qnames):
                        continue  # nothing left for this alternative
                    if walk(alt, queues, elem, where):
                        progress = True
                        break
            else:
                for child in node.children:
                    if live.isdisjoint(child.qnames):
                        continue
                    if child.kind != P_ELEMENT:
                        progress = walk(child, queues, elem, where) or progress
                        continue
                    # an element particle: the branch above, inline (most particles are)
                    child_max = child.max_occurs
                    n = 0
                    while child_max is None or n < child_max:
                        for qname, plan, slash in child.cands:
                            if qname in live and queues.available(qname):
                                value = queues.pop(qname)
                                if plan.str_ok and type(value) is str:
                                    # a string for a string-typed element: _build's first
                                    # SIMPLE case, inline
                                    SubElement(elem, plan.tag).text = value
                                else:
                                    self.build(value, plan, elem, (where, slash, n))
                                n += 1
                                break
                        else:
                            break
                    if n:
                        progress = True
            if not progress:
                break
            emitted = True
            reps += 1
        return emitted

    def _build_collection(self, value: Any, plan: ElementPlan, elem: Any, where: Where) -> None:
        if not isinstance(value, list):
            raise fail(where, f"expected an array, got {type(value).__name__}")
        by_key = plan.by_key
        if by_key is not None:  # an ordered choice: one-property objects
            for i, item in enumerate(self._items(value, where)):
                (key, x), = item.items() if len(item) == 1 else (("", None),)
                cplan = by_key.get(key)
                if cplan is None:
                    raise fail((where, "/", i), "expected one of " + ", ".join(by_key))
                self.build(x, cplan, elem, ((where, "/", i), "/" + key, None))
            return
        item_plan = plan.item_plan
        assert item_plan is not None
        build = self.build
        if item_plan.str_ok:
            tag = item_plan.tag
            for i, item in enumerate(value):
                if type(item) is str:
                    SubElement(elem, tag).text = item
                else:
                    build(item, item_plan, elem, (where, "/", i))
            return
        for i, item in enumerate(value):
            build(item, item_plan, elem, (where, "/", i))

    def _build_mixed(self, content: Any, prop: Prop, plan: ElementPlan, elem: Any,
                     where: Where) -> None:
        if content is None:
            return
        if prop.kind == "text":
            elem.text = str(content)
            return
        if not isinstance(content, list):
            raise fail(where, "expected an array of strings and objects")
        by_key = plan.by_key
        assert by_key is not None
        last: Any = None
        for i, item in enumerate(content):
            if isinstance(item, str):
                if last is None:
                    elem.text = (elem.text or "") + item
                else:
                    last.tail = (last.tail or "") + item
                continue
            if not isinstance(item, dict) or len(item) != 1:
                raise fail((where, "/", i), "expected a string or a one-property object")
            (key, x), = item.items()
            cplan = by_key.get(key)
            if cplan is None:
                shape = plan.wild
                found = (shape.resolve_member(member_tag(key)) if shape is not None
                         and key[:1] == "{" and "}" in key else None)
                if found is None:
                    raise fail((where, "/", i), f"{key!r} is not allowed in this content")
                at = ((where, "/", i), token(key), None)
                if found[1] is None:
                    last = generic_child(key, x, elem, at)
                else:
                    self.build(x, self.plans.of(found[1]), elem, at)
                    last = elem[-1]
                continue
            self.build(x, cplan, elem, ((where, "/", i), "/" + key, None))
            last = elem[-1]
