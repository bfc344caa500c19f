"""xmltodict (``parse`` / ``unparse``): the schema-less XML ↔ dict mapping many Python users
start with. It knows no XSD: arrays appear only where an element repeats in the instance, every
value is a string, attributes are ``@name`` and text ``#text``. It generates no JSON Schema, so
only the round trip and the instance-level decision checks apply."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any
from xml.parsers.expat import ExpatError

import xmltodict

from st9x.errors import one_line
from st9x.st97.errors import ConversionError
from st9x.subjects.converters.base import ConverterInfo, SchemaResult, Unsupported


@dataclass
class _Prepared:
    def schema(self) -> SchemaResult:
        raise Unsupported("xmltodict maps instances only; no JSON Schema is generated")

    def to_json(self, xml_path: Path) -> Any:
        try:
            # disable_entities: never expand entities from a document (billion laughs)
            return xmltodict.parse(Path(xml_path).read_bytes(), disable_entities=True)
        except (ExpatError, ValueError) as exc:
            raise ConversionError(f"xmltodict parse: {one_line(str(exc))}",
                                  path=str(xml_path)) from None

    def to_xml(self, json_doc: Any) -> bytes:
        try:
            return str(xmltodict.unparse(json_doc)).encode("utf-8")
        except (ValueError, TypeError, AttributeError) as exc:
            raise ConversionError(f"xmltodict unparse: {one_line(str(exc))}") from None


@dataclass
class XmltodictConverter:
    name: str = "xmltodict"

    def info(self) -> ConverterInfo:
        return ConverterInfo(self.name, "xmltodict", version("xmltodict"),
                             "xmltodict parse/unparse (schema-less, instances only)")

    def prepare(self, xsd_path: Path, root: str | None) -> _Prepared:
        return _Prepared()
