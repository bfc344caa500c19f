"""Legacy-profile (``st97-v1-legacy``) choice wrappers and nested base types.

Regressions from the V6_0 PatentPublication example, reduced to schemas written here:

* MathML ``msub`` is a sequence of two identical choices: each child goes into the wrapper of
  its own choice particle (``…Choice1`` the first, ``…Choice2`` the second), in content-model
  order, not all into the first wrapper that has room for the property.
* OASIS ``tbody``/``row`` (``com:TableBodyType`` extends ``tbl:tbody`` with a repeated
  one-alternative choice): the nested base wrapper (``"tbody": {...}``) is required only when
  the base's object is never empty, since an element without base attributes has none.

Each instance is XSD-valid; its JSON is valid against the compiled schema under jsonschema-rs
and jsonschema, and its round trip is XSD-valid and C14N-equal to the original.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from st97_helpers import RoundTrip, assert_json_valid
from xsd_helpers import NS, SAFE, xml

from st9x.st97 import Mapper, compile_schema

LEGACY = {"profile": "st97-v1-legacy", "root": None}

PAIR = """
<xs:group name="Expr">
  <xs:choice>
    <xs:element name="A" type="xs:string"/>
    <xs:element name="B" type="xs:int"/>
    <xs:sequence>
      <xs:element name="C" type="xs:string"/>
      <xs:element name="D" type="xs:string" minOccurs="0"/>
    </xs:sequence>
  </xs:choice>
</xs:group>
<xs:element name="Pair">
  <xs:complexType>
    <xs:sequence>
      <xs:group ref="t:Expr"/>
      <xs:group ref="t:Expr"/>
    </xs:sequence>
  </xs:complexType>
</xs:element>
"""

TABLE = """
<xs:complexType name="bodyBase">
  <xs:attribute name="valign" type="xs:string"/>
</xs:complexType>
<xs:complexType name="rowBase">
  <xs:attribute name="rowsep" type="xs:boolean"/>
</xs:complexType>
<xs:complexType name="BodyType">
  <xs:complexContent>
    <xs:extension base="t:bodyBase">
      <xs:choice>
        <xs:element ref="t:Row" maxOccurs="unbounded"/>
      </xs:choice>
    </xs:extension>
  </xs:complexContent>
</xs:complexType>
<xs:complexType name="RowType">
  <xs:complexContent>
    <xs:extension base="t:rowBase">
      <xs:choice>
        <xs:element name="Entry" type="xs:string" maxOccurs="unbounded"/>
      </xs:choice>
    </xs:extension>
  </xs:complexContent>
</xs:complexType>
<xs:element name="Row" type="t:RowType"/>
<xs:element name="Table">
  <xs:complexType>
    <xs:sequence>
      <xs:element name="Head" type="t:BodyType" minOccurs="0"/>
      <xs:element name="Body" type="t:BodyType" maxOccurs="unbounded"/>
      <xs:choice maxOccurs="unbounded">
        <xs:element name="Note" type="xs:string"/>
      </xs:choice>
    </xs:sequence>
  </xs:complexType>
</xs:element>
"""


def _check(make_xsd: Callable[..., Path], roundtrip: Callable[..., RoundTrip], body: str,
           instance: str) -> dict[str, Any]:
    xsd = make_xsd(body)
    source = xml(instance)
    schema = etree.XMLSchema(etree.parse(str(xsd), SAFE))
    assert schema.validate(etree.ElementTree(etree.fromstring(source, SAFE))), schema.error_log
    rt = roundtrip(xsd, source, **LEGACY)
    assert_json_valid(rt.c.schema, rt.json)
    assert rt.xsd_valid, rt.xsd_errors
    assert rt.comparison.equal, rt.comparison.difference
    assert set(rt.comparison.normalised) <= {"whitespace"}
    return rt.json


def _pair(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    # each group reference is a choice wrapper around the group's own choice wrapper
    return {"pairChoice1": {"pairChoice1": first}, "pairChoice2": {"pairChoice1": second}}


@pytest.mark.parametrize(("children", "expected"), [
    ("<A>x</A><B>2</B>", _pair({"a": "x"}, {"b": 2})),
    ("<A>x</A><A>y</A>", _pair({"a": "x"}, {"a": "y"})),
    ("<B>1</B><A>y</A>", _pair({"b": 1}, {"a": "y"})),
    ("<C>c</C><D>d</D><C>e</C>", _pair({"c": "c", "d": "d"}, {"c": "e"})),
    ("<C>c</C><C>e</C><D>f</D>", _pair({"c": "c"}, {"c": "e", "d": "f"})),
    ("<C>c</C><A>y</A>", _pair({"c": "c"}, {"a": "y"})),
    ("<A>x</A><C>c</C><D>d</D>", _pair({"a": "x"}, {"c": "c", "d": "d"})),
    ("<C>c</C><D>d</D><C>e</C><D>f</D>", _pair({"c": "c", "d": "d"}, {"c": "e", "d": "f"})),
])
def test_two_identical_choices_fill_their_own_wrappers(
        make_xsd: Callable[..., Path], roundtrip: Callable[..., RoundTrip], children: str,
        expected: dict[str, Any]) -> None:
    doc = _check(make_xsd, roundtrip, PAIR, f'<t:Pair xmlns:t="{NS}">'
                 + children.replace("<", "<t:").replace("<t:/", "</t:") + "</t:Pair>")
    assert doc == {"pair": expected}


def test_repeated_one_alternative_choice_and_optional_base_wrapper(
        make_xsd: Callable[..., Path], roundtrip: Callable[..., RoundTrip]) -> None:
    doc = _check(make_xsd, roundtrip, TABLE, f"""
        <t:Table xmlns:t="{NS}">
          <t:Head><t:Row><t:Entry>h</t:Entry></t:Row></t:Head>
          <t:Body valign="top">
            <t:Row rowsep="true"><t:Entry>1</t:Entry><t:Entry>2</t:Entry></t:Row>
            <t:Row><t:Entry>3</t:Entry></t:Row>
          </t:Body>
          <t:Body><t:Row><t:Entry>4</t:Entry></t:Row></t:Body>
          <t:Note>n1</t:Note><t:Note>n2</t:Note>
        </t:Table>""")
    table = doc["table"]
    assert "bodyBase" not in table["head"]  # no base attributes: no base wrapper
    assert table["body"][0]["bodyBase"] == {"valign": "top"}
    rows = table["body"][0]["bodyChoice1"]["row"]
    assert rows[0] == {"rowBase": {"rowsep": True}, "rowChoice1": {"entry": ["1", "2"]}}
    assert rows[1] == {"rowChoice1": {"entry": ["3"]}}
    assert [item["note"] for item in table["tableChoice1"]] == ["n1", "n2"]


def test_wrappers_in_any_json_order_come_back_in_content_model_order(
        make_xsd: Callable[..., Path]) -> None:
    xsd = make_xsd(PAIR)
    mapper = Mapper(compile_schema(xsd, **LEGACY))
    doc = {"pair": {"pairChoice2": {"pairChoice1": {"d": "f", "c": "e"}},
                    "pairChoice1": {"pairChoice1": {"d": "d", "c": "c"}}}}
    back = mapper.to_xml(doc)
    assert [(etree.QName(e).localname, e.text) for e in back] == [
        ("C", "c"), ("D", "d"), ("C", "e"), ("D", "f")]
