"""The ST.96 design rules (:mod:`st9x.rules.st96`): each rule on its own passing and failing
fixture (``fixtures/st96/<rule id>/pass|fail/``; a rule added to the table without both fails
here), the documents the rules leave alone, and the known irregularities of the real V6_0
package found at the lines where they are written."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from st9x.rules.lint import LintRule, Severity, XsdDocument
from st9x.rules.model import Finding, Status
from st9x.rules.st96 import RULES
from st9x.xmlsafe import safe_parser
from st9x.xsdload import load_xmlschema

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "st96"
PROJECT = Path(__file__).resolve().parents[2]
V6_SCHEMAS = PROJECT.parent / "shared" / "corpora" / "wipo-st96-v6_0" / "schemas"


def load(path: Path) -> XsdDocument:
    """The document as the linter reads it: the file's own tree with source lines, and
    xmlschema's model of it (None when the file cannot be built on its own)."""
    tree = etree.parse(str(path), safe_parser())
    try:
        schema = load_xmlschema(path, "1.0")
    except Exception:
        schema = None
    return XsdDocument(path, tree, schema, dict(tree.getroot().nsmap))


def fixture(rule_id: str, kind: str) -> Path:
    files = sorted((FIXTURES / rule_id / kind).glob("*.xsd"))
    assert len(files) == 1, f"{rule_id} needs exactly one {kind} fixture, has {files}"
    return files[0]


def failures(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.status is Status.FAIL]


@pytest.mark.parametrize("rule_id", list(RULES))
def test_rule_passes_its_passing_fixture(rule_id: str) -> None:
    findings = RULES.run_rule(rule_id, load(fixture(rule_id, "pass")))
    assert [f for f in findings if f.status is not Status.PASS] == []
    assert findings, "the passing fixture holds something the rule checks"
    assert all(f.rule == rule_id and f.location.startswith("/xsd:schema") for f in findings)


@pytest.mark.parametrize("rule_id", list(RULES))
def test_rule_fails_its_failing_fixture_at_a_line(rule_id: str) -> None:
    findings = RULES.run_rule(rule_id, load(fixture(rule_id, "fail")))
    failed = failures(findings)
    assert failed, findings
    for finding in failed:
        assert finding.line is not None
        assert finding.location.startswith("/xsd:schema") and finding.detail


@pytest.mark.parametrize("rule_id", list(RULES))
def test_rule_metadata(rule_id: str) -> None:
    rule = RULES[rule_id]
    assert isinstance(rule, LintRule)
    assert rule_id.startswith(f"st96.{rule.category}.")
    assert rule.source.startswith("ST.96 Annex I, ")
    assert rule.severity in set(Severity)
    assert rule.standard_rule is None  # the standard's own ids are not at hand: none invented


def test_failing_findings_point_at_the_declaration() -> None:
    failed = failures(RULES.run_rule("st96.naming.plural-without-bag",
                                     load(fixture("st96.naming.plural-without-bag", "fail"))))
    assert [(f.location, f.line) for f in failed] == [("/xsd:schema/xsd:element[@name='Items']",
                                                        14)]
    assert "Item" in failed[0].detail


def test_mixed_content_and_text_sections_are_not_containers(tmp_path: Path) -> None:
    """``Ins`` (inline insertion markup, mixed), ``AdvantageousEffects`` (a heading and
    paragraphs) and ``UseProceedings`` (a record with one status beside its repeated items)
    end in 's' and repeat children, but are no plural containers."""
    text = fixture("st96.naming.plural-without-bag", "pass").read_text().replace(
        '<xsd:element name="Item" type="xsd:string">',
        '<xsd:element name="Ins" type="ex:InsType"/>\n'
        '<xsd:complexType name="InsType" mixed="true"><xsd:choice maxOccurs="unbounded">'
        '<xsd:element ref="ex:Item"/></xsd:choice></xsd:complexType>\n'
        '<xsd:element name="Heading" type="xsd:string"/><xsd:element name="P" type="xsd:string"/>'
        '<xsd:element name="AdvantageousEffects" type="ex:SectionType"/>\n'
        '<xsd:complexType name="SectionType"><xsd:sequence><xsd:element ref="ex:Heading"/>'
        '<xsd:element ref="ex:P" maxOccurs="unbounded"/></xsd:sequence></xsd:complexType>\n'
        '<xsd:element name="UseProceedings" type="ex:RecordType"/>\n'
        '<xsd:complexType name="RecordType"><xsd:sequence><xsd:element ref="ex:StatusCode"/>'
        '<xsd:element ref="ex:Item" maxOccurs="unbounded"/></xsd:sequence></xsd:complexType>\n'
        '<xsd:element name="Item" type="xsd:string">')
    path = tmp_path / "Order_V1_0.xsd"
    path.write_text(text)
    doc = load(path)
    assert failures(RULES.run_rule("st96.naming.plural-without-bag", doc)) == []
    assert failures(RULES.run_rule("st96.naming.container-bag", doc)) == []


@pytest.mark.parametrize("namespace", ["http://www.w3.org/1998/Math/MathML3",
                                       "http://www.oasis-open.org/tables/exchange/1.0"])
def test_third_party_schemas_are_not_applicable(tmp_path: Path, namespace: str) -> None:
    path = tmp_path / "table.xsd"
    path.write_text(f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" '
                    f'targetNamespace="{namespace}"><xs:element name="row">'
                    '<xs:complexType/></xs:element></xs:schema>')
    for rule_id, findings in RULES.run(load(path)).items():
        assert [f.status for f in findings] == [Status.NA], rule_id
        assert "third-party" in findings[0].detail


def test_a_document_that_is_not_a_schema_is_not_applicable(tmp_path: Path) -> None:
    path = tmp_path / "Order_V1_0.xsd"
    path.write_text("<Order/>")
    for rule_id, findings in RULES.run(load(path)).items():
        assert [f.status for f in findings] == [Status.NA], rule_id


def test_model_rules_without_a_model_say_so() -> None:
    doc = load(fixture("st96.naming.container-bag", "fail"))
    doc.schema = None
    findings = RULES.run_rule("st96.naming.container-bag", doc)
    assert [f.status for f in findings] == [Status.NA]
    assert "component model" in findings[0].detail


needs_v6 = pytest.mark.skipif(not V6_SCHEMAS.is_dir(),
                              reason=f"the WIPO ST.96 V6_0 package is not at {V6_SCHEMAS}")


def found(rule_id: str, doc: XsdDocument) -> dict[int | None, str]:
    return {f.line: f.detail for f in failures(RULES.run_rule(rule_id, doc))}


@needs_v6
def test_v6_application_body_irregularities() -> None:
    """ApplicationBody_V6_0.xsd: ``Claims`` and ``Drawings`` are plural containers without
    Bag, ``ReferenceSignBag`` holds headings and paragraphs, its types are undocumented; its
    root requires st96Version and its header is in order."""
    doc = load(V6_SCHEMAS / "ApplicationBody_V6_0.xsd")
    plural = found("st96.naming.plural-without-bag", doc)
    assert "'Claims'" in plural[152] and "'Drawings'" in plural[430]
    assert not any("AdvantageousEffects" in d for d in plural.values())
    assert "'ReferenceSignBag' holds 2 kinds" in found("st96.naming.bag-single-kind", doc)[653]
    assert "'ApplicationBodyType'" in found("st96.documentation.types", doc)[27]
    results = RULES.run(doc)
    root = results["st96.versioning.root-st96-version"]
    assert any(f.status is Status.PASS and f.location.endswith("[@name='ApplicationBody']")
               for f in root)
    for rule_id in ("st96.naming.element-upper-camel", "st96.naming.attribute-lower-camel",
                    "st96.naming.type-suffix", "st96.namespaces.target-namespace",
                    "st96.namespaces.element-form-qualified",
                    "st96.namespaces.attribute-form-qualified", "st96.versioning.file-name",
                    "st96.versioning.schema-version", "st96.versioning.root-st96-version",
                    "st96.declarations.global-elements", "st96.documentation.elements"):
        assert failures(results[rule_id]) == [], rule_id


@needs_v6
def test_v6_bags_that_hold_no_repetition() -> None:
    """BibliographicData_V6_0.xsd: ``CPCClassificationBag`` holds one MainCPC and an optional
    FurtherCPC, nothing repeated."""
    doc = load(V6_SCHEMAS / "BibliographicData_V6_0.xsd")
    assert "'CPCClassificationBag'" in found("st96.naming.bag-holds-repetition", doc)[744]


@needs_v6
def test_v6_third_party_schemas_are_left_alone() -> None:
    doc = load(V6_SCHEMAS / "OASISTable_V1_0.xsd")
    assert all(f.status is Status.NA for fs in RULES.run(doc).values() for f in fs)
