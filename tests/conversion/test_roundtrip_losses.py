"""A lossy round trip names the reported loss behind its first difference, or says that none
explains it: real converters on inline XSDs through the conversion engine, folded into the
matrix, and on the V6_0 PatentPublication example when ``../shared`` is present."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from xsd_helpers import xml

from st9x import formats
from st9x.corpus.model import Case, SchemaSpec
from st9x.engine.conversion import ConverterSuite, make_context
from st9x.engine.roundtrip_losses import explain_difference
from st9x.matrix.conversion import fold_conversions
from st9x.report.conversion import render_conversions
from st9x.st97 import compare_xml, load_xsd
from st9x.subjects.converters.base import Converter, LossItem
from st9x.subjects.converters.st97 import St97Converter
from st9x.subjects.registry import select_adapters, select_converters

ROOT = "{urn:test}Root"
BAG = """
<xs:element name="Root">
  <xs:complexType><xs:sequence>
    <xs:element name="Title" type="xs:string"/>
    <xs:element name="Bag" type="t:BagType"/>
  </xs:sequence></xs:complexType>
</xs:element>
<xs:complexType name="BagType">
  <xs:choice maxOccurs="unbounded">
    <xs:element name="A" type="xs:string"/>
    <xs:element name="B" type="xs:string"/>
  </xs:choice>
</xs:complexType>
"""
# the same choice inside a named group, referenced from an extension of the bag's type
GROUPED = """
<xs:group name="Alternatives">
  <xs:choice><xs:element name="A" type="xs:string"/><xs:element name="B" type="xs:string"/>
  </xs:choice>
</xs:group>
<xs:complexType name="BaseBagType">
  <xs:sequence><xs:group ref="t:Alternatives" maxOccurs="unbounded"/></xs:sequence>
</xs:complexType>
<xs:complexType name="BagType">
  <xs:complexContent><xs:extension base="t:BaseBagType">
    <xs:sequence><xs:element name="Note" type="xs:string" minOccurs="0"/></xs:sequence>
  </xs:extension></xs:complexContent>
</xs:complexType>
<xs:element name="Root">
  <xs:complexType><xs:sequence>
    <xs:element name="Title" type="xs:string"/>
    <xs:element name="Bag" type="t:BagType"/>
  </xs:sequence></xs:complexType>
</xs:element>
"""
INTERLEAVED = xml("""
    <t:Root xmlns:t="urn:test"><t:Title>x</t:Title>
      <t:Bag><t:A>1</t:A><t:B>2</t:B><t:A>3</t:A></t:Bag></t:Root>""")
GROUPED_ORDER = xml("""
    <t:Root xmlns:t="urn:test"><t:Title>x</t:Title>
      <t:Bag><t:A>1</t:A><t:A>3</t:A><t:B>2</t:B></t:Bag></t:Root>""")
PER_ALTERNATIVE = St97Converter("per-alternative", options={"choice-unbounded": "per-alternative"})


def _case(xsd: Path, instance: Path) -> Case:
    spec = SchemaSpec("t", xsd.stem, xsd.resolve(), "xsd", root=ROOT)
    return Case("t", instance.stem, instance.resolve(), "xml", spec, "valid")


def _convert(tmp_path: Path, converter: Converter, xsd: Path,
             instances: dict[str, bytes]) -> list[dict[str, Any]]:
    """The schema record and one case record per instance, as the engine writes them (and
    checked against the conversions format)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    context = make_context(tmp_path / "out", select_adapters(["xmlschema-1.0", "jsonschema-rs"]))
    suite = ConverterSuite(converter.name, converter, context)
    records: list[dict[str, Any]] = []
    for name, data in instances.items():
        instance = tmp_path / f"{name}.xml"
        instance.write_bytes(data)
        case = _case(xsd, instance)
        if not records:
            assert case.schema is not None
            records.append(dict(suite.schema_record(case.schema)))
        records.append(dict(suite.case_record(case)))
    for record in records:
        formats.check("conversions", record, path="conversions.jsonl")
    return records


def _trip(records: list[dict[str, Any]], case: str) -> dict[str, Any]:
    return next(r["roundtrip"] for r in records if r.get("case") == case)


@pytest.mark.parametrize(("body", "constructs"), [
    (BAG, ["choice-order"]),
    # the group's choice and its repetition by the reference are reported apart; both lie here
    (GROUPED, ["choice-order", "repeated-choice"]),
], ids=["choice", "group-in-extension"])
def test_a_reordered_choice_names_the_choice_and_where(
    tmp_path: Path, make_xsd: Callable[..., Path], body: str, constructs: list[str]
) -> None:
    records = _convert(tmp_path, PER_ALTERNATIVE, make_xsd(body),
                       {"interleaved": INTERLEAVED, "in-order": GROUPED_ORDER})
    trip = _trip(records, "interleaved")
    assert trip["status"] == "lossy"
    assert trip["where"] == "/t:Root/t:Bag"
    assert [x["construct"] for x in trip["losses"]] == constructs
    assert {(x["where"], x["rule"]) for x in trip["losses"]} == {
        ("/t:Root/t:Bag", "open question 6")}
    assert all(records[0]["losses"][c] for c in constructs)  # the schema's report counts them
    assert "per-alternative" in trip["losses"][0]["reason"]
    assert _trip(records, "in-order")["losses"] == []


def test_a_round_trip_that_keeps_the_order_has_no_losses(
    tmp_path: Path, make_xsd: Callable[..., Path]
) -> None:
    records = _convert(tmp_path, PER_ALTERNATIVE, make_xsd(BAG), {"in-order": GROUPED_ORDER})
    trip = _trip(records, "in-order")
    assert trip["status"] in ("exact", "normalised")
    assert trip["losses"] == [] and trip["where"] is None


def test_the_ordered_option_keeps_the_interleaving(
    tmp_path: Path, make_xsd: Callable[..., Path]
) -> None:
    ordered = St97Converter("ordered", options={"choice-unbounded": "ordered"})
    records = _convert(tmp_path, ordered, make_xsd(BAG), {"interleaved": INTERLEAVED})
    assert _trip(records, "interleaved")["losses"] == []


def test_a_converter_that_reports_no_loss_leaves_the_difference_unexplained(
    tmp_path: Path, make_xsd: Callable[..., Path]
) -> None:
    (xmltodict,) = select_converters(["xmltodict"]).values()
    records = _convert(tmp_path, xmltodict, make_xsd(BAG), {"interleaved": INTERLEAVED})
    trip = _trip(records, "interleaved")
    assert trip["status"] == "lossy"
    (loss,) = trip["losses"]
    assert loss["construct"] == "unexplained" and loss["where"] == "/t:Root/t:Bag"
    assert loss["location"] is None and "0 reported" in loss["reason"]


def test_a_wildcard_in_a_local_type_is_named_without_a_register_item(
    tmp_path: Path, make_xsd: Callable[..., Path]
) -> None:
    xsd = make_xsd("""
        <xs:element name="Root"><xs:complexType><xs:sequence>
          <xs:element name="Title" type="xs:string"/>
          <xs:element name="Ext"><xs:complexType><xs:sequence>
            <xs:any namespace="##other" processContents="skip" maxOccurs="unbounded"/>
          </xs:sequence></xs:complexType></xs:element>
        </xs:sequence></xs:complexType></xs:element>
        """)
    instance = xml("""
        <t:Root xmlns:t="urn:test" xmlns:o="urn:other"><t:Title>x</t:Title>
          <t:Ext><o:x>1</o:x><o:y>2</o:y><o:x>3</o:x></t:Ext></t:Root>""")
    trip = _trip(_convert(tmp_path, PER_ALTERNATIVE, xsd, {"other": instance}), "other")
    (loss,) = trip["losses"]
    assert (loss["construct"], loss["where"], loss["rule"]) == ("wildcard", "/t:Root/t:Ext", None)
    assert loss["location"].endswith("element[Ext]/complexType/sequence/any)")


def test_a_difference_the_xsd_cannot_place_is_unexplained_saying_why(
    make_xsd: Callable[..., Path]
) -> None:
    root = etree.fromstring(b'<t:Other xmlns:t="urn:test"/>')
    losses = [LossItem("choice-order", "s.xsd:3 (complexType[BagType]/choice)", "order")]
    (no_xsd,) = explain_difference(root, (), "/t:Other", None, losses)
    assert no_xsd["construct"] == "unexplained" and "could not be loaded" in no_xsd["reason"]
    (undeclared,) = explain_difference(root, (), "/t:Other", load_xsd(make_xsd(BAG)), losses)
    assert undeclared["construct"] == "unexplained" and "no declaration" in undeclared["reason"]


def test_the_matrix_shows_the_construct_next_to_the_diff(
    tmp_path: Path, make_xsd: Callable[..., Path]
) -> None:
    xsd = make_xsd(BAG)
    records = _convert(tmp_path / "a", PER_ALTERNATIVE, xsd, {"interleaved": INTERLEAVED})
    (xmltodict,) = select_converters(["xmltodict"]).values()
    records += _convert(tmp_path / "b", xmltodict, xsd, {"interleaved": INTERLEAVED})
    header = {"converters": [], "json_adapters": ["jsonschema-rs"],
              "xsd_adapter": "xmlschema-1.0"}
    summary = fold_conversions(header, records)
    formats.check("conversion-summary", summary, path="conversion-summary.json")
    assert summary["lossy_constructs"] == {"per-alternative": {"choice-order": 1},
                                           "xmltodict": {"unexplained": 1}}
    lines = render_conversions(summary).splitlines()
    named = next(line for line in lines if "`t/interleaved` × `per-alternative`" in line)
    assert named.startswith("- lossy: ")
    # the construct and where, then the diff hunk beside them
    assert "choice-order (open question 6) at `/t:Root/t:Bag`: " in named
    assert named.index("choice-order") < named.index("@@ ")  # the construct, then the diff
    assert "&lt;t:A&gt;3&lt;/t:A&gt;" in named
    unexplained = next(line for line in lines if "`t/interleaved` × `xmltodict`" in line)
    assert "unexplained at `/t:Root/t:Bag`" in unexplained
    assert "- `xmltodict` lossy round trips by explaining loss: unexplained 1" in lines


def test_the_first_difference_is_located_in_the_source() -> None:
    source = xml("""
        <t:Root xmlns:t="urn:test"><t:Title>x</t:Title>
          <t:Bag><t:A>1</t:A><t:A>2</t:A></t:Bag></t:Root>""")
    changed = source.replace(b"<t:A>2</t:A>", b"<t:A>two</t:A>")
    result = compare_xml(source, changed)
    assert not result.equal
    assert (result.where, result.steps) == ("/t:Root/t:Bag/t:A[2]", (1, 1))
    missing = compare_xml(source, source.replace(b"<t:Title>x</t:Title>", b""))
    assert (missing.where, missing.steps) == ("/t:Root", ())
    assert compare_xml(source, source).where is None


def test_the_v6_patent_publication_names_the_classification_choice(
    tmp_path: Path, v6: Path
) -> None:
    """Under choice-unbounded=per-alternative the example's IPCR and CPC classification bags
    come back grouped by name: the record says which choice lost their interleaving."""
    xsd = v6 / "schemas" / "PatentPublication_V6_0.xsd"
    example = v6 / "examples" / "PatentPublication_Example.xml"
    context = make_context(tmp_path, {})
    suite = ConverterSuite(PER_ALTERNATIVE.name, PER_ALTERNATIVE, context)
    spec = SchemaSpec("v6", "PatentPublication", xsd, "xsd")
    record = suite.case_record(Case("v6", "PatentPublication", example, "xml", spec, "valid"))
    trip = record["roundtrip"]
    assert trip["status"] == "lossy"
    where = "/pat:PatentPublication/pat:BibliographicData/pat:PatentClassificationBag"
    assert trip["where"] == where
    assert [(x["construct"], x["rule"]) for x in trip["losses"]] == [
        ("choice-order", "open question 6")]
    assert "complexType[PatentClassificationBagType]/choice" in (trip["losses"][0]["location"]
                                                                 or "")
