"""The TOML file of external subjects follows st9x's ``external`` format, checked when it is
loaded: a mistake is one line naming the file, the table and the key, in TOML terms."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
from fixtures import assert_one_line, write

from st9x.errors import UsageError
from st9x.formats import FORMATS, format_schema
from st9x.subjects.converters.external import load_external_converters
from st9x.subjects.validators.external import load_external

ADAPTER = '[adapter.x]\nformat = "xml"\ncommand = "prog {instance}"\n'
CONVERTER = '[converter.x]\nto-json = "tool {xml} {out}"\n'


def test_the_format_is_registered_and_is_a_valid_schema() -> None:
    assert "external" in FORMATS
    schema = format_schema("external")
    jsonschema.Draft202012Validator.check_schema(schema)
    assert set(schema["properties"]) == {"adapter", "converter"}


@pytest.mark.parametrize(
    ("body", "fragments"),
    [
        pytest.param(ADAPTER + "timout = 5\n", ["[adapter.x] unknown keys: timout"],
                     id="misspelt-key"),
        pytest.param(ADAPTER + "timeout = 0\n", ["[adapter.x] timeout must be more than 0"],
                     id="timeout-zero"),
        pytest.param(ADAPTER + "timeout = true\n", ["[adapter.x] timeout must be a number"],
                     id="timeout-boolean"),
        pytest.param(ADAPTER + "invalid-exit-codes = [3, 'x']\n",
                     ["[adapter.x] invalid-exit-codes[1] must be an integer"], id="exit-code-text"),
        pytest.param(ADAPTER + "description = 1\n", ["[adapter.x] description must be a string"],
                     id="description-number"),
        pytest.param("[adapter]\nx = 5\n", ["[adapter.x] must be a table"], id="not-a-table"),
        pytest.param("adapter = 5\n", ["adapter must be a table"], id="adapter-not-a-table"),
        pytest.param(ADAPTER + "[tool]\ny = 1\n", ["unknown keys: tool"], id="unknown-top-level"),
        pytest.param('[adapter.x]\nformat = "xml"\ncommand = "prog \'{instance}"\n',
                     ["[adapter.x]", "quotation"], id="unbalanced-quotes"),
    ],
)
def test_adapter_file_mistakes(tmp_path: Path, body: str,
                               fragments: list[str]) -> None:
    config = write(tmp_path / "adapters.toml", body)
    with pytest.raises(UsageError) as info:
        load_external(config)
    assert_one_line(str(info.value), str(config), *fragments)


@pytest.mark.parametrize(
    ("body", "fragments"),
    [
        pytest.param(CONVERTER + "dialect = 7\n", ["[converter.x] dialect must be a string"],
                     id="dialect-number"),
        pytest.param(CONVERTER + "timeout = -1\n", ["[converter.x] timeout must be more than 0"],
                     id="timeout-negative"),
        pytest.param('[converter.x]\nschema = ["tool", "{xsd}"]\n',
                     ["[converter.x] schema must be a string"], id="command-list"),
        pytest.param(ADAPTER, ["no [converter.NAME] table found"], id="adapters-only"),
        pytest.param('[converter.x]\nto-json = "tool \'{xml} {out}"\n',
                     ["[converter.x]", "quotation"], id="unbalanced-quotes"),
    ],
)
def test_converter_file_mistakes(tmp_path: Path, body: str,
                                 fragments: list[str]) -> None:
    config = write(tmp_path / "converters.toml", body)
    with pytest.raises(UsageError) as info:
        load_external_converters(config)
    assert_one_line(str(info.value), str(config), *fragments)


def test_defaults_apply_to_keys_left_out(tmp_path: Path) -> None:
    config = write(tmp_path / "both.toml", ADAPTER + CONVERTER)
    (adapter,) = load_external(config)
    assert (adapter.invalid_exit_codes, adapter.timeout, adapter.description) == ((1,), 60.0, "")
    (converter,) = load_external_converters(config)
    assert (converter.timeout, converter.dialect, converter.losses) == (120.0, None, None)
    assert list(converter.argv) == ["to-json"]
