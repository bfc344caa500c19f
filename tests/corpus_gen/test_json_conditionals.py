"""``if``/``then``/``else`` in the JSON generator and mutator (compiled XSD date/time types).

Since the XSD → JSON Schema compiler maps ``xsd:date``/``xsd:dateTime`` to the XSD lexical
``pattern`` plus ``if: {pattern: <RFC 3339 form>}, then: {format: date|date-time}``, the format
sits under ``then``. The mutator used to look for ``format`` at the top level only, so the
``date-time`` kind found no site on converted schemas; the generator ignored ``if``/``then`` and
sampled the XSD pattern, drawing impossible dates (``0620-02-30``) that the validators reject.
Real validators and the real compiler, no mocks.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs
import pytest

from st9x.corpus.synth.json.generate import JsonGenerator, write_json_corpus
from st9x.corpus.synth.json.mutate import mutate_json_corpus
from st9x.corpus.synth.json.schema import SchemaView, fits
from st9x.corpus.synth.json.sites import SiteFinder
from st9x.st97.compiler import compile_schema

DIALECT = "https://json-schema.org/draft/2020-12/schema"
_YEAR = r"-?(?:[1-9][0-9]{3,}|0(?!000)[0-9]{3})"
_ZONE = r"(?:Z|[+\-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
_DAY = r"-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
#: The shapes the compiler emits (src/st9x/st97/README.md, "Dates and times").
DATE: dict[str, Any] = {
    "type": "string",
    "pattern": f"^{_YEAR}{_DAY}{_ZONE}$",
    "if": {"pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
    "then": {"format": "date"},
}
DATE_TIME: dict[str, Any] = {
    "type": "string",
    "pattern": f"^{_YEAR}{_DAY}T(?:(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]+)?"
    f"|24:00:00(?:\\.0+)?){_ZONE}$",
    "if": {
        "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T(?:[01][0-9]|2[0-3]):[0-9]{2}:[0-9]{2}"
        "(?:\\.[0-9]+)?(?:Z|[+\\-][0-9]{2}:[0-9]{2})$"
    },
    "then": {"format": "date-time"},
}
#: ST.96 com:DateType: a union of xsd:date, xsd:gYear and xsd:gYearMonth.
DATE_UNION: dict[str, Any] = {
    "anyOf": [
        DATE,
        {"type": "string", "pattern": f"^{_YEAR}{_ZONE}$"},
        {"type": "string", "pattern": f"^{_YEAR}-(?:0[1-9]|1[0-2]){_ZONE}$"},
    ]
}


def _schema(when: dict[str, Any]) -> dict[str, Any]:
    return {
        "$schema": DIALECT,
        "type": "object",
        "required": ["when"],
        "properties": {"when": {"$ref": "#/$defs/When"}},
        "additionalProperties": False,
        "$defs": {"When": when},
    }


def _verdicts(schema: dict[str, Any], instance: Any) -> tuple[bool, bool]:
    """(jsonschema-rs, python-jsonschema) acceptance, both asserting formats."""
    rs = jsonschema_rs.validator_for(schema, validate_formats=True)
    cls = jsonschema.validators.validator_for(schema)
    py = cls(schema, format_checker=cls.FORMAT_CHECKER)
    return rs.is_valid(instance), py.is_valid(instance)


def _date_time_sites(schema: dict[str, Any], value: str) -> list[Any]:
    return [s for s in SiteFinder(schema).sites({"when": value}) if s.kind == "date-time"]


# -- the mutator ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "value", "impossible"),
    [
        (DATE, "2024-05-17", "2023-02-29"),
        (DATE_TIME, "2024-05-17T08:30:00+02:00", "2023-02-29T10:00:00Z"),
        (DATE_UNION, "2024-05-17", "2023-02-29"),
    ],
    ids=["date", "date-time", "date-union"],
)
def test_format_under_then_is_a_date_time_site(
    when: dict[str, Any], value: str, impossible: str
) -> None:
    """The mutant breaks only the format: it satisfies the outer pattern and the ``if``, so
    ``then`` applies, and both validators reject it."""
    schema = _schema(when)
    (site,) = _date_time_sites(schema, value)
    mutant = site.apply({"when": value})
    assert mutant["when"] == impossible
    assert _verdicts(schema, mutant) == (False, False)
    branch = DATE_TIME if when is DATE_TIME else DATE
    without_format = {k: v for k, v in branch.items() if k not in ("if", "then")}
    assert _verdicts(_schema(without_format), mutant) == (True, True)
    assert _verdicts(_schema(branch["if"]), mutant) == (True, True)


def test_value_outside_the_if_still_gets_a_site() -> None:
    """An XSD-only form (no time zone) does not take the ``then`` today, but the mutant value
    does: the site breaks the format all the same."""
    schema = _schema(DATE_TIME)
    (site,) = _date_time_sites(schema, "2024-05-17T08:30:00")
    assert _verdicts(schema, site.apply({"when": "2024-05-17T08:30:00"})) == (False, False)


def test_no_site_when_the_impossible_value_misses_the_if() -> None:
    """If the impossible value does not satisfy ``if``, ``then`` never applies to it and the
    mutant would be valid: the site is dropped, not emitted wrong."""
    when = {**DATE_TIME, "if": {"pattern": "\\+[0-9]{2}:[0-9]{2}$"}}
    assert _date_time_sites(_schema(when), "2024-05-17T08:30:00+02:00") == []


def test_no_site_when_the_impossible_value_breaks_the_outer_pattern() -> None:
    """A pattern that excludes 2023 would be broken too: two constraints, not one."""
    when = {**DATE, "pattern": "^19[0-9]{2}-[0-9]{2}-[0-9]{2}$"}
    assert _date_time_sites(_schema(when), "1999-05-17") == []


def test_format_under_else_needs_a_value_the_if_rejects() -> None:
    when = {"type": "string", "if": {"pattern": "^X"}, "else": {"format": "date"}}
    schema = _schema(when)
    (site,) = _date_time_sites(schema, "2024-05-17")
    assert _verdicts(schema, site.apply({"when": "2024-05-17"})) == (False, False)
    flipped = {"type": "string", "if": {"pattern": "^[0-9]"}, "else": {"format": "date"}}
    assert _date_time_sites(_schema(flipped), "2024-05-17") == []


def test_unknown_if_keyword_drops_the_site() -> None:
    """``if: {format: email}`` is not modelled (None): whether ``then`` applies to the mutant is
    doubtful, so no site."""
    when = {"type": "string", "if": {"format": "email"}, "then": {"format": "date"}}
    assert _date_time_sites(_schema(when), "2024-05-17") == []


def test_evaluator_reads_conditionals() -> None:
    view = SchemaView(_schema(DATE))
    node = view.root["$defs"]["When"]
    assert fits(view, node, "2024-02-29") is True
    assert fits(view, node, "2023-02-29") is False  # the if holds, the then format fails
    assert fits(view, node, "2023-02-29Z") is True  # XSD form: no format applies
    assert fits(view, node, "2023-13-01") is False  # outer pattern


# -- the generator --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "when", [DATE, DATE_TIME, DATE_UNION], ids=["date", "date-time", "date-union"]
)
def test_generated_values_satisfy_then(when: dict[str, Any]) -> None:
    """Every drawn value is valid at its first draw; sampling the XSD pattern alone gave about
    one impossible date in fifty (``0620-02-30``)."""
    schema = _schema(when)
    generator = JsonGenerator(schema)
    rs = jsonschema_rs.validator_for(schema, validate_formats=True)
    drawn = [generator.instance(random.Random(f"cond:{i}")) for i in range(600)]
    invalid = [d["when"] for d in drawn if not rs.is_valid(d)]
    assert invalid == []
    # both sides of the if are exercised: RFC 3339 values and XSD-only ones
    condition = (DATE_TIME if when is DATE_TIME else DATE)["if"]
    inside = [d for d in drawn if _verdicts(_schema(condition), d) == (True, True)]
    assert 0 < len(inside) < len(drawn)


def test_generated_strings_satisfy_else() -> None:
    when = {
        "type": "string",
        "pattern": "^[ab][a-z]{0,7}$",
        "if": {"pattern": "^a"},
        "then": {"maxLength": 3},
        "else": {"minLength": 5},
    }
    schema = _schema(when)
    generator = JsonGenerator(schema)
    drawn = [generator.instance(random.Random(i))["when"] for i in range(300)]
    assert all(len(v) <= 3 if v.startswith("a") else len(v) >= 5 for v in drawn), drawn
    assert {v[0] for v in drawn} == {"a", "b"}


def test_generated_objects_satisfy_then() -> None:
    """An object-level conditional: when ``kind`` is ``x``, ``extra`` is required."""
    schema = {
        "$schema": DIALECT,
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": {"enum": ["x"]}, "extra": {"type": "string"}},
        "if": {"properties": {"kind": {"const": "x"}}, "required": ["kind"]},
        "then": {"required": ["extra"]},
    }
    generator = JsonGenerator(schema)
    rs = jsonschema_rs.validator_for(schema)
    drawn = [generator.instance(random.Random(i)) for i in range(100)]
    assert [d for d in drawn if not rs.is_valid(d)] == []


# -- end to end, on the compiler's own output ----------------------------------------------------

XSD = """<?xml version="1.0" encoding="UTF-8"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema"
    xmlns:t="urn:test:dates" targetNamespace="urn:test:dates" elementFormDefault="qualified">
  <xsd:simpleType name="DateType">
    <xsd:union memberTypes="xsd:date xsd:gYear xsd:gYearMonth"/>
  </xsd:simpleType>
  <xsd:element name="Event">
    <xsd:complexType>
      <xsd:sequence>
        <xsd:element name="EventDate" type="t:DateType"/>
        <xsd:element name="PlainDate" type="xsd:date"/>
        <xsd:element name="EventDateTime" type="xsd:dateTime" maxOccurs="3"/>
      </xsd:sequence>
    </xsd:complexType>
  </xsd:element>
</xsd:schema>
"""


def test_compiled_dates_generate_and_mutate(tmp_path: Path) -> None:
    """The compiler's if/then output: 60 documents valid at the first attempt, and
    ``date-time`` mutants on them, every one rejected by both validators."""
    xsd = tmp_path / "dates.xsd"
    xsd.write_text(XSD, encoding="utf-8")
    compiled = compile_schema(xsd, options={"regex-unicode": "expand"}).schema
    assert '"then"' in json.dumps(compiled), "the compiler no longer emits if/then"
    path = tmp_path / "dates.schema.json"
    path.write_text(json.dumps(compiled))
    written = write_json_corpus(path, 60, 7, tmp_path / "valid")
    assert written.as_dict()["problems"] == []
    assert written.written == 60 and written.attempts == 60, written.rejected_attempts
    report = mutate_json_corpus(tmp_path / "valid", tmp_path / "bad", ["date-time"], seed=1)
    assert report.as_dict()["problems"] == []
    assert len(report.mutants) == 60
