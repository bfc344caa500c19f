"""Each register decision and option on small inline XSDs: schema shape, instance shape,
verdicts of two JSON Schema validators, and the XML round trip (XSD-valid, C14N-equal)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from st97_helpers import assert_json_invalid, assert_json_valid
from xsd_helpers import NS, xml

from st9x.st97 import ConversionError, compile_schema, jsonio
from st9x.st97.mapper import Mapper

DOC_XSD = """
<xs:element name="Doc" type="t:DocType"/>
<xs:complexType name="DocType">
  <xs:sequence>
    <xs:element ref="t:ApplicantBag"/>
    <xs:element name="Title" type="t:TextType"/>
    <xs:choice>
      <xs:element name="Phone" type="xs:string"/>
      <xs:element name="Email" type="xs:string"/>
    </xs:choice>
    <xs:element name="Amount" type="xs:decimal"/>
    <xs:element name="Count" type="xs:integer"/>
    <xs:element name="Flag" type="xs:boolean"/>
    <xs:element name="Agent" type="t:PartyType" minOccurs="0"/>
    <xs:element name="Note" type="xs:string" minOccurs="0" maxOccurs="unbounded"/>
  </xs:sequence>
  <xs:attribute name="st96Version" type="xs:token" use="required"/>
</xs:complexType>
<xs:element name="ApplicantBag">
  <xs:complexType><xs:sequence>
    <xs:element ref="t:Applicant" maxOccurs="unbounded"/>
  </xs:sequence></xs:complexType>
</xs:element>
<xs:element name="Applicant" type="t:ApplicantType"/>
<xs:complexType name="PartyType">
  <xs:sequence><xs:element name="Name" type="xs:string"/></xs:sequence>
  <xs:attribute name="id" type="xs:string"/>
</xs:complexType>
<xs:complexType name="ApplicantType">
  <xs:complexContent><xs:extension base="t:PartyType">
    <xs:sequence><xs:element name="Nationality" type="xs:string" minOccurs="0"/></xs:sequence>
  </xs:extension></xs:complexContent>
</xs:complexType>
<xs:complexType name="TextType">
  <xs:simpleContent><xs:extension base="xs:string">
    <xs:attribute name="languageCode" type="xs:language"/>
  </xs:extension></xs:simpleContent>
</xs:complexType>
"""

DOC = xml(f"""
<t:Doc xmlns:t="{NS}" st96Version="V1_0">
  <t:ApplicantBag>
    <t:Applicant id="a1"><t:Name>Ann</t:Name><t:Nationality>FR</t:Nationality></t:Applicant>
  </t:ApplicantBag>
  <t:Title languageCode="en">A title</t:Title>
  <t:Email>ann@example.org</t:Email>
  <t:Amount>12.50</t:Amount>
  <t:Count>7</t:Count>
  <t:Flag>true</t:Flag>
  <t:Note>one</t:Note>
</t:Doc>
""")


def test_v2_document_shape_and_round_trip(make_xsd, roundtrip) -> None:
    path = make_xsd(DOC_XSD)
    rt = roundtrip(path, DOC, root="Doc")
    doc = rt.json["doc"]
    # decision 4 (+1): the Bag is the array, named with its Bag suffix; one item is still a list
    assert doc["applicantBag"] == [{"id": "a1", "name": "Ann", "nationality": "FR"}]
    # decision 7: simple content under "value"
    assert doc["title"] == {"languageCode": "en", "value": "A title"}
    # decision 5: each alternative of a choice inside a longer sequence is an array
    assert doc["email"] == ["ann@example.org"] and "phone" not in doc
    # typed scalars from the XSD; decimals exact
    assert doc["amount"] == Decimal("12.50") and b'"amount":12.50' in rt.text
    assert doc["count"] == 7 and doc["flag"] is True
    assert doc["note"] == ["one"]
    assert_json_valid(rt.c.schema, rt.json)
    assert rt.xsd_valid, rt.xsd_errors
    assert rt.comparison.equal, rt.comparison.difference


def test_v2_schema_keywords(make_xsd) -> None:
    c = compile_schema(make_xsd(DOC_XSD), root="Doc")
    defs = c.schema["$defs"]
    assert defs["t_ApplicantBag"]["type"] == "array"  # collapsed collection (decision 4)
    doc_type = defs["t_DocType"]
    assert doc_type["properties"]["phone"]["minItems"] == 1
    assert doc_type["anyOf"] == [{"required": ["phone"]}, {"required": ["email"]}]
    ext = defs["t_ApplicantType"]  # decision 8
    assert ext["allOf"][0] == {"$ref": "#/$defs/t_PartyType"}
    assert ext["unevaluatedProperties"] is False
    assert "additionalProperties" not in defs["t_PartyType"]  # open: it is extended…
    assert doc_type["properties"]["agent"] == {  # …and closed where used
        "$ref": "#/$defs/t_PartyType", "unevaluatedProperties": False}


def test_anyof_gap_and_strict_choice(make_xsd) -> None:
    path = make_xsd(DOC_XSD)
    loose = compile_schema(path, root="Doc")
    doc = Mapper(loose).to_json(DOC)
    doc["doc"]["phone"] = ["+33 1"]
    # decision 5's anyOf accepts two alternatives …
    assert_json_valid(loose.schema, doc)
    # … which the XSD choice does not: the schema-driven mapper cannot place the second one
    with pytest.raises(ConversionError, match="could not place") as info:
        Mapper(loose).to_xml(doc)
    partial = info.value.partial  # converted as far as possible: without the 2nd alternative
    assert partial is not None
    assert partial.find(f"{{{NS}}}Phone") is not None
    assert partial.find(f"{{{NS}}}Email") is None
    strict = compile_schema(path, root="Doc", options={"strict-choice": "true"})
    assert_json_invalid(strict.schema, doc)
    assert_json_valid(strict.schema, Mapper(strict).to_json(DOC))


def test_extension_properties_and_closedness(make_xsd) -> None:
    c = compile_schema(make_xsd(DOC_XSD), root="Doc")
    doc = Mapper(c).to_json(DOC)
    doc["doc"]["applicantBag"][0]["unknown"] = 1
    assert_json_invalid(c.schema, doc)
    doc = Mapper(c).to_json(DOC)
    doc["doc"]["agent"] = {"name": "Bob", "nationality": "FR"}  # extension property on the base
    assert_json_invalid(c.schema, doc)
    doc["doc"]["agent"] = {"name": "Bob"}
    assert_json_valid(c.schema, doc)


def test_legacy_profile_shapes(make_xsd, roundtrip) -> None:
    rt = roundtrip(make_xsd(DOC_XSD), DOC, root="Doc", profile="st97-v1-legacy")
    doc = rt.json["doc"]
    assert doc["title"] == {"languageCode": "en", "$": "A title"}
    # wrapper object around the collection, nested base for the extension
    assert doc["applicantBag"] == {
        "applicant": [{"partyType": {"id": "a1", "name": "Ann"}, "nationality": "FR"}]}
    assert doc["docChoice1"] == {"email": "ann@example.org"}
    assert_json_valid(rt.c.schema, rt.json)
    assert rt.xsd_valid, rt.xsd_errors
    assert rt.comparison.equal, rt.comparison.difference


CHOICE_XSD = """
<xs:element name="ClassificationBag">
  <xs:complexType><xs:choice maxOccurs="unbounded">
    <xs:element name="A" type="xs:string"/>
    <xs:element name="B" type="xs:string"/>
  </xs:choice></xs:complexType>
</xs:element>
"""
CHOICE_DOC = xml(f"""
<t:ClassificationBag xmlns:t="{NS}"><t:A>1</t:A><t:B>2</t:B><t:A>3</t:A></t:ClassificationBag>
""")


def test_choice_unbounded_ordered_keeps_order(make_xsd, roundtrip) -> None:
    rt = roundtrip(make_xsd(CHOICE_XSD), CHOICE_DOC, options={"choice-unbounded": "ordered"})
    assert rt.json == {"classificationBag": [{"a": "1"}, {"b": "2"}, {"a": "3"}]}
    assert_json_valid(rt.c.schema, rt.json)
    assert rt.xsd_valid and rt.comparison.equal


def test_choice_unbounded_per_alternative_loses_order_and_says_so(make_xsd, roundtrip) -> None:
    rt = roundtrip(make_xsd(CHOICE_XSD), CHOICE_DOC)
    assert rt.json == {"classificationBag": {"a": ["1", "3"], "b": ["2"]}}
    assert_json_valid(rt.c.schema, rt.json)
    assert rt.xsd_valid  # any order is valid for a repeated choice …
    assert not rt.comparison.equal  # … but the document order is gone,
    assert "choice-order" in rt.c.loss_counts()  # and the loss report says so


MIXED_XSD = """
<xs:element name="P" type="t:PhraseType"/>
<xs:complexType name="PhraseType" mixed="true">
  <xs:choice minOccurs="0" maxOccurs="unbounded">
    <xs:element name="B" type="t:PhraseType"/>
    <xs:element name="Sub" type="xs:string"/>
  </xs:choice>
  <xs:attribute name="id" type="xs:string"/>
</xs:complexType>
"""
MIXED_DOC = xml(f"""
<t:P xmlns:t="{NS}" id="p1">H<t:Sub>2</t:Sub>O is <t:B>not <t:B>only</t:B></t:B> water</t:P>
""")


def test_mixed_content_array(make_xsd, roundtrip) -> None:
    rt = roundtrip(make_xsd(MIXED_XSD), MIXED_DOC)
    assert rt.json["p"] == {"id": "p1", "content": [
        "H", {"sub": "2"}, "O is ", {"b": {"content": ["not ", {"b": {"content": ["only"]}}]}},
        " water"]}
    assert_json_valid(rt.c.schema, rt.json)
    assert rt.xsd_valid and rt.comparison.equal
    assert "mixed-content" not in rt.c.loss_counts()  # (a|b)* is expressed exactly


def test_mixed_jsonml(make_xsd, roundtrip) -> None:
    rt = roundtrip(make_xsd(MIXED_XSD), MIXED_DOC, options={"mixed": "jsonml"})
    assert rt.json["p"] == [{"id": "p1"}, "H", ["Sub", {}, "2"], "O is ",
                            ["B", {}, "not ", ["B", {}, "only"]], " water"]
    assert_json_valid(rt.c.schema, rt.json)
    assert rt.xsd_valid and rt.comparison.equal
    assert "mixed-content" in rt.c.loss_counts()  # children are untyped JsonML


def test_mixed_text_only_drops_markup_and_reports_it(make_xsd, roundtrip) -> None:
    rt = roundtrip(make_xsd(MIXED_XSD), MIXED_DOC, options={"mixed": "text-only"})
    assert rt.json["p"] == {"id": "p1", "value": "H2O is not only water"}
    assert_json_valid(rt.c.schema, rt.json)
    assert rt.xsd_valid and not rt.comparison.equal
    assert "mixed-content" in rt.c.loss_counts()


@pytest.mark.parametrize("mode", ["none", "property", "id"])
def test_version_indicator(make_xsd, mode: str) -> None:
    c = compile_schema(make_xsd(CHOICE_XSD), options={"version": mode})
    doc = Mapper(c).to_json(CHOICE_DOC)
    assert_json_valid(c.schema, doc)
    if mode == "property":
        assert doc["schemaVersion"] == "V1_0"
        assert c.schema["properties"]["schemaVersion"] == {"const": "V1_0"}
        bad = dict(doc, schemaVersion="V9_0")
        assert_json_invalid(c.schema, bad)
        with pytest.raises(Exception, match="schemaVersion"):
            Mapper(c).to_xml(bad)
    elif mode == "id":
        assert "V1_0" in c.schema["$id"] and "schemaVersion" not in doc
    else:
        assert "$id" not in c.schema and "schemaVersion" not in doc


def test_unknown_profile_or_option_is_an_error(make_xsd) -> None:
    path = make_xsd(CHOICE_XSD)
    with pytest.raises(ValueError, match="unknown option"):
        compile_schema(path, options={"choice-unbound": "ordered"})
    with pytest.raises(ValueError, match="expected one of"):
        compile_schema(path, options={"mixed": "html"})
    with pytest.raises(ValueError, match="unknown profile"):
        compile_schema(path, profile="st97-v3")


def test_round_trip_through_json_text_keeps_document(make_xsd) -> None:
    c = compile_schema(make_xsd(DOC_XSD), root="Doc")
    doc = Mapper(c).to_json(DOC)
    assert jsonio.loads(jsonio.dumps(doc)) == doc
