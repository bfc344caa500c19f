"""XSD → JSON Schema, from xmlschema's component model.

:func:`compile_schema` walks the components reachable from the chosen root element(s) and emits
one ``$defs`` entry per named type (and per global element with an anonymous type), so that the
output mirrors the XSD's own reuse and recursive types stay finite. Shapes come from
:mod:`st9x.st97.shape_builder` (the records are in :mod:`st9x.st97.model`); everything that
cannot be expressed goes to :attr:`Compilation.losses`.

Document form: the JSON document is an object with one property per root element, named like any
other property (``{"trademarkApplication": {...}}``). ``root=None`` compiles every global element
of the schema's target namespace as a possible root, and the top level then requires exactly one
of them (``minProperties``/``maxProperties`` 1: the same as a ``oneOf`` of one-property objects,
but cheap for validators and with readable errors).

Closing objects (decision 8, :mod:`st9x.st97.closing`): a type that another type extends gets
an *open* definition and is closed where it is used; all other types are closed inside their
definition.

Mixed into the compiler, one concern each: the schemas of simple types
(:mod:`st9x.st97.simple_schemas`), of wildcards (:mod:`st9x.st97.wildcard_schemas`) and where
objects are closed (:mod:`st9x.st97.closing`). The loading of the XSD, the choice of the roots
and the :class:`Compilation` record are in :mod:`st9x.st97.compilation`.

Draft-07 output (``dialect="draft-07"``) is written for draft-07 rules, not relabelled:
``definitions`` instead of ``$defs``; a ``$ref`` never has siblings (draft-07 ignores them, so
``{"$ref": r, k: v}`` becomes ``{"allOf": [{"$ref": r}], k: v}``); ``prefixItems`` becomes the
array form of ``items`` plus ``additionalItems``; ``dependentRequired``/``dependentSchemas``
become ``dependencies``. Draft-07 has no ``unevaluatedProperties``: how decision 8 is closed
there is told in :mod:`st9x.st97.closing`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from xmlschema.validators import XsdComplexType, XsdElement

from st9x.st97 import simple as simple_mod
from st9x.st97.closing import TypeClosing
from st9x.st97.compilation import VERSION_PROPERTY, Compilation, find_roots, load_xsd
from st9x.st97.dialects import items_arrays, to_draft7
from st9x.st97.losses import LossLog, locate
from st9x.st97.model import (
    TYPE_MEMBER,
    Prop,
    Shape,
    is_builtin,
    is_simple_valued,
    simple_type_of,
)
from st9x.st97.names import PrefixTable, lower_camel, split_qname
from st9x.st97.profiles import DIALECTS, Settings, make_settings
from st9x.st97.shape_builder import ShapeBuilder
from st9x.st97.simple_schemas import SimpleTypeSchemas, plain
from st9x.st97.wildcard_schemas import WildcardSchemas
from st9x.st97.xmlchars import NOT_XML_CHAR

XSD = "{http://www.w3.org/2001/XMLSchema}"
JSONML_KEY = "st97_jsonmlElement"
#: Every string the mapper writes into XML: ``{"$ref"}`` to one definition, so that validators
#: compile the character check once, not once per property (see :mod:`st9x.st97.xmlchars`).
XML_STRING_KEY = "st97_xmlString"


def pointer_token(key: str) -> str:
    """A ``$defs`` key as a JSON pointer token (RFC 6901: ``~`` → ``~0``, ``/`` → ``~1``)."""
    return key.replace("~", "~0").replace("/", "~1")


def compile_schema(
    xsd: str | Path | Any,
    *,
    root: str | None = None,
    profile: str = "st97-v2",
    options: Mapping[str, str] | None = None,
    dialect: str = "2020-12",
) -> Compilation:
    """Compile an XSD (path or loaded xmlschema schema) to a JSON Schema.

    ``root`` is a global element as ``{ns}Local``, ``prefix:Local`` or ``Local``; ``None`` means
    every global element of the target namespace.
    """
    settings = make_settings(profile, options, dialect)
    schema = load_xsd(xsd)
    return _Compiler(schema, settings).run(root)




class _Compiler(TypeClosing, WildcardSchemas, SimpleTypeSchemas):
    def __init__(self, schema: Any, settings: Settings) -> None:
        self.schema = schema
        self.settings = settings
        self.losses = LossLog()
        namespaces = {split_qname(q)[0] for q in schema.maps.types}
        namespaces |= {split_qname(q)[0] for q in schema.maps.elements}
        namespaces |= {split_qname(q)[0] for q in schema.maps.attributes}
        self.prefixes = PrefixTable(namespaces, schema.namespaces)
        self.shapes = ShapeBuilder(schema, settings, self.losses, self.prefixes)
        self.type_keys = {self.prefixes.key(q) for q in schema.maps.types}
        self.defs: dict[str, Any] = {}
        self._pending: list[tuple[str, Any, str]] = []
        self._keys: dict[int, str] = {}
        self._reported_builtins: set[str] = set()
        self.xsi_anyof = settings.xsi_type == "anyof"

    # -- keys and the definition worklist ----------------------------------------------------
    def key_for_type(self, xsd_type: Any) -> str:
        key = self._keys.get(id(xsd_type))
        if key is None:
            key = self.prefixes.key(xsd_type.name)
            self._keys[id(xsd_type)] = key
            self.defs[key] = {}  # reserve: recursion through this type terminates here
            self._pending.append((key, xsd_type, "type"))
        return key

    def key_for_element_type(self, decl: Any) -> str:
        xsd_type = decl.type
        key = self._keys.get(id(xsd_type))
        if key is None:
            key = self.prefixes.key(decl.name)
            if key in self.type_keys:
                key += "_element"
            self._keys[id(xsd_type)] = key
            self.defs[key] = {}
            self._pending.append((key, xsd_type, "type"))
        return key

    def key_for_local_type(self, decl: Any) -> str:
        """Anonymous types of local elements also get a definition, keyed
        ``<prefix>_<enclosing global component>.<element>``: local anonymous types can recurse
        through named groups (MathML's ``semantics`` does), so inlining them would not end."""
        xsd_type = decl.type
        key = self._keys.get(id(xsd_type))
        if key is not None:
            return key
        owner = decl.parent
        while owner is not None and getattr(owner, "parent", None) is not None:
            owner = owner.parent
        owner_name = getattr(owner, "name", None) or "local"
        stem = self.prefixes.key(owner_name) + "." + split_qname(decl.name)[1]
        key, n = stem, 1
        while key in self.defs or key in self.type_keys:
            n += 1
            key = f"{stem}~{n}"
        self._keys[id(xsd_type)] = key
        self.defs[key] = {}
        self._pending.append((key, xsd_type, "type"))
        return key

    def run(self, root: str | None) -> Compilation:
        decls = find_roots(self.schema, root)
        roots: dict[str, Any] = {}
        properties: dict[str, Any] = {}
        for decl in decls:
            name = lower_camel(split_qname(decl.name)[1])
            roots[name] = decl
            properties[name] = self.element_schema(decl)
        while self._pending:
            key, xsd_type, _ = self._pending.pop(0)
            self.defs[key] = self.type_definition(xsd_type)
        version = getattr(self.schema, "version", None)
        doc: dict[str, Any] = {"$schema": DIALECTS[self.settings.dialect]}
        if self.settings.version == "id":
            stem = Path(self.schema.url or "schema").stem if self.schema.url else "schema"
            doc["$id"] = f"urn:st97:{self.settings.profile}:{version or 'unversioned'}:{stem}"
            if version is None:
                self.losses.add_at("version", "<schema>", "version=id: the XSD has no version")
        root_names = [split_qname(d.name)[1] for d in decls]
        doc["title"] = ", ".join(root_names) if len(root_names) <= 3 else (
            f"{len(root_names)} root elements"
        )
        doc["type"] = "object"
        if self.settings.version == "property":
            if version is None:
                self.losses.add_at("version", "<schema>", "version=property: the XSD has no "
                                   "version attribute; schemaVersion is any string")
            properties = {VERSION_PROPERTY: {"const": version} if version else {"type": "string"},
                          **properties}
        doc["properties"] = properties
        required = [VERSION_PROPERTY] if self.settings.version == "property" else []
        if len(decls) == 1:
            required.append(next(iter(roots)))
        if required:
            doc["required"] = required
        if len(decls) > 1:
            extra = 1 if self.settings.version == "property" else 0
            doc["minProperties"] = 1 + extra
            doc["maxProperties"] = 1 + extra
        doc["additionalProperties"] = False
        doc["$defs"] = dict(sorted(self.defs.items()))
        if self.settings.draft7:
            doc = to_draft7(doc)
        elif self.settings.dialect == "2019-09":
            doc = items_arrays(doc)
        return Compilation(
            schema=doc,
            losses=self.losses.items(),
            profile=self.settings.profile,
            options=self.settings.options(),
            settings=self.settings,
            xsd=self.schema,
            roots=roots,
            shapes=self.shapes,
            version=version,
        )

    def ref(self, key: str) -> dict[str, Any]:
        return {"$ref": f"#/$defs/{pointer_token(key)}"}


    # -- elements ------------------------------------------------------------------------------
    def element_schema(self, decl: Any) -> dict[str, Any]:
        """Schema of one occurrence of an element (arrays are added by the property)."""
        if getattr(decl, "ref", None) is not None:
            decl = decl.ref
        xsd_type = decl.type
        for identity in getattr(decl, "identities", None) or []:
            self.losses.add("identity-constraint", decl,
                            f"identity constraint {identity!r} is not expressible in JSON Schema")
        if is_simple_valued(xsd_type):
            st = simple_type_of(xsd_type)
            result = dict(self.simple_schema(st))
            self._value_constraint(result, decl, st)
        else:
            if xsd_type.name is not None and not is_builtin(xsd_type):
                key = self.key_for_type(xsd_type)
            elif xsd_type.name is None and decl.parent is None:
                key = self.key_for_element_type(decl)
            elif is_builtin(xsd_type):  # xsd:anyType
                self.losses.add(
                    "any-type", decl,
                    "element of type xsd:anyType: content in the generic element form; global "
                    "declarations inside it (processContents lax) are not applied",
                )
                result = self.any_element_ref()
                return {"anyOf": [result, {"type": "null"}]} if decl.nillable else result
            else:
                key = self.key_for_local_type(decl)
            if key:
                result = self.ref(key)
                if self.is_open(xsd_type):
                    result = self.close(result, xsd_type)
            else:
                result = self.type_definition(xsd_type)
            if decl.default is not None or decl.fixed is not None:
                self.losses.add("element-default", decl,
                                "default/fixed of an element with attributes is not expressed")
        variants = self.shapes.xsi_variants(decl)
        if variants:
            branches = [] if getattr(xsd_type, "abstract", False) else [result]
            branches.extend(self.xsi_variant(t) for t in variants.values())
            result = {"anyOf": branches}
        if decl.nillable:
            result = {"anyOf": [result, {"type": "null"}]}
        return result

    def _value_constraint(self, schema: dict[str, Any], component: Any, st: Any) -> None:
        for attr, keyword in (("fixed", "const"), ("default", "default")):
            raw = getattr(component, attr, None)
            if raw is None:
                continue
            try:
                value = simple_mod.decode(raw, st)
            except simple_mod.ValueProblem as exc:
                self.losses.add("value-constraint", component, f"{attr} value: {exc}")
                continue
            schema[keyword] = plain(value)

    # -- complex types -------------------------------------------------------------------------
    def type_definition(self, xsd_type: Any) -> dict[str, Any]:
        if is_simple_valued(xsd_type):
            return self.simple_body(simple_type_of(xsd_type))
        shape = self.shapes.shape(xsd_type)
        return self.shape_schema(shape, closed=not self.is_open(xsd_type))

    def xsi_variant(self, xsd_type: Any) -> dict[str, Any]:
        """An element whose instance names ``xsd_type`` in ``xsi:type``: the derived type's
        (open) definition closed here, plus the required ``$type`` member."""
        out = self.close(self.ref(self.key_for_type(xsd_type)), xsd_type)
        out["properties"] = {**out.get("properties", {}),
                             TYPE_MEMBER: {"const": xsd_type.name}}
        out["required"] = [TYPE_MEMBER]
        return out

    def xml_string(self) -> dict[str, Any]:
        """``$ref`` to the string XML 1.0 can hold (defined on first use): ``not`` a pattern
        matching one character outside XML's ``Char``, which refuses lone surrogates without
        naming one (no regex engine takes a surrogate in a pattern) and, unanchored, is one
        linear scan without backtracking. Every string the mapper writes as text or an
        attribute value is one of these or has a pattern of XML characters (dates, names)."""
        if XML_STRING_KEY not in self.defs:
            self.defs[XML_STRING_KEY] = {"type": "string", "not": {"pattern": NOT_XML_CHAR}}
        return self.ref(XML_STRING_KEY)

    def shape_schema(self, shape: Shape, *, closed: bool) -> dict[str, Any]:
        if shape.kind == "collection":
            assert shape.item is not None
            out: dict[str, Any] = {"type": "array", "items": self.item_schema(shape.item)}
            if shape.item.min_items:
                out["minItems"] = shape.item.min_items
            if shape.item.max_items is not None:
                out["maxItems"] = shape.item.max_items
            return out
        if shape.kind == "mixed" and self.settings.mixed == "jsonml":
            return self.jsonml_schema(shape)
        exclude = shape.typed_members()
        if shape.base is not None:
            base_any = self.shapes.shape(shape.base).any_attribute
            own = self.object_schema(
                shape.own, shape.own_constraints, closed=False,
                wild=self.wildcard_members(
                    shape.own_wildcards,
                    shape.any_attribute if base_any is None else None, exclude=exclude))
            out = {"allOf": [self.ref(self.key_for_type(shape.base)), own]}
            return self.close(out, shape.xsd_type) if closed else out
        wild = None
        if shape.wildcards or shape.any_attribute is not None:
            wild = self.wildcard_members(
                [] if shape.kind == "mixed" else shape.wildcards, shape.any_attribute,
                exclude=exclude)
        return self.object_schema(shape.props, shape.constraints, closed=closed, wild=wild)


    def object_schema(self, props: list[Prop], constraints: list[dict[str, Any]], *,
                      closed: bool, wild: tuple[dict[str, Any], dict[str, Any],
                                                list[dict[str, Any]]] | None = None,
                      ) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "object", "properties": {}}
        required = []
        for prop in props:
            out["properties"][prop.name] = self.prop_schema(prop)
            if prop.required:
                required.append(prop.name)
        presence: list[dict[str, Any]] = []
        if wild is not None:
            typed, patterns, presence = wild
            out["properties"].update(typed)
            if patterns:
                out["patternProperties"] = patterns
        if required:
            out["required"] = required
        emitted = [self.constraint_schema(c) for c in constraints] + presence
        if len(emitted) == 1:
            out.update(emitted[0])
        elif emitted:
            out["allOf"] = emitted
        if closed:
            out["additionalProperties"] = False
        return out

    def constraint_schema(self, c: dict[str, Any]) -> dict[str, Any]:
        branches = [{"required": b} for b in c["branches"]]
        if self.settings.strict_choice and c["exclusive"]:
            if c["required"]:
                return {"oneOf": branches}
            return {"oneOf": [*branches, {"not": {"anyOf": branches}}]}
        return {"anyOf": branches}

    def prop_schema(self, prop: Prop) -> dict[str, Any]:
        if prop.kind == "attribute":
            return self.attribute_schema(prop.component)
        if prop.kind == "text":
            if prop.component is None:  # mixed=text-only
                return self.xml_string()
            return self.simple_schema(prop.component)
        if prop.kind == "content":
            return self.content_schema(prop, prop.shape)
        if prop.kind == "group":
            assert prop.shape is not None
            inner: dict[str, Any]
            if prop.component is not None and isinstance(prop.component, XsdComplexType):
                inner = self.ref(self.key_for_type(prop.component))  # legacy nested base
            else:
                inner = self.object_schema(prop.shape.props, prop.shape.constraints, closed=True)
            return self._arrayed(prop, inner)
        return self._arrayed(prop, self.item_schema(prop))

    def _arrayed(self, prop: Prop, item: dict[str, Any]) -> dict[str, Any]:
        if not prop.array:
            return item
        out: dict[str, Any] = {"type": "array", "items": item}
        if prop.min_items:
            out["minItems"] = prop.min_items
        if prop.max_items is not None:
            out["maxItems"] = prop.max_items
        return out

    def item_schema(self, prop: Prop) -> dict[str, Any]:
        if prop.kind == "ordered":
            return {"anyOf": [
                {
                    "type": "object",
                    "properties": {key: self.element_schema(decl)},
                    "required": [key],
                    "additionalProperties": False,
                }
                for key, decl in prop.members.values()
            ]}
        return self.element_schema(prop.component)

    def content_schema(self, prop: Prop, shape: Shape | None = None) -> dict[str, Any]:
        alternatives: list[dict[str, Any]] = [self.xml_string()]
        for key, decl in prop.members.values():
            alternatives.append({
                "type": "object",
                "properties": {key: self.element_schema(decl)},
                "required": [key],
                "additionalProperties": False,
            })
        if shape is not None and shape.wildcards:
            alternatives.extend(self.wildcard_items(shape))
        return {"type": "array", "items": {"anyOf": alternatives}}

    def jsonml_schema(self, shape: Shape) -> dict[str, Any]:
        attrs = [p for p in shape.props if p.kind == "attribute"]
        head = self.object_schema(attrs, [], closed=True)
        self.defs.setdefault(JSONML_KEY, {
            "type": "array",
            "prefixItems": [{"type": "string"}, {"type": "object",
                                                 "additionalProperties": self.xml_string()}],
            "items": {"anyOf": [self.xml_string(), self.ref(JSONML_KEY)]},
            "minItems": 2,
        })
        return {
            "type": "array",
            "prefixItems": [head],
            "items": {"anyOf": [self.xml_string(), self.ref(JSONML_KEY)]},
            "minItems": 1,
        }

    def attribute_schema(self, attr: Any) -> dict[str, Any]:
        st = attr.type
        out = dict(self.simple_schema(st))
        self._value_constraint(out, attr, st)
        return out

__all__ = ["compile_schema", "locate"]
_ = XsdElement  # re-exported type for annotations in callers
