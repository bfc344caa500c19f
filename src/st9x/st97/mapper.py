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
attributes (``schemaLocation`` …), insignificant whitespace between elements, and the lexical
form of typed values (``+01`` in an ``xsd:int`` comes back as ``1``; whitespace in collapsed
types comes back collapsed). Decimals keep their digits (:mod:`st9x.st97.jsonio`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from lxml import etree
from xmlschema.validators import XsdAnyElement, XsdElement, XsdGroup

from st9x.st97 import simple as simple_mod
from st9x.st97.compiler import VERSION_PROPERTY, Compilation
from st9x.st97.errors import ConversionError
from st9x.st97.model import (
    Prop,
    Shape,
    is_builtin,
    is_simple_valued,
    iter_elements,
    simple_type_of,
    substitution_candidates,
)
from st9x.st97.names import WELL_KNOWN_PREFIXES, split_qname

XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XSI_NIL = f"{{{XSI_NS}}}nil"
XSI_TYPE = f"{{{XSI_NS}}}type"

Place = Callable[[Any], None]


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False)


def _real(decl: Any) -> Any:
    return decl.ref if getattr(decl, "ref", None) is not None else decl


def _where(elem: Any) -> str:
    try:
        return str(elem.getroottree().getpath(elem))
    except (AttributeError, ValueError):
        return str(elem.tag)


class _Queues:
    """JSON values waiting to be placed by the content-model walk, per element QName.

    Values from an ordered array (``choice-unbounded=ordered``, legacy repeated choice
    wrappers) share one queue so their relative order survives; an element can only be taken
    from such a queue when it is at its head."""

    def __init__(self) -> None:
        self.plain: dict[str, deque[Any]] = {}
        self.shared: dict[str, deque[tuple[str, Any]]] = {}

    def add(self, qname: str, values: list[Any]) -> None:
        self.plain.setdefault(qname, deque()).extend(values)

    def add_ordered(self, queue: deque[tuple[str, Any]], qname: str, value: Any) -> None:
        self.shared[qname] = queue
        queue.append((qname, value))

    def available(self, qname: str) -> bool:
        if self.plain.get(qname):
            return True
        shared = self.shared.get(qname)
        return bool(shared) and shared[0][0] == qname  # type: ignore[index]

    def pop(self, qname: str) -> Any:
        if self.plain.get(qname):
            return self.plain[qname].popleft()
        return self.shared[qname].popleft()[1]

    def leftovers(self) -> list[str]:
        left = [q for q, d in self.plain.items() if d]
        for q, d in self.shared.items():
            if any(item[0] == q for item in d):
                left.append(q)
        return sorted(set(left))


class Mapper:
    """Converts instances with the shapes of one compilation (same profile and options)."""

    def __init__(self, compilation: Compilation) -> None:
        self.c = compilation
        self.settings = compilation.settings
        self.shapes = compilation.shapes
        self._by_tag = {_real(d).name: (name, _real(d)) for name, d in compilation.roots.items()}
        self._source: str | None = None

    # == XML → JSON ==============================================================================
    def to_json(self, source: str | Path | bytes | Any) -> dict[str, Any]:
        """Convert an XML document (path, bytes, element or tree) to a JSON document."""
        root = self._load(source)
        name, decl = self._root(root)
        doc: dict[str, Any] = {}
        if self.settings.version == "property":
            doc[VERSION_PROPERTY] = self.c.version
        try:
            self._convert(root, decl, lambda v: doc.__setitem__(name, v))
        except ConversionError as exc:
            exc.partial = doc
            raise
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

    def _convert(self, elem: Any, decl: Any, place: Place) -> None:
        decl = _real(decl)
        xsd_type = decl.type
        if elem.get(XSI_TYPE) is not None:
            raise self._error(elem, "xsi:type is not supported by the schema-driven mapper")
        if elem.get(XSI_NIL) in ("true", "1"):
            if not decl.nillable:
                raise self._error(elem, "xsi:nil on an element that is not nillable")
            place(None)
            return
        if is_simple_valued(xsd_type):
            if len(elem):
                raise self._error(elem, "element children in an element of simple type")
            place(self._decode(elem, elem.text or "", simple_type_of(xsd_type)))
            return
        if is_builtin(xsd_type):
            raise self._error(elem, "element of type xsd:anyType cannot be mapped")
        shape = self.shapes.shape(xsd_type)
        if shape.kind == "collection":
            self._collection_to_json(elem, shape, place)
            return
        if shape.kind == "mixed" and self.settings.mixed == "jsonml":
            place(self._jsonml(elem, shape))
            return
        obj: dict[str, Any] = {}
        place(obj)
        for qname, raw in elem.attrib.items():
            if qname.startswith(f"{{{XSI_NS}}}"):
                continue
            self._attribute_to_json(elem, shape, obj, qname, raw)
        text_prop = shape.text
        if shape.kind == "mixed":
            assert text_prop is not None
            self._mixed_to_json(elem, text_prop, obj)
            return
        if text_prop is not None:
            if len(elem):
                raise self._error(elem, "element children in simple content")
            obj[text_prop.name] = self._decode(elem, elem.text or "", text_prop.component)
            return
        self._check_no_text(elem)
        for child in elem:
            if not isinstance(child.tag, str):
                continue  # comments and processing instructions are not data
            path = shape.elements.get(child.tag)
            if path is None:
                raise self._error(child, f"unexpected element {child.tag} in {elem.tag}")
            for alternative in shape.more_paths.get(child.tag, ()):
                if not self._is_full(obj, path):
                    break
                path = alternative
            self._place_child(obj, path, child)

    @staticmethod
    def _is_full(container: dict[str, Any], path: list[Prop]) -> bool:
        """True when a single-valued property on ``path`` is already set (legacy wrappers)."""
        target: Any = container
        for group in path[:-1]:
            if group.array:
                return False
            target = target.get(group.name)
            if target is None:
                return False
        return not path[-1].array and path[-1].name in target

    def _check_no_text(self, elem: Any) -> None:
        if elem.text and elem.text.strip():
            raise self._error(elem, f"text {elem.text.strip()[:40]!r} in element-only content")
        for child in elem:
            if child.tail and child.tail.strip():
                raise self._error(child, f"text {child.tail.strip()[:40]!r} after element")

    def _attribute_to_json(self, elem: Any, shape: Shape, obj: dict[str, Any], qname: str,
                           raw: str) -> None:
        prop = shape.attributes.get(qname)
        target = obj
        if prop is None:
            path = shape.elements.get(f"@{qname}")
            if path is None:
                raise self._error(elem, f"undeclared attribute {qname}")
            *groups, prop = path
            for group in groups:
                target = target.setdefault(group.name, {})
        target[prop.name] = self._decode(elem, raw, prop.component.type)

    def _place_child(self, container: dict[str, Any], path: list[Prop], child: Any) -> None:
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
            self._convert(child, decl, lambda v: item.__setitem__(key, v))
            return
        if prop.kind != "element":
            raise self._error(child, f"element {child.tag} maps to a {prop.kind} property")
        if prop.array:
            self._convert(child, prop.component, target.setdefault(prop.name, []).append)
            return
        if prop.name in target:
            raise self._error(child, f"{child.tag} occurs more than once (maxOccurs 1)")
        self._convert(child, prop.component, lambda v: target.__setitem__(prop.name, v))

    def _collection_to_json(self, elem: Any, shape: Shape, place: Place) -> None:
        items: list[Any] = []
        place(items)
        for qname in elem.attrib:
            if not qname.startswith(f"{{{XSI_NS}}}"):
                raise self._error(elem, f"undeclared attribute {qname}")
        self._check_no_text(elem)
        prop = shape.item
        assert prop is not None
        for child in elem:
            if not isinstance(child.tag, str):
                continue
            if prop.kind == "ordered":
                member = prop.members.get(child.tag)
                if member is None:
                    raise self._error(child, f"unexpected element {child.tag} in {elem.tag}")
                key, decl = member
                item: dict[str, Any] = {}
                items.append(item)
                self._convert(child, decl, lambda v, item=item, key=key: item.__setitem__(key, v))
            else:
                if child.tag != _real(prop.component).name:
                    raise self._error(child, f"unexpected element {child.tag} in {elem.tag}")
                self._convert(child, prop.component, items.append)

    def _mixed_to_json(self, elem: Any, prop: Prop, obj: dict[str, Any]) -> None:
        if prop.kind == "text":  # mixed=text-only
            text = "".join(t for t in elem.itertext(tag=etree.Element))  # type: ignore[call-arg]
            if text:
                obj[prop.name] = text
            return
        content: list[Any] = []
        if elem.text:
            content.append(elem.text)
        for child in elem:
            if isinstance(child.tag, str):
                member = prop.members.get(child.tag)
                if member is None:
                    raise self._error(child, f"unexpected element {child.tag} in mixed content")
                key, decl = member
                item: dict[str, Any] = {}
                content.append(item)
                self._convert(child, decl, lambda v, item=item, key=key: item.__setitem__(key, v))
            if child.tail:
                if content and isinstance(content[-1], str):
                    content[-1] += child.tail
                else:
                    content.append(child.tail)
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
                self._convert(elem, decl, lambda v: item.__setitem__(key, v))
                return root_name, item
            self._convert(elem, prop.component, holder.append)
            return root_name, holder[0]
        path = shape.elements.get(elem.tag)
        if path is None:
            raise self._error(elem, f"unexpected element {elem.tag}")
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
            self._build(value, decl, None, f"/{name}", nsmap, holder)
        except ConversionError as exc:
            exc.partial = holder[0] if holder else None
            raise
        return holder[0]

    def _nsmap(self) -> dict[str | None, str]:
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

    def _fail(self, where: str, message: str) -> ConversionError:
        return ConversionError(message, where=where)

    def _encode(self, where: str, value: Any, st: Any) -> str:
        try:
            return simple_mod.encode(value, st)
        except simple_mod.ValueProblem as exc:
            raise self._fail(where, str(exc)) from None

    def _build(self, value: Any, decl: Any, parent: Any, where: str,
               nsmap: dict[str | None, str] | None = None, holder: list[Any] | None = None) -> None:
        decl = _real(decl)
        if parent is None:
            elem = etree.Element(decl.name, nsmap=nsmap)
            if holder is not None:
                holder.append(elem)
        else:
            elem = etree.SubElement(parent, decl.name)
        xsd_type = decl.type
        if value is None:
            if not decl.nillable:
                raise self._fail(where, "null for an element that is not nillable")
            elem.set(XSI_NIL, "true")
            return
        if is_simple_valued(xsd_type):
            elem.text = self._encode(where, value, simple_type_of(xsd_type))
            return
        if is_builtin(xsd_type):
            raise self._fail(where, "element of type xsd:anyType cannot be mapped")
        shape = self.shapes.shape(xsd_type)
        if shape.kind == "collection":
            self._build_collection(value, shape, elem, where)
            return
        if shape.kind == "mixed" and self.settings.mixed == "jsonml":
            self._build_jsonml(value, decl, elem, where, shape)
            return
        if not isinstance(value, dict):
            raise self._fail(where, f"expected an object, got {type(value).__name__}")
        queues = _Queues()
        content: Prop | None = None
        self._flatten(shape.props, value, elem, queues, where)
        if shape.kind == "mixed":
            content = shape.text
            assert content is not None
            self._build_mixed(value.get(content.name), content, elem, f"{where}/{content.name}")
            return
        group = xsd_type.content
        if isinstance(group, XsdGroup):
            self._walk(group, queues, elem, where)
        left = queues.leftovers()
        if left:
            raise self._fail(where, "could not place " + ", ".join(left) +
                             " where the XSD content model allows it")

    def _flatten(self, props: list[Prop], value: dict[str, Any], elem: Any, queues: _Queues,
                 where: str) -> None:
        known = {p.name for p in props}
        unknown = sorted(set(value) - known)
        if unknown:
            raise self._fail(where, f"unknown properties {unknown}")
        for prop in props:
            if prop.name not in value:
                continue
            v = value[prop.name]
            at = f"{where}/{prop.name}"
            if prop.kind == "attribute":
                elem.set(prop.component.name, self._encode(at, v, prop.component.type))
            elif prop.kind == "text":
                if prop.component is None:
                    elem.text = str(v)
                else:
                    elem.text = self._encode(at, v, prop.component)
            elif prop.kind == "element":
                if prop.array and not isinstance(v, list):
                    raise self._fail(at, "expected an array")
                queues.add(_real(prop.component).name, v if prop.array else [v])
            elif prop.kind == "ordered":
                shared: deque[tuple[str, Any]] = deque()
                by_key = {key: q for q, (key, _) in prop.members.items()}
                for i, item in enumerate(self._items(v, at)):
                    qname = by_key.get(next(iter(item)))
                    if qname is None or len(item) != 1:
                        raise self._fail(f"{at}/{i}", "expected one of " + ", ".join(by_key))
                    queues.add_ordered(shared, qname, next(iter(item.values())))
            elif prop.kind == "group":
                assert prop.shape is not None
                if prop.array:
                    shared = deque()
                    for i, wrapper in enumerate(self._items(v, at)):
                        self._push_wrapper(prop, wrapper, queues, shared, f"{at}/{i}")
                elif isinstance(v, dict):
                    self._flatten(prop.shape.props, v, elem, queues, at)
                else:
                    raise self._fail(at, "expected an object")

    def _push_wrapper(self, group: Prop, wrapper: dict[str, Any], queues: _Queues,
                      shared: deque[tuple[str, Any]], where: str) -> None:
        """One item of a legacy repeated-choice wrapper array, in order, onto ``shared``."""
        assert group.shape is not None
        sub = {p.name: p for p in group.shape.props}
        for key, x in wrapper.items():
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
                    self._push_wrapper(subprop, one, queues, shared, f"{where}/{key}")
                else:
                    raise self._fail(f"{where}/{key}", "expected an object")

    def _items(self, v: Any, where: str) -> list[dict[str, Any]]:
        if not isinstance(v, list) or not all(isinstance(i, dict) and i for i in v):
            raise self._fail(where, "expected an array of objects")
        return v

    def _walk(self, particle: Any, queues: _Queues, elem: Any, where: str) -> bool:
        """Emit queued values in content-model order; True if anything was emitted."""
        if isinstance(particle, XsdElement):
            candidates = substitution_candidates(particle)
            n = 0
            while particle.max_occurs is None or n < particle.max_occurs:
                for decl in candidates:
                    qname = _real(decl).name
                    if queues.available(qname):
                        local = split_qname(qname)[1]
                        self._build(queues.pop(qname), decl, elem, f"{where}/{local}[{n}]")
                        n += 1
                        break
                else:
                    break
            return n > 0
        if isinstance(particle, XsdAnyElement) or not isinstance(particle, XsdGroup):
            return False
        emitted = False
        reps = 0
        while particle.max_occurs is None or reps < particle.max_occurs:
            progress = False
            if particle.model == "choice":
                for alt in particle:
                    if self._walk(alt, queues, elem, where):
                        progress = True
                        break
            else:
                for child in particle:
                    progress = self._walk(child, queues, elem, where) or progress
            if not progress:
                break
            emitted = True
            reps += 1
        return emitted

    def _build_collection(self, value: Any, shape: Shape, elem: Any, where: str) -> None:
        if not isinstance(value, list):
            raise self._fail(where, f"expected an array, got {type(value).__name__}")
        prop = shape.item
        assert prop is not None
        if prop.kind == "ordered":
            by_key = {key: decl for key, decl in prop.members.values()}
            for i, item in enumerate(self._items(value, where)):
                (key, x), = item.items() if len(item) == 1 else (("", None),)
                decl = by_key.get(key)
                if decl is None:
                    raise self._fail(f"{where}/{i}", "expected one of " + ", ".join(by_key))
                self._build(x, decl, elem, f"{where}/{i}/{key}")
            return
        for i, item in enumerate(value):
            self._build(item, prop.component, elem, f"{where}/{i}")

    def _build_mixed(self, content: Any, prop: Prop, elem: Any, where: str) -> None:
        if content is None:
            return
        if prop.kind == "text":
            elem.text = str(content)
            return
        if not isinstance(content, list):
            raise self._fail(where, "expected an array of strings and objects")
        by_key = {key: decl for key, decl in prop.members.values()}
        last: Any = None
        for i, item in enumerate(content):
            if isinstance(item, str):
                if last is None:
                    elem.text = (elem.text or "") + item
                else:
                    last.tail = (last.tail or "") + item
                continue
            if not isinstance(item, dict) or len(item) != 1:
                raise self._fail(f"{where}/{i}", "expected a string or a one-property object")
            (key, x), = item.items()
            decl = by_key.get(key)
            if decl is None:
                raise self._fail(f"{where}/{i}", f"{key!r} is not allowed in this content")
            self._build(x, decl, elem, f"{where}/{i}/{key}")
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
