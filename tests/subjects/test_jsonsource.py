"""The preamble every JSON adapter shares: the schema read strictly, its dialect settled, an
unknown dialect refused as unsupported, and ``$ref``s resolved from the local disk only."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures import assert_one_line, json_spec, write

from st9x.errors import SchemaError
from st9x.subjects.validators.base import Unsupported
from st9x.subjects.validators.jsonsource import pointer, read_json_schema

DRAFT7 = "http://json-schema.org/draft-07/schema#"


def test_the_schema_is_read_with_its_dialect_and_local_refs(tmp_path: Path) -> None:
    write(tmp_path / "part.json", {"type": "integer"})
    spec = json_spec(write(tmp_path / "s.json", {"$schema": DRAFT7, "$ref": "part.json"}))
    source = read_json_schema(spec, "lib", ("draft7",))
    assert source.dialect == "draft7"
    assert source.path == spec.path
    assert source.document["$ref"] == "part.json"
    assert source.retrieve("part.json") == {"type": "integer"}
    with pytest.raises(SchemaError, match="refusing remote"):
        source.retrieve("https://example.invalid/s.json")


def test_a_dialect_the_library_lacks_is_unsupported(tmp_path: Path) -> None:
    spec = json_spec(write(tmp_path / "s.json", {"$schema": DRAFT7}))
    with pytest.raises(Unsupported, match="lib does not implement dialect draft7"):
        read_json_schema(spec, "lib", ("2020-12",))


def test_a_schema_that_is_not_strict_json_is_a_schema_error(tmp_path: Path) -> None:
    spec = json_spec(write(tmp_path / "s.json", '{"type": "string", "type": "integer"}'))
    with pytest.raises(SchemaError):
        read_json_schema(spec, "lib", ("2020-12",))


def test_compile_error_names_the_file(tmp_path: Path) -> None:
    spec = json_spec(write(tmp_path / "s.json", {}))
    error = read_json_schema(spec, "lib", ("2020-12",)).compile_error(ValueError("bad\nthing"))
    assert_one_line(str(error), str(spec.path), "does not compile: bad thing")


def test_pointer_escapes_per_rfc_6901() -> None:
    assert pointer(["a/b", "c~d", 0]) == "/a~1b/c~0d/0"
    assert pointer([]) == ""
