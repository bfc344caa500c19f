"""Every error is located in the file: line and column for the XML validators (the start tag of
the element each names) and for the JSON validators (the value each JSON Pointer names), and an
adapter reports all of its errors: how many a record keeps is the engine's setting."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fixtures import (
    DOC_XSD,
    JSON_ADAPTERS,
    TNS,
    WRONG_ROOT_XML,
    XML_ADAPTERS,
    json_spec,
    many_errors_xml,
    run_one,
    write,
    xsd_spec,
)

from st9x import formats
from st9x.engine.worker import Worker
from st9x.subjects.validators.base import Adapter, Verdict
from st9x.subjects.validators.jsonpositions import line_columns, value_offsets
from st9x.subjects.validators.xmlpositions import start_tags

# --- XML --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", XML_ADAPTERS)
def test_every_xml_error_is_kept_and_placed_at_its_start_tag(
    name: str, tmp_path: Path, adapters: dict[str, Adapter]
) -> None:
    text, places = many_errors_xml(30)
    instance = write(tmp_path / "thirty.xml", text)
    compiled = adapters[name].compile(xsd_spec(write(tmp_path / "doc.xsd", DOC_XSD)))
    outcome = compiled.validate(instance)
    assert outcome.verdict is Verdict.INVALID
    assert outcome.error_count == len(outcome.errors) == 30  # the adapter keeps them all
    assert [(p.line, p.column) for p in outcome.errors] == places
    assert all(p.location for p in outcome.errors)  # the library's path is kept beside


@pytest.mark.parametrize("name", XML_ADAPTERS)
def test_a_wrong_root_is_placed_at_the_root(
    name: str, tmp_path: Path, adapters: dict[str, Adapter]
) -> None:
    instance = write(tmp_path / "other.xml", WRONG_ROOT_XML)
    spec = xsd_spec(write(tmp_path / "doc.xsd", DOC_XSD), root=f"{{{TNS}}}Doc")
    (problem,) = adapters[name].compile(spec).validate(instance).errors
    assert (problem.location, problem.line, problem.column) == ("/", 2, 1)


def test_start_tags_counts_characters_and_stops_at_what_it_cannot_read(tmp_path: Path) -> None:
    latin = write(
        tmp_path / "latin.xml",
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n<r>\xe9\xe9<a/></r>\n'.encode("latin-1"),
    )
    assert start_tags(latin, {0, 1}) == {0: (2, 1), 1: (2, 6)}
    assert start_tags(latin, set()) == {}
    entity = write(
        tmp_path / "entity.xml", '<!DOCTYPE r [<!ENTITY e "<a/><a/>">]>\n<r>&e;<b/></r>\n'
    )
    assert start_tags(entity, {2}) == {}  # expanded elements would shift every number after
    assert start_tags(tmp_path / "absent.xml", {0}) == {}


# --- JSON -------------------------------------------------------------------------------------

SCHEMA = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "properties": {
        "a": {"type": "array", "items": {"properties": {"b": {"type": "integer"}}}},
        "k/~x": {"type": "string"},
        "é": {"properties": {"deep": {"items": {"type": "null"}}}},
    },
}
# errors at /a/1/b (line 3), /a/2/b (line 4), /k~1~0x (line 6), /é/deep/1 (line 7); strings
# holding brackets, quotes and commas come first on their lines, so a naive scan would stray
INSTANCE = (
    "{\n"
    '  "a": [\n'
    '    {"b": 1, "s": "],}{[\\""}, {"b": "no"},\n'
    '    {"x": [[], {}], "b": [1, 2]}\n'
    "  ],\n"
    '  "t": "ü\\u00e9", "k/~x": 5,\n'
    '  "é": {"deep": [null, true]}\n'
    "}\n"
)
PLACES = {"/a/1/b": (3, 37), "/a/2/b": (4, 26), "/k~1~0x": (6, 27), "/é/deep/1": (7, 24)}


@pytest.mark.parametrize("name", JSON_ADAPTERS)
def test_json_errors_are_placed_at_the_value_their_pointer_names(
    name: str, tmp_path: Path, adapters: dict[str, Adapter]
) -> None:
    schema = write(tmp_path / "s.json", SCHEMA)
    instance = write(tmp_path / "i.json", INSTANCE)
    outcome = adapters[name].compile(json_spec(schema)).validate(instance)
    assert outcome.verdict is Verdict.INVALID
    got = {p.location: (p.line, p.column) for p in outcome.errors}
    if name == "fastjsonschema":  # it stops at the first error
        assert len(got) == 1 and got.items() <= PLACES.items()
    else:
        assert got == PLACES


def test_value_offsets_follow_only_the_pointers_asked_for() -> None:
    text = '[{"a": {"b": [10, {"c~/": "x"}]}}, "tail", []]'
    offsets = value_offsets(text, ["", "/0/a/b/1/c~0~1", "/1", "/2", "/9"])
    assert {p: text[o:o + 6] for p, o in offsets.items()} == {
        "": '[{"a":',
        "/0/a/b/1/c~0~1": '"x"}]}',
        "/1": '"tail"',
        "/2": "[]]",
    }  # /9 does not exist: no place
    assert line_columns("ab\ncd\n\nef", {0, 4, 7, 8}) == {
        0: (1, 1), 4: (2, 2), 7: (4, 1), 8: (4, 2),
    }


def test_the_results_format_carries_columns(tmp_path: Path, worker: Worker) -> None:
    text, places = many_errors_xml(3)
    record = run_one(
        worker, "lxml", xsd_spec(write(tmp_path / "doc.xsd", DOC_XSD)),
        write(tmp_path / "three.xml", text),
    )
    assert [(e["line"], e["column"]) for e in record["errors"]] == places
    assert record["errors_omitted"] == 0
    formats.check("results", json.loads(json.dumps(record)), path=tmp_path / "results.jsonl")
