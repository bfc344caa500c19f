"""xmlschema's converters (``schema.to_dict`` / ``schema.encode``): the library users reach for
when they need XML ↔ JSON in Python. They map instances only; xmlschema generates no JSON
Schema, so the schema checks are ``skipped`` for them while the round trip and the
instance-level decision checks still apply.

Decoding and encoding use ``validation="lax"`` so that invalid instances are converted as far as
the library can (the verdict comparison is about what a converter produces, not whether it also
validates), and the library's defaults otherwise (attribute defaults are filled in, as a user
calling ``to_dict`` gets them).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import xmlschema
from lxml import etree

from st9x.errors import SchemaError, one_line
from st9x.st97.errors import ConversionError
from st9x.subjects.converters.base import ConverterInfo, SchemaResult, Unsupported
from st9x.xsdload import instance_resource, load_xmlschema

_CLASSES: dict[str, type[Any] | None] = {
    "xmlschema": None,  # XMLSchemaConverter, the default
    "xmlschema-badgerfish": xmlschema.BadgerFishConverter,
    "xmlschema-jsonml": xmlschema.JsonMLConverter,
    "xmlschema-parker": xmlschema.ParkerConverter,
    "xmlschema-abdera": xmlschema.AbderaConverter,
}


@dataclass
class _Prepared:
    schema_: Any
    converter: type[Any] | None
    path: str | None
    namespaces: dict[str, str]

    def schema(self) -> SchemaResult:
        raise Unsupported("xmlschema converters map instances only; no JSON Schema is generated")

    def to_json(self, xml_path: Path) -> Any:
        try:
            data, _errors = self.schema_.to_dict(  # the instance file and nothing else
                instance_resource(xml_path), converter=self.converter, validation="lax"
            )
        except (xmlschema.XMLSchemaException, etree.XMLSyntaxError, SyntaxError, OSError) as exc:
            raise ConversionError(f"xmlschema to_dict: {one_line(str(exc))}",
                                   path=xml_path) from None
        return data

    def to_xml(self, json_doc: Any) -> bytes:
        try:
            result = self.schema_.encode(
                json_doc, converter=self.converter, validation="lax", path=self.path,
                namespaces=self.namespaces, etree_element_class=etree.Element,
            )
        except xmlschema.XMLSchemaException as exc:
            raise ConversionError(f"xmlschema encode: {one_line(str(exc))}") from None
        element = result[0] if isinstance(result, tuple) else result
        if element is None:
            raise ConversionError("xmlschema encode produced no element")
        return bytes(etree.tostring(element, encoding="utf-8", xml_declaration=True))


@dataclass
class XmlschemaConverter:
    """One of xmlschema's converter classes (or the default ``XMLSchemaConverter``)."""

    name: str

    def info(self) -> ConverterInfo:
        cls = _CLASSES[self.name]
        label = cls.__name__ if cls else "XMLSchemaConverter"
        return ConverterInfo(
            self.name, "xmlschema", version("xmlschema"),
            f"xmlschema to_dict/encode with {label} (instances only)",
        )

    def prepare(self, xsd_path: Path, root: str | None) -> _Prepared:
        try:
            schema = load_xmlschema(xsd_path)  # shared with the other subjects of the process
        except (xmlschema.XMLSchemaException, OSError, ValueError) as exc:
            raise SchemaError(f"xmlschema cannot load: {one_line(str(exc))}",
                              path=xsd_path) from None
        if root is None:
            tops = [e for e in schema.elements.values() if e.name]
            root = tops[0].name if len(tops) == 1 else None
        namespaces = {p: ns for p, ns in schema.namespaces.items() if p}
        return _Prepared(schema, _CLASSES[self.name], root, namespaces)


def xmlschema_default() -> XmlschemaConverter:
    return XmlschemaConverter("xmlschema")


def xmlschema_badgerfish() -> XmlschemaConverter:
    return XmlschemaConverter("xmlschema-badgerfish")


def xmlschema_jsonml() -> XmlschemaConverter:
    return XmlschemaConverter("xmlschema-jsonml")


def xmlschema_parker() -> XmlschemaConverter:
    return XmlschemaConverter("xmlschema-parker")


def xmlschema_abdera() -> XmlschemaConverter:
    return XmlschemaConverter("xmlschema-abdera")
