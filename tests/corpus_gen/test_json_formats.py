"""The ``format`` values st9x says are asserted really are, by every JSON validator it uses.

python-jsonschema checks ``date-time``, ``time``, ``uri-reference``... only when an optional
package is importable (``rfc3339-validator``, ``rfc3986-validator``, declared through
``jsonschema[format-nongpl]``); without it an impossible date-time passes as valid. On the V6_0
TrademarkApplication schema that made 6 of 80 ``date-time`` mutants "disagreements"
(jsonschema-rs rejected ``2023-02-29T10:00:00Z``, python-jsonschema accepted it). Real
validators, no mocks: these tests fail in an environment that lacks the declared packages.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from st9x.corpus.model import SchemaSpec
from st9x.corpus.synth.json.check import DualJsonValidator
from st9x.subjects.validators.base import Verdict
from st9x.subjects.validators.python_jsonschema import JsonschemaAdapter, asserted_formats

#: Format -> (a valid value, an invalid one). These are the formats the README says
#: python-jsonschema asserts, and the ones converted ST.96 schemas use.
CASES = {
    "date": ("2024-02-29", "2023-02-29"),
    "date-time": ("2024-02-29T10:00:00Z", "2023-02-29T10:00:00Z"),
    "time": ("10:00:00Z", "25:00:00Z"),
    "uri-reference": ("../a/b?c#d", "a b\\c"),
    "uri": ("https://example.org/a", "no scheme"),
    "email": ("a@example.org", "not an address"),
}


def _schema(tmp_path: Path, dialect: str, fmt: str) -> Path:
    path = tmp_path / f"{fmt}.schema.json"
    path.write_text(json.dumps({"$schema": dialect, "type": "string", "format": fmt}))
    return path


@pytest.mark.parametrize(
    "dialect",
    ["https://json-schema.org/draft/2020-12/schema", "http://json-schema.org/draft-07/schema#"],
    ids=["2020-12", "draft-07"],
)
@pytest.mark.parametrize("fmt", sorted(CASES))
def test_jsonschema_adapter_asserts_format(fmt: str, dialect: str, tmp_path: Path) -> None:
    schema = _schema(tmp_path, dialect, fmt)
    compiled = JsonschemaAdapter().compile(SchemaSpec("t", fmt, schema, "json-schema"))
    good, bad = CASES[fmt]
    for value, verdict in ((good, Verdict.VALID), (bad, Verdict.INVALID)):
        instance = tmp_path / "instance.json"
        instance.write_text(json.dumps(value))
        assert compiled.validate(instance).verdict == verdict, (fmt, value)


def test_adapter_info_names_the_asserted_formats() -> None:
    """``st9x adapters`` lists what the FormatChecker really has, so a missing optional
    package shows instead of silently accepting every value of that format."""
    description = JsonschemaAdapter().info().description
    listed = description.rpartition("(")[2].rstrip(")").split(", ")
    assert set(CASES) <= set(listed)
    assert set(listed) == set(asserted_formats())


def test_every_2020_12_format_is_asserted() -> None:
    """With ``jsonschema[format-nongpl]`` installed, python-jsonschema has a checker for each
    format the 2020-12 Validation vocabulary defines (section 7.3), so "formats asserted" is
    true without exception."""
    assert set(asserted_formats()) >= {
        "date-time", "date", "time", "duration", "email", "idn-email", "hostname",
        "idn-hostname", "ipv4", "ipv6", "uri", "uri-reference", "iri", "iri-reference", "uuid",
        "uri-template", "json-pointer", "relative-json-pointer", "regex",
    }  # fmt: skip


def test_generator_validators_both_assert_date_time() -> None:
    """The corpus generator/mutator's pair of validators agree on an impossible date-time."""
    checker = DualJsonValidator(
        {"$schema": "https://json-schema.org/draft/2020-12/schema", "format": "date-time"}
    )
    assert checker.python_formats_unasserted == []
    verdict = checker.check("2023-02-29T10:00:00Z")
    assert verdict.rs is False and verdict.python is False
