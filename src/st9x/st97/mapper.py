"""XML ↔ JSON instance conversion driven by a :class:`~st9x.st97.compilation.Compilation`.

Nothing is guessed from the data: whether a value is an array comes from maxOccurs, scalar
types from the XSD simple type, property names from the same shapes that produced the JSON
Schema, and on the way back element names, namespaces and order from the XSD content model. So
a conversion that succeeds gives JSON valid against the compiled schema whenever the XML was
valid against the XSD, and back.

What is *not* carried over, by design: comments and processing instructions, ``xsi:*``
attributes (``schemaLocation`` …) other than ``xsi:nil`` (``null``) and ``xsi:type`` (``$type``
under ``xsi-type=anyof``, refused otherwise), insignificant whitespace between elements, and the
lexical form of typed values (``+01`` in an ``xsd:int`` comes back as ``1``; whitespace in
collapsed types comes back collapsed). Decimals keep their digits (:mod:`st9x.st97.jsonio`).

Each direction is a module of its own (:mod:`st9x.st97.to_json`, :mod:`st9x.st97.to_xml`,
streaming in :mod:`st9x.st97.stream`); :class:`Mapper` gives both one set of per-declaration
plans (:mod:`st9x.st97.plan`), so a declaration is compiled once whichever way it is met first.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from st9x.st97 import stream
from st9x.st97.compilation import Compilation
from st9x.st97.plan import Plans
from st9x.st97.to_json import XmlToJson
from st9x.st97.to_xml import JsonToXml


class Mapper:
    """Converts instances with the shapes of one compilation (same profile and options)."""

    def __init__(self, compilation: Compilation) -> None:
        self.c = compilation
        self.settings = compilation.settings
        self.shapes = compilation.shapes
        plans = Plans.of_compilation(compilation)
        self._to_json = XmlToJson(compilation, plans)
        self._to_xml = JsonToXml(compilation, plans)

    def to_json(self, source: str | Path | bytes | Any) -> dict[str, Any]:
        """Convert an XML document (path, bytes, element or tree) to a JSON document."""
        return self._to_json.to_json(source)

    def to_xml(self, document: dict[str, Any]) -> Any:
        """Convert a JSON document back to an lxml element (namespaces and order from the XSD)."""
        return self._to_xml.to_xml(document)

    def iter_records(self, path: str | Path) -> Iterator[tuple[str, Any]]:
        """Convert a (large) document child by child of its root, in bounded memory; see
        :func:`st9x.st97.stream.iter_records`."""
        return stream.iter_records(self._to_json, path)


def xml_to_json(compilation: Compilation, source: str | Path | bytes | Any) -> dict[str, Any]:
    """Convert one XML document to JSON with the shapes of ``compilation``."""
    return Mapper(compilation).to_json(source)


def json_to_xml(compilation: Compilation, document: dict[str, Any]) -> Any:
    """Convert one JSON document back to an lxml element."""
    return Mapper(compilation).to_xml(document)


def iter_records(compilation: Compilation, path: str | Path) -> Iterator[tuple[str, Any]]:
    """Stream the children of a (Bag) root element as JSON values; see Mapper.iter_records."""
    return Mapper(compilation).iter_records(path)
