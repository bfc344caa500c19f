"""Check a document with two independent XSD validators, libxml2 (lxml) and xmlschema.

A generated "valid" instance or a mutant "invalid" one is only as trustworthy as the check
behind it; two validators built on unrelated code catch each other's bugs and the generator's.
What their answers mean together is decided by :class:`st9x.corpus.synth.records.Verdicts`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from st9x.corpus.synth.records import Verdicts
from st9x.errors import SchemaError

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


@dataclass(frozen=True)
class XmlVerdicts(Verdicts):
    """Both validators' verdicts on one document, with their first error messages."""

    lxml_valid: bool
    xmlschema_valid: bool
    lxml_error: str | None = None
    xmlschema_error: str | None = None
    malformed: str | None = None

    def answers(self) -> tuple[bool | None, ...]:
        return (self.lxml_valid, self.xmlschema_valid)

    def as_dict(self) -> dict[str, Any]:
        return {
            "lxml": "valid" if self.lxml_valid else "invalid",
            "xmlschema": "valid" if self.xmlschema_valid else "invalid",
            "lxml_error": self.lxml_error,
            "xmlschema_error": self.xmlschema_error,
            "malformed": self.malformed,
        }


class DualValidator:
    """Compiles the schema once for lxml and reuses the xmlschema schema given to it."""

    def __init__(self, schema_path: str | Path, xmlschema_schema: Any) -> None:
        try:
            document = etree.parse(str(schema_path), _PARSER)
            self.lxml_schema = etree.XMLSchema(document)
        except (etree.XMLSchemaParseError, etree.XMLSyntaxError, OSError) as exc:
            raise SchemaError(f"lxml cannot compile the schema: {exc}", path=schema_path) from None
        self.xmlschema_schema = xmlschema_schema

    def check_bytes(self, data: bytes) -> XmlVerdicts:
        try:
            tree = etree.ElementTree(etree.fromstring(data, _PARSER))
        except etree.XMLSyntaxError as exc:
            message = _one_line(str(exc))
            return XmlVerdicts(False, False, message, message, malformed=message)
        return self.check_tree(tree)

    def check_tree(self, tree: Any) -> XmlVerdicts:
        if not isinstance(tree, etree._ElementTree):
            tree = etree.ElementTree(tree)
        lxml_valid = self.lxml_schema.validate(tree)
        lxml_error = None
        if not lxml_valid:
            entry = self.lxml_schema.error_log.last_error
            lxml_error = _one_line(entry.message if entry is not None else "invalid")
        first = next(self.xmlschema_schema.iter_errors(tree), None)
        xmlschema_error = None
        if first is not None:
            reason = getattr(first, "reason", None) or str(first)
            path = getattr(first, "path", None)
            xmlschema_error = _one_line(f"{path}: {reason}" if path else reason)
        return XmlVerdicts(lxml_valid, first is None, lxml_error, xmlschema_error)


def _one_line(text: str, limit: int = 400) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
