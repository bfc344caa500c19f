"""XSD → JSON Schema, from xmlschema's component model.

:func:`compile_schema` walks the components reachable from the chosen root element(s) and emits
one ``$defs`` entry per named type (and per global element with an anonymous type), so that the
output mirrors the XSD's own reuse and recursive types stay finite. Shapes come from
:mod:`st9x.st97.model`; everything that cannot be expressed goes to :attr:`Compilation.losses`.

Document form: the JSON document is an object with one property per root element, named like any
other property (``{"trademarkApplication": {...}}``). ``root=None`` compiles every global element
of the schema's target namespace as a possible root, and the top level then requires exactly one
of them (``minProperties``/``maxProperties`` 1: the same as a ``oneOf`` of one-property objects,
but cheap for validators and with readable errors).

Closing objects (decision 8): a type that another type extends gets an *open* definition and is
closed where it is used (``{"$ref": …, "unevaluatedProperties": false}``), because
``additionalProperties: false`` — or any closing keyword — inside the base would reject the
extension's own properties when the base is referenced from the extension's ``allOf``. All other
types are closed inside their definition (``additionalProperties: false``, or
``unevaluatedProperties: false`` when the definition is an ``allOf``).

Draft-07 output (``dialect="draft-07"``) is written for draft-07 rules, not relabelled:
``definitions`` instead of ``$defs``; a ``$ref`` never has siblings (draft-07 ignores them, so
``{"$ref": r, k: v}`` becomes ``{"allOf": [{"$ref": r}], k: v}``); ``prefixItems`` becomes the
array form of ``items`` plus ``additionalItems``; ``dependentRequired``/``dependentSchemas``
become ``dependencies``. Draft-07 has no ``unevaluatedProperties``, and ``additionalProperties``
only sees the ``properties`` of its own schema object, so decision 8 is closed by listing every
allowed name (base and added, recursively) as ``properties: {name: true, …}`` beside the
``allOf`` together with ``additionalProperties: false`` — at the extension's definition and at
every use of an open base type. This was preferred over ``propertyNames: {"enum": […]}``
because ``additionalProperties: false`` is then the one closing idiom of the whole output: what
draft-07 tooling (code generators, this project's JSON generator) reads as "closed", with the
same error message for an unknown property everywhere. The names are the type's own
:attr:`Shape.props`, which the mapper also uses, so schema and instances cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import xmlschema
from xmlschema.validators import XsdComplexType, XsdElement, XsdGroup

from st9x.errors import SchemaError
from st9x.st97 import simple as simple_mod
from st9x.st97.losses import Loss, LossLog, locate
from st9x.st97.model import (
    TYPE_MEMBER,
    Prop,
    Shape,
    ShapeBuilder,
    Wildcard,
    is_builtin,
    is_simple_valued,
    namespace_regex,
    regex_literal,
    simple_type_of,
)
from st9x.st97.names import PrefixTable, lower_camel, split_qname
from st9x.st97.profiles import DIALECTS, Settings, make_settings
from st9x.st97.regex import xsd_to_ecma
from st9x.st97.xmlchars import ATTRIBUTE_NAME, ELEMENT_NAME, NOT_XML_CHAR
from st9x.xsdload import load_xmlschema

XSD = "{http://www.w3.org/2001/XMLSchema}"
JSONML_KEY = "st97_jsonmlElement"
#: The generic element form (wildcard content, xsd:anyType): see the README.
ANY_ELEMENT_KEY = "st97_anyElement"
#: Element names in the generic form: Clark notation, ``{}`` for no namespace, local an NCName.
ANY_NAME_PATTERN = ELEMENT_NAME
#: Every string the mapper writes into XML: ``{"$ref"}`` to one definition, so that validators
#: compile the character check once, not once per property (see :mod:`st9x.st97.xmlchars`).
XML_STRING_KEY = "st97_xmlString"


def pointer_token(key: str) -> str:
    """A ``$defs`` key as a JSON pointer token (RFC 6901: ``~`` → ``~0``, ``/`` → ``~1``)."""
    return key.replace("~", "~0").replace("/", "~1")
VERSION_PROPERTY = "schemaVersion"

_NAME_PATTERNS = {
    "Name": r"\i\c*",
    "NCName": r"[\i-[:]][\c-[:]]*",
    "ID": r"[\i-[:]][\c-[:]]*",
    "IDREF": r"[\i-[:]][\c-[:]]*",
    "ENTITY": r"[\i-[:]][\c-[:]]*",
    "NMTOKEN": r"\c+",
    "language": r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*",
}


@dataclass
class Compilation:
    """A compiled schema plus everything the mapper needs to convert instances consistently."""

    schema: dict[str, Any]
    losses: list[Loss]
    profile: str
    options: dict[str, str]
    settings: Settings
    xsd: Any
    roots: dict[str, Any]  # JSON property name → global XsdElement
    shapes: ShapeBuilder = field(repr=False)
    version: str | None = None

    def loss_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for loss in self.losses:
            counts[loss.construct] = counts.get(loss.construct, 0) + 1
        return counts


def load_xsd(xsd: str | Path | Any) -> Any:
    """An xmlschema XSD 1.0 schema, loaded from local files only and without entity expansion
    (:func:`st9x.xsdload.load_xmlschema`: the validators and the other converters of the
    process use the same model)."""
    if not isinstance(xsd, str | Path):
        return xsd
    try:
        return load_xmlschema(xsd)  # one model per process, shared with the other subjects
    except (xmlschema.XMLSchemaException, OSError, ValueError) as exc:
        raise SchemaError(f"cannot load schema: {exc}", path=xsd) from None


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


def find_roots(schema: Any, root: str | None) -> list[Any]:
    """Global element declarations for ``root`` (see :func:`compile_schema`)."""
    elements = schema.maps.elements
    if root == "auto":
        return document_roots(schema)
    if root is None:
        ns = schema.target_namespace
        found = [e for q, e in elements.items() if split_qname(q)[0] == ns]
        if not found:
            raise SchemaError("the schema declares no global element in its target namespace",
                              path=schema.url)
        return sorted(found, key=lambda e: e.name)
    if root.startswith("{"):
        qname = root
    elif ":" in root:
        prefix, local = root.split(":", 1)
        ns = schema.namespaces.get(prefix)
        if ns is None:
            raise SchemaError(f"unknown prefix in root {root!r}", path=schema.url)
        qname = f"{{{ns}}}{local}"
    else:
        candidates = [q for q in elements if split_qname(q)[1] == root]
        preferred = [q for q in candidates if split_qname(q)[0] == schema.target_namespace]
        candidates = preferred or candidates
        if len(candidates) != 1:
            raise SchemaError(
                f"root {root!r} matches {len(candidates)} global elements"
                + (f": {', '.join(sorted(candidates))}" if candidates else ""),
                path=schema.url,
            )
        qname = candidates[0]
    if qname not in elements:
        raise SchemaError(f"no global element {qname}", path=schema.url)
    return [elements[qname]]


def document_roots(schema: Any) -> list[Any]:
    """Global elements of the target namespace that no content model refers to: the document
    roots of a flattened ST.96 document schema (``TrademarkApplication``; ``TransactionData``
    in ``DGN_TransactionData_V6_0.xsd``). Used for ``root="auto"``."""
    from st9x.st97.model import iter_elements

    referenced: set[str] = set()
    for xsd_type in schema.maps.types.values():
        content = getattr(xsd_type, "content", None)
        if isinstance(content, XsdGroup):
            referenced.update(e.name for e in iter_elements(content))
    for decl in schema.maps.elements.values():
        content = getattr(decl.type, "content", None)
        if decl.type.name is None and isinstance(content, XsdGroup):
            referenced.update(e.name for e in iter_elements(content))
    ns = schema.target_namespace
    roots = [e for q, e in schema.maps.elements.items()
             if split_qname(q)[0] == ns and q not in referenced]
    if not roots:
        raise SchemaError("no unreferenced global element: give the root explicitly",
                          path=schema.url)
    return sorted(roots, key=lambda e: e.name)


def _jsonable_number(value: Any) -> int | float:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    d = Decimal(str(value))
    return int(d) if d == d.to_integral_value() else float(d)


class _Compiler:
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
            doc = _items_arrays(doc)
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

    def is_open(self, xsd_type: Any) -> bool:
        """Open definitions, closed where used: extension bases (decision 8) and, under
        ``xsi-type=anyof``, every type derived from a named type (an xsi:type variant adds
        ``$type`` beside a ``$ref`` to it, which a closed definition would reject)."""
        if self.settings.v2 and self.shapes.is_base(xsd_type):
            return True
        if not self.xsi_anyof:
            return False
        base = getattr(xsd_type, "base_type", None)
        return base is not None and not is_builtin(base)

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
            schema[keyword] = _plain(value)

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

    def any_element_ref(self) -> dict[str, Any]:
        """``$ref`` to the generic element form (defined on first use)."""
        if ANY_ELEMENT_KEY not in self.defs:
            self.defs[ANY_ELEMENT_KEY] = {
                "type": "object",
                "properties": {
                    "attributes": {"type": "object",
                                   "propertyNames": {"pattern": ATTRIBUTE_NAME},
                                   "additionalProperties": self.xml_string()},
                    "content": {"type": "array", "items": {"anyOf": [
                        self.xml_string(),
                        {"type": "object", "minProperties": 1, "maxProperties": 1,
                         "propertyNames": {"pattern": ANY_NAME_PATTERN},
                         "additionalProperties": self.ref(ANY_ELEMENT_KEY)},
                    ]}},
                },
                "additionalProperties": False,
            }
        return self.ref(ANY_ELEMENT_KEY)

    def xml_string(self) -> dict[str, Any]:
        """``$ref`` to the string XML 1.0 can hold (defined on first use): ``not`` a pattern
        matching one character outside XML's ``Char``, which refuses lone surrogates without
        naming one (no regex engine takes a surrogate in a pattern) and, unanchored, is one
        linear scan without backtracking. Every string the mapper writes as text or an
        attribute value is one of these or has a pattern of XML characters (dates, names)."""
        if XML_STRING_KEY not in self.defs:
            self.defs[XML_STRING_KEY] = {"type": "string", "not": {"pattern": NOT_XML_CHAR}}
        return self.ref(XML_STRING_KEY)

    # -- wildcards -----------------------------------------------------------------------------
    def wildcard_members(self, wildcards: list[Wildcard], any_attribute: Any, *,
                         exclude: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any],
                                                           list[dict[str, Any]]]:
        """(typed member properties, patternProperties, presence constraints) of the wildcards
        of one object. Typed members (lax/strict with a global declaration) are named
        properties holding arrays of the declaration's JSON; the rest of a wildcard's namespace
        constraint is a ``patternProperties`` entry whose pattern excludes the typed names of
        the whole shape (``exclude``): a name matching both would have to satisfy both."""
        typed: dict[str, Any] = {}
        patterns: dict[str, Any] = {}
        presence: list[dict[str, Any]] = []
        lookahead = ""
        if exclude:
            names = "|".join(regex_literal(k) for k in sorted(exclude))
            lookahead = f"(?!(?:{names})$)"
        for w in wildcards:
            for key, decl in w.typed.items():
                if key not in typed:
                    typed[key] = self._member_array(self.element_schema(decl), w)
            if w.generic:
                pattern = "^" + lookahead + w.pattern[1:]
                patterns.setdefault(pattern, self._member_array(self.any_element_ref(), w))
            if w.min_occurs >= 1:
                presence.append({"not": {"propertyNames": {"not": {"pattern": w.pattern}}}})
        if any_attribute is not None:
            patterns.setdefault(namespace_regex(any_attribute, attribute=True),
                                self.xml_string())
        return typed, patterns, presence

    @staticmethod
    def _member_array(item: dict[str, Any], w: Wildcard) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "array", "items": item, "minItems": 1}
        if w.max_occurs is not None:
            out["maxItems"] = w.max_occurs
        return out

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

    def close(self, schema: dict[str, Any], xsd_type: Any) -> dict[str, Any]:
        """Close an open type where it is used (``{"$ref": base}``) or an extension's
        ``allOf`` (decision 8). 2019-09/2020-12: ``unevaluatedProperties: false``, which sees
        the properties evaluated inside the ``$ref``/``allOf``. Draft-07 has no such keyword:
        ``additionalProperties: false`` with every allowed name listed (``true``: the real
        subschema is in the ``allOf``), the ``$ref`` moved into an ``allOf`` because draft-07
        ignores its siblings. Array shapes (JsonML) are left alone: closing is about objects."""
        if not self.settings.draft7:
            return {**schema, "unevaluatedProperties": False}
        shape = self.shapes.shape(xsd_type)
        jsonml = shape.kind == "mixed" and self.settings.mixed == "jsonml"
        if shape.kind == "collection" or jsonml:
            return schema
        parts = [schema] if "$ref" in schema else list(schema["allOf"])
        out = {key: value for key, value in schema.items() if key not in ("$ref", "allOf")}
        out["allOf"] = parts
        out["properties"] = {prop.name: True for prop in shape.props}
        if shape.kind != "mixed":
            out["properties"].update((key, True) for key in shape.typed_members())
        patterns = [w.pattern for w in shape.wildcards if shape.kind != "mixed"]
        if shape.any_attribute is not None:
            patterns.append(namespace_regex(shape.any_attribute, attribute=True))
        if patterns:
            out["patternProperties"] = {p: True for p in patterns}
        out["additionalProperties"] = False
        return out

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
            # wildcard elements in mixed content: one-property items, like declared ones
            exclude = shape.typed_members()
            typed = {key: self.element_schema(decl) for key, decl in exclude.items()}
            for key, schema in typed.items():
                alternatives.append({"type": "object", "properties": {key: schema},
                                     "required": [key], "additionalProperties": False})
            lookahead = ""
            if exclude:
                names = "|".join(regex_literal(k) for k in sorted(exclude))
                lookahead = f"(?!(?:{names})$)"
            for pattern in dict.fromkeys(w.pattern for w in shape.wildcards if w.generic):
                alternatives.append({
                    "type": "object", "minProperties": 1, "maxProperties": 1,
                    "patternProperties": {"^" + lookahead + pattern[1:]:
                                          self.any_element_ref()},
                    "additionalProperties": False,
                })
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

    # -- simple types --------------------------------------------------------------------------
    def simple_schema(self, st: Any) -> dict[str, Any]:
        if is_builtin(st):
            return self.builtin_schema(st)
        if st.name is not None:
            return self.ref(self.key_for_type(st))
        return self.simple_body(st)

    def builtin_schema(self, st: Any) -> dict[str, Any]:
        local = split_qname(st.name)[1]
        if local in ("ID", "IDREF", "IDREFS") and local not in self._reported_builtins:
            self._reported_builtins.add(local)
            self.losses.add_at("id-idref", f"<builtin xs:{local}>",
                               "ID uniqueness and IDREF integrity are not expressible")
        if local == "boolean":
            return {"type": "boolean"}
        if local in simple_mod.INTEGER_BOUNDS:
            lo, hi = simple_mod.INTEGER_BOUNDS[local]
            out: dict[str, Any] = {"type": "integer"}
            if lo is not None:
                out["minimum"] = lo
            if hi is not None:
                out["maximum"] = hi
            return out
        if local in simple_mod.NUMBER_TYPES:
            if local in ("float", "double") and local not in self._reported_builtins:
                self._reported_builtins.add(local)
                self.losses.add_at("float-special", f"<builtin xs:{local}>",
                                   "INF, -INF and NaN have no JSON number form")
            return {"type": "number"}
        if local in simple_mod.DATE_PATTERNS:
            # The XSD lexical space is the pattern. "format" is never applied to it as a whole:
            # RFC 3339 date-time/time require a time zone and full-date forbids one, all want
            # exactly four year digits, and JSON Schema durations have no sign, fractions or
            # skipped units — all of which XSD allows, so a validator that asserts formats
            # (jsonschema-rs, fastjsonschema) would reject XSD-valid values. Only values in
            # the common form where RFC 3339 and XSD coincide get the format, through if/then,
            # so that asserting validators still check the calendar there (2024-02-30).
            out = {"type": "string", "pattern": _xsd10_years(simple_mod.DATE_PATTERNS[local])}
            if local in _RFC3339_FORMS:
                fmt, form = _RFC3339_FORMS[local]
                out["if"] = {"pattern": form}
                out["then"] = {"format": fmt}
            if local in _CALENDAR_GAPS and local not in self._reported_builtins:
                self._reported_builtins.add(local)
                self.losses.add_at("date-calendar", f"<builtin xs:{local}>",
                                   _CALENDAR_GAPS[local])
            return out
        if local == "anyURI":
            # no "format": uri-reference rejects IRIs (non-ASCII), spaces and '%' typos that
            # XSD 1.0 anyURI accepts (its lexical space is effectively any string)
            return self.xml_string()
        if local == "hexBinary":
            return {"type": "string", "pattern": "^(?:[0-9a-fA-F]{2})*$"}
        if local == "base64Binary":
            return {**self.xml_string(), "contentEncoding": "base64"}
        if local in ("IDREFS", "NMTOKENS", "ENTITIES"):
            item = "IDREF" if local == "IDREFS" else local[:-1]
            return {"type": "array", "items": self._named_pattern(item), "minItems": 1}
        if local in _NAME_PATTERNS:
            return self._named_pattern(local)
        return self.xml_string()

    def _named_pattern(self, local: str) -> dict[str, Any]:
        tr = xsd_to_ecma(_NAME_PATTERNS[local], unicode=self.settings.regex_unicode,
                         digits=self.settings.regex_digits)
        return {"type": "string", "pattern": tr.pattern} if tr.pattern else self.xml_string()

    def simple_body(self, st: Any) -> dict[str, Any]:
        """The definition of a derived simple type: its base plus its own facets."""
        if is_builtin(st):
            return self.builtin_schema(st)
        if st.is_list() and hasattr(st, "item_type"):
            out: dict[str, Any] = {"type": "array", "items": self.simple_schema(st.item_type)}
            self._facets(out, st, "list")
            return out
        if st.is_union() and hasattr(st, "member_types"):
            return {"anyOf": [self.simple_schema(m) for m in st.member_types]}
        base = st.base_type
        if base is None:
            return self.xml_string()
        base_schema = self.simple_schema(base) if base.is_simple() else self.simple_body(
            simple_type_of(base)
        )
        own: dict[str, Any] = {}
        self._facets(own, st, simple_mod.json_kind(st))
        if simple_mod.json_kind(st) == "union" and own:
            self.losses.add("union-facets", st, "facets on a restricted union apply to the "
                            "union as a whole and are emitted beside its anyOf")
        if not own:
            return dict(base_schema)
        if "enum" in own and base_schema == self.xml_string():
            base_schema = {"type": "string"}  # the values come from the XSD: XML characters
        if "$ref" in base_schema:
            return {**base_schema, **own}
        clash = set(own) & set(base_schema)
        if clash:
            return {**base_schema, "allOf": [own]}
        return {**base_schema, **own}

    def _facets(self, out: dict[str, Any], st: Any, kind: str) -> None:
        facets = getattr(st, "facets", {}) or {}
        for qname, facet in facets.items():
            if qname is None:
                continue
            local = split_qname(qname)[1]
            if local == "enumeration":
                values = []
                for raw in facet.enumeration:
                    try:
                        values.append(_plain(simple_mod.decode(str(_lexical(raw)), st)))
                    except simple_mod.ValueProblem:
                        values.append(str(raw))
                out["enum"] = values
            elif local == "pattern":
                self._pattern(out, st, facet)
            elif local in ("length", "minLength", "maxLength"):
                self._length(out, st, kind, local, facet.value)
            elif local in ("minInclusive", "maxInclusive", "minExclusive", "maxExclusive"):
                if kind in ("integer", "number"):
                    keyword = {"minInclusive": "minimum", "maxInclusive": "maximum",
                               "minExclusive": "exclusiveMinimum",
                               "maxExclusive": "exclusiveMaximum"}[local]
                    out[keyword] = _jsonable_number(facet.value)
                else:
                    self.losses.add("bound", st, f"{local}={facet.value} on a non-numeric "
                                    f"type ({simple_mod.builtin_name(st)}) is not expressible")
            elif local in ("totalDigits", "fractionDigits"):
                self._digits(out, st, facets)
            elif local in ("whiteSpace",):
                continue  # applied by the mapper to the value; JSON holds normalised values
            elif local == "assertion":
                self.losses.add("assertion", st, "XSD 1.1 assertion not expressible")
            else:
                self.losses.add("facet", st, f"facet {local} not expressed")

    def _pattern(self, out: dict[str, Any], st: Any, facet: Any) -> None:
        translated = []
        for source in facet.regexps:
            tr = xsd_to_ecma(source, unicode=self.settings.regex_unicode,
                             digits=self.settings.regex_digits)
            for note in tr.notes:
                self.losses.add("pattern", st, f"pattern {source!r}: {note}")
            if tr.pattern is None:
                return  # one alternative untranslatable: the whole facet is lost (reported)
            translated.append(tr.pattern)
        if simple_mod.json_kind(st) in ("integer", "number", "boolean"):
            self.losses.add("pattern", st, f"pattern {facet.regexps!r} on a non-string type "
                            "cannot apply to a JSON number/boolean")
            return
        out["pattern"] = "|".join(translated)

    def _length(self, out: dict[str, Any], st: Any, kind: str, local: str, value: int) -> None:
        if kind == "list":
            keys = {"length": ("minItems", "maxItems"), "minLength": ("minItems",),
                    "maxLength": ("maxItems",)}[local]
        elif simple_mod.builtin_name(st) in ("hexBinary", "base64Binary"):
            self.losses.add("length", st, f"{local} counts octets of binary data; not expressed")
            return
        elif kind != "string":
            self.losses.add("length", st, f"{local} on a {kind} type not expressed")
            return
        else:
            keys = {"length": ("minLength", "maxLength"), "minLength": ("minLength",),
                    "maxLength": ("maxLength",)}[local]
        for key in keys:
            out[key] = value

    def _digits(self, out: dict[str, Any], st: Any, facets: Mapping[Any, Any]) -> None:
        total = facets.get(f"{XSD}totalDigits")
        fraction = facets.get(f"{XSD}fractionDigits")
        t = total.value if total is not None else None
        f = fraction.value if fraction is not None else None
        if f is not None:
            out["multipleOf"] = 1 if f == 0 else float(Decimal(1).scaleb(-f))
        if t is not None:
            limit_exp = t - (f if f is not None else 0)
            if f is None and simple_mod.json_kind(st) != "integer":
                limit_exp = t
                self.losses.add("digits", st, f"totalDigits={t} without fractionDigits: only "
                                "the magnitude bound is expressed")
            out["exclusiveMaximum"] = 10**limit_exp
            out["exclusiveMinimum"] = -(10**limit_exp)


# -- dialect rewriting ------------------------------------------------------------------------
# Where subschemas sit, by keyword (everything else — enum, const, default, required … — is data
# and must not be rewritten, even if it happened to hold "$ref").
_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SCHEMA_ONE = ("additionalProperties", "additionalItems", "propertyNames", "contains", "not",
               "if", "then", "else", "unevaluatedProperties", "unevaluatedItems")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
#: 2019-09/2020-12 keywords with no draft-07 form; meeting one after rewriting is a bug here.
DRAFT7_UNKNOWN = frozenset({
    "$defs", "$anchor", "$dynamicRef", "$dynamicAnchor", "$recursiveRef", "$recursiveAnchor",
    "$vocabulary", "unevaluatedProperties", "unevaluatedItems", "prefixItems",
    "dependentRequired", "dependentSchemas", "minContains", "maxContains", "contentSchema",
})


def _rewrite(node: Any, fix: Any) -> Any:
    """Apply ``fix`` to every subschema of ``node``, bottom-up, following keyword positions."""
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            value = {name: _rewrite(sub, fix) for name, sub in value.items()}
        elif key in _SCHEMA_ONE:
            value = _rewrite(value, fix)
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            value = [_rewrite(sub, fix) for sub in value]
        elif key == "items":
            value = ([_rewrite(sub, fix) for sub in value] if isinstance(value, list)
                     else _rewrite(value, fix))
        elif key == "dependencies" and isinstance(value, dict):
            value = {name: _rewrite(sub, fix) for name, sub in value.items()}
        out[key] = value
    result: dict[str, Any] = fix(out)
    return result


def _array_items(node: dict[str, Any]) -> dict[str, Any]:
    """``prefixItems`` + ``items`` (2020-12) → ``items`` array + ``additionalItems`` (draft-07
    and 2019-09, which do not know ``prefixItems`` and would apply ``items`` to the head too)."""
    if "prefixItems" not in node:
        return node
    out = {k: v for k, v in node.items() if k not in ("prefixItems", "items")}
    out["items"] = node["prefixItems"]
    if "items" in node:
        out["additionalItems"] = node["items"]
    return out


def _items_arrays(doc: dict[str, Any]) -> dict[str, Any]:
    """2019-09 output: only the ``prefixItems`` rewrite (the rest of 2020-12 is 2019-09)."""
    result: dict[str, Any] = _rewrite(doc, _array_items)
    return result


def _draft7_node(node: dict[str, Any]) -> dict[str, Any]:
    node = _array_items(node)
    if "$defs" in node:
        node = {("definitions" if k == "$defs" else k): v for k, v in node.items()}
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        node = {**node, "$ref": "#/definitions/" + ref[len("#/$defs/"):]}
    if "dependentRequired" in node or "dependentSchemas" in node:
        deps = {**node.get("dependentRequired", {}), **node.get("dependentSchemas", {})}
        node = {k: v for k, v in node.items() if k not in ("dependentRequired",
                                                            "dependentSchemas")}
        node["dependencies"] = {**node.get("dependencies", {}), **deps}
    if "$ref" in node and len(node) > 1:  # draft-07 ignores every sibling of $ref
        rest = {k: v for k, v in node.items() if k not in ("$ref", "allOf")}
        node = {"allOf": [{"$ref": node["$ref"]}, *node.get("allOf", [])], **rest}
    unknown = DRAFT7_UNKNOWN.intersection(node)
    if unknown:
        raise AssertionError(f"no draft-07 form for {sorted(unknown)} in {node!r:.200}")
    return node


def to_draft7(doc: dict[str, Any]) -> dict[str, Any]:
    """Rewrite a compiled 2020-12 document into draft-07 (see the module docstring). Closing
    of extensions is not done here but by the compiler (it needs the types' property names)."""
    out: dict[str, Any] = _rewrite(doc, _draft7_node)
    out["$schema"] = DIALECTS["draft-07"]
    return out


#: XSD type → (RFC 3339 format, the part of the XSD lexical space written the RFC 3339 way:
#: four-digit year, no 24:00:00, and a time zone exactly where RFC 3339 needs one). On these
#: values the format is no stricter than XSD — it adds the calendar check the pattern lacks.
_RFC3339_FORMS: dict[str, tuple[str, str]] = {
    "date": ("date", r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"),
    "dateTime": ("date-time", r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T(?:[01][0-9]|2[0-3]):[0-9]{2}:"
                 r"[0-9]{2}(?:\.[0-9]+)?(?:Z|[+\-][0-9]{2}:[0-9]{2})$"),
}
#: The XSD types whose pattern cannot check the day against the month (and year), and where.
#: The others of the family (time, gYear, gYearMonth, gMonth, gDay, duration) are exact.
_CALENDAR_GAPS = {
    "date": "the pattern checks the lexical form only: the day of the month against the month "
            "and year (2024-02-30, 2023-02-29) is checked only by validators that assert "
            "'format', and only for values without a time zone (RFC 3339 full-date, given "
            "format through if/then)",
    "dateTime": "the pattern checks the lexical form only: the day of the month against the "
                "month and year (2024-02-30T10:00:00) is checked only by validators that assert "
                "'format', and only for values with a time zone, a four-digit year and an hour "
                "below 24 (RFC 3339 date-time, given format through if/then)",
    "gMonthDay": "the pattern does not check the day against the month (--02-30 passes)",
}
_YEAR_ZERO_PADDED = "|0[0-9]{3})"


def _xsd10_years(pattern: str) -> str:
    """XSD 1.0 prohibits the year 0000 (XSD 1.1 allows it); the shared date patterns accept any
    zero-padded year, so exclude 0000 here with a lookahead (ECMA-262 and Python ``re``)."""
    return pattern.replace(_YEAR_ZERO_PADDED, "|0(?!000)[0-9]{3})")


def _lexical(raw: Any) -> Any:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, Decimal):
        return format(raw, "f")
    return raw


def _plain(value: Any) -> Any:
    """JSON-serialisable with the standard library (schemas are plain JSON)."""
    if isinstance(value, Decimal):
        return _jsonable_number(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


__all__ = ["Compilation", "compile_schema", "find_roots", "load_xsd", "locate"]
_ = XsdElement  # re-exported type for annotations in callers
