"""The six installed adapters, found through the registry, on valid, invalid and bad input.

Every adapter must: say valid/invalid like the others on plain cases; locate its errors (an
XPath-like path for XML, a JSON Pointer for JSON); apply the manifest's document root; and turn
every kind of unreadable input into one line naming the file, which the worker records as
``errored`` instead of crashing the run.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

import pytest
from fixtures import (
    ALL_ADAPTERS,
    DOC_XSD,
    INVALID_JSON,
    INVALID_XML,
    JSON_ADAPTERS,
    JSON_SCHEMA_07,
    JSON_SCHEMA_2020,
    TNS,
    VALID_JSON,
    VALID_XML,
    WRONG_ROOT_XML,
    XML_ADAPTERS,
    assert_one_line,
    json_spec,
    run_one,
    write,
    xsd_spec,
)

from st9x.engine.worker import Worker
from st9x.errors import InstanceError, SchemaError, St9xError, UsageError
from st9x.subjects.registry import select_adapters
from st9x.subjects.validators.base import Adapter, Outcome, Verdict

# --- the registry ---------------------------------------------------------------------------


def test_registry_offers_the_six_adapters(adapters: dict[str, Adapter]) -> None:
    assert sorted(adapters) == sorted(ALL_ADAPTERS)
    for name, adapter in adapters.items():
        assert isinstance(adapter, Adapter)  # the runtime-checkable protocol
        info = adapter.info()
        assert info.name == name == adapter.name
        assert info.format == adapter.format
        assert info.version
        expected_format = "xml" if name in XML_ADAPTERS else "json"
        assert adapter.format == expected_format


def test_registry_selects_by_name_and_refuses_unknown() -> None:
    assert list(select_adapters(["jsonschema", "lxml"])) == ["jsonschema", "lxml"]
    with pytest.raises(UsageError) as info:
        select_adapters(["lxml", "no-such-validator"])
    assert_one_line(str(info.value), "'no-such-validator'", "unknown", "lxml")


# --- valid and invalid instances ------------------------------------------------------------


@pytest.fixture
def xml_files(tmp_path: Path) -> dict[str, Path]:
    return {
        "schema": write(tmp_path / "doc.xsd", DOC_XSD),
        "valid": write(tmp_path / "valid.xml", VALID_XML),
        "invalid": write(tmp_path / "invalid.xml", INVALID_XML),
        "wrong-root": write(tmp_path / "wrong-root.xml", WRONG_ROOT_XML),
    }


@pytest.fixture
def json_files(tmp_path: Path) -> dict[str, Path]:
    return {
        "schema": write(tmp_path / "doc.json", JSON_SCHEMA_07),
        "schema-2020": write(tmp_path / "doc-2020.json", JSON_SCHEMA_2020),
        "valid": write(tmp_path / "valid.json", VALID_JSON),
        "invalid": write(tmp_path / "invalid.json", INVALID_JSON),
    }


@pytest.mark.parametrize("name", XML_ADAPTERS)
def test_xml_valid_and_invalid(
    name: str, adapters: dict[str, Adapter], xml_files: dict[str, Path]
) -> None:
    compiled = adapters[name].compile(xsd_spec(xml_files["schema"], root="Doc"))
    assert compiled.validate(xml_files["valid"]) == Outcome(Verdict.VALID)

    outcome = compiled.validate(xml_files["invalid"])
    assert outcome.verdict is Verdict.INVALID
    assert outcome.error_count == len(outcome.errors) == 1
    (problem,) = outcome.errors
    assert_one_line(problem.message, "abc")
    # an XPath-like location: lxml says /*/*[3], xmlschema /Doc/Count[2]
    assert problem.location is not None and problem.location.startswith("/")
    assert "[" in problem.location, f"no position in {problem.location!r}"
    if name == "lxml":
        assert problem.line == 5  # libxml2 also knows the line


@pytest.mark.parametrize("name", XML_ADAPTERS)
def test_xml_root_must_be_the_manifest_root(
    name: str, adapters: dict[str, Adapter], xml_files: dict[str, Path]
) -> None:
    """<Other> is a global element of the schema, so XSD alone accepts it as a document; the
    manifest says the document root is Doc, in Clark notation or as a bare local name."""
    for root in (f"{{{TNS}}}Doc", "Doc"):
        compiled = adapters[name].compile(xsd_spec(xml_files["schema"], root=root))
        outcome = compiled.validate(xml_files["wrong-root"])
        assert outcome.verdict is Verdict.INVALID
        assert outcome.errors[0].location == "/"
        assert_one_line(outcome.errors[0].message, f"{{{TNS}}}Other", root)
    # without a manifest root, any global element is a document
    unrooted = adapters[name].compile(xsd_spec(xml_files["schema"]))
    assert unrooted.validate(xml_files["wrong-root"]).verdict is Verdict.VALID


@pytest.mark.parametrize("name", JSON_ADAPTERS)
def test_json_valid_and_invalid(
    name: str, adapters: dict[str, Adapter], json_files: dict[str, Path]
) -> None:
    compiled = adapters[name].compile(json_spec(json_files["schema"]))
    assert compiled.validate(json_files["valid"]) == Outcome(Verdict.VALID)

    outcome = compiled.validate(json_files["invalid"])
    assert outcome.verdict is Verdict.INVALID
    assert outcome.errors[0].location == "/a/0/b"  # a JSON Pointer (RFC 6901)
    assert_one_line(outcome.errors[0].message, "integer")


def test_json_pointer_escapes_tilde_and_slash(tmp_path: Path, adapters: dict[str, Adapter]) -> None:
    schema = write(
        tmp_path / "s.json",
        {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "properties": {"a/b~c": {"type": "integer"}},
        },
    )
    instance = write(tmp_path / "i.json", '{"a/b~c": "x"}')
    for name in JSON_ADAPTERS:
        outcome = adapters[name].compile(json_spec(schema)).validate(instance)
        assert outcome.verdict is Verdict.INVALID, name
        assert outcome.errors[0].location == "/a~1b~0c", name


def test_local_ref_to_another_file_resolves(tmp_path: Path, worker: Worker) -> None:
    """Local-only resolution must not refuse what is legitimately local."""
    schema = write(
        tmp_path / "main.json",
        {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "properties": {"n": {"$ref": "defs/common.json#/definitions/number"}},
        },
    )
    write(tmp_path / "defs" / "common.json", {"definitions": {"number": {"type": "integer"}}})
    good = write(tmp_path / "good.json", '{"n": 3}')
    bad = write(tmp_path / "bad.json", '{"n": "three"}')
    for name in JSON_ADAPTERS:
        assert run_one(worker, name, json_spec(schema), good)["verdict"] == "valid", name
        record = run_one(worker, name, json_spec(schema), bad)
        assert record["verdict"] == "invalid", name
        assert record["errors"][0]["location"] == "/n"


def test_unsupported_dialect_is_skipped(worker: Worker, json_files: dict[str, Path]) -> None:
    spec = json_spec(json_files["schema-2020"])
    record = run_one(worker, "fastjsonschema", spec, json_files["valid"])
    assert record["verdict"] == "skipped"
    assert record["ok"] is None  # a skip is neither a pass nor a failure
    assert_one_line(record["errors"][0]["message"], "fastjsonschema", "2020-12")
    for name in ("jsonschema", "jsonschema-rs"):
        assert run_one(worker, name, spec, json_files["valid"])["verdict"] == "valid"
        assert run_one(worker, name, spec, json_files["invalid"])["verdict"] == "invalid"


def test_unknown_dialect_is_skipped_by_every_json_adapter(
    tmp_path: Path, worker: Worker, json_files: dict[str, Path]
) -> None:
    schema = write(tmp_path / "odd.json", {"$schema": "https://example.invalid/my-dialect"})
    for name in JSON_ADAPTERS:
        record = run_one(worker, name, json_spec(schema), json_files["valid"])
        assert record["verdict"] == "skipped", name
        assert "https://example.invalid/my-dialect" in record["errors"][0]["message"]


# --- bad input ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bad:
    """A bad input: which file is broken, what it holds, and the line a parser reports."""

    id: str
    content: bytes | None  # None: the file does not exist
    line: int | None = None  # asserted when not None
    in_schema: bool = False  # the schema is the bad file, not the instance


XML_BAD = [
    Bad(
        "malformed",
        b'<?xml version="1.0"?>\n<Doc xmlns="urn:st9x:test">\n<Name>x</Nme>\n</Doc>\n',
        3,
    ),
    # latin-1 bytes with no declaration: XML then means UTF-8, and 0xE9 is not UTF-8
    Bad(
        "latin1-undeclared",
        f'<Doc xmlns="{TNS}">\n<Name>caf\xe9</Name>\n</Doc>\n'.encode("latin-1"),
    ),
    # UTF-16 BOM, and a declaration claiming UTF-8: XML 1.0 4.3.3 makes this a fatal error
    Bad(
        "bom-utf16-declared-utf8",
        codecs.BOM_UTF16_LE + VALID_XML.encode("utf-16-le"),
    ),
    # UTF-8 BOM, and a declaration claiming UTF-16
    Bad("bom-utf8-declared-utf16", codecs.BOM_UTF8 + VALID_XML.replace("UTF-8", "UTF-16").encode()),
    Bad("missing-instance", None),
    Bad("missing-schema", None, in_schema=True),
    Bad(
        "schema-does-not-compile",
        b'<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">\n'
        b'  <xsd:element name="Doc" type="NoSuchType"/>\n</xsd:schema>\n',
        in_schema=True,
    ),
    Bad(
        "schema-malformed",
        b'<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">\n<xsd:element>\n</xsd:schema>',
        3,
        in_schema=True,
    ),
]

JSON_BAD = [
    Bad("malformed", b'{"a": [\n  {"b": 1},\n]}\n', 3),
    Bad("duplicate-keys", b'{"a": [], "a": [{"b": 1}]}\n'),
    Bad("nan", b'{"a": [{"b": NaN}]}\n'),
    Bad("infinity", b'{"a": [{"b": -Infinity}]}\n'),
    Bad("latin1", '{"a": [],\n "name": "caf\xe9"}\n'.encode("latin-1"), 2),
    Bad("utf8-bom", codecs.BOM_UTF8 + VALID_JSON.encode(), 1),
    Bad("missing-instance", None),
    Bad("missing-schema", None, in_schema=True),
    Bad("schema-malformed", b'{"type": \n', 2, in_schema=True),
    Bad(
        "schema-not-a-schema",
        b'{"$schema": "http://json-schema.org/draft-07/schema#", "type": 12}',
        in_schema=True,
    ),
]


def _bad_files(tmp_path: Path, bad: Bad, fmt: str) -> tuple[Path, Path, Path]:
    """(schema, instance, the broken file) for one bad input."""
    suffix = ".xsd" if fmt == "xml" else ".json"
    schema = tmp_path / f"schema{suffix}"
    instance = tmp_path / f"instance.{fmt}"
    if fmt == "xml":
        write(schema, DOC_XSD)
        write(instance, VALID_XML)
    else:
        write(schema, JSON_SCHEMA_07)
        write(instance, VALID_JSON)
    broken = schema if bad.in_schema else instance
    broken.unlink()
    if bad.content is not None:
        write(broken, bad.content)
    return schema, instance, broken


def _check_bad(adapter: Adapter, worker: Worker, bad: Bad, tmp_path: Path) -> None:
    schema, instance, broken = _bad_files(tmp_path, bad, adapter.format)
    spec = xsd_spec(schema) if adapter.format == "xml" else json_spec(schema)

    # the adapter itself raises st9x's error of the right kind
    with pytest.raises(SchemaError if bad.in_schema else InstanceError) as info:
        adapter.compile(spec).validate(instance)
    error: St9xError = info.value
    assert_one_line(str(error), str(broken))
    if bad.line is not None:
        assert error.line == bad.line, f"line {error.line}, expected {bad.line}: {error}"
    if bad.content is None:
        assert "not well-formed" not in str(error), f"a missing file is not malformed: {error}"

    # and the worker turns it into an errored record carrying the same line
    record = run_one(worker, adapter.name, spec, instance)
    assert record["verdict"] == "errored"
    assert record["error_count"] == 1
    (problem,) = record["errors"]
    assert_one_line(problem["message"], str(broken))
    if bad.line is not None and not bad.in_schema:
        assert problem.get("line") == bad.line


@pytest.mark.parametrize("bad", XML_BAD, ids=lambda b: b.id)
@pytest.mark.parametrize("name", XML_ADAPTERS)
def test_bad_xml_input(
    name: str, bad: Bad, adapters: dict[str, Adapter], worker: Worker, tmp_path: Path
) -> None:
    _check_bad(adapters[name], worker, bad, tmp_path)


@pytest.mark.parametrize("bad", JSON_BAD, ids=lambda b: b.id)
@pytest.mark.parametrize("name", JSON_ADAPTERS)
def test_bad_json_input(
    name: str, bad: Bad, adapters: dict[str, Adapter], worker: Worker, tmp_path: Path
) -> None:
    _check_bad(adapters[name], worker, bad, tmp_path)


def test_compile_error_keeps_its_line_in_the_record(tmp_path: Path, worker: Worker) -> None:
    """lxml names the schema line that does not compile; the record should carry it too."""
    schema, instance, _ = _bad_files(
        tmp_path, next(b for b in XML_BAD if b.id == "schema-does-not-compile"), "xml"
    )
    record = run_one(worker, "lxml", xsd_spec(schema), instance)
    assert record["verdict"] == "errored"
    assert_one_line(record["errors"][0]["message"], f"{schema}:2:", "does not compile")
    assert record["errors"][0].get("line") == 2
