"""st9x's error lines and the strict readers every other module relies on.

Records, the CLI and pytest all print an error as one line ``file:line:column: message``; these
are the building blocks that make that true whatever the underlying library said.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures import write

from st9x import formats
from st9x.errors import FormatError, InstanceError, ManifestError, SchemaError, one_line
from st9x.jsonload import load_json
from st9x.xmlsafe import is_remote, local_target, parse_xml, schema_files


def test_error_line_names_file_line_and_column() -> None:
    assert str(InstanceError("bad", path="a/b.xml", line=3, column=7)) == "a/b.xml:3:7: bad"
    assert str(InstanceError("bad", path="a/b.xml", line=3)) == "a/b.xml:3: bad"
    assert str(InstanceError("bad", path=Path("a/b.xml"))) == "a/b.xml: bad"
    assert str(SchemaError("bad")) == "bad"
    # a column without a line would be meaningless, so it is not shown
    assert str(ManifestError("bad", path="m.json", column=4)) == "m.json: bad"


def test_one_line_folds_and_bounds_messages() -> None:
    assert one_line("first\n   second  \n\n third") == "first second third"
    folded = one_line("x" * 600)
    assert len(folded) == 500 and folded.endswith("…")
    assert str(InstanceError("a\nb", path="f.xml")) == "f.xml: a b"


def test_format_check_names_the_field() -> None:
    with pytest.raises(FormatError) as info:
        formats.check("ledger", {"format": "st9x-ledger/1", "entries": [1]}, path="l.json")
    assert str(info.value).startswith("l.json: ledger format: at /entries/0: ")
    formats.check("ledger", {"format": "st9x-ledger/1", "entries": []}, path="l.json")


def test_load_json_keeps_values_and_refuses_ambiguity(tmp_path: Path) -> None:
    assert load_json(write(tmp_path / "ok.json", '{"a": [1, 2.5, null, "é"]}')) == {
        "a": [1, 2.5, None, "é"]
    }
    with pytest.raises(InstanceError, match="duplicate key 'k'"):
        load_json(write(tmp_path / "dup.json", '{"x": {"k": 1, "k": 2}}'))
    with pytest.raises(SchemaError, match="Infinity is not JSON"):
        load_json(write(tmp_path / "inf.json", "[Infinity]"), error=SchemaError)


def test_remote_and_local_locations(tmp_path: Path) -> None:
    assert is_remote("http://example.org/x.xsd")
    assert is_remote("https://example.org/x.xsd")
    assert not is_remote("file:///tmp/x.xsd")
    assert not is_remote("x.xsd") and not is_remote("../common/x.xsd")
    assert not is_remote("C:/schemas/x.xsd")  # a drive letter, not a scheme
    base = tmp_path / "schemas" / "main.xsd"
    assert local_target(base, "../common/x.xsd") == (tmp_path / "common" / "x.xsd").resolve()
    assert local_target(base, "file:///opt/x%20y.xsd") == Path("/opt/x y.xsd")


def test_schema_files_follow_local_references(tmp_path: Path) -> None:
    xsd = 'xmlns:xsd="http://www.w3.org/2001/XMLSchema"'
    main = write(
        tmp_path / "main.xsd",
        f'<xsd:schema {xsd}><xsd:include schemaLocation="parts/a.xsd"/>'
        '<xsd:import namespace="urn:n"/></xsd:schema>',  # an import by namespace only
    )
    write(
        tmp_path / "parts" / "a.xsd",
        f'<xsd:schema {xsd}><xsd:include schemaLocation="../main.xsd"/></xsd:schema>',  # a cycle
    )
    assert schema_files(main.resolve()) == (main.resolve(), (tmp_path / "parts/a.xsd").resolve())

    broken = write(
        tmp_path / "broken.xsd",
        f'<xsd:schema {xsd}>\n<xsd:include schemaLocation="gone.xsd"/></xsd:schema>',
    )
    with pytest.raises(SchemaError) as info:
        schema_files(broken.resolve())
    assert str(info.value).startswith(f"{broken.resolve()}:2: schemaLocation 'gone.xsd' names")


def test_parse_xml_reports_file_and_line(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.xml", "<a>\n<b>\n</a>\n")
    with pytest.raises(InstanceError) as info:
        parse_xml(bad)
    assert info.value.line == 3
    assert str(info.value).startswith(f"{bad}:3: not well-formed XML: ")
    with pytest.raises(SchemaError, match="cannot read"):
        parse_xml(tmp_path / "absent.xsd", error=SchemaError)
