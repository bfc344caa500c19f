"""lxml (libxml2), XML Schema 1.0: the fast C validator most XML tooling is built on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from lxml import etree

from st9x.corpus.model import DataFormat, SchemaSpec
from st9x.errors import SchemaError, SchemaInvalid, one_line
from st9x.subjects.validators.base import AdapterInfo, Outcome, Problem, Verdict
from st9x.subjects.validators.xmlpositions import locate_elements
from st9x.subjects.validators.xmlroot import root_problem
from st9x.subjects.validators.xsdversion import require_xsd_version
from st9x.xmlsafe import parse_xml, refused_loads, schema_files, served_schema


@dataclass
class _Compiled:
    schema: etree.XMLSchema
    spec: SchemaSpec

    def validate(self, instance: Path) -> Outcome:
        document = parse_xml(instance)
        located: list[tuple[Problem, int | None]] = []
        wrong_root = root_problem(document.getroot().tag, self.spec)
        if wrong_root:
            located.append((wrong_root, 0))
        if not self.schema.validate(document):
            entries = list(self.schema.error_log)
            numbers = _element_numbers(document, {entry.line for entry in entries})
            located.extend(
                (
                    Problem(
                        one_line(entry.message),
                        entry.path or None,
                        entry.line or None,
                        entry.column or None,  # 0: libxml2 did not say
                    ),
                    numbers.get(entry.path),
                )
                for entry in entries
            )
        return Outcome.from_problems(locate_elements(instance, located))

    def validate_element(self, element: etree._Element) -> Outcome:
        """libxml2 validates the element's subtree as if it were a document's root: against
        the global declaration of its name (as a record of a bag is declared)."""
        if self.schema.validate(element):
            return Outcome(Verdict.VALID)
        return Outcome.from_problems(
            [
                Problem(one_line(entry.message), entry.path or None, entry.line or None)
                for entry in self.schema.error_log
            ]
        )


def _element_numbers(document: etree._ElementTree, lines: set[int]) -> dict[str, int]:
    """The document-order number of each element on one of ``lines``, by its path.

    libxml2 names an error's element by the path ``getpath`` gives (both are libxml2's
    ``xmlGetNodePath``) and by its line; only the elements on those lines need a path."""
    numbers: dict[str, int] = {}
    for number, element in enumerate(document.getroot().iter(etree.Element)):
        if element.sourceline in lines:
            numbers[document.getpath(element)] = number
    return numbers


class LxmlAdapter:
    name: ClassVar[str] = "lxml"
    format: ClassVar[DataFormat] = "xml"

    def info(self) -> AdapterInfo:
        libxml2 = ".".join(map(str, etree.LIBXML_VERSION))
        return AdapterInfo(
            self.name,
            self.format,
            "lxml",
            etree.__version__,
            ("xsd-1.0",),
            f"libxml2 {libxml2} XML Schema 1.0 validator",
        )

    def compile(self, schema: SchemaSpec) -> _Compiled:
        require_xsd_version(schema, self.name, "xsd-1.0")
        # refuses remote, missing or outside-the-corpus includes/imports with a clear error
        schema_files(schema.path, schema.allowed_roots())
        served = served_schema(schema.path)  # libxml2 loads only the files checked above
        document = parse_xml(schema.path, error=SchemaError, served=served)
        try:
            compiled = etree.XMLSchema(document)
        except etree.XMLSchemaParseError as exc:
            refused_loads(served, schema.path)
            entry = exc.error_log.last_error if exc.error_log else None
            where = (
                entry.filename
                if entry and entry.filename and entry.filename != "<string>"
                else schema.path
            )
            line = entry.line if entry and entry.line else None
            raise SchemaInvalid(
                f"does not compile: {one_line(exc.msg if hasattr(exc, 'msg') else str(exc))}",
                path=_local(where),
                line=line,
            ) from None
        refused_loads(served, schema.path)
        return _Compiled(compiled, schema)


def _local(where: str | Path) -> str:
    text = str(where)
    return text[len("file://") :] if text.startswith("file://") else text
