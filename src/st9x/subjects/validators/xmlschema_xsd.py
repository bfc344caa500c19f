"""xmlschema, XML Schema 1.0 and 1.1: the pure-Python validator with the full component model."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar
from xml.etree.ElementTree import ParseError

import xmlschema
from xmlschema.exceptions import XMLResourceExceeded

from st9x.corpus.model import DataFormat, SchemaSpec
from st9x.errors import InstanceError, SchemaError, SchemaInvalid, one_line
from st9x.subjects.validators.base import AdapterInfo, Outcome, Problem, Unsupported
from st9x.subjects.validators.xmlpositions import locate_elements
from st9x.subjects.validators.xmlroot import root_problem
from st9x.subjects.validators.xsdversion import require_xsd_version
from st9x.xmlsafe import check_encoding, schema_files
from st9x.xsdload import instance_resource, load_xmlschema


@dataclass
class _Compiled:
    schema: xmlschema.XMLSchemaBase
    spec: SchemaSpec

    def validate(self, instance: Path) -> Outcome:
        check_encoding(instance)  # a BOM contradicting the declaration: refused as by lxml
        try:
            resource = instance_resource(instance)  # read as exactly this file, nothing else
        except OSError as exc:  # before XMLResourceError: XMLResourceOSError is both
            raise InstanceError(f"cannot read: {exc.strerror or exc}", path=instance) from None
        except XMLResourceExceeded as exc:  # before XMLResourceError: a limit, not bad XML
            raise Unsupported(_beyond_limits(exc)) from None
        except (
            ParseError,
            xmlschema.XMLResourceError,
            SyntaxError,
            LookupError,
            ValueError,
        ) as exc:
            # xmlschema wraps ElementTree's ParseError; the position is on the wrapped one.
            # LookupError: an XML declaration naming an encoding Python does not know;
            # ValueError (UnicodeError): bytes the declared encoding cannot decode
            position = getattr(exc, "position", None) or getattr(exc.__cause__, "position", None)
            line = position[0] if position else getattr(exc, "lineno", None)
            raise InstanceError(
                f"not well-formed XML: {one_line(str(exc))}", path=instance, line=line
            ) from None
        located: list[tuple[Problem, int | None]] = []
        wrong_root = root_problem(resource.root.tag, self.spec)
        if wrong_root:
            located.append((wrong_root, 0))
        try:
            errors = list(self.schema.iter_errors(resource, use_location_hints=False))
        except XMLResourceExceeded as exc:
            raise Unsupported(_beyond_limits(exc)) from None
        wanted = {id(error.elem) for error in errors if error.elem is not None}
        numbers = _element_numbers(resource.root, wanted)
        located.extend(
            (
                Problem(one_line(error.reason or error.message), error.path, error.sourceline),
                numbers.get(id(error.elem)) if error.elem is not None else None,
            )
            for error in errors
        )
        return Outcome.from_problems(locate_elements(instance, located))

    def validate_element(self, element: Any) -> Outcome:
        """xmlschema validates the (lxml) element against the global declaration of its name;
        lxml elements keep their lines, so each error keeps its own."""
        errors = self.schema.iter_errors(element, use_location_hints=False)
        return Outcome.from_problems(
            [
                Problem(one_line(error.reason or error.message), error.path, error.sourceline)
                for error in errors
            ]
        )


def _beyond_limits(exc: Exception) -> str:
    """xmlschema refuses documents beyond its resource limits (``xmlschema.limits``, e.g.
    1,000,000 elements): a gap of the library, not a fault of the document."""
    return f"beyond xmlschema's limits (xmlschema.limits): {one_line(str(exc))}"


def _element_numbers(root: Any, wanted: set[int]) -> dict[int, int]:
    """The document-order number of each element whose ``id`` is in ``wanted``.

    ElementTree keeps no line numbers, but an error names its element; the element's place in
    document order is what :func:`locate_elements` turns into a line and column. Comments and
    processing instructions (a tag that is not a string) are not elements."""
    numbers: dict[int, int] = {}
    if not wanted:
        return numbers
    elements = (element for element in root.iter() if isinstance(element.tag, str))
    for number, element in enumerate(elements):
        if id(element) in wanted:
            numbers[id(element)] = number
    return numbers


class _XmlschemaAdapter:
    name: ClassVar[str]
    format: ClassVar[DataFormat] = "xml"
    xsd_version: ClassVar[str]

    def info(self) -> AdapterInfo:
        return AdapterInfo(
            self.name,
            self.format,
            "xmlschema",
            xmlschema.__version__,
            (f"xsd-{self.xsd_version}",),
            f"xmlschema XML Schema {self.xsd_version} validator (pure Python)",
        )

    def compile(self, schema: SchemaSpec) -> _Compiled:
        require_xsd_version(schema, self.name, f"xsd-{self.xsd_version}")
        schema_files(schema.path, schema.allowed_roots())  # the gate for includes (F3)
        try:
            # the model is shared with the converters of this process (st9x.xsdload)
            compiled = load_xmlschema(schema.path, self.xsd_version)
        except xmlschema.XMLSchemaException as exc:
            line = getattr(exc, "sourceline", None)
            message = getattr(exc, "message", None) or str(exc)
            # a resource it could not load is st9x's or the disk's problem, not a verdict
            error = SchemaError if isinstance(exc, xmlschema.XMLResourceError) else SchemaInvalid
            raise error(
                f"does not compile: {one_line(message)}", path=schema.path, line=line
            ) from None
        except (ParseError, SyntaxError) as exc:
            raise SchemaError(
                f"not well-formed XML: {one_line(str(exc))}", path=schema.path
            ) from None
        return _Compiled(compiled, schema)


class XmlSchema10Adapter(_XmlschemaAdapter):
    name = "xmlschema-1.0"
    xsd_version = "1.0"


class XmlSchema11Adapter(_XmlschemaAdapter):
    name = "xmlschema-1.1"
    xsd_version = "1.1"
