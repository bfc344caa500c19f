"""xsd:dateTime / date / time (and anyURI) in the compiled schema: every XSD-valid lexical value
is accepted by validators that *assert* formats, and lexically invalid values are rejected.

RFC 3339 (JSON Schema ``format``) and XSD disagree: ``date-time``/``time`` need a time zone XSD
makes optional, ``date`` forbids the one XSD allows, XSD years may be negative or longer than
four digits. The compiler therefore expresses the XSD lexical space by a ``pattern`` and gives
``format`` (through ``if``/``then``) only to values written the RFC 3339 way, where it adds the
calendar check. xmlschema is the oracle for what XSD accepts, so a test value that the XSD does
not judge as the test claims fails the test instead of silently testing nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import fastjsonschema
import jsonschema
import jsonschema_rs
import pytest
import xmlschema

from st9x.st97 import compile_schema

XSD = """\
<xs:element name="R">
  <xs:complexType>
    <xs:sequence>
      <xs:element name="When" type="xs:dateTime" minOccurs="0"/>
      <xs:element name="Day" type="xs:date" minOccurs="0"/>
      <xs:element name="At" type="xs:time" minOccurs="0"/>
      <xs:element name="Link" type="xs:anyURI" minOccurs="0"/>
    </xs:sequence>
  </xs:complexType>
</xs:element>
"""
FIELDS = {"when": "dateTime", "day": "date", "at": "time", "link": "anyURI"}

VALID = {
    "when": ["2024-01-01T10:00:00", "2024-11-11T10:30:00", "2024-01-01T10:00:00Z",
             "2024-01-01T10:00:00+02:00", "2024-01-01T10:00:00.125-05:30",
             "2024-01-01T24:00:00", "-0044-03-15T12:00:00", "12024-01-01T00:00:00+14:00"],
    "day": ["2024-01-01", "2024-01-01Z", "2024-01-01+02:00", "2024-02-29-14:00",
            "-0001-12-31", "10000-01-01"],
    "at": ["10:00:00", "10:00:00Z", "10:00:00.5+09:00", "23:59:59-01:00", "24:00:00"],
    "link": ["http://example.com/ü", "http://example.com/a b", "urn:x", "#frag", ""],
}
INVALID = {
    "when": ["2024-01-01", "2024-01-01T10:00", "2024-01-01 10:00:00", "2024-01-01T25:00:00",
             "2024-01-01T10:00:00+15:00", "2024-01-01T10:00:00z", "24-01-01T10:00:00",
             "0000-01-01T10:00:00", "2024-13-01T10:00:00", "2024-01-01T24:00:01"],
    "day": ["2024-1-01", "2024-01-01T10:00:00", "2024-01-32", "2024-01-01+2:00", "0000-01-01",
            "02024-01-01"],
    "at": ["10:00", "25:00:00", "10:00:00+1:00", "T10:00:00", "10:60:00"],
}


@pytest.fixture(scope="module")
def builtins() -> Any:
    return xmlschema.XMLSchema10.builtin_types()


class _Fast:
    """fastjsonschema (draft-07 only, formats always asserted) with an ``is_valid``."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.check = fastjsonschema.compile(schema, use_formats=True)

    def is_valid(self, instance: Any) -> bool:
        try:
            self.check(instance)
        except fastjsonschema.JsonSchemaValueException:
            return False
        return True


def _validators(schema: dict[str, Any], dialect: str) -> list[Any]:
    """jsonschema-rs and jsonschema (and fastjsonschema for draft-07), formats asserted."""
    cls = {"2020-12": jsonschema.Draft202012Validator, "draft-07": jsonschema.Draft7Validator}
    rs_cls = {"2020-12": jsonschema_rs.Draft202012Validator,
              "draft-07": jsonschema_rs.Draft7Validator}
    out = [rs_cls[dialect](schema, validate_formats=True),
           cls[dialect](schema, format_checker=cls[dialect].FORMAT_CHECKER)]
    return [*out, _Fast(schema)] if dialect == "draft-07" else out


@pytest.mark.parametrize("dialect", ["2020-12", "draft-07"])
def test_xsd_valid_values_accepted_invalid_rejected(make_xsd: Callable[..., Path],
                                                    builtins: Any, dialect: str) -> None:
    c = compile_schema(make_xsd(XSD), root="R", dialect=dialect)
    validators = _validators(c.schema, dialect)
    for field, values in VALID.items():
        for value in values:
            assert builtins[FIELDS[field]].is_valid(value), f"oracle: {value!r} not XSD-valid"
            for validator in validators:
                assert validator.is_valid({"r": {field: value}}), (field, value, validator)
    for field, values in INVALID.items():
        for value in values:
            assert not builtins[FIELDS[field]].is_valid(value), f"oracle: {value!r} XSD-valid"
            for validator in validators:
                assert not validator.is_valid({"r": {field: value}}), (field, value, validator)


def test_format_only_on_the_rfc3339_form(make_xsd: Callable[..., Path]) -> None:
    properties = compile_schema(make_xsd(XSD), root="R").schema["$defs"]["t_R"]["properties"]
    assert "format" not in properties["at"] and "format" not in properties["link"]
    assert "if" not in properties["at"]
    for field, fmt in (("when", "date-time"), ("day", "date")):
        assert "format" not in properties[field], field
        assert properties[field]["then"] == {"format": fmt}
    assert all("pattern" in properties[f] for f in ("when", "day", "at"))


@pytest.mark.parametrize("dialect", ["2020-12", "draft-07"])
def test_calendar_checked_where_rfc3339_applies_else_reported(
    make_xsd: Callable[..., Path], builtins: Any, dialect: str
) -> None:
    """Calendar-invalid values in the RFC 3339 form are rejected by asserting validators; in
    the other forms they pass, and the loss report says so (the report is true, not
    decorative)."""
    c = compile_schema(make_xsd(XSD), root="R", dialect=dialect)
    calendar = {loss.location for loss in c.losses if loss.construct == "date-calendar"}
    assert calendar == {"<builtin xs:dateTime>", "<builtin xs:date>"}
    caught = [("day", "2024-02-30"), ("day", "2023-02-29"), ("when", "2024-02-30T10:00:00Z"),
              ("when", "2023-02-29T10:00:00+01:00")]
    reported = [("day", "2023-02-29Z"), ("day", "2024-04-31+02:00"),
                ("when", "2024-02-30T10:00:00"), ("when", "12023-02-29T10:00:00Z")]
    for field, value in caught + reported:
        assert not builtins[FIELDS[field]].is_valid(value), value
    for validator in _validators(c.schema, dialect):
        for field, value in caught:
            assert not validator.is_valid({"r": {field: value}}), (value, validator)
        for field, value in reported:
            assert validator.is_valid({"r": {field: value}}), (value, validator)
