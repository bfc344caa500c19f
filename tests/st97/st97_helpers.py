"""Helpers shared by the st9x.st97 tests (imported by name: tests/ has no packages)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs
from lxml import etree
from xsd_helpers import SAFE

from st9x.st97 import compare_xml, jsonio
from st9x.st97.compilation import Compilation
from st9x.st97.mapper import Mapper


class RoundTrip:
    """Everything the tests check about one XML instance under one compilation."""

    def __init__(self, compilation: Compilation, xsd_path: Path, source: bytes | Path) -> None:
        self.c = compilation
        self.mapper = Mapper(compilation)
        self.json = self.mapper.to_json(source)
        self.text = jsonio.dumps(self.json)
        self.back = self.mapper.to_xml(jsonio.loads(self.text))
        schema = etree.XMLSchema(etree.parse(str(xsd_path), SAFE))
        self.xsd_valid = schema.validate(etree.ElementTree(self.back))
        self.xsd_errors = str(schema.error_log)
        original = source.read_bytes() if isinstance(source, Path) else source
        self.comparison = compare_xml(original, self.back)


def json_errors(schema: dict[str, Any], instance: Any) -> dict[str, list[str]]:
    """Errors from both JSON Schema validators, each given the document with plain floats."""
    rs_validator = jsonschema_rs.validator_for(schema)
    rs = [e.message for e in rs_validator.iter_errors(jsonio.plain(instance))]
    # plain floats for jsonschema too: it cannot divide a Decimal by a float multipleOf
    py = [e.message for e in
          jsonschema.Draft202012Validator(schema).iter_errors(jsonio.plain(instance))]
    return {"jsonschema_rs": rs, "jsonschema": py}


def assert_json_valid(schema: dict[str, Any], instance: Any) -> None:
    errors = json_errors(schema, instance)
    assert errors == {"jsonschema_rs": [], "jsonschema": []}, errors


def assert_json_invalid(schema: dict[str, Any], instance: Any) -> None:
    errors = json_errors(schema, instance)
    assert errors["jsonschema_rs"] and errors["jsonschema"], errors
