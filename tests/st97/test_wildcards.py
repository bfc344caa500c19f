"""xsd:any, xsd:anyAttribute, xsd:anyType and xsi:type in the ST.97 converter.

Each case: an XSD written here, an instance valid under lxml, its JSON valid under jsonschema-rs
and jsonschema against the compiled schema, and the round trip back to XML XSD-valid and equal
to the original after C14N (with the counted normalisations of ``compare_xml``)."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from lxml import etree
from st97_helpers import assert_json_invalid, assert_json_valid
from xsd_helpers import NS, SAFE, xml, xsd_text

from st9x.st97 import Mapper, compare_xml, compile_schema, jsonio
from st9x.st97.errors import ConversionError
from st9x.st97.xmlchars import NAMESPACE_CHAR, NCNAME, NOT_XMLNS

OTHER = "urn:other"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

OTHER_XSD = f"""\
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="{OTHER}"
           elementFormDefault="qualified">
  <xs:element name="Extra"><xs:complexType><xs:sequence>
    <xs:element name="Code" type="xs:int"/></xs:sequence>
    <xs:attribute name="kind" type="xs:string"/></xs:complexType></xs:element>
</xs:schema>
"""


def _schema(tmp_path: Path, body: str, *, other: bool = False) -> Path:
    extra = f'xmlns:o="{OTHER}"' if other else ""
    text = xsd_text(body, extra_ns=extra)
    if other:
        (tmp_path / "other.xsd").write_text(OTHER_XSD, encoding="utf-8")
        text = text.replace(
            'version="V1_0">',
            f'version="V1_0">\n<xs:import namespace="{OTHER}" schemaLocation="other.xsd"/>', 1)
    path = tmp_path / "wild.xsd"
    path.write_text(text, encoding="utf-8")
    return path


def _xsd_valid(xsd: Path, doc: Any) -> None:
    schema = etree.XMLSchema(etree.parse(str(xsd), SAFE))
    tree = etree.ElementTree(etree.fromstring(doc, SAFE) if isinstance(doc, bytes) else doc)
    assert schema.validate(tree), schema.error_log


def _check(xsd: Path, source: bytes, *, exact_order: bool = True,
           **kwargs: Any) -> tuple[dict[str, Any], Any]:
    """Convert both ways and check every property the module docstring promises."""
    _xsd_valid(xsd, source)
    c = compile_schema(xsd, **kwargs)
    mapper = Mapper(c)
    doc = mapper.to_json(source)
    text = jsonio.dumps(doc)
    if kwargs.get("dialect") == "draft-07":
        errors = list(jsonschema.Draft7Validator(c.schema).iter_errors(jsonio.plain(doc)))
        assert not errors, [e.message for e in errors]
    else:
        assert_json_valid(c.schema, doc)
    back = mapper.to_xml(jsonio.loads(text))
    _xsd_valid(xsd, back)
    if exact_order:
        comparison = compare_xml(source, back)
        assert comparison.equal, comparison.difference
    return doc, c


# -- xsd:any ------------------------------------------------------------------------------------
ANY_XSD = """
<xs:element name="Doc">
  <xs:complexType>
    <xs:sequence>
      <xs:element name="Title" type="xs:string"/>
      <xs:any namespace="##other" processContents="skip" minOccurs="0" maxOccurs="unbounded"/>
      <xs:element name="End" type="xs:string" minOccurs="0"/>
    </xs:sequence>
  </xs:complexType>
</xs:element>
"""

ANY_DOC = xml(f"""
<t:Doc xmlns:t="{NS}" xmlns:x="urn:x">
  <t:Title>T</t:Title>
  <x:Note lang="en" xmlns:y="urn:y" y:n="1">see <x:b>bold</x:b> and <y:i/> end</x:Note>
  <x:Note/>
  <x:Other>  spaced  </x:Other>
  <t:End>E</t:End>
</t:Doc>
""")


@pytest.mark.parametrize("profile", ["st97-v2", "st97-v1-legacy"])
def test_any_other_skip_generic_form_round_trips(tmp_path: Path, profile: str) -> None:
    doc, c = _check(_schema(tmp_path, ANY_XSD), ANY_DOC, root="Doc", profile=profile)
    body = doc["doc"]
    assert body["{urn:x}Note"] == [
        {"attributes": {"lang": "en", "{urn:y}n": "1"},
         "content": ["see ", {"{urn:x}b": {"content": ["bold"]}}, " and ", {"{urn:y}i": {}},
                     " end"]},
        {},
    ]
    assert body["{urn:x}Other"] == [{"content": ["  spaced  "]}]
    props = c.schema["$defs"]["t_Doc"]["patternProperties"]
    # the namespace: ##other (not the target's), a URI reference, never the xmlns namespace;
    # the local name an NCName
    assert list(props) == ["^\\{" + NOT_XMLNS + r"(?!urn:test\})" + NAMESPACE_CHAR + "+\\}"
                           + NCNAME + "$"]
    # the namespace constraint is enforced: ##other rejects the target namespace and none
    for key in ("{urn:test}Sneaky", "{}Local"):
        assert_json_invalid(c.schema, {"doc": {**body, key: [{}]}})
    # the generic form is closed
    assert_json_invalid(c.schema, {"doc": {**body, "{urn:x}Other": [{"text": "x"}]}})


def test_any_order_across_names_is_a_reported_loss(tmp_path: Path) -> None:
    path = _schema(tmp_path, ANY_XSD)
    source = xml(f'<t:Doc xmlns:t="{NS}" xmlns:x="urn:x"><t:Title>T</t:Title>'
                 "<x:A/><x:B/><x:A/></t:Doc>")
    doc, c = _check(path, source, exact_order=False, root="Doc")
    assert list(doc["doc"]) == ["title", "{urn:x}A", "{urn:x}B"]
    back = etree.tostring(Mapper(c).to_xml(doc))
    assert [etree.QName(e).localname for e in etree.fromstring(back)] == ["Title", "A", "A", "B"]
    reasons = [loss.reason for loss in c.losses if loss.construct == "wildcard"]
    assert any("grouped by name" in r for r in reasons), reasons


def test_any_lax_with_global_declaration_is_typed(tmp_path: Path) -> None:
    path = _schema(tmp_path, """
    <xs:element name="Doc"><xs:complexType><xs:sequence>
      <xs:element name="Title" type="xs:string"/>
      <xs:any namespace="##other" processContents="lax" maxOccurs="unbounded"/>
    </xs:sequence></xs:complexType></xs:element>
    """, other=True)
    source = xml(f"""
    <t:Doc xmlns:t="{NS}" xmlns:o="{OTHER}" xmlns:x="urn:x">
      <t:Title>T</t:Title>
      <o:Extra kind="k"><o:Code>7</o:Code></o:Extra>
      <o:Extra><o:Code>8</o:Code></o:Extra>
      <x:Free>text</x:Free>
    </t:Doc>
    """)
    doc, c = _check(path, source, root="Doc")
    assert doc["doc"]["{urn:other}Extra"] == [{"kind": "k", "code": 7}, {"code": 8}]
    assert doc["doc"]["{urn:x}Free"] == [{"content": ["text"]}]
    definition = c.schema["$defs"]["t_Doc"]
    assert definition["properties"]["{urn:other}Extra"]["items"] == {
        "$ref": "#/$defs/o_Extra"}
    # the generic pattern leaves the typed name to its declaration
    assert all("(?!(?:\\{urn:other\\}Extra)$)" in p for p in definition["patternProperties"])
    bad = {"doc": {**doc["doc"], "{urn:other}Extra": [{"code": "seven"}]}}
    assert_json_invalid(c.schema, bad)
    # at least one wildcard element (minOccurs=1) is required
    assert_json_invalid(c.schema, {"doc": {"title": "T"}})


def test_any_strict_allows_declared_elements_only(tmp_path: Path) -> None:
    path = _schema(tmp_path, """
    <xs:element name="Doc"><xs:complexType><xs:sequence>
      <xs:any namespace="##other" processContents="strict" minOccurs="0"/>
    </xs:sequence></xs:complexType></xs:element>
    """, other=True)
    source = xml(f'<t:Doc xmlns:t="{NS}" xmlns:o="{OTHER}"><o:Extra><o:Code>1</o:Code>'
                 "</o:Extra></t:Doc>")
    doc, c = _check(path, source, root="Doc")
    assert doc == {"doc": {"{urn:other}Extra": [{"code": 1}]}}
    assert "patternProperties" not in c.schema["$defs"]["t_Doc"]
    assert_json_invalid(c.schema, {"doc": {"{urn:x}Free": [{}]}})
    with pytest.raises(ConversionError, match="unexpected element"):
        Mapper(c).to_json(xml(f'<t:Doc xmlns:t="{NS}" xmlns:x="urn:x"><x:Free/></t:Doc>'))


def test_any_inside_mixed_content_keeps_order(tmp_path: Path) -> None:
    path = _schema(tmp_path, """
    <xs:element name="P"><xs:complexType mixed="true"><xs:sequence>
      <xs:any namespace="##other" processContents="lax" minOccurs="0" maxOccurs="unbounded"/>
    </xs:sequence></xs:complexType></xs:element>
    """, other=True)
    source = xml(f'<t:P xmlns:t="{NS}" xmlns:o="{OTHER}" xmlns:x="urn:x">a <x:b>B</x:b> c '
                 "<o:Extra><o:Code>3</o:Code></o:Extra> d <x:b/></t:P>")
    doc, _ = _check(path, source, root="P")
    assert doc["p"]["content"] == [
        "a ", {"{urn:x}b": {"content": ["B"]}}, " c ", {"{urn:other}Extra": {"code": 3}},
        " d ", {"{urn:x}b": {}}]


def test_any_with_local_and_listed_namespaces(tmp_path: Path) -> None:
    path = tmp_path / "local.xsd"
    path.write_text(textwrap.dedent(f"""\
        <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:t="{NS}"
                   targetNamespace="{NS}" elementFormDefault="qualified">
          <xs:element name="Doc"><xs:complexType><xs:sequence>
            <xs:element name="A" type="xs:string"/>
            <xs:any namespace="##local urn:x/y" processContents="skip" maxOccurs="2"/>
          </xs:sequence></xs:complexType></xs:element>
        </xs:schema>
        """), encoding="utf-8")
    source = xml(f'<t:Doc xmlns:t="{NS}"><t:A>a</t:A><Plain n="1">p</Plain>'
                 '<z:Q xmlns:z="urn:x/y"/></t:Doc>')
    doc, c = _check(path, source, root="Doc")
    assert doc["doc"]["{}Plain"] == [{"attributes": {"n": "1"}, "content": ["p"]}]
    assert doc["doc"]["{urn:x/y}Q"] == [{}]
    assert_json_invalid(c.schema, {"doc": {"a": "a", "{urn:z}Q": [{}]}})
    members = c.schema["$defs"]["t_Doc"]["patternProperties"]
    assert next(iter(members.values()))["maxItems"] == 2


# -- xsd:anyAttribute ---------------------------------------------------------------------------
def test_any_attribute_members(tmp_path: Path) -> None:
    path = _schema(tmp_path, """
    <xs:element name="R"><xs:complexType><xs:simpleContent>
      <xs:extension base="xs:string">
        <xs:attribute name="code" type="xs:int"/>
        <xs:anyAttribute namespace="##other" processContents="skip"/>
      </xs:extension></xs:simpleContent></xs:complexType></xs:element>
    """)
    source = xml(f'<t:R xmlns:t="{NS}" xmlns:x="urn:x" code="3" x:a="1" xml:lang="en">v</t:R>')
    doc, c = _check(path, source, root="R")
    assert doc == {"r": {"code": 3, "@{urn:x}a": "1",
                         "@{http://www.w3.org/XML/1998/namespace}lang": "en", "value": "v"}}
    assert_json_invalid(c.schema, {"r": {"value": "v", "@plain": "no namespace: not ##other"}})
    assert_json_invalid(c.schema, {"r": {"value": "v", "@{urn:x}a": 1}})
    with pytest.raises(ConversionError, match="undeclared attribute"):
        Mapper(c).to_json(xml(f'<t:R xmlns:t="{NS}" plain="1">v</t:R>'))


def test_any_attribute_strict_is_a_loss(tmp_path: Path) -> None:
    c = compile_schema(_schema(tmp_path, """
    <xs:element name="R"><xs:complexType><xs:anyAttribute/></xs:complexType></xs:element>
    """))
    assert "any-attribute" in c.loss_counts()


# -- xsd:anyType --------------------------------------------------------------------------------
@pytest.mark.parametrize("dialect", ["2020-12", "draft-07"])
def test_any_type_element_is_generic(tmp_path: Path, dialect: str) -> None:
    path = _schema(tmp_path, """
    <xs:element name="R"><xs:complexType><xs:sequence>
      <xs:element name="Payload" type="xs:anyType" maxOccurs="unbounded"/>
      <xs:element name="Maybe" type="xs:anyType" nillable="true" minOccurs="0"/>
    </xs:sequence></xs:complexType></xs:element>
    """)
    source = xml(f"""
    <t:R xmlns:t="{NS}" xmlns:xsi="{XSI}">
      <t:Payload any="thing"><t:Inner>deep<t:X/></t:Inner>mixed<!-- c -->!</t:Payload>
      <t:Payload>plain</t:Payload>
      <t:Maybe xsi:nil="true"/>
    </t:R>
    """)
    doc, c = _check(path, source, root="R", dialect=dialect)
    assert doc["r"]["payload"] == [
        {"attributes": {"any": "thing"},
         "content": [{"{urn:test}Inner": {"content": ["deep", {"{urn:test}X": {}}]}},
                     "mixed!"]},
        {"content": ["plain"]},
    ]
    assert doc["r"]["maybe"] is None
    assert "any-type" in c.loss_counts()


# -- xsi:type -----------------------------------------------------------------------------------
XSI_XSD = """
<xs:complexType name="PartyType">
  <xs:sequence><xs:element name="Name" type="xs:string"/></xs:sequence>
</xs:complexType>
<xs:complexType name="PersonType">
  <xs:complexContent><xs:extension base="t:PartyType"><xs:sequence>
    <xs:element name="Born" type="xs:date"/></xs:sequence>
    <xs:attribute name="title" type="xs:string"/>
  </xs:extension></xs:complexContent>
</xs:complexType>
<xs:complexType name="CodeType">
  <xs:simpleContent><xs:extension base="xs:string">
    <xs:attribute name="scheme" type="xs:string"/></xs:extension></xs:simpleContent>
</xs:complexType>
<xs:element name="R"><xs:complexType><xs:sequence>
  <xs:element name="Party" type="t:PartyType" maxOccurs="unbounded"/>
  <xs:element name="Code" type="xs:string" minOccurs="0"/>
</xs:sequence></xs:complexType></xs:element>
"""

XSI_DOC = xml(f"""
<t:R xmlns:t="{NS}" xmlns:xsi="{XSI}">
  <t:Party><t:Name>A</t:Name></t:Party>
  <t:Party xsi:type="t:PersonType" title="Dr"><t:Name>B</t:Name>
    <t:Born>2000-01-01</t:Born></t:Party>
  <t:Party xsi:type="t:PartyType"><t:Name>C</t:Name></t:Party>
</t:R>
""")


@pytest.mark.parametrize("profile", ["st97-v2", "st97-v1-legacy"])
@pytest.mark.parametrize("dialect", ["2020-12", "draft-07"])
def test_xsi_type_derived_type_round_trips(tmp_path: Path, profile: str, dialect: str) -> None:
    path = _schema(tmp_path, XSI_XSD)
    doc, c = _check(path, XSI_DOC, root="R", profile=profile, dialect=dialect,
                    options={"xsi-type": "anyof"})
    parties = doc["r"]["party"]
    assert parties[1]["$type"] == "{urn:test}PersonType"
    assert "$type" not in parties[0] and "$type" not in parties[2]  # the declared type itself
    back = Mapper(c).to_xml(doc)
    assert back[1].get(f"{{{XSI}}}type") == "t:PersonType"
    if dialect == "2020-12":
        wrong = {"r": {"party": [{**parties[1], "$type": "{urn:test}PartyType"}]}}
        assert_json_invalid(c.schema, wrong)
        assert_json_invalid(c.schema, {"r": {"party": [{"name": "A", "born": "2000-01-01"}]}})
    with pytest.raises(ConversionError, match="not a type derived"):
        Mapper(c).to_xml({"r": {"party": [{**parties[1], "$type": "{urn:test}CodeType"}]}})


def test_xsi_type_default_is_a_loss_and_refused(tmp_path: Path) -> None:
    c = compile_schema(_schema(tmp_path, XSI_XSD), root="R")
    losses = [loss for loss in c.losses if loss.construct == "xsi-type"]
    assert losses and "PersonType" in losses[0].reason
    with pytest.raises(ConversionError, match="xsi-type=anyof") as info:
        Mapper(c).to_json(XSI_DOC)
    assert info.value.line == 3
    # naming the declared type changes nothing and is accepted
    assert Mapper(c).to_json(xml(f'<t:R xmlns:t="{NS}" xmlns:xsi="{XSI}"><t:Party '
                                 'xsi:type="t:PartyType"><t:Name>A</t:Name></t:Party></t:R>'))


def test_xsi_type_unknown_or_unbound_stops_the_mapper(tmp_path: Path) -> None:
    c = compile_schema(_schema(tmp_path, XSI_XSD), root="R", options={"xsi-type": "anyof"})
    for value, message in (("t:CodeType", "not a type derived"), ("q:PersonType", "not bound")):
        source = xml(f'<t:R xmlns:t="{NS}" xmlns:xsi="{XSI}"><t:Party xsi:type="{value}">'
                     "<t:Name>A</t:Name></t:Party></t:R>")
        with pytest.raises(ConversionError, match=message):
            Mapper(c).to_json(source)


# -- $ref pointers ------------------------------------------------------------------------------
def test_refs_escape_json_pointer_tokens(tmp_path: Path) -> None:
    # two local anonymous types with the same stem (t_R.A): the second key gets "~2"
    path = _schema(tmp_path, """
    <xs:element name="R"><xs:complexType><xs:sequence>
      <xs:element name="X"><xs:complexType><xs:sequence>
        <xs:element name="A"><xs:complexType><xs:sequence>
          <xs:element name="V" type="xs:string"/></xs:sequence></xs:complexType></xs:element>
      </xs:sequence></xs:complexType></xs:element>
      <xs:element name="Y"><xs:complexType><xs:sequence>
        <xs:element name="A"><xs:complexType><xs:sequence>
          <xs:element name="W" type="xs:int"/></xs:sequence></xs:complexType></xs:element>
      </xs:sequence></xs:complexType></xs:element>
    </xs:sequence></xs:complexType></xs:element>
    """)
    for dialect in ("2020-12", "draft-07"):
        c = compile_schema(path, root="R", dialect=dialect)
        text = jsonio.dumps(c.schema).decode()
        keys = c.schema["$defs" if dialect == "2020-12" else "definitions"]
        assert any("~" in k for k in keys), list(keys)
        assert "t_R.A~2" in keys and '/t_R.A~02"' in text and "/t_R.A~2" not in text
        if dialect == "2020-12":
            assert_json_valid(c.schema, {"r": {"x": {"a": {"v": "s"}}, "y": {"a": {"w": 1}}}})
            assert_json_invalid(c.schema, {"r": {"x": {"a": {"v": "s"}},
                                                 "y": {"a": {"w": "no"}}}})
