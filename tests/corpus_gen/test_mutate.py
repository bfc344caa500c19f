"""Every mutation kind yields mutants both validators reject, each breaking its one kind."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from lxml import etree

from st9x.corpus.synth.xml.facets import violated_kinds
from st9x.corpus.synth.xml.generate import write_corpus
from st9x.corpus.synth.xml.mutate import mutate_corpus
from st9x.corpus.synth.xml.mutations import DEFAULT_KINDS

#: A schema with at least one site for every mutation kind.
ALL_KINDS = """
<xsd:attribute name="st96Version" type="xsd:token"/>
<xsd:attribute name="languageCode" type="xsd:language"/>
<xsd:element name="Stray" type="xsd:token"/>
<xsd:element name="Record">
  <xsd:complexType>
    <xsd:sequence>
      <xsd:element name="Title" type="xsd:string"/>
      <xsd:element name="Code">
        <xsd:simpleType><xsd:restriction base="xsd:token">
          <xsd:enumeration value="AA"/><xsd:enumeration value="BB"/>
        </xsd:restriction></xsd:simpleType>
      </xsd:element>
      <xsd:element name="Number">
        <xsd:simpleType><xsd:restriction base="xsd:token">
          <xsd:pattern value="[A-Z]{2}\\d{4}"/>
        </xsd:restriction></xsd:simpleType>
      </xsd:element>
      <xsd:element name="Short">
        <xsd:simpleType><xsd:restriction base="xsd:string">
          <xsd:minLength value="2"/><xsd:maxLength value="5"/>
        </xsd:restriction></xsd:simpleType>
      </xsd:element>
      <xsd:element name="Count">
        <xsd:simpleType><xsd:restriction base="xsd:integer">
          <xsd:minInclusive value="1"/><xsd:maxInclusive value="50"/>
        </xsd:restriction></xsd:simpleType>
      </xsd:element>
      <xsd:element name="Amount">
        <xsd:simpleType><xsd:restriction base="xsd:decimal">
          <xsd:totalDigits value="6"/><xsd:fractionDigits value="2"/>
        </xsd:restriction></xsd:simpleType>
      </xsd:element>
      <xsd:element name="Filed" type="xsd:date"/>
      <xsd:element name="Tag" type="xsd:token" minOccurs="2" maxOccurs="2"/>
      <xsd:choice>
        <xsd:element name="Person" type="xsd:token"/>
        <xsd:element name="Company" type="xsd:token"/>
      </xsd:choice>
      <xsd:element name="Kind" type="xsd:token" fixed="standard"/>
    </xsd:sequence>
    <xsd:attribute ref="com:st96Version" use="required"/>
    <xsd:attribute name="status" type="xsd:token" use="required"/>
    <xsd:attribute name="schemaVersion" type="xsd:token" fixed="1.0"/>
  </xsd:complexType>
</xsd:element>
"""


@pytest.fixture
def mutated(write_xsd, tmp_path: Path) -> tuple[Path, dict, object]:
    source = tmp_path / "valid"
    write_corpus(write_xsd(ALL_KINDS), "Record", 60, 2, source)
    out = tmp_path / "mutants"
    report = mutate_corpus(source, out, seed=9)
    return out, json.loads((out / "manifest.json").read_text()), report


def test_every_kind_produces_rejected_mutants(mutated) -> None:
    _out, _manifest, report = mutated
    table = report.by_kind()
    for kind in DEFAULT_KINDS:
        assert table[kind].get("rejected", 0) >= 1, (kind, table[kind])
    assert [m for m in report.mutants if m.status != "rejected"] == []


def test_manifest_names_the_constraint(mutated) -> None:
    out, manifest, _report = mutated
    schema = json.loads(
        resources.files("st9x.formats").joinpath("manifest.schema.json").read_text()
    )
    jsonschema.validate(manifest, schema)
    assert manifest["cases"], "no cases written"
    for case in manifest["cases"]:
        assert case["expected"] == "invalid"
        assert case["constraint"] in DEFAULT_KINDS
        assert case["id"].endswith(case["constraint"])
        assert (out / case["instance"]).exists()


def test_value_mutants_break_exactly_their_kind(mutated, write_xsd) -> None:
    """Re-check value mutants facet by facet: the new value breaks its kind and no other."""
    out, manifest, _report = mutated
    from st9x.corpus.synth.xml.model import load_schema

    schema = load_schema(out / manifest["schemas"][0]["path"])
    record = schema.elements["Record"]
    checked = 0
    for case in manifest["cases"]:
        kind = case["constraint"]
        if kind not in ("enumeration", "pattern", "length", "numeric-bound", "digits",
                        "date-time"):
            continue
        root = etree.parse(str(out / case["instance"])).getroot()
        for child in root:
            decl = record.type.content.iter_elements()
            element = next(e for e in decl if e.name == child.tag)
            kinds = violated_kinds(element.type, child.text or "")
            if kinds:
                assert kinds == {kind}, (case["id"], child.tag, child.text, kinds)
                checked += 1
    assert checked >= 6


def test_malformed_is_available_on_request(write_xsd, tmp_path: Path) -> None:
    source = tmp_path / "valid"
    write_corpus(write_xsd(ALL_KINDS), "Record", 3, 2, source)
    report = mutate_corpus(source, tmp_path / "bad", kinds=["malformed"], seed=1)
    assert [m.status for m in report.mutants] == ["rejected"] * 3
    assert all(m.verdicts.malformed for m in report.mutants)


def test_mutation_is_deterministic(write_xsd, tmp_path: Path) -> None:
    source = tmp_path / "valid"
    write_corpus(write_xsd(ALL_KINDS), "Record", 10, 2, source)
    first = mutate_corpus(source, tmp_path / "a", seed=4)
    second = mutate_corpus(source, tmp_path / "b", seed=4)
    assert [m.data for m in first.mutants] == [m.data for m in second.mutants]
