"""XML ↔ JSON instance conversion driven by a :class:`~st9x.st97.compiler.Compilation`.

Nothing is guessed from the data: whether a value is an array comes from maxOccurs (a single
``<Applicant>`` in an unbounded particle is still ``[{…}]``), scalar types from the XSD simple
type, property names from the same shapes that produced the JSON Schema, and on the way back
element names, namespaces and order come from the XSD content model (a content-model walk
consumes the JSON properties in the order the XSD requires). So a conversion that succeeds gives
JSON valid against the compiled schema whenever the XML was valid against the XSD, and back.

Inputs are parsed safely (no DTD, no entities, no network). An instance that does not fit the
schema is converted as far as possible and :class:`~st9x.st97.errors.ConversionError` says where
it stopped (XML path and line, or JSON pointer) and carries the partial result.

What is *not* carried over, by design: comments and processing instructions, ``xsi:*``
attributes (``schemaLocation`` …) other than ``xsi:nil`` (``null``) and ``xsi:type`` (``$type``
under ``xsi-type=anyof``, refused otherwise), insignificant whitespace between elements, and the
lexical form of typed values (``+01`` in an ``xsd:int`` comes back as ``1``; whitespace in
collapsed types comes back collapsed). Decimals keep their digits (:mod:`st9x.st97.jsonio`).

Wildcards: an element matched by ``xsd:any`` becomes a member named by its Clark name
(``"{urn:x}Note": [...]``), typed with its global declaration (lax/strict) or in the generic
element form ``{"attributes": {...}, "content": ["text", {"{ns}Child": {...}}]}``; an attribute
matched by ``xsd:anyAttribute`` a string member ``"@{ns}local"``. Both are looked for only when a
tag or attribute is not in the plan's tables (a fallback, no cost on the common path); on the way
back, members wait in the queues for the ``xsd:any`` particle that allows their namespace.
"""

from __future__ import annotations

import gc
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree
from xmlschema.validators import XsdGroup

from st9x.st97 import simple as simple_mod
from st9x.st97.compiler import VERSION_PROPERTY, Compilation
from st9x.st97.errors import ConversionError
from st9x.st97.model import (
    TYPE_MEMBER,
    Prop,
    Shape,
    is_simple_valued,
    iter_elements,
    member_key,
    member_tag,
    substitution_candidates,
)
from st9x.st97.names import WELL_KNOWN_PREFIXES, split_qname
from st9x.st97.plan import (
    ANYTYPE,
    ARRAY,
    COLLECTION,
    INT_KINDS,
    JSONML,
    LEAF_COLLAPSE,
    MIXED,
    OBJECT,
    P_ANY,
    P_ATTRIBUTE,
    P_ELEMENT,
    P_GROUP,
    P_ORDERED,
    P_TEXT,
    SIMPLE,
    SINGLE,
    STR_KINDS,
    UNCOMPILED,
    WILD,
    ElementPlan,
    Particle,
    Plans,
    PropsPlan,
)
from st9x.st97.simple import kind_of

XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XSI_NIL = f"{{{XSI_NS}}}nil"
XSI_TYPE = f"{{{XSI_NS}}}type"
XSI_PREFIX = f"{{{XSI_NS}}}"
#: xsi attributes that are processing hints, not data: dropped in the generic form too
XSI_HINTS = frozenset({f"{XSI_PREFIX}schemaLocation", f"{XSI_PREFIX}noNamespaceSchemaLocation"})


def _namespace(tag: str) -> str:
    return tag[1:].partition("}")[0] if tag[:1] == "{" else ""


def _token(key: str) -> str:
    """A member name as a JSON pointer segment (wildcard names hold ``/`` and ``~``)."""
    return "/" + key.replace("~", "~0").replace("/", "~1")

# A JSON pointer, built lazily because it is only read when a conversion fails: a string, or
# (parent, "/name", None) → parent + "/name", (parent, "/local", n) → parent + "/local[n]",
# (parent, "/", i) → parent + "/i" (an array index).
Where = str | tuple[Any, str, int | None]
SubElement = etree.SubElement


def _pointer(where: Where) -> str:
    """The text of a lazy JSON pointer (see :data:`Where`)."""
    parts: list[str] = []
    while not isinstance(where, str):
        where, segment, n = where
        if n is None:
            parts.append(segment)
        elif segment == "/":
            parts.append(f"/{n}")
        else:
            parts.append(f"{segment}[{n}]")
    return where + "".join(reversed(parts))


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False)


def _real(decl: Any) -> Any:
    return decl.ref if getattr(decl, "ref", None) is not None else decl


def _continues(alternatives: dict[str, dict[int, int]], wrapper: dict[str, Any],
               key: str) -> bool:
    """Whether a legacy choice wrapper holding ``wrapper`` can take property ``key`` too: some
    alternative contains ``key`` and every property already there, each before ``key`` (or
    ``key`` itself, whose repetition the caller checks)."""
    mine = alternatives.get(key)
    if not mine:
        return True
    for index, position in mine.items():
        if all(k == key or alternatives.get(k, {}).get(index, position) < position
               for k in wrapper):
            return True
    return False


def _started(container: dict[str, Any], path: list[Prop], later: list[Prop]) -> bool:
    """Whether the wrapper where ``later`` leaves ``path`` already exists in ``container``."""
    target: Any = container
    for depth, group in enumerate(later[:-1]):
        if depth < len(path) and path[depth] is group:
            if group.array:
                return False
            target = target.get(group.name)
            if target is None:
                return False
            continue
        return group.name in target
    return False


def _where(elem: Any) -> str:
    try:
        return str(elem.getroottree().getpath(elem))
    except (AttributeError, ValueError):
        return str(elem.tag)


class _Queues:
    """JSON values waiting to be placed by the content-model walk, per element QName.

    Values from an ordered array (``choice-unbounded=ordered``, legacy repeated choice
    wrappers) share one queue so their relative order survives; an element can only be taken
    from such a queue when it is at its head.

    ``count`` (values added minus values taken, per QName), ``live`` (the QNames whose count
    is not 0) and ``total`` are a cheap pre-filter for the walk: a QName outside ``live`` has
    no value anywhere, so it cannot be available, and a particle whose QNames are all outside
    it cannot emit anything."""

    __slots__ = ("count", "live", "plain", "shared", "total", "wild")

    def __init__(self) -> None:
        self.plain: dict[str, deque[Any]] = {}
        self.shared: dict[str, deque[tuple[str, Any]]] = {}
        self.count: dict[str, int] = {}
        self.live: set[str] = set()
        self.total = 0
        # wildcard members in JSON order: (tag, value, typed plan or None, pointer); counted
        # under the name WILD, which only xsd:any particles list among their QNames
        self.wild: list[tuple[str, Any, ElementPlan | None, Where]] = []

    def add_wild(self, tag: str, value: Any, plan: ElementPlan | None, where: Where) -> None:
        self.wild.append((tag, value, plan, where))
        self.count[WILD] = self.count.get(WILD, 0) + 1
        self.live.add(WILD)
        self.total += 1

    def take_wild(self, index: int) -> tuple[str, Any, ElementPlan | None, Where]:
        item = self.wild.pop(index)
        left = self.count[WILD] - 1
        self.count[WILD] = left
        if not left:
            self.live.discard(WILD)
        self.total -= 1
        return item

    def add(self, qname: str, values: list[Any]) -> None:
        plain = self.plain.get(qname)
        if plain is None:
            self.plain[qname] = deque(values)
        else:
            plain.extend(values)
        if values:
            self.count[qname] = self.count.get(qname, 0) + len(values)
            self.live.add(qname)
            self.total += len(values)

    def add_ordered(self, queue: deque[tuple[str, Any]], qname: str, value: Any) -> None:
        self.shared[qname] = queue
        queue.append((qname, value))
        self.count[qname] = self.count.get(qname, 0) + 1
        self.live.add(qname)
        self.total += 1

    def available(self, qname: str) -> bool:
        if self.plain.get(qname):
            return True
        shared = self.shared.get(qname)
        return bool(shared) and shared[0][0] == qname  # type: ignore[index]

    def pop(self, qname: str) -> Any:
        left = self.count[qname] - 1
        self.count[qname] = left
        if not left:
            self.live.discard(qname)
        self.total -= 1
        plain = self.plain.get(qname)
        if plain:
            return plain.popleft()
        return self.shared[qname].popleft()[1]

    def leftovers(self) -> list[str]:
        left = [q for q, d in self.plain.items() if d]
        for q, d in self.shared.items():
            if any(item[0] == q for item in d):
                left.append(q)
        left.extend(item[0] for item in self.wild)
        return sorted(set(left))


class _Found:
    """What :meth:`Mapper._flatten` finds for the elements of a one-pass content model:
    the values per QName, in the order found (no queues are needed to emit them)."""

    __slots__ = ("values",)

    def __init__(self) -> None:
        self.values: dict[str, list[Any]] = {}

    def add(self, qname: str, values: list[Any]) -> None:
        known = self.values.get(qname)
        if known is None:
            self.values[qname] = values
        else:
            self.values[qname] = [*known, *values]


class Mapper:
    """Converts instances with the shapes of one compilation (same profile and options)."""

    def __init__(self, compilation: Compilation) -> None:
        self.c = compilation
        self.settings = compilation.settings
        self.shapes = compilation.shapes
        self._by_tag = {_real(d).name: (name, _real(d)) for name, d in compilation.roots.items()}
        self._source: str | None = None
        self._plans = Plans(self.shapes, self.settings.mixed == "jsonml")
        self._nsmap_cache: dict[str | None, str] | None = None

    # == XML → JSON ==============================================================================
    def to_json(self, source: str | Path | bytes | Any) -> dict[str, Any]:
        """Convert an XML document (path, bytes, element or tree) to a JSON document."""
        root = self._load(source)
        name, decl = self._root(root)
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
            self._convert(root, self._plans.of(decl), doc, name)
        except ConversionError as exc:
            exc.partial = doc
            raise
        finally:
            if paused:
                gc.enable()
        return doc

    def _load(self, source: Any) -> Any:
        if isinstance(source, str | Path):
            self._source = str(source)
            try:
                return etree.parse(str(source), _parser()).getroot()
            except (OSError, etree.XMLSyntaxError) as exc:
                raise ConversionError(f"cannot parse XML: {exc}", path=str(source)) from None
        self._source = None
        if isinstance(source, bytes):
            try:
                return etree.fromstring(source, _parser())
            except etree.XMLSyntaxError as exc:
                raise ConversionError(f"cannot parse XML: {exc}") from None
        if hasattr(source, "getroot"):
            return source.getroot()
        return source

    def _root(self, elem: Any) -> tuple[str, Any]:
        found = self._by_tag.get(elem.tag)
        if found is None:
            raise self._error(elem, f"root element {elem.tag} is not a root of this compilation")
        return found

    def _error(self, elem: Any, message: str) -> ConversionError:
        return ConversionError(message, where=_where(elem), path=self._source,
                               line=getattr(elem, "sourceline", None))

    def _decode(self, elem: Any, text: str, st: Any) -> Any:
        try:
            return simple_mod.decode(text, st)
        except simple_mod.ValueProblem as exc:
            raise self._error(elem, str(exc)) from None

    def _text_value(self, elem: Any, conv: Any) -> Any:
        """The typed value of a simple-valued element's text (``conv`` None: a plain string).
        Leaf children in the element-only loop decode inline instead: that loop is the hot one."""
        value = elem.text or ""
        if conv is None:
            return value
        try:
            return conv(value)
        except simple_mod.ValueProblem as exc:
            raise self._error(elem, str(exc)) from None

    def _convert(self, elem: Any, plan: ElementPlan, container: Any, key: str | None) -> None:
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
                    typed = self._xsi_plan(elem, plan, raw)
                    if typed is not None:
                        self._convert_typed(elem, typed, container, key)
                        return
                if qname == XSI_NIL:
                    nil = raw
            if nil == "true" or nil == "1":
                if not plan.nillable:
                    raise self._error(elem, "xsi:nil on an element that is not nillable")
                if key is None:
                    container.append(None)
                else:
                    container[key] = None
                return
        kind = plan.kind
        if kind != OBJECT:
            if kind == SIMPLE:
                if len(elem):
                    raise self._error(elem, "element children in an element of simple type")
                value = self._text_value(elem, plan.conv)
                if key is None:
                    container.append(value)
                else:
                    container[key] = value
                return
            if kind == UNCOMPILED:
                self._plans.compile(plan)
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
                raise self._error(elem, "element children in simple content")
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
            raise self._error(elem, f"text {text.strip()[:40]!r} in element-only content")
        if not plan.fast:
            self._check_no_text(elem)
            self._place_children(elem, plan, obj)
            return
        before = len(obj) if attrib else 0
        children = plan.children.get
        convert = self._convert
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
                        self._wild_to_json(child, elem, plan, obj)
                        continue
                    raise self._error(child, f"unexpected element {tag} in {elem.tag}")
                mode, name, cplan, ckey, leaf, conv = entry
                if leaf and not len(child) and not child.items():
                    # a scalar child without attributes: the SIMPLE branch above, inline
                    if mode == SINGLE and name in obj:
                        raise self._error(child,
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
                            raise self._error(child, str(exc)) from None
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
                        raise self._error(child,
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
            value = self._generic(elem)
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
        value = self._jsonml(elem, plan.shape)  # JSONML
        if key is None:
            container.append(value)
        else:
            container[key] = value

    # -- xsi:type and wildcards (fallbacks: reached only when the plan's tables have no entry)
    def _xsi_plan(self, elem: Any, plan: ElementPlan, raw: str) -> ElementPlan | None:
        """The plan for ``xsi:type="raw"`` on ``elem``: ``None`` when it names the declared type
        (nothing to record) or the element is of ``xsd:anyType`` (the generic form keeps the
        attribute); a derived type's plan; else a ConversionError (never dropped silently)."""
        if plan.kind == ANYTYPE:
            return None
        value = raw.strip()
        prefix, _, local = value.rpartition(":")
        namespace = elem.nsmap.get(prefix or None)
        if prefix and namespace is None:
            raise self._error(elem, f"xsi:type {value!r}: prefix {prefix!r} is not bound")
        clark = f"{{{namespace}}}{local}" if namespace else local
        if clark == plan.xsd_type.name:
            return None
        variants = plan.xsi_types
        if variants is None or clark not in variants:
            if self.settings.xsi_type != "anyof":
                raise self._error(elem, f"xsi:type {value!r}: type substitution is not mapped "
                                        "under xsi-type=none (compile with xsi-type=anyof)")
            raise self._error(elem, f"xsi:type {value!r}: not a type derived from the declared "
                                    "type whose JSON form can carry $type in this compilation")
        return self._plans.of_type(plan.decl, variants[clark])

    def _convert_typed(self, elem: Any, typed: ElementPlan, container: Any,
                       key: str | None) -> None:
        """Convert with a derived type's plan and record it as ``$type``."""
        self._convert(elem, typed, container, key)
        placed = container[-1] if key is None else container[key]
        if not isinstance(placed, dict):
            raise self._error(elem, "xsi:type on an element whose JSON value is not an object "
                                    "(xsi:nil): the type cannot be recorded")
        placed[TYPE_MEMBER] = typed.xsi_clark

    def _wild_member(self, child: Any, elem: Any, plan: ElementPlan,
                     where: str) -> tuple[str, ElementPlan | None]:
        """(member name, typed plan or None for the generic form) of an element that no
        declaration of ``plan`` takes, or the usual "unexpected element" error."""
        tag = child.tag
        cached = plan.wild_cache.get(tag)
        if cached is None:
            shape = plan.wild
            found = shape.resolve_member(tag) if shape is not None else None
            if found is None:
                raise self._error(child, f"unexpected element {tag} in {where}")
            cached = (member_key(tag), None if found[1] is None else self._plans.of(found[1]))
            plan.wild_cache[tag] = cached
        return cached

    def _wild_to_json(self, child: Any, elem: Any, plan: ElementPlan,
                      obj: dict[str, Any]) -> None:
        """An element matched by ``xsd:any``: appended to the array of its member name."""
        if plan.kind == MIXED:
            raise self._error(child, f"unexpected element {child.tag} in {elem.tag}")
        key, wplan = self._wild_member(child, elem, plan, str(elem.tag))
        items = obj.get(key)
        if items is None:
            items = obj[key] = []
        if wplan is None:
            items.append(self._generic(child))
        else:
            self._convert(child, wplan, items, None)

    def _generic(self, elem: Any) -> dict[str, Any]:
        """The generic element form: ``{"attributes": {clark: str}, "content": [str |
        {"{ns}local": generic}]}``, each part only when not empty; order, namespaces and mixed
        text kept; comments and processing instructions dropped (their tails kept)."""
        out: dict[str, Any] = {}
        attrib = elem.items()
        if attrib:
            attrs = {q: v for q, v in attrib if q not in XSI_HINTS}
            if attrs:
                out["attributes"] = attrs
        content: list[Any] = []
        text = elem.text
        if text:
            content.append(text)
        for child in elem:
            tag = child.tag
            if isinstance(tag, str):
                content.append({member_key(tag): self._generic(child)})
            tail = child.tail
            if tail:
                if content and type(content[-1]) is str:
                    content[-1] += tail
                else:
                    content.append(tail)
        if content:
            out["content"] = content
        return out

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
                        wild.any_attribute.is_namespace_allowed(_namespace(qname)):
                    obj["@" + qname] = raw  # an xsd:anyAttribute member
                    continue
                raise self._error(elem, f"undeclared attribute {qname}")
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
                raise self._error(elem, str(exc)) from None

    def _clean_tails(self, elem: Any) -> bool:
        for child in elem:
            tail = child.tail
            if tail and not tail.isspace():
                return False
        return True

    def _place_children(self, elem: Any, plan: ElementPlan, obj: dict[str, Any]) -> None:
        """Element-only content of a plan with legacy wrapper paths (text already checked)."""
        shape = plan.shape
        assert shape is not None
        for child in elem:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            path = shape.elements.get(tag)
            if path is None:
                if plan.wild is not None:
                    self._wild_to_json(child, elem, plan, obj)
                    continue
                raise self._error(child, f"unexpected element {tag} in {elem.tag}")
            more = shape.more_paths.get(tag)
            if more:
                path = self._choose_path([path, *more], obj)
            self._place_child(obj, path, child)

    def _choose_path(self, paths: list[list[Prop]], obj: dict[str, Any]) -> list[Prop]:
        """The first of an element's legacy wrapper paths (content-model order) that can still
        take it: not full, and no later wrapper already started (the content model has moved
        past this one); the last path when none can (the walk then reports the problem)."""
        for i, path in enumerate(paths[:-1]):
            if self._is_full(obj, path):
                continue
            if any(_started(obj, path, later) for later in paths[i + 1:]):
                continue
            return path
        return paths[-1]

    @staticmethod
    def _is_full(container: dict[str, Any], path: list[Prop]) -> bool:
        """True when ``path`` cannot take one more element (legacy wrappers): a single-valued
        property on it is already set, or a choice wrapper on it already holds an alternative
        that the element cannot continue (another alternative, or a later particle of the same
        one), so the element belongs to the next wrapper in content-model order."""
        target: Any = container
        for depth, group in enumerate(path[:-1]):
            if group.array:
                return False
            target = target.get(group.name)
            if target is None:
                return False
            if group.shape is not None and group.shape.alternatives and \
                    not _continues(group.shape.alternatives, target, path[depth + 1].name):
                return True
        return not path[-1].array and path[-1].name in target

    def _check_no_text(self, elem: Any) -> None:
        """Checked for all children before any is converted: the error (and the partial
        result) must not depend on which of several problems the walk meets first."""
        text = elem.text
        if text and text.strip():
            raise self._error(elem, f"text {text.strip()[:40]!r} in element-only content")
        for child in elem:
            tail = child.tail
            if tail and tail.strip():
                raise self._error(child, f"text {tail.strip()[:40]!r} after element")

    def _place_child(self, container: dict[str, Any], path: list[Prop], child: Any) -> None:
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
            self._convert(child, self._plans.of(decl), item, key)
            return
        if prop.kind != "element":
            raise self._error(child, f"element {child.tag} maps to a {prop.kind} property")
        if prop.array:
            self._convert(child, self._plans.of(prop.component),
                          target.setdefault(prop.name, []), None)
            return
        if prop.name in target:
            raise self._error(child, f"{child.tag} occurs more than once (maxOccurs 1)")
        self._convert(child, self._plans.of(prop.component), target, prop.name)

    def _collection_to_json(self, elem: Any, plan: ElementPlan, items: list[Any],
                            attrib: list[tuple[str, str]]) -> None:
        for qname, _ in attrib:
            if not qname.startswith(XSI_PREFIX):
                raise self._error(elem, f"undeclared attribute {qname}")
        self._check_no_text(elem)
        convert = self._convert
        item_tag = plan.item_tag
        if item_tag is None:  # an ordered choice: one-property objects
            members = plan.members
            for child in elem:
                tag = child.tag
                if not isinstance(tag, str):
                    continue
                member = members.get(tag)
                if member is None:
                    raise self._error(child, f"unexpected element {tag} in {elem.tag}")
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
                raise self._error(child, f"unexpected element {tag} in {elem.tag}")
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
                    self._convert(child, cplan, item, key)
                tail = child.tail
                if tail:  # after an object: a string of its own
                    content.append(tail)
                continue
            if isinstance(tag, str):
                if plan.wild is None or not plan.wild.wildcards:
                    raise self._error(child, f"unexpected element {tag} in mixed content")
                key, wplan = self._wild_member(child, elem, plan, "mixed content")
                item = {}
                content.append(item)
                if wplan is None:
                    item[key] = self._generic(child)
                else:
                    self._convert(child, wplan, item, key)
            tail = child.tail
            if tail:
                if content and isinstance(content[-1], str):
                    content[-1] += tail
                else:
                    content.append(tail)
        if content:
            obj[prop.name] = content

    def _jsonml(self, elem: Any, shape: Shape | None) -> list[Any]:
        """``[{attributes}, children…]`` for the mixed element, ``[name, {attrs}, …]`` below."""
        attrs: dict[str, Any] = {}
        for qname, raw in elem.attrib.items():
            if qname.startswith(f"{{{XSI_NS}}}"):
                continue
            if shape is not None:
                prop = shape.attributes.get(qname)
                if prop is None:
                    raise self._error(elem, f"undeclared attribute {qname}")
                attrs[prop.name] = self._decode(elem, raw, prop.component.type)
            else:
                attrs[split_qname(qname)[1]] = raw
        out: list[Any] = [attrs] if shape is not None else [etree.QName(elem).localname, attrs]
        if elem.text:
            out.append(elem.text)
        for child in elem:
            if isinstance(child.tag, str):
                out.append(self._jsonml(child, None))
            if child.tail:
                out.append(child.tail)
        return out

    # -- streaming --------------------------------------------------------------------------------
    def iter_records(self, path: str | Path) -> Iterator[tuple[str, Any]]:
        """Convert a (large) document child by child of its root, in bounded memory.

        Yields ``(property name, JSON value)`` for each child of the root element (for a
        collection root, the collection's name and one item at a time). Each child is converted
        as soon as its end tag is read and then freed, so memory holds one record at a time.
        """
        self._source = str(path)
        context = etree.iterparse(
            str(path), events=("start", "end"), resolve_entities=False, no_network=True,
            load_dtd=False, huge_tree=False,
        )
        depth = 0
        shape: Shape | None = None
        root_name = ""
        try:
            for event, elem in context:
                if event == "start":
                    depth += 1
                    if depth == 1:
                        root_name, decl = self._root(elem)
                        if is_simple_valued(decl.type):
                            raise self._error(elem, "root of simple type: nothing to stream")
                        shape = self.shapes.shape(decl.type)
                    continue
                if depth == 2 and isinstance(elem.tag, str):
                    assert shape is not None
                    yield self._record(elem, shape, root_name)
                    elem.clear(keep_tail=True)
                    parent = elem.getparent()
                    while parent is not None and elem.getprevious() is not None:
                        del parent[0]
                depth -= 1
        except etree.XMLSyntaxError as exc:
            raise ConversionError(f"cannot parse XML: {exc}", path=str(path),
                                  line=exc.lineno) from None

    def _record(self, elem: Any, shape: Shape, root_name: str) -> tuple[str, Any]:
        holder: list[Any] = []
        if shape.kind == "collection":
            prop = shape.item
            assert prop is not None
            if prop.kind == "ordered":
                key, decl = prop.members[elem.tag]
                item: dict[str, Any] = {}
                self._convert(elem, self._plans.of(decl), item, key)
                return root_name, item
            self._convert(elem, self._plans.of(prop.component), holder, None)
            return root_name, holder[0]
        path = shape.elements.get(elem.tag)
        if path is None:
            found = shape.resolve_member(elem.tag) if shape.kind != "mixed" else None
            if found is None:
                raise self._error(elem, f"unexpected element {elem.tag}")
            if found[1] is None:
                return member_key(elem.tag), self._generic(elem)
            self._convert(elem, self._plans.of(found[1]), holder, None)
            return member_key(elem.tag), holder[0]
        obj: dict[str, Any] = {}
        self._place_child(obj, path, elem)
        (name, value), = obj.items()
        return name, value

    # == JSON → XML ==============================================================================
    def to_xml(self, document: dict[str, Any]) -> Any:
        """Convert a JSON document back to an lxml element (namespaces and order from the XSD)."""
        if not isinstance(document, dict):
            raise ConversionError("a JSON document must be an object", where="")
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
            self._build(value, self._plans.of(decl), None, f"/{name}", nsmap, holder)
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
                       for q in _real(d).type.attributes if q}
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

    def _fail(self, where: Where, message: str) -> ConversionError:
        return ConversionError(message, where=_pointer(where))

    def _encode(self, where: Where, value: Any, st: Any) -> str:
        try:
            return simple_mod.encode(value, st)
        except simple_mod.ValueProblem as exc:
            raise self._fail(where, str(exc)) from None

    def _build(self, value: Any, plan: ElementPlan, parent: Any, where: Where,
               nsmap: dict[str | None, str] | None = None, holder: list[Any] | None = None) -> None:
        """Append the element of ``plan`` holding ``value`` to ``parent`` (or make the root).

        ``where`` is the JSON pointer of ``value``, kept lazy (see :data:`Where`) because it is
        only ever read when something fails."""
        if plan.xsi_types is not None and type(value) is dict and TYPE_MEMBER in value:
            self._build_typed(value, plan, parent, where, nsmap, holder)
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
                raise self._fail(where, "null for an element that is not nillable")
            elem.set(XSI_NIL, "true")
            return
        kind = plan.kind
        if kind == SIMPLE:
            if plan.str_ok and type(value) is str:
                elem.text = value  # what encode() returns for a string of these kinds
            else:
                elem.text = self._encode(where, value, plan.st)
            return
        if kind == ANYTYPE:
            self._fill_generic(value, elem, where)
            return
        if kind == UNCOMPILED:
            self._plans.compile(plan)
            kind = plan.kind
        if not plan.xml_ready and kind != JSONML:
            self._plans.compile_xml(plan)
        if kind == COLLECTION:
            self._build_collection(value, plan, elem, where)
            return
        if kind == JSONML:
            self._build_jsonml(value, plan.decl, elem, _pointer(where), plan.shape)
            return
        if not isinstance(value, dict):
            raise self._fail(where, f"expected an object, got {type(value).__name__}")
        props = plan.props
        assert props is not None
        direct = plan.direct
        if direct is not None:
            self._build_direct(value, plan, direct, elem, where)
            return
        queues = _Queues()
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
                raise self._fail(where, "could not place " + ", ".join(left) +
                                 " where the XSD content model allows it")

    def _build_typed(self, value: dict[str, Any], plan: ElementPlan, parent: Any,
                     where: Where, nsmap: dict[str | None, str] | None,
                     holder: list[Any] | None) -> None:
        """An object with ``$type``: built with the derived type's plan, ``xsi:type`` set."""
        clark = value[TYPE_MEMBER]
        assert plan.xsi_types is not None
        xsd_type = plan.xsi_types.get(clark) if isinstance(clark, str) else None
        if xsd_type is None:
            raise self._fail((where, "/" + TYPE_MEMBER, None),
                             f"{clark!r} is not a type derived from the declared type in "
                             "this compilation")
        rest = {k: v for k, v in value.items() if k != TYPE_MEMBER}
        self._build(rest, self._plans.of_type(plan.decl, xsd_type), parent, where, nsmap,
                    holder)
        elem = holder[-1] if parent is None and holder else parent[-1]
        namespace, local = split_qname(clark)
        if not namespace:
            if elem.nsmap.get(None):
                raise self._fail(where, f"xsi:type {local!r} has no namespace but a default "
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

    def _fill_generic(self, value: Any, elem: Any, where: Where) -> None:
        """Attributes and content of the generic element form onto ``elem``."""
        if type(value) is not dict or not set(value) <= {"attributes", "content"}:
            raise self._fail(where, "expected the generic element form {\"attributes\": {...}, "
                                    "\"content\": [...]}")
        attrs = value.get("attributes")
        if attrs is not None:
            if type(attrs) is not dict:
                raise self._fail((where, "/attributes", None), "expected an object")
            for qname, raw in attrs.items():
                if type(raw) is not str:
                    raise self._fail((where, "/attributes", None),
                                     f"attribute {qname!r}: expected a string")
                try:
                    elem.set(qname, raw)
                except (ValueError, TypeError):
                    raise self._fail((where, "/attributes", None),
                                     f"{qname!r} is not an attribute name") from None
        content = value.get("content")
        if content is None:
            return
        if type(content) is not list:
            raise self._fail((where, "/content", None), "expected an array")
        last: Any = None
        for i, item in enumerate(content):
            if type(item) is str:
                if last is None:
                    elem.text = (elem.text or "") + item
                else:
                    last.tail = (last.tail or "") + item
                continue
            if type(item) is not dict or len(item) != 1:
                raise self._fail(((where, "/content", None), "/", i),
                                 "expected a string or a one-property object")
            (key, x), = item.items()
            last = self._generic_child(key, x, elem, (((where, "/content", None), "/", i),
                                                      _token(key), None))

    def _generic_child(self, key: str, value: Any, parent: Any, where: Where) -> Any:
        if key[:1] != "{" or "}" not in key:
            raise self._fail(where, f"{key!r} is not an element name ({{namespace}}local)")
        try:
            elem = SubElement(parent, member_tag(key))
        except ValueError:
            raise self._fail(where, f"{key!r} is not an element name") from None
        self._fill_generic(value, elem, where)
        return elem

    def _flatten_wild(self, props: PropsPlan, value: dict[str, Any], elem: Any,
                      queues: _Queues, where: Where) -> None:
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
                    shape.any_attribute.is_namespace_allowed(_namespace(key[1:])):
                if type(v) is not str:
                    raise self._fail((where, _token(key), None), "expected a string")
                try:
                    elem.set(key[1:], v)
                except (ValueError, TypeError):
                    raise self._fail((where, _token(key), None),
                                     "not an attribute name") from None
                continue
            found = None
            if first == "{" and "}" in key and shape.kind != "mixed":
                found = shape.resolve_member(member_tag(key))
            if found is None:
                unknown = sorted(k for k in value if k not in known)
                raise self._fail(where, f"unknown properties {unknown}")
            at = (where, _token(key), None)
            if not isinstance(v, list):
                raise self._fail(at, "expected an array")
            wplan = None if found[1] is None else self._plans.of(found[1])
            tag = member_tag(key)
            for i, one in enumerate(v):
                queues.add_wild(tag, one, wplan, (at, "/", i))

    def _walk_wild(self, node: Particle, queues: _Queues, elem: Any) -> bool:
        """An ``xsd:any`` particle: emit the waiting members it allows, in JSON order."""
        wild = node.wild
        items = queues.wild
        max_occurs = node.max_occurs
        n = i = 0
        while i < len(items) and (max_occurs is None or n < max_occurs):
            tag = items[i][0]
            if not wild.is_namespace_allowed(_namespace(tag)):
                i += 1
                continue
            _, one, wplan, where = queues.take_wild(i)
            if wplan is None:
                self._generic_child(member_key(tag), one, elem, where)
            else:
                self._build(one, wplan, elem, where)
            n += 1
        return n > 0

    def _build_direct(self, value: dict[str, Any], plan: ElementPlan,
                      direct: tuple[tuple[str, ElementPlan, str, int | None], ...], elem: Any,
                      where: Where) -> None:
        """The content of a one-pass content model (see ``Plans._direct``), without queues:
        what the walk would emit, in the same order, with the same leftovers reported."""
        props = plan.props
        assert props is not None
        found = _Found()
        self._flatten(props, value, elem, found, where)  # type: ignore[arg-type]
        values_by = found.values
        if not values_by:
            return
        build = self._build
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
            raise self._fail(where, "could not place " + ", ".join(sorted(left)) +
                             " where the XSD content model allows it")

    def _flatten(self, props: PropsPlan, value: dict[str, Any], elem: Any, queues: _Queues,
                 where: Where) -> None:
        """Attributes and text onto ``elem``; element values onto ``queues`` for the walk."""
        known = props.known
        for key in value:
            if key not in known:
                if props.wild is not None:
                    self._flatten_wild(props, value, elem, queues, where)
                    break
                unknown = sorted(set(value) - known)
                raise self._fail(where, f"unknown properties {unknown}")
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
                        raise self._fail((where, slash, None), "expected an array")
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
                    elem.set(a, self._encode((where, slash, None), v, b))
            elif kind == P_TEXT:
                if a is None:
                    elem.text = str(v)
                else:
                    elem.text = self._encode((where, slash, None), v, a)
            elif kind == P_ORDERED:
                at = _pointer((where, slash, None))
                shared: deque[tuple[str, Any]] = deque()
                for i, item in enumerate(self._items(v, at)):
                    qname = a.get(next(iter(item)))
                    if qname is None or len(item) != 1:
                        raise self._fail(f"{at}/{i}", "expected one of " + ", ".join(a))
                    queues.add_ordered(shared, qname, next(iter(item.values())))
            elif kind == P_GROUP:
                at = _pointer((where, slash, None))
                if prop.array:
                    shared = deque()
                    for i, wrapper in enumerate(self._items(v, at)):
                        self._push_wrapper(prop, wrapper, queues, shared, f"{at}/{i}")
                elif name in props.in_order and isinstance(v, dict):
                    if in_order is None:
                        in_order = deque()
                    self._push_wrapper(prop, v, queues, in_order, at, in_order=True)
                elif isinstance(v, dict):
                    self._flatten(self._plans.props_of(a), v, elem, queues, at)
                else:
                    raise self._fail(at, "expected an object")

    def _push_wrapper(self, group: Prop, wrapper: dict[str, Any], queues: _Queues,
                      shared: deque[tuple[str, Any]], where: str, *,
                      in_order: bool = False) -> None:
        """One item of a legacy repeated-choice wrapper array, in order, onto ``shared``
        (``in_order``: the wrapper's properties in content-model order, not the JSON's)."""
        assert group.shape is not None
        sub = {p.name: p for p in group.shape.props}
        items: Any = wrapper.items()
        if in_order:
            rank = {name: i for i, name in enumerate(sub)}
            items = sorted(items, key=lambda kv: rank.get(kv[0], -1))
        for key, x in items:
            subprop = sub.get(key)
            if subprop is None or subprop.kind not in ("element", "group"):
                raise self._fail(where, f"unknown property {key!r}")
            values = x if subprop.array else [x]
            if not isinstance(values, list):
                raise self._fail(f"{where}/{key}", "expected an array")
            for one in values:
                if subprop.kind == "element":
                    queues.add_ordered(shared, _real(subprop.component).name, one)
                elif isinstance(one, dict):
                    self._push_wrapper(subprop, one, queues, shared, f"{where}/{key}",
                                       in_order=in_order)
                else:
                    raise self._fail(f"{where}/{key}", "expected an object")

    def _items(self, v: Any, where: Where) -> list[dict[str, Any]]:
        if not isinstance(v, list) or not all(isinstance(i, dict) and i for i in v):
            raise self._fail(where, "expected an array of objects")
        return v

    def _walk(self, node: Particle, queues: _Queues, elem: Any, where: Where) -> bool:
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
                        self._build(queues.pop(qname), plan, elem, (where, slash, n))
                        n += 1
                        break
                else:
                    break
            return n > 0
        if node.kind != P_GROUP:
            return node.kind == P_ANY and self._walk_wild(node, queues, elem)
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
                                    self._build(value, plan, elem, (where, slash, n))
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
            raise self._fail(where, f"expected an array, got {type(value).__name__}")
        by_key = plan.by_key
        if by_key is not None:  # an ordered choice: one-property objects
            for i, item in enumerate(self._items(value, where)):
                (key, x), = item.items() if len(item) == 1 else (("", None),)
                cplan = by_key.get(key)
                if cplan is None:
                    raise self._fail((where, "/", i), "expected one of " + ", ".join(by_key))
                self._build(x, cplan, elem, ((where, "/", i), "/" + key, None))
            return
        item_plan = plan.item_plan
        assert item_plan is not None
        build = self._build
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
            raise self._fail(where, "expected an array of strings and objects")
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
                raise self._fail((where, "/", i), "expected a string or a one-property object")
            (key, x), = item.items()
            cplan = by_key.get(key)
            if cplan is None:
                shape = plan.wild
                found = (shape.resolve_member(member_tag(key)) if shape is not None
                         and key[:1] == "{" and "}" in key else None)
                if found is None:
                    raise self._fail((where, "/", i), f"{key!r} is not allowed in this content")
                at = ((where, "/", i), _token(key), None)
                if found[1] is None:
                    last = self._generic_child(key, x, elem, at)
                else:
                    self._build(x, self._plans.of(found[1]), elem, at)
                    last = elem[-1]
                continue
            self._build(x, cplan, elem, ((where, "/", i), "/" + key, None))
            last = elem[-1]

    def _build_jsonml(self, value: Any, decl: Any, elem: Any, where: str,
                      shape: Shape | None) -> None:
        if not isinstance(value, list) or not value or not isinstance(value[0], dict):
            raise self._fail(where, "expected a JsonML array starting with an attribute object")
        attrs, children = value[0], value[1:]
        xsd_type = _real(decl).type
        if shape is not None:
            by_name = {p.name: p for p in shape.props if p.kind == "attribute"}
            for key, raw in attrs.items():
                prop = by_name.get(key)
                if prop is None:
                    raise self._fail(where, f"unknown attribute {key!r}")
                elem.set(prop.component.name, self._encode(where, raw, prop.component.type))
        else:
            by_local = {split_qname(q)[1]: q for q in getattr(xsd_type, "attributes", {}) if q}
            for key, raw in attrs.items():
                if key not in by_local:
                    raise self._fail(where, f"unknown attribute {key!r}")
                elem.set(by_local[key], str(raw))
        children_decls: dict[str, Any] = {}
        content = getattr(xsd_type, "content", None)
        if isinstance(content, XsdGroup):
            for p in iter_elements(content):
                for candidate in substitution_candidates(p):
                    children_decls.setdefault(split_qname(_real(candidate).name)[1], candidate)
        last: Any = None
        for i, child in enumerate(children):
            if isinstance(child, str):
                if last is None:
                    elem.text = (elem.text or "") + child
                else:
                    last.tail = (last.tail or "") + child
                continue
            if not isinstance(child, list) or len(child) < 2 or not isinstance(child[0], str):
                raise self._fail(f"{where}/{i + 1}", "expected a string or a JsonML element")
            cdecl = children_decls.get(child[0])
            if cdecl is None:
                raise self._fail(f"{where}/{i + 1}", f"element {child[0]!r} is not allowed here")
            sub = etree.SubElement(elem, _real(cdecl).name)
            self._build_jsonml(child[1:], cdecl, sub, f"{where}/{i + 1}", None)
            last = sub


def xml_to_json(compilation: Compilation, source: str | Path | bytes | Any) -> dict[str, Any]:
    """Convert one XML document to JSON with the shapes of ``compilation``."""
    return Mapper(compilation).to_json(source)


def json_to_xml(compilation: Compilation, document: dict[str, Any]) -> Any:
    """Convert one JSON document back to an lxml element."""
    return Mapper(compilation).to_xml(document)


def iter_records(compilation: Compilation, path: str | Path) -> Iterator[tuple[str, Any]]:
    """Stream the children of a (Bag) root element as JSON values; see Mapper.iter_records."""
    return Mapper(compilation).iter_records(path)
