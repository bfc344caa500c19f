"""Generated values satisfy every facet kind, per both lxml and xmlschema."""

from __future__ import annotations

import pytest

from st9x.corpus.synth.xml.generate import generate

#: One element per facet kind; the root holds them all, each repeated a few times.
FACETS = {
    "Enum": '<xsd:restriction base="xsd:token"><xsd:enumeration value="Alpha"/>'
    '<xsd:enumeration value="Beta"/><xsd:enumeration value="Gamma delta"/></xsd:restriction>',
    "Pattern": '<xsd:restriction base="xsd:token"><xsd:pattern value="[A-Z]{2}\\d{4}-\\p{Lu}"/>'
    "</xsd:restriction>",
    "Length": '<xsd:restriction base="xsd:string"><xsd:length value="7"/></xsd:restriction>',
    "MinMaxLength": '<xsd:restriction base="xsd:token"><xsd:minLength value="30"/>'
    '<xsd:maxLength value="35"/></xsd:restriction>',
    "Bounds": '<xsd:restriction base="xsd:integer"><xsd:minExclusive value="100"/>'
    '<xsd:maxInclusive value="105"/></xsd:restriction>',
    "Digits": '<xsd:restriction base="xsd:decimal"><xsd:totalDigits value="5"/>'
    '<xsd:fractionDigits value="2"/></xsd:restriction>',
    "NegDecimal": '<xsd:restriction base="xsd:decimal"><xsd:maxExclusive value="-0.5"/>'
    "</xsd:restriction>",
    "Date": '<xsd:restriction base="xsd:date"><xsd:minInclusive value="2020-01-01"/>'
    "</xsd:restriction>",
    "DateTime": '<xsd:restriction base="xsd:dateTime"/>',
    "Year": '<xsd:restriction base="xsd:gYear"/>',
    "Bool": '<xsd:restriction base="xsd:boolean"/>',
    "PosInt": '<xsd:restriction base="xsd:positiveInteger"><xsd:totalDigits value="3"/>'
    "</xsd:restriction>",
    "Uri": '<xsd:restriction base="xsd:anyURI"/>',
    "Lang": '<xsd:restriction base="xsd:language"/>',
    "Name": '<xsd:restriction base="xsd:NCName"><xsd:maxLength value="6"/></xsd:restriction>',
    "Hex": '<xsd:restriction base="xsd:hexBinary"><xsd:length value="4"/></xsd:restriction>',
    "Empty": '<xsd:restriction base="xsd:string"><xsd:maxLength value="0"/></xsd:restriction>',
    "List": '<xsd:restriction><xsd:simpleType><xsd:list itemType="xsd:integer"/>'
    '</xsd:simpleType><xsd:minLength value="2"/></xsd:restriction>',
    "Union": '<xsd:union memberTypes="xsd:date xsd:gYear"/>',
}


def _schema_body() -> str:
    elements = "".join(
        f'<xsd:element name="{name}" maxOccurs="3"><xsd:simpleType>{facet}</xsd:simpleType>'
        "</xsd:element>"
        for name, facet in FACETS.items()
    )
    return (
        '<xsd:element name="Root"><xsd:complexType><xsd:sequence>'
        f"{elements}</xsd:sequence></xsd:complexType></xsd:element>"
    )


def test_every_facet_kind_is_satisfied(write_xsd) -> None:
    path = write_xsd(_schema_body())
    report = generate(path, "Root", 40, seed=11)
    failures = [d for d in report.documents if d.status != "valid" or d.problems]
    assert not failures, report.problems()[:3]


def test_enumeration_values_are_all_covered(write_xsd) -> None:
    report = generate(write_xsd(_schema_body()), "Root", 10, seed=1)
    enum = report.coverage["enumeration_values"]
    assert enum["declared"] == 3
    assert enum["used"] == 3


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_values_differ_between_seeds_but_repeat_per_seed(write_xsd, seed: int) -> None:
    path = write_xsd(_schema_body())
    first = [d.data for d in generate(path, "Root", 3, seed=seed, check=False).documents]
    again = [d.data for d in generate(path, "Root", 3, seed=seed, check=False).documents]
    other = [d.data for d in generate(path, "Root", 3, seed=seed + 100, check=False).documents]
    assert first == again
    assert first != other
