"""Regression tests for JSON mutants under ``anyOf``/``oneOf`` (XSD unions once converted).

On the V6_0 TrademarkApplication schema converted to JSON, ``classificationKindCode`` is
``anyOf [ExtendedWIPOST3CodeType (an enum), {"type": "string"}, ClassificationKindCategoryType]``:
the mutator replaced ``IQ`` by ``IQX`` "not in the enum" and both validators (rightly) accepted
it, because the plain-string branch accepts any string. A mutant must break its constraint in
every branch that could take the new value. Real validators, no mocks.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs
import pytest

from st9x.corpus.synth.json.generate import write_json_corpus
from st9x.corpus.synth.json.mutate import mutate_json_corpus
from st9x.corpus.synth.json.sites import SiteFinder

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _schema(code: dict[str, Any]) -> dict[str, Any]:
    return {
        "$schema": DIALECT,
        "type": "object",
        "required": ["code"],
        "properties": {"code": {"$ref": "#/$defs/Code"}},
        "additionalProperties": False,
        "$defs": {
            "Code": code,
            "Listed": {"enum": ["IQ", "Domestic", "Nice"]},
            "Category": {"enum": ["Primary", "Secondary"]},
        },
    }


#: The V6_0 shape: an enum, any string, another enum.
OPEN_UNION = _schema(
    {
        "anyOf": [
            {"$ref": "#/$defs/Listed"},
            {"type": "string"},
            {"$ref": "#/$defs/Category"},
        ]
    }
)
#: Only enums: a value outside all of them is a true enumeration mutant.
CLOSED_UNION = _schema({"anyOf": [{"$ref": "#/$defs/Listed"}, {"$ref": "#/$defs/Category"}]})
#: An enum or a short string: which branch a value took decides what can be broken.
SHORT_UNION = _schema({"anyOf": [{"$ref": "#/$defs/Listed"}, {"type": "string", "maxLength": 5}]})


def _rejected_by_both(schema: dict[str, Any], instance: Any) -> bool:
    rs = jsonschema_rs.validator_for(schema, validate_formats=True)
    cls = jsonschema.validators.validator_for(schema)
    py = cls(schema, format_checker=cls.FORMAT_CHECKER)
    return not rs.is_valid(instance) and not py.is_valid(instance)


def _kinds(schema: dict[str, Any], document: Any) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for site in SiteFinder(schema).sites(document):
        out.setdefault(site.kind, []).append(site)
    return out


@pytest.mark.parametrize("value", ["IQ", "Primary", "anything"])
def test_no_enumeration_mutant_when_a_branch_takes_any_string(value: str) -> None:
    assert "enumeration" not in _kinds(OPEN_UNION, {"code": value})


def test_enumeration_mutant_when_every_branch_is_an_enum() -> None:
    sites = _kinds(CLOSED_UNION, {"code": "IQ"})["enumeration"]
    assert len(sites) == 1
    mutant = sites[0].apply({"code": "IQ"})
    assert _rejected_by_both(CLOSED_UNION, mutant), mutant


def test_scalar_branch_is_the_one_the_value_took() -> None:
    """``zz`` took the ``maxLength`` branch, not the enum: the mutant breaks the length (and
    is outside the enum too), it is not described as an enumeration mutant."""
    kinds = _kinds(SHORT_UNION, {"code": "zz"})
    assert "enumeration" not in kinds
    (site,) = kinds["length"]
    mutant = site.apply({"code": "zz"})
    assert len(mutant["code"]) == 6
    assert _rejected_by_both(SHORT_UNION, mutant)


def test_enumeration_mutant_still_accepted_by_other_branch_is_dropped() -> None:
    """``IQX`` is not in the enum but fits ``maxLength: 5``: no enumeration site."""
    assert "enumeration" not in _kinds(SHORT_UNION, {"code": "IQ"})


def test_pattern_mutant_checked_against_other_branches() -> None:
    schema = _schema(
        {"anyOf": [{"type": "string", "pattern": "^[A-Z]+$"}, {"type": "string", "maxLength": 3}]}
    )
    # '!AB' breaks the pattern but is 3 characters long: the second branch takes it
    assert "pattern" not in _kinds(schema, {"code": "AB"})
    (site,) = _kinds(schema, {"code": "ABCDE"})["pattern"]
    assert _rejected_by_both(schema, site.apply({"code": "ABCDE"}))


@pytest.mark.parametrize(
    "schema", [OPEN_UNION, CLOSED_UNION, SHORT_UNION], ids=["open", "closed", "short"]
)
def test_union_corpus_mutants_all_rejected(schema: dict[str, Any], tmp_path: Path) -> None:
    """End to end: no mutant of a union-typed property is accepted by the validators."""
    path = tmp_path / "union.schema.json"
    path.write_text(json.dumps(schema))
    written = write_json_corpus(path, 40, 3, tmp_path / "valid").as_dict()
    assert written["problems"] == [] and written["written"] == 40
    report = mutate_json_corpus(tmp_path / "valid", tmp_path / "bad", seed=0, per_instance=4)
    assert report.as_dict()["problems"] == []
    assert report.mutants, "some kind (json-type, unexpected-element...) always has a site"
