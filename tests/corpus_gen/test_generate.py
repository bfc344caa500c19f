"""Structure, coverage, determinism, size and corpus layout of generated instances."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
from lxml import etree

from st9x.corpus.synth.xml.generate import generate, parse_size, write_corpus

STRUCTURE = """
<xsd:attribute name="st96Version" type="xsd:token" fixed="V6_0"/>
<xsd:element name="Root">
  <xsd:complexType>
    <xsd:sequence>
      <xsd:element ref="com:Item" maxOccurs="unbounded"/>
      <xsd:element name="Note" type="com:NoteType" minOccurs="0"/>
      <xsd:element ref="com:Shape" minOccurs="0" maxOccurs="3"/>
      <xsd:element name="Link" minOccurs="0" maxOccurs="2">
        <xsd:complexType><xsd:attribute name="idref" type="xsd:IDREF"/></xsd:complexType>
      </xsd:element>
    </xsd:sequence>
    <xsd:attribute ref="com:st96Version" use="required"/>
  </xsd:complexType>
</xsd:element>
<xsd:element name="Item">
  <xsd:complexType>
    <xsd:choice>
      <xsd:element name="Text" type="xsd:string"/>
      <xsd:element name="Number" type="xsd:integer"/>
      <xsd:sequence>
        <xsd:element name="Part" type="com:TreeType"/>
        <xsd:element name="Extra" type="xsd:date" minOccurs="0"/>
      </xsd:sequence>
    </xsd:choice>
    <xsd:attribute name="id" type="xsd:ID" use="required"/>
    <xsd:attribute name="kind">
      <xsd:simpleType><xsd:restriction base="xsd:token">
        <xsd:enumeration value="a"/><xsd:enumeration value="b"/>
      </xsd:restriction></xsd:simpleType>
    </xsd:attribute>
  </xsd:complexType>
</xsd:element>
<xsd:complexType name="TreeType">
  <xsd:sequence>
    <xsd:element name="Leaf" type="xsd:token"/>
    <xsd:element name="Branch" type="com:TreeType" minOccurs="0" maxOccurs="2"/>
  </xsd:sequence>
</xsd:complexType>
<xsd:complexType name="NoteType" mixed="true">
  <xsd:choice minOccurs="0" maxOccurs="unbounded">
    <xsd:element name="B" type="com:NoteType"/>
    <xsd:element name="I" type="com:NoteType"/>
  </xsd:choice>
</xsd:complexType>
<xsd:element name="Shape" abstract="true"/>
<xsd:element name="Circle" substitutionGroup="com:Shape" type="xsd:decimal"/>
<xsd:element name="Square" substitutionGroup="com:Shape" type="xsd:decimal"/>
"""


def test_instances_are_valid_and_cover_the_schema(write_xsd) -> None:
    report = generate(write_xsd(STRUCTURE), "Root", 30, seed=5)
    assert [d.status for d in report.documents] == ["valid"] * 30, report.problems()[:2]
    for dimension, numbers in report.coverage.items():
        assert numbers["used"] == numbers["declared"], (dimension, numbers)
    assert report.coverage["choice_branches"]["declared"] == 5  # Item's 3 + Note's 2
    assert report.coverage["substitutions"]["declared"] == 2


def test_recursion_is_bounded(write_xsd) -> None:
    report = generate(write_xsd(STRUCTURE), "Root", 20, seed=2, check=False)
    for doc in report.documents:
        depth = max(len(list(e.iterancestors())) for e in etree.fromstring(doc.data).iter())
        assert depth <= 20


def test_idrefs_point_to_ids(write_xsd) -> None:
    report = generate(write_xsd(STRUCTURE), "Root", 30, seed=8)
    refs = 0
    for doc in report.documents:
        root = etree.fromstring(doc.data)
        ids = {e.get("id") for e in root.iter() if e.get("id")}
        for link in root.iter("{*}Link"):
            if link.get("idref") is not None:
                refs += 1
                assert link.get("idref") in ids
    assert refs > 0


def test_same_seed_gives_same_bytes(write_xsd) -> None:
    path = write_xsd(STRUCTURE)
    first = [d.data for d in generate(path, "Root", 10, seed=4, check=False).documents]
    second = [d.data for d in generate(path, "Root", 10, seed=4, check=False).documents]
    assert first == second


def test_large_size_reaches_target_and_stays_valid(write_xsd) -> None:
    report = generate(write_xsd(STRUCTURE), "Root", 2, seed=3, size=200_000)
    for doc in report.documents:
        assert len(doc.data) >= 200_000
        assert doc.status == "valid"


def test_parse_size() -> None:
    assert parse_size("small") is None
    assert parse_size("large") == 1_000_000
    assert parse_size("250k") == 250_000
    assert parse_size(1234) == 1234


def test_write_corpus_layout_and_manifest(write_xsd, tmp_path: Path) -> None:
    schema_dir = tmp_path / "src" / "schemas"
    schema_dir.mkdir(parents=True)
    main = write_xsd(STRUCTURE, name="src/schemas/Main.xsd")
    out = tmp_path / "corpus"
    report = write_corpus(main, "Root", 5, 1, out)
    manifest = json.loads((out / "manifest.json").read_text())
    schema = json.loads(
        resources.files("st9x.formats").joinpath("manifest.schema.json").read_text()
    )
    jsonschema.validate(manifest, schema)
    assert manifest["schemas"][0]["path"] == "schemas/Main.xsd"
    assert (out / "schemas" / "Main.xsd").read_bytes() == main.read_bytes()
    assert len(manifest["cases"]) == 5
    for case in manifest["cases"]:
        assert case["expected"] == "valid"
        assert (out / case["instance"]).exists()
    written = json.loads((out / "report.json").read_text())
    assert written["coverage"] == report.coverage
    assert written["documents"]["statuses"] == {"valid": 5}


def test_imported_schema_files_are_copied(tmp_path: Path, write_xsd) -> None:
    (tmp_path / "common").mkdir()
    (tmp_path / "doc").mkdir()
    write_xsd('<xsd:element name="Leaf" type="xsd:token"/>', name="common/Common.xsd")
    doc = tmp_path / "doc" / "Doc.xsd"
    doc.write_text(
        '<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:d="urn:doc"'
        ' xmlns:com="http://www.wipo.int/standards/XMLSchema/ST96/Common"'
        ' targetNamespace="urn:doc" elementFormDefault="qualified">'
        '<xsd:import namespace="http://www.wipo.int/standards/XMLSchema/ST96/Common"'
        ' schemaLocation="../common/Common.xsd"/>'
        '<xsd:element name="Doc"><xsd:complexType><xsd:sequence>'
        '<xsd:element ref="com:Leaf"/></xsd:sequence></xsd:complexType></xsd:element>'
        "</xsd:schema>"
    )
    out = tmp_path / "out"
    report = write_corpus(doc, "Doc", 2, 0, out)
    assert report.documents[0].status == "valid"
    assert (out / "schemas" / "common" / "Common.xsd").exists()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["schemas"][0]["path"] == "schemas/doc/Doc.xsd"
