"""JSON → XML never writes what XML 1.0 cannot hold, and the compiled schema refuses it first.

Strings with characters outside XML's ``Char`` (``\\u0001``, ``\\uFFFE``, lone surrogates),
member names under wildcards that are not XML names, and names that would be namespace
declarations (``@xmlns``, the ``xmlns`` namespace) are refused by the mapper with one line naming
the JSON pointer, and by the generated JSON Schema (2020-12 and draft-07) under jsonschema-rs.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from xsd_helpers import NS, SAFE, xsd_text

from st9x.st97 import Mapper, compile_schema
from st9x.st97.errors import ConversionError
from st9x.st97.xmlchars import MAX_DEPTH

ST9X = str(Path(sys.executable).parent / "st9x")

WILD_XSD = """
<xs:element name="Doc">
  <xs:complexType>
    <xs:sequence>
      <xs:element name="Title" type="xs:string"/>
      <xs:any namespace="##other" processContents="skip" minOccurs="0" maxOccurs="unbounded"/>
      <xs:element name="Any" type="xs:anyType" minOccurs="0"/>
    </xs:sequence>
    <xs:attribute name="code" type="xs:token"/>
    <xs:anyAttribute namespace="##any" processContents="skip"/>
  </xs:complexType>
</xs:element>
"""

#: (document body under "doc", the JSON pointer the mapper must name)
REFUSED: list[tuple[dict[str, Any], str]] = [
    ({"title": "a\u0001b"}, "/doc/title"),
    ({"title": "a\ufffeb"}, "/doc/title"),
    ({"title": "a\ud800b"}, "/doc/title"),
    ({"title": "\x00"}, "/doc/title"),
    ({"title": "T", "code": "\x1f"}, "/doc/code"),
    ({"title": "T", "@xmlns": "urn:evil"}, "/doc/@xmlns"),
    ({"title": "T", "@{http://www.w3.org/2000/xmlns/}p": "urn:evil"},
     "/doc/@{http:~1~1www.w3.org~12000~1xmlns~1}p"),
    ({"title": "T", "@a b": "x"}, "/doc/@a b"),
    ({"title": "T", "@1x": "x"}, "/doc/@1x"),
    ({"title": "T", "{urn:x}a b": [{}]}, "/doc/{urn:x}a b"),
    ({"title": "T", "{urn:x}": [{}]}, "/doc/{urn:x}"),
    ({"title": "T", "{urn:x}p:q": [{}]}, "/doc/{urn:x}p:q"),
    ({"title": "T", "{http://www.w3.org/2000/xmlns/}A": [{}]},
     "/doc/{http:~1~1www.w3.org~12000~1xmlns~1}A"),
    ({"title": "T", "{urn:x}A": [{"attributes": {"xmlns": "u"}}]},
     "/doc/{urn:x}A/0/attributes/xmlns"),
    ({"title": "T", "{urn:x}A": [{"attributes": {"a": "\ufffe"}}]},
     "/doc/{urn:x}A/0/attributes/a"),
    ({"title": "T", "{urn:x}A": [{"content": ["\u0001"]}]}, "/doc/{urn:x}A/0/content/0"),
    ({"title": "T", "{urn:x}A": [{"content": [{"{urn:x}1": {}}]}]},
     "/doc/{urn:x}A/0/content/0/{urn:x}1"),
    ({"title": "T", "any": {"content": ["\udfff"]}}, "/doc/any/content/0"),
]


@pytest.fixture(scope="module")
def wild_xsd(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("wild") / "wild.xsd"
    path.write_text(xsd_text(WILD_XSD), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def mapper(wild_xsd: Path) -> Mapper:
    return Mapper(compile_schema(wild_xsd, root="Doc"))


@pytest.mark.parametrize(("body", "where"), REFUSED)
def test_mapper_refuses_with_the_pointer(mapper: Mapper, body: dict[str, Any],
                                         where: str) -> None:
    with pytest.raises(ConversionError) as info:
        mapper.to_xml({"doc": body})
    assert info.value.where == where
    assert "\n" not in str(info.value)
    str(info.value).encode("utf-8")  # printable: a lone surrogate is written as an escape


#: jsonschema-rs takes Rust strings: a lone surrogate cannot be handed to it at all (the Python
#: validators get those cases below)
_RUST_STRINGS = [(b, w) for b, w in REFUSED if not re.search(r"\\ud[89a-f]", ascii(b))]


@pytest.mark.parametrize("dialect", ["2020-12", "draft-07"])
@pytest.mark.parametrize(("body", "where"), _RUST_STRINGS)
def test_the_generated_schema_refuses_it_too(wild_xsd: Path, dialect: str,
                                             body: dict[str, Any], where: str) -> None:
    schema = compile_schema(wild_xsd, root="Doc", dialect=dialect).schema
    validator = jsonschema_rs.validator_for(schema)
    assert validator.is_valid({"doc": {"title": "T", "@{urn:x}ok": "v",
                                       "{urn:x}A": [{"attributes": {"b": "1"}}]}})
    assert not validator.is_valid({"doc": body}), where


@pytest.mark.parametrize("dialect", ["2020-12", "draft-07"])
def test_python_jsonschema_refuses_a_lone_surrogate(wild_xsd: Path, dialect: str) -> None:
    """Python validators see lone surrogates; the schema's ``not``-pattern catches them without
    naming one."""
    import jsonschema

    schema = compile_schema(wild_xsd, root="Doc", dialect=dialect).schema
    cls = jsonschema.Draft7Validator if dialect == "draft-07" else jsonschema.Draft202012Validator
    assert not cls(schema).is_valid({"doc": {"title": "a\ud800"}})
    assert cls(schema).is_valid({"doc": {"title": "a\U0001f600\t\r\n\ufffd"}})


def test_legal_characters_and_names_round_trip(mapper: Mapper, wild_xsd: Path) -> None:
    body = {"title": "tab\tcr\rnl\n \ufffd \U0010fffd \U0001f600", "code": "c",
            "@xmlfoo": "1", "@{http://www.w3.org/XML/1998/namespace}lang": "en",
            "{urn:x}xmlns": [{"attributes": {"{urn:y}\u00e9t\u00e9": "\u00a0"}}]}
    element = mapper.to_xml({"doc": body})
    data = etree.tostring(element, encoding="utf-8")
    schema = etree.XMLSchema(etree.parse(str(wild_xsd), SAFE))
    parsed = etree.fromstring(data, SAFE)
    assert schema.validate(etree.ElementTree(parsed)), schema.error_log
    assert mapper.to_json(data) == {"doc": body}


def test_nesting_is_bounded_with_a_pointer(mapper: Mapper) -> None:
    deep: Any = {}
    for _ in range(MAX_DEPTH):
        deep = {"content": [{"{urn:x}A": deep}]}
    with pytest.raises(ConversionError, match="nested deeper") as info:
        mapper.to_xml({"doc": {"title": "T", "{urn:x}A": [deep]}})
    assert info.value.where.startswith("/doc/{urn:x}A/0/content/0/{urn:x}A/content/0/")


# -- property: any JSON document -------------------------------------------------------------

_names = st.one_of(
    st.sampled_from(["title", "code", "any", "@xmlns", "@{urn:x}a", "{urn:x}A", "{}x",
                     "{urn:test}Sneaky", "@{http://www.w3.org/2000/xmlns/}p", "content",
                     "attributes", "{http://www.w3.org/2000/xmlns/}A", "@x y"]),
    st.text(max_size=6),
    st.text(max_size=6).map(lambda s: "{urn:x}" + s),
    st.text(max_size=6).map(lambda s: "@" + s),
)
_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8),
                     st.floats(allow_nan=False, allow_infinity=False))
_json = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(_names, inner, max_size=4)), max_leaves=20)
_documents = st.fixed_dictionaries(
    {"doc": st.one_of(_json, st.dictionaries(_names, _json, max_size=5).map(
        lambda d: {"title": "T", **d}))})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=_documents)
def test_any_json_writes_legal_xml_or_refuses_with_a_pointer(mapper: Mapper,
                                                             document: dict[str, Any]) -> None:
    try:
        element = mapper.to_xml(document)
    except ConversionError as exc:
        assert exc.where.startswith("/doc") or exc.where == "", exc
        assert "\n" not in str(exc)
        str(exc).encode("utf-8")
        return
    data = etree.tostring(element, encoding="utf-8")
    parsed = etree.fromstring(data, SAFE)  # well-formed, names and characters legal
    declared = {k for e in parsed.iter() for k in e.nsmap.values()}
    assert "http://www.w3.org/2000/xmlns/" not in declared
    assert parsed.nsmap.get(None) is None  # no default namespace smuggled in by an attribute


# -- the command --------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "where"), [
    ('{"doc": {"title": "a\\u0001b"}}', "/doc/title"),
    ('{"doc": {"title": "a\\ud800"}}', "/doc/title"),
    ('{"doc": {"title": "T", "@xmlns": "urn:evil"}}', "/doc/@xmlns"),
    ('{"doc": {"title": "T", "{urn:x}a\\nb": [{}]}}', "/doc/{urn:x}a\\u000Ab"),
])
def test_convert_json_exit_1_one_line_no_output(wild_xsd: Path, tmp_path: Path, text: str,
                                                where: str) -> None:
    source = tmp_path / "doc.json"
    source.write_text(text, encoding="utf-8")
    out = tmp_path / "out.xml"
    proc = subprocess.run(
        [ST9X, "convert", "json", str(source), "--schema",
         str(wild_xsd), "--root", "Doc", "-o", str(out)],
        capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert f"(at {where})" in lines[0]
    assert "Traceback" not in proc.stderr
    assert not out.exists()


def test_convert_xml_too_deep_for_json_is_one_line(wild_xsd: Path, tmp_path: Path) -> None:
    """The other direction: XML whose JSON form orjson cannot write is refused, not a
    traceback."""
    n = 120
    source = tmp_path / "deep.xml"
    source.write_text(f'<t:Doc xmlns:t="{NS}" xmlns:x="urn:x"><t:Title>T</t:Title>'
                      + "<x:A>" * n + "</x:A>" * n + "</t:Doc>", encoding="utf-8")
    out = tmp_path / "out.json"
    proc = subprocess.run(
        [ST9X, "convert", "xml", str(source), "--schema",
         str(wild_xsd), "--root", "Doc", "-o", str(out)],
        capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 1, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "nested deeper" in proc.stderr and "deep.xml" in proc.stderr
    assert not out.exists()

