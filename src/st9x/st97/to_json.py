"""XML → JSON: instance conversion driven by a :class:`~st9x.st97.compilation.Compilation`.

Nothing is guessed from the data: whether a value is an array comes from maxOccurs (a single
``<Applicant>`` in an unbounded particle is still ``[{…}]``), scalar types from the XSD simple
type, property names from the same shapes that produced the JSON Schema, so a conversion that
succeeds gives JSON valid against the compiled schema whenever the XML was valid against the XSD.

Inputs are parsed safely (no DTD, no entities, no network). An instance that does not fit the
schema is converted as far as possible and :class:`~st9x.st97.errors.ConversionError` says where
it stopped (XML path and line) and carries the partial result.

Every element is converted from its declaration's precompiled plan (:mod:`st9x.st97.plan`), and
element-only content, the common case, is walked inline in :meth:`XmlToJson.convert`. Wildcard
members (``xsd:any``: the Clark name, typed or in the generic form of :mod:`st9x.st97.generic`;
``xsd:anyAttribute``: ``"@{ns}local"``) and ``xsi:type`` are looked for only when a tag or
attribute is not in the plan's tables: a fallback, no cost on the common path.
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

from lxml import etree

from st9x.st97 import simple as simple_mod
from st9x.st97.compilation import VERSION_PROPERTY, Compilation
from st9x.st97.errors import ConversionError
from st9x.st97.generic import generic_to_json
from st9x.st97.instance import XSI_NIL, XSI_PREFIX, XSI_TYPE, namespace_of
from st9x.st97.jsonml import jsonml_to_json
from st9x.st97.legacy import place_children
from st9x.st97.model import Prop
from st9x.st97.plan import (
    ANYTYPE,
    ARRAY,
    COLLECTION,
    LEAF_COLLAPSE,
    MIXED,
    OBJECT,
    SIMPLE,
    SINGLE,
    UNCOMPILED,
    Direction,
    ElementPlan,
    Plans,
    real,
)
from st9x.st97.wildcards import convert_typed, wild_member, wild_to_json, xsi_plan


def _parser() -> etree.XMLParser:
    """The parser for every XML input: no DTD, no entity expansion, no network."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False)


def _where(elem: Any) -> str:
    try:
        return str(elem.getroottree().getpath(elem))
    except (AttributeError, ValueError):
        return str(elem.tag)


class XmlToJson(Direction):
    """Converts XML instances to JSON with the shapes of one compilation."""

    def __init__(self, compilation: Compilation, plans: Plans | None = None) -> None:
        super().__init__(compilation, plans)
        self._by_tag = {real(d).name: (name, real(d)) for name, d in compilation.roots.items()}
        self.source: str | None = None  # the file being converted, for error messages

    def to_json(self, source: str | Path | bytes | Any) -> dict[str, Any]:
        """Convert an XML document (path, bytes, element or tree) to a JSON document."""
        root = self._load(source)
        name, decl = self.root(root)
        doc: dict[str, Any] = {}
        if self.settings.version == "property":
            doc[VERSION_PROPERTY] = self.c.version
        # The result is a tree of fresh dicts and lists without cycles, which the cyclic
        # garbage collector would otherwise traverse again and again while it grows (together
        # with every long-lived object of the process, the compiled schemas included): ~6 % of
        # a large conversion. Paused for the walk only, and only if it was running.
        paused = gc.isenabled()
        if paused:
            gc.disable()
        try:
            self.convert(root, self.plans.of(decl), doc, name)
        except ConversionError as exc:
            exc.partial = doc
            raise
        finally:
            if paused:
                gc.enable()
        return doc

    def _load(self, source: Any) -> Any:
        if isinstance(source, str | Path):
            self.source = str(source)
            try:
                return etree.parse(str(source), _parser()).getroot()
            except (OSError, etree.XMLSyntaxError) as exc:
                raise ConversionError(f"cannot parse XML: {exc}", path=str(source)) from None
        self.source = None
        if isinstance(source, bytes):
            try:
                return etree.fromstring(source, _parser())
            except etree.XMLSyntaxError as exc:
                raise ConversionError(f"cannot parse XML: {exc}") from None
        if hasattr(source, "getroot"):
            return source.getroot()
        return source

    def root(self, elem: Any) -> tuple[str, Any]:
        """(property name, declaration) of a document's root element (also for streaming)."""
        found = self._by_tag.get(elem.tag)
        if found is None:
            raise self.error(elem, f"root element {elem.tag} is not a root of this compilation")
        return found

    def error(self, elem: Any, message: str) -> ConversionError:
        """The error at ``elem``: its XML path, line and file, so a user can find the place."""
        return ConversionError(message, where=_where(elem), path=self.source,
                               line=getattr(elem, "sourceline", None))

    def _text_value(self, elem: Any, conv: Any) -> Any:
        """The typed value of a simple-valued element's text (``conv`` None: a plain string).
        Leaf children in the element-only loop decode inline instead: that loop is the hot one."""
        value = elem.text or ""
        if conv is None:
            return value
        try:
            return conv(value)
        except simple_mod.ValueProblem as exc:
            raise self.error(elem, str(exc)) from None

    def convert(self, elem: Any, plan: ElementPlan, container: Any, key: str | None) -> None:
        """Convert ``elem`` and put its value at ``container[key]`` (``key`` None: append).

        Objects and arrays are placed *before* they are filled, so the ``partial`` result of a
        :class:`ConversionError` shows everything converted up to the place where it stopped.
        This is the hot path of XML → JSON, written for speed rather than brevity: attributes
        are read once (``items()`` is one cheap call, usually empty) to find ``xsi:type`` /
        ``xsi:nil``, every other decision comes from the precompiled ``plan``, and element-only
        content (the common case) is walked inline, with scalar children decoded inline too.
        """
        attrib = elem.items()
        if attrib:
            nil = None
            for qname, raw in attrib:
                if qname == XSI_TYPE and plan.xsi_clark is None:
                    typed = xsi_plan(self, elem, plan, raw)
                    if typed is not None:
                        convert_typed(self, elem, typed, container, key)
                        return
                if qname == XSI_NIL:
                    nil = raw
            if nil == "true" or nil == "1":
                if not plan.nillable:
                    raise self.error(elem, "xsi:nil on an element that is not nillable")
                if key is None:
                    container.append(None)
                else:
                    container[key] = None
                return
        kind = plan.kind
        if kind != OBJECT:
            if kind == SIMPLE:
                if len(elem):
                    raise self.error(elem, "element children in an element of simple type")
                value = self._text_value(elem, plan.conv)
                if key is None:
                    container.append(value)
                else:
                    container[key] = value
                return
            if kind == UNCOMPILED:
                self.plans.compile(plan)
                kind = plan.kind
            if kind == MIXED:  # (_convert_other's branch, without the extra call)
                mixed: dict[str, Any] = {}
                if key is None:
                    container.append(mixed)
                else:
                    container[key] = mixed
                if attrib:
                    self._attributes(elem, plan, mixed, attrib)
                self._mixed_to_json(elem, plan, mixed)
                return
            if kind != OBJECT:
                self._convert_other(elem, plan, container, key, attrib)
                return
        obj: dict[str, Any] = {}
        if key is None:
            container.append(obj)
        else:
            container[key] = obj
        if attrib:
            self._attributes(elem, plan, obj, attrib)
        text_name = plan.text_name
        if text_name is not None:  # simple content with attributes
            if len(elem):
                raise self.error(elem, "element children in simple content")
            obj[text_name] = self._text_value(elem, plan.text_conv)
            return
        # Element-only content. The rule is that stray text anywhere in it is reported before
        # any child is converted. Rather than a separate pass over the children, each tail is
        # read in the conversion pass, and the rule is restored when stray text or an error
        # turns up: the children converted so far are taken out of ``obj`` again (``partial``
        # is then what a check-first walk would have left) and the text is reported. Only
        # ``plan.fast`` plans (every child in a top-level property of its own) can be rolled
        # back that simply; legacy wrapper paths check first.
        text = elem.text
        if text and not text.isspace():
            raise self.error(elem, f"text {text.strip()[:40]!r} in element-only content")
        if not plan.fast:
            self._check_no_text(elem)
            place_children(self, elem, plan, obj)
            return
        before = len(obj) if attrib else 0
        children = plan.children.get
        convert = self.convert
        try:
            for child in elem:
                tail = child.tail
                if tail and not tail.isspace():
                    break
                entry = children(child.tag)
                if entry is None:
                    tag = child.tag
                    if not isinstance(tag, str):
                        continue  # comments and processing instructions are not data
                    if plan.wild is not None:  # an xsd:any member (the only extra cost)
                        wild_to_json(self, child, elem, plan, obj)
                        continue
                    raise self.error(child, f"unexpected element {tag} in {elem.tag}")
                mode, name, cplan, ckey, leaf, conv = entry
                if leaf and not len(child) and not child.items():
                    # a scalar child without attributes: the SIMPLE branch above, inline
                    if mode == SINGLE and name in obj:
                        raise self.error(child,
                                         f"{child.tag} occurs more than once (maxOccurs 1)")
                    value = child.text
                    if value is None:
                        value = ""
                    if leaf == LEAF_COLLAPSE:
                        value = " ".join(value.split())  # simple.collapse, inline
                    elif conv is not None:
                        try:
                            value = conv(value)
                        except simple_mod.ValueProblem as exc:
                            if mode == ARRAY:  # (the array is placed before its items)
                                obj.setdefault(name, [])
                            raise self.error(child, str(exc)) from None
                    if mode == SINGLE:
                        obj[name] = value
                    else:
                        items = obj.get(name)
                        if items is None:
                            obj[name] = [value]
                        else:
                            items.append(value)
                    continue
                if mode == ARRAY:
                    items = obj.get(name)
                    if items is None:
                        items = obj[name] = []
                    if (cplan.text_name is not None and not len(child)
                            and not child.items()):
                        # simple content, no attribute given: the OBJECT text branch, inline
                        holder: dict[str, Any] = {}
                        items.append(holder)
                        holder[cplan.text_name] = self._text_value(child, cplan.text_conv)
                    else:
                        convert(child, cplan, items, None)
                elif mode == SINGLE:
                    if name in obj:
                        raise self.error(child,
                                         f"{child.tag} occurs more than once (maxOccurs 1)")
                    if (cplan.text_name is not None and not len(child)
                            and not child.items()):
                        holder = obj[name] = {}
                        holder[cplan.text_name] = self._text_value(child, cplan.text_conv)
                    else:
                        convert(child, cplan, obj, name)
                else:  # ORDERED (a fast plan has no PATH entries)
                    item: dict[str, Any] = {}
                    items = obj.get(name)
                    if items is None:
                        items = obj[name] = []
                    items.append(item)
                    convert(child, cplan, item, ckey)
            else:
                return
        except ConversionError:
            if self._clean_tails(elem):
                raise
        for name in list(obj)[before:]:
            del obj[name]
        self._check_no_text(elem)
        raise AssertionError("stray text not reported")  # pragma: no cover

    def _convert_other(self, elem: Any, plan: ElementPlan, container: Any, key: str | None,
                       attrib: list[tuple[str, str]]) -> None:
        """The rarer kinds: mixed content, collections, JsonML, xsd:anyType."""
        kind = plan.kind
        if kind == ANYTYPE:
            value = generic_to_json(elem)
            if key is None:
                container.append(value)
            else:
                container[key] = value
            return
        if kind == MIXED:
            obj: dict[str, Any] = {}
            if key is None:
                container.append(obj)
            else:
                container[key] = obj
            if attrib:
                self._attributes(elem, plan, obj, attrib)
            self._mixed_to_json(elem, plan, obj)
            return
        if kind == COLLECTION:
            items: list[Any] = []
            if key is None:
                container.append(items)
            else:
                container[key] = items
            self._collection_to_json(elem, plan, items, attrib)
            return
        value = jsonml_to_json(elem, plan.shape, self.error)  # JSONML
        if key is None:
            container.append(value)
        else:
            container[key] = value

    def _attributes(self, elem: Any, plan: ElementPlan, obj: dict[str, Any],
                    attrib: list[tuple[str, str]]) -> None:
        attrs = plan.attrs
        for qname, raw in attrib:
            entry = attrs.get(qname)
            if entry is None:
                if qname.startswith(XSI_PREFIX):
                    continue
                wild = plan.wild
                if wild is not None and wild.any_attribute is not None and \
                        wild.any_attribute.is_namespace_allowed(namespace_of(qname)):
                    obj["@" + qname] = raw  # an xsd:anyAttribute member
                    continue
                raise self.error(elem, f"undeclared attribute {qname}")
            name, conv, groups = entry
            target = obj
            if groups:  # legacy: base-type attributes inside the base wrapper
                for group in groups:
                    target = target.setdefault(group.name, {})
            if conv is None:
                target[name] = raw
                continue
            try:
                target[name] = conv(raw)
            except simple_mod.ValueProblem as exc:
                raise self.error(elem, str(exc)) from None

    def _clean_tails(self, elem: Any) -> bool:
        for child in elem:
            tail = child.tail
            if tail and not tail.isspace():
                return False
        return True

    def _check_no_text(self, elem: Any) -> None:
        """Checked for all children before any is converted: the error (and the partial
        result) must not depend on which of several problems the walk meets first."""
        text = elem.text
        if text and text.strip():
            raise self.error(elem, f"text {text.strip()[:40]!r} in element-only content")
        for child in elem:
            tail = child.tail
            if tail and tail.strip():
                raise self.error(child, f"text {tail.strip()[:40]!r} after element")

    def place_child(self, container: dict[str, Any], path: list[Prop], child: Any) -> None:
        """The general placement along a property path (legacy wrappers, streamed records)."""
        *groups, prop = path
        target = container
        for group in groups:
            if group.array:
                items = target.setdefault(group.name, [])
                if not items or prop.name not in items[-1] or not prop.array:
                    items.append({})
                target = items[-1]
            else:
                target = target.setdefault(group.name, {})
        if prop.kind == "ordered":
            key, decl = prop.members[child.tag]
            item: dict[str, Any] = {}
            target.setdefault(prop.name, []).append(item)
            self.convert(child, self.plans.of(decl), item, key)
            return
        if prop.kind != "element":
            raise self.error(child, f"element {child.tag} maps to a {prop.kind} property")
        if prop.array:
            self.convert(child, self.plans.of(prop.component),
                         target.setdefault(prop.name, []), None)
            return
        if prop.name in target:
            raise self.error(child, f"{child.tag} occurs more than once (maxOccurs 1)")
        self.convert(child, self.plans.of(prop.component), target, prop.name)

    def _collection_to_json(self, elem: Any, plan: ElementPlan, items: list[Any],
                            attrib: list[tuple[str, str]]) -> None:
        for qname, _ in attrib:
            if not qname.startswith(XSI_PREFIX):
                raise self.error(elem, f"undeclared attribute {qname}")
        self._check_no_text(elem)
        convert = self.convert
        item_tag = plan.item_tag
        if item_tag is None:  # an ordered choice: one-property objects
            members = plan.members
            for child in elem:
                tag = child.tag
                if not isinstance(tag, str):
                    continue
                member = members.get(tag)
                if member is None:
                    raise self.error(child, f"unexpected element {tag} in {elem.tag}")
                key, cplan = member
                item: dict[str, Any] = {}
                items.append(item)
                convert(child, cplan, item, key)
            return
        item_plan = plan.item_plan
        assert item_plan is not None
        for child in elem:
            tag = child.tag
            if tag != item_tag:
                if not isinstance(tag, str):
                    continue
                raise self.error(child, f"unexpected element {tag} in {elem.tag}")
            convert(child, item_plan, items, None)

    def _mixed_to_json(self, elem: Any, plan: ElementPlan, obj: dict[str, Any]) -> None:
        prop = plan.text_prop
        assert prop is not None
        if prop.kind == "text":  # mixed=text-only
            text = "".join(t for t in elem.itertext(tag=etree.Element))  # type: ignore[call-arg]
            if text:
                obj[prop.name] = text
            return
        content: list[Any] = []
        text = elem.text
        if text:
            content.append(text)
        members = plan.members
        for child in elem:
            tag = child.tag
            member = members.get(tag)
            if member is not None:
                key, cplan = member
                if cplan.kind == MIXED and not child.items():
                    # inline markup (b, i, sup…) inside a paragraph: straight to its content
                    sub: dict[str, Any] = {}
                    content.append({key: sub})
                    sub_name = cplan.mixed_name
                    if sub_name is not None and not len(child):
                        # text only (no child node at all): this method's result, inline
                        sub_text = child.text
                        if sub_text:
                            sub[sub_name] = [sub_text]
                    else:
                        self._mixed_to_json(child, cplan, sub)
                else:
                    item: dict[str, Any] = {}
                    content.append(item)
                    self.convert(child, cplan, item, key)
                tail = child.tail
                if tail:  # after an object: a string of its own
                    content.append(tail)
                continue
            if isinstance(tag, str):
                if plan.wild is None or not plan.wild.wildcards:
                    raise self.error(child, f"unexpected element {tag} in mixed content")
                key, wplan = wild_member(self, child, plan, "mixed content")
                item = {}
                content.append(item)
                if wplan is None:
                    item[key] = generic_to_json(child)
                else:
                    self.convert(child, wplan, item, key)
            tail = child.tail
            if tail:
                if content and isinstance(content[-1], str):
                    content[-1] += tail
                else:
                    content.append(tail)
        if content:
            obj[prop.name] = content

