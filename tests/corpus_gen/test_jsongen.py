"""JSON generator and mutator: valid instances really are valid, runs are reproducible, and
every mutant is rejected for the one constraint kind it names. Real validators, no mocks."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs
import pytest

from st9x.corpus.synth.json.generate import JsonGenerator, write_json_corpus
from st9x.corpus.synth.json.mutate import mutate_json_corpus
from st9x.corpus.synth.json.sites import JSON_KINDS

PROJECT = Path(__file__).resolve().parents[2]
ST97 = PROJECT / "corpora" / "st97-core" / "schemas"
TM_DRAFT7 = ST97 / "draft-07" / "trademarkApplication.schema.json"
DGN_2020 = ST97 / "2020-12" / "designApplication.schema.json"
DIALECT = "https://json-schema.org/draft/2020-12/schema"

#: An inline schema with a site for every JSON mutation kind.
ALL_KINDS: dict[str, Any] = {
    "$schema": DIALECT,
    "type": "object",
    "required": ["st96Version", "record"],
    "properties": {
        "st96Version": {"const": "V6_0"},
        "record": {"$ref": "#/$defs/Record"},
    },
    "additionalProperties": False,
    "$defs": {
        "Record": {
            "type": "object",
            "required": ["title", "code", "number", "short", "count", "date", "items", "flag"],
            "properties": {
                "title": {"type": "string"},
                "code": {"enum": ["AA", "BB"]},
                "number": {"type": "string", "pattern": "^[A-Z]{2}[0-9]{4}$"},
                "short": {"type": "string", "minLength": 2, "maxLength": 5},
                "count": {"type": "integer", "minimum": 1, "maximum": 9},
                "amount": {"type": "number", "minimum": 0, "maximum": 100, "multipleOf": 0.01},
                "date": {"type": "string", "format": "date"},
                "items": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": 3,
                    "items": {"type": "string"},
                },
                "flag": {"type": "boolean"},
                "name": {"type": "string"},
                "organization": {"type": "string"},
            },
            "anyOf": [{"required": ["name"]}, {"required": ["organization"]}],
            "unevaluatedProperties": False,
        }
    },
}


def _manifest_validator() -> Any:
    text = resources.files("st9x.formats").joinpath("manifest.schema.json").read_text()
    return jsonschema_rs.validator_for(json.loads(text))


def _instances(corpus: Path) -> list[tuple[dict[str, Any], Any]]:
    manifest = json.loads((corpus / "manifest.json").read_text())
    return [
        (case, json.loads((corpus / case["instance"]).read_text())) for case in manifest["cases"]
    ]


@pytest.mark.parametrize("schema_path", [TM_DRAFT7, DGN_2020], ids=["draft-07-tm", "2020-12-dgn"])
def test_st97_instances_are_valid(schema_path: Path, tmp_path: Path) -> None:
    report = write_json_corpus(schema_path, 20, 7, tmp_path)
    summary = report.as_dict()
    assert summary["written"] == 20 and summary["problems"] == []
    schema = json.loads(schema_path.read_text())
    validator = jsonschema_rs.validator_for(schema, validate_formats=True)
    cases = _instances(tmp_path)
    assert len(cases) == 20
    for case, instance in cases:
        assert case["expected"] == "valid"
        validator.validate(instance)
    _manifest_validator().validate(json.loads((tmp_path / "manifest.json").read_text()))
    assert (tmp_path / "schemas" / schema_path.name).read_bytes() == schema_path.read_bytes()


def test_draft7_instances_pass_python_jsonschema(tmp_path: Path) -> None:
    """Python jsonschema can evaluate the draft-07 schemas (no ``\\p{..}`` patterns), so the
    generator's claim of validity must hold for it too, formats included."""
    write_json_corpus(TM_DRAFT7, 10, 3, tmp_path)
    schema = json.loads(TM_DRAFT7.read_text())
    cls = jsonschema.validators.validator_for(schema)
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
    for _case, instance in _instances(tmp_path):
        validator.validate(instance)


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    write_json_corpus(DGN_2020, 5, 11, tmp_path / "a")
    write_json_corpus(DGN_2020, 5, 11, tmp_path / "b")
    write_json_corpus(DGN_2020, 5, 12, tmp_path / "c")
    names = sorted(p.name for p in (tmp_path / "a" / "instances").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b" / "instances").iterdir())
    for name in names:
        a = (tmp_path / "a" / "instances" / name).read_bytes()
        assert a == (tmp_path / "b" / "instances" / name).read_bytes()
    first_a = (tmp_path / "a" / "instances" / names[0]).read_bytes()
    first_c = next(iter(sorted((tmp_path / "c" / "instances").iterdir()))).read_bytes()
    assert first_a != first_c


@pytest.mark.parametrize("schema_path", [TM_DRAFT7, DGN_2020], ids=["draft-07-tm", "2020-12-dgn"])
def test_st97_mutants_rejected(schema_path: Path, tmp_path: Path) -> None:
    write_json_corpus(schema_path, 20, 5, tmp_path / "valid")
    report = mutate_json_corpus(tmp_path / "valid", tmp_path / "bad", seed=1, per_instance=2)
    summary = report.as_dict()
    assert summary["problems"] == []
    validator = jsonschema_rs.validator_for(
        json.loads(schema_path.read_text()), validate_formats=True
    )
    cases = _instances(tmp_path / "bad")
    assert len(cases) == 40
    assert len({case["constraint"] for case, _ in cases}) >= 10
    for case, instance in cases:
        assert case["expected"] == "invalid" and case["constraint"] in JSON_KINDS
        assert not validator.is_valid(instance), case["id"]
    _manifest_validator().validate(json.loads((tmp_path / "bad" / "manifest.json").read_text()))


def test_every_kind_on_inline_schema(tmp_path: Path) -> None:
    """Each kind yields a mutant both validators reject, for that kind's keyword."""
    schema_path = tmp_path / "all.schema.json"
    schema_path.write_text(json.dumps(ALL_KINDS))
    write_json_corpus(schema_path, 30, 0, tmp_path / "valid")
    report = mutate_json_corpus(tmp_path / "valid", tmp_path / "bad", seed=0, per_instance=13)
    summary = report.as_dict()
    assert summary["problems"] == []
    assert summary["kinds_without_site"] == []
    cls = jsonschema.validators.validator_for(ALL_KINDS)
    validator = cls(ALL_KINDS, format_checker=cls.FORMAT_CHECKER)
    expected_keyword = {
        "missing-required-element": {"required"},
        "missing-st96-version": {"required"},
        "unexpected-element": {"unevaluatedProperties", "additionalProperties"},
        "enumeration": {"enum"},
        "pattern": {"pattern"},
        "length": {"minLength", "maxLength"},
        "numeric-bound": {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"},
        "date-time": {"format"},
        "json-type": {"type"},
        "min-occurs": {"minItems"},
        "max-occurs": {"maxItems"},
        "choice-none": {"anyOf", "oneOf"},
        "fixed-value": {"const"},
    }
    seen = set()
    for case, instance in _instances(tmp_path / "bad"):
        errors = list(validator.iter_errors(instance))
        keywords = {str(e.validator) for e in errors}
        assert keywords, case["id"]
        # exactly one constraint: every error is of the kind's keyword
        assert keywords <= expected_keyword[case["constraint"]], (case["id"], keywords)
        seen.add(case["constraint"])
    assert seen == set(JSON_KINDS)


@pytest.mark.parametrize(
    "fragment",
    [
        {"enum": ["a", "b", 3]},
        {"const": {"k": [1, 2]}},
        {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{2,4}$", "maxLength": 7},
        {"type": "string", "minLength": 3, "maxLength": 4},
        {"type": "string", "format": "date-time"},
        {"type": "number", "exclusiveMinimum": 0, "maximum": 1, "multipleOf": 0.1},
        {"type": "integer", "minimum": -5, "maximum": 5, "multipleOf": 5},
        {"type": "array", "minItems": 2, "maxItems": 2, "items": {"type": "boolean"}},
        {
            "allOf": [{"$ref": "#/$defs/base"}, {"properties": {"b": {"type": "integer"}}}],
            "unevaluatedProperties": False,
        },
        {"oneOf": [{"type": "string", "maxLength": 2}, {"type": "integer", "minimum": 10}]},
        {
            "type": "object",
            "properties": {"x": {"type": "string"}, "y": {"type": "string"}},
            "oneOf": [{"required": ["x"]}, {"required": ["y"]}],
            "additionalProperties": False,
        },
    ],
    ids=[
        "enum",
        "const",
        "pattern",
        "length",
        "date-time",
        "number",
        "integer",
        "array",
        "allOf-unevaluated",
        "oneOf-types",
        "oneOf-required",
    ],
)
def test_keyword_fragments(fragment: dict[str, Any]) -> None:
    import random

    schema = {
        "$schema": DIALECT,
        "$defs": {
            "base": {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}}
        },
        **fragment,
    }
    generator = JsonGenerator(schema)
    rs = jsonschema_rs.validator_for(schema, validate_formats=True)
    cls = jsonschema.validators.validator_for(schema)
    py = cls(schema, format_checker=cls.FORMAT_CHECKER)
    for i in range(25):
        instance = generator.instance(random.Random(i))
        assert rs.is_valid(instance), instance
        assert py.is_valid(instance), instance
