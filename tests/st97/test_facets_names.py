"""Facets, naming, loss reporting, mapper errors and streaming, on inline XSDs."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from st97_helpers import assert_json_invalid, assert_json_valid
from xsd_helpers import NS, xml

from st9x.st97 import ConversionError, compile_schema, iter_records
from st9x.st97.mapper import Mapper
from st9x.st97.names import lower_camel

FACETS_XSD = """
<xs:element name="R" type="t:RType"/>
<xs:complexType name="RType">
  <xs:sequence>
    <xs:element name="Code" type="t:CodeType"/>
    <xs:element name="Name" type="t:NameType"/>
    <xs:element name="Amount" type="t:AmountType"/>
    <xs:element name="Year" type="xs:gYear"/>
    <xs:element name="Day" type="xs:date"/>
    <xs:element name="Size" type="t:SizeType"/>
    <xs:element name="Maybe" type="xs:string" nillable="true"/>
    <xs:element name="Item" type="xs:string" minOccurs="2" maxOccurs="3"/>
  </xs:sequence>
  <xs:attribute name="kind" type="xs:string" default="plain"/>
  <xs:attribute name="fixedOne" type="xs:string" fixed="one"/>
</xs:complexType>
<xs:simpleType name="CodeType">
  <xs:restriction base="xs:token">
    <xs:enumeration value="A1"/><xs:enumeration value="B2"/>
  </xs:restriction>
</xs:simpleType>
<xs:simpleType name="NameType">
  <xs:restriction base="xs:string">
    <xs:minLength value="2"/><xs:maxLength value="5"/><xs:pattern value="\\p{Lu}\\c*"/>
  </xs:restriction>
</xs:simpleType>
<xs:simpleType name="AmountType">
  <xs:restriction base="xs:decimal">
    <xs:totalDigits value="5"/><xs:fractionDigits value="2"/><xs:minInclusive value="0"/>
  </xs:restriction>
</xs:simpleType>
<xs:simpleType name="SizeType">
  <xs:restriction base="xs:positiveInteger"><xs:maxExclusive value="100"/></xs:restriction>
</xs:simpleType>
"""

FACETS_DOC = xml(f"""
<t:R xmlns:t="{NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" kind="x">
  <t:Code>A1</t:Code><t:Name>Ab-1</t:Name><t:Amount>123.45</t:Amount><t:Year>2024</t:Year>
  <t:Day>2024-02-29Z</t:Day><t:Size>99</t:Size><t:Maybe xsi:nil="true"/>
  <t:Item>x</t:Item><t:Item>y</t:Item>
</t:R>
""")


def test_facets_become_keywords_and_behave_like_the_xsd(make_xsd, roundtrip) -> None:
    # regex-unicode=expand: Python's re (used by jsonschema) has no \p{..}
    rt = roundtrip(make_xsd(FACETS_XSD), FACETS_DOC, options={"regex-unicode": "expand"})
    defs = rt.c.schema["$defs"]
    assert defs["t_CodeType"]["enum"] == ["A1", "B2"]
    assert defs["t_NameType"]["minLength"] == 2 and defs["t_NameType"]["maxLength"] == 5
    assert defs["t_AmountType"]["multipleOf"] == 0.01
    props = defs["t_RType"]["properties"]
    assert props["kind"]["default"] == "plain" and props["fixedOne"]["const"] == "one"
    assert props["item"]["minItems"] == 2 and props["item"]["maxItems"] == 3
    r = rt.json["r"]
    assert r["amount"] == Decimal("123.45") and r["size"] == 99 and r["maybe"] is None
    assert_json_valid(rt.c.schema, rt.json)
    assert rt.xsd_valid, rt.xsd_errors
    assert rt.comparison.equal, rt.comparison.difference
    assert rt.comparison.normalised.get("whitespace")  # indentation only

    for field, bad in [("code", "C3"), ("name", "ab"), ("name", "Abcdef"), ("amount", 1000),
                       ("amount", Decimal("1.234")), ("amount", -1), ("year", "24"),
                       ("day", "2024-13-01"), ("size", 100), ("size", 0), ("item", ["x"]),
                       ("fixedOne", "two")]:
        broken = {"r": dict(r, **{field: bad})}
        if field == "fixedOne":
            broken["r"]["fixedOne"] = bad
        assert_json_invalid(rt.c.schema, broken)


def test_defs_keys_are_prefixed_by_namespace(tmp_path: Path) -> None:
    other = tmp_path / "other.xsd"
    other.write_text("""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
        xmlns:o="urn:other" targetNamespace="urn:other" elementFormDefault="qualified">
      <xs:element name="ApplicantBag" type="o:ApplicantBagType"/>
      <xs:complexType name="ApplicantBagType"><xs:sequence>
        <xs:element name="X" type="xs:string"/><xs:element name="Y" type="xs:string"/>
      </xs:sequence></xs:complexType></xs:schema>""")
    main = tmp_path / "main.xsd"
    main.write_text(f"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
        xmlns:t="{NS}" xmlns:o="urn:other" targetNamespace="{NS}" elementFormDefault="qualified">
      <xs:import namespace="urn:other" schemaLocation="other.xsd"/>
      <xs:element name="Doc"><xs:complexType><xs:sequence>
        <xs:element ref="t:ApplicantBag"/><xs:element ref="o:ApplicantBag"/>
      </xs:sequence></xs:complexType></xs:element>
      <xs:element name="ApplicantBag" type="t:ApplicantBagType"/>
      <xs:complexType name="ApplicantBagType"><xs:sequence>
        <xs:element name="Z" type="xs:string"/><xs:element name="W" type="xs:string"/>
      </xs:sequence></xs:complexType></xs:schema>""")
    c = compile_schema(main, root="Doc")
    assert {"t_ApplicantBagType", "o_ApplicantBagType"} <= set(c.schema["$defs"])
    props = c.schema["$defs"]["t_Doc"]["properties"]
    # the same local name from two namespaces in one object: the second gets a suffix
    assert set(props) == {"applicantBag", "applicantBag_o"}
    assert "name-collision" in c.loss_counts()
    doc = xml(f"""<t:Doc xmlns:t="{NS}" xmlns:o="urn:other">
        <t:ApplicantBag><t:Z>1</t:Z><t:W>2</t:W></t:ApplicantBag>
        <o:ApplicantBag><o:X>3</o:X><o:Y>4</o:Y></o:ApplicantBag></t:Doc>""")
    m = Mapper(c)
    out = m.to_json(doc)
    assert_json_valid(c.schema, out)
    back = m.to_xml(out)
    assert [e.tag for e in back] == [f"{{{NS}}}ApplicantBag", "{urn:other}ApplicantBag"]


def test_lower_camel_lowers_a_leading_acronym() -> None:
    assert [lower_camel(n) for n in ("IPOfficeCode", "IPCRClassificationBag", "NPLCitation",
                                     "ApplicantBag", "B", "Sub", "ST13ApplicationNumber",
                                     "ipoVersion")] == [
        "ipOfficeCode", "ipcrClassificationBag", "nplCitation", "applicantBag", "b", "sub",
        "st13ApplicationNumber", "ipoVersion"]


def test_element_attribute_name_collision(make_xsd, roundtrip) -> None:
    path = make_xsd("""
    <xs:element name="R"><xs:complexType><xs:sequence>
      <xs:element name="Code" type="xs:string"/>
    </xs:sequence><xs:attribute name="code" type="xs:string"/></xs:complexType></xs:element>
    """)
    rt = roundtrip(path, xml(f'<t:R xmlns:t="{NS}" code="a"><t:Code>b</t:Code></t:R>'))
    assert rt.json == {"r": {"codeAttribute": "a", "code": "b"}}
    assert rt.comparison.equal and "name-collision" in rt.c.loss_counts()


def test_unsupported_constructs_are_losses_with_file_and_line(make_xsd) -> None:
    path = make_xsd("""
    <xs:element name="R">
      <xs:complexType>
        <xs:sequence><xs:any namespace="##other" processContents="lax"/></xs:sequence>
        <xs:anyAttribute/>
      </xs:complexType>
    </xs:element>
    """)
    c = compile_schema(path)
    constructs = {loss.construct: loss for loss in c.losses}
    assert {"wildcard", "any-attribute"} <= set(constructs)
    assert re.match(rf"{path.name}:\d+ ", constructs["wildcard"].location)


def test_mapper_stops_with_location_and_partial_result(make_xsd) -> None:
    c = compile_schema(make_xsd(FACETS_XSD))
    bad = FACETS_DOC.replace(b"<t:Size>99</t:Size>", b"<t:Size>99</t:Size><t:Oops/>")
    with pytest.raises(ConversionError) as info:
        Mapper(c).to_json(bad)
    err = info.value
    assert "Oops" in str(err) and err.line == 3
    assert err.partial["r"]["code"] == "A1" and "item" not in err.partial["r"]
    with pytest.raises(ConversionError, match="not an integer"):
        Mapper(c).to_json(FACETS_DOC.replace(b">99<", b">x<"))
    with pytest.raises(ConversionError, match="expected an integer"):
        Mapper(c).to_xml({"r": {**Mapper(c).to_json(FACETS_DOC)["r"], "size": "99"}})


def test_streaming_a_bag_converts_record_by_record(make_xsd, tmp_path: Path) -> None:
    path = make_xsd("""
    <xs:element name="RecordBag"><xs:complexType><xs:sequence>
      <xs:element ref="t:Record" maxOccurs="unbounded"/>
    </xs:sequence></xs:complexType></xs:element>
    <xs:element name="Record"><xs:complexType><xs:sequence>
      <xs:element name="N" type="xs:int"/>
    </xs:sequence></xs:complexType></xs:element>
    """)
    c = compile_schema(path, root="RecordBag")
    big = tmp_path / "big.xml"
    with big.open("w") as out:
        out.write(f'<t:RecordBag xmlns:t="{NS}">')
        for i in range(5000):
            out.write(f"<t:Record><t:N>{i}</t:N></t:Record>")
        out.write("</t:RecordBag>")
    records = iter_records(c, big)
    first = next(records)
    assert first == ("recordBag", {"n": 0})
    rest = list(records)
    assert len(rest) == 4999 and rest[-1] == ("recordBag", {"n": 4999})
    whole = Mapper(c).to_json(big)["recordBag"]
    assert [v for _, v in [first, *rest]] == whole
