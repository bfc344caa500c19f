"""The design-rule compliance page of the site (``matrices/lint.html``) and its overview
headline, built from a real ``st9x run --lint all`` of a tiny corpus: an ST.96-style document
schema with known irregularities that includes a clean one, converted by the legacy converter
(whose output breaks ST.97 rules on purpose). Every figure the page and the headline show is
checked against the lint records themselves; rule ids, messages and an enumeration value with
markup render as text."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from st9x.cli import main
from st9x.matrix.headlines import headlines
from st9x.matrix.runs import load_run
from st9x.report.site import build_site

from .browser_check import check_in_browser

pytestmark = pytest.mark.usefixtures("isolated")

NS = "http://www.wipo.int/standards/XMLSchema/ST96/Common"
HOSTILE = "<script>alert(1)</script>"
HEAD = (f'<?xml version="1.0" encoding="UTF-8"?>\n<xsd:schema '
        f'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:com="{NS}" targetNamespace="{NS}" '
        'elementFormDefault="qualified" attributeFormDefault="qualified" version="V1_0">\n')


def _doc(text: str) -> str:
    return f"<xsd:annotation><xsd:documentation>{text}</xsd:documentation></xsd:annotation>"


#: every rule passes: documented element and type, file named after its version
CLEAN = HEAD + f"""  <xsd:element name="Note" type="com:NoteType">{_doc("A note.")}</xsd:element>
  <xsd:simpleType name="NoteType">{_doc("Free text.")}
    <xsd:restriction base="xsd:string"/>
  </xsd:simpleType>
</xsd:schema>
"""
#: an undocumented type, a root without st96Version, an undocumented enumeration with markup;
#: text beside an attribute, which the legacy converter puts under "$" (ST.97 decision 7)
DOC = HEAD + f"""  <xsd:include schemaLocation="Clean_V1_0.xsd"/>
  <xsd:element name="Doc" type="com:DocType">{_doc("A document.")}</xsd:element>
  <xsd:complexType name="DocType">
    <xsd:sequence>
      <xsd:element ref="com:Code" maxOccurs="unbounded"/>
      <xsd:element ref="com:Note" minOccurs="0"/>
      <xsd:element ref="com:Amount" minOccurs="0"/>
    </xsd:sequence>
  </xsd:complexType>
  <xsd:element name="Amount" type="com:AmountType">{_doc("An amount.")}</xsd:element>
  <xsd:complexType name="AmountType">{_doc("A decimal in a currency.")}
    <xsd:simpleContent>
      <xsd:extension base="xsd:decimal">
        <xsd:attribute ref="com:currency" use="required"/>
      </xsd:extension>
    </xsd:simpleContent>
  </xsd:complexType>
  <xsd:attribute name="currency" type="xsd:string">{_doc("ISO 4217 code.")}</xsd:attribute>
  <xsd:element name="Code" type="com:CodeType">{_doc("A code.")}</xsd:element>
  <xsd:simpleType name="CodeType">{_doc("Codes.")}
    <xsd:restriction base="xsd:string">
      <xsd:enumeration value="{HOSTILE.replace("<", "&lt;").replace(">", "&gt;")}"/>
      <xsd:enumeration value="b"/>
    </xsd:restriction>
  </xsd:simpleType>
</xsd:schema>
"""
INSTANCE = f'<?xml version="1.0"?>\n<com:Doc xmlns:com="{NS}"><com:Code>b</com:Code></com:Doc>\n'
MANIFEST = {
    "format": "st9x-corpus/1", "id": "lintpage", "title": "lint page",
    "provenance": {"source": "written for st9x's tests", "licence": "Apache-2.0"},
    "schemas": [{"id": "doc", "path": "schemas/Doc_V1_0.xsd", "kind": "xsd",
                 "root": f"{{{NS}}}Doc"}],
    "cases": [{"id": "doc-ok", "instance": "instances/doc-ok.xml", "schema": "doc",
               "expected": "valid"}],
}


class _Page(HTMLParser):
    """Each table of the page as rows of cell texts, the ids and the links."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.ids: set[str] = set()
        self.links: list[str] = []
        self._caption: str | None = None
        self._in_caption = False
        self._cell: list[str] | None = None
        self._row: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if tag == "a" and a.get("href"):
            self.links.append(str(a["href"]))
        if tag == "caption":
            self._in_caption, self._caption = True, ""
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption":
            self._in_caption = False
            assert self._caption is not None
            self.tables[self._caption] = []
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append("".join(self._cell))
            self._cell = None
        elif tag == "tr" and self._caption is not None and self._row:
            self.tables[self._caption].append(self._row)

    def handle_data(self, data: str) -> None:
        if self._in_caption:
            self._caption = (self._caption or "") + data
        elif self._cell is not None:
            self._cell.append(data)


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("lintpage")
    corpus = tmp / "lintpage"
    for name, text in {"schemas/Doc_V1_0.xsd": DOC, "schemas/Clean_V1_0.xsd": CLEAN,
                       "instances/doc-ok.xml": INSTANCE,
                       "manifest.json": json.dumps(MANIFEST)}.items():
        (corpus / name).parent.mkdir(parents=True, exist_ok=True)
        (corpus / name).write_text(text, encoding="utf-8")
    out = tmp / "run"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ST9X_CORPORA", str(tmp / "embedded"))
        (tmp / "embedded").mkdir()
        # exit 1: the essential findings on Doc_V1_0.xsd and the legacy output break the run
        assert main(["run", "--in-process", "--quiet", "--corpus", str(corpus), "--converter",
                     "st97-v1-legacy", "--converter", "st97-v2", "--lint", "all",
                     "--out", str(out)]) == 1
    return out


@pytest.fixture(scope="module")
def records(run_dir: Path) -> list[dict]:
    lines = [json.loads(line) for line in (run_dir / "lint.jsonl").read_text().splitlines()]
    return [r for r in lines if r.get("type") == "lint"]


@pytest.fixture(scope="module")
def site(run_dir: Path) -> Path:
    out = run_dir.parent / "site"
    build_site([load_run(run_dir)], out)
    return out


def _page(site: Path) -> tuple[_Page, str]:
    text = (site / "matrices" / "lint.html").read_text(encoding="utf-8")
    page = _Page()
    page.feed(text)
    return page, text


def _essential_failures(record: dict) -> int:
    return sum(1 for f in record["findings"] if f["severity"] == "essential"
               and f["status"] == "fail" and f["suppression"] is None)


def test_compliance_cells_are_the_records_counts(site: Path, records: list[dict]) -> None:
    page, _ = _page(site)
    table = page.tables["Schema file × rule category"][1:]  # the header row left out
    header = ["schema file", "linter", *sorted({c["category"] for r in records
                                                for c in r["rules"].values()})]
    rows = {row[0]: dict(zip(header, row, strict=True)) for row in table}
    files = {f"lintpage/{r['schema']}": r for r in records if r["converter"] is None}
    assert set(rows) == set(files) == {"lintpage/schemas/Doc_V1_0.xsd",
                                       "lintpage/schemas/Clean_V1_0.xsd"}
    for item, record in files.items():
        by_category: dict[str, list[int]] = {}
        for counts in record["rules"].values():
            cell = by_category.setdefault(counts["category"], [0, 0])
            cell[0] += counts["fail"]
            cell[1] += counts["pass"] + counts["fail"] + counts["suppressed"]
        for category, (failing, checked) in by_category.items():
            shown = rows[item][category]
            if failing:
                assert shown == f"fail {failing}/{checked}", (item, category)
            elif checked:
                assert shown == f"pass {checked}", (item, category)
            else:
                assert shown == "n/a", (item, category)
    assert "fail" in rows["lintpage/schemas/Doc_V1_0.xsd"]["documentation"]
    assert not any(v.startswith("fail") for v in rows["lintpage/schemas/Clean_V1_0.xsd"].values())


def test_converter_by_rule_matrix_and_findings_match_the_records(
        site: Path, records: list[dict]) -> None:
    page, _ = _page(site)
    matrix = page.tables["Converter × rule, over every schema the converter generated"][1:]
    header_rules = sorted({rid for r in records if r["converter"] for rid in r["rules"]})
    rows = {row[0]: dict(zip(["converter", *header_rules], row, strict=True)) for row in matrix}
    assert set(rows) == {"st97-v1-legacy", "st97-v2"}
    legacy = next(r for r in records if r["converter"] == "st97-v1-legacy")
    for rule_id, counts in legacy["rules"].items():
        if counts["fail"]:
            checked = counts["pass"] + counts["fail"] + counts["suppressed"]
            assert rows["st97-v1-legacy"][rule_id] == f"fail {counts['fail']}/{checked}"
    assert rows["st97-v1-legacy"]["st97.naming.no-text-key"].startswith("fail")
    assert rows["st97-v2"]["st97.naming.no-text-key"].startswith("pass")

    failing = [f for r in records for f in r["findings"] if f["suppression"] is None]
    caption = next(c for c in page.tables if c.startswith("Failing findings"))
    assert caption == f"Failing findings ({len(failing)}, 0 suppressed)"
    listed = page.tables[caption][1:]
    assert len(listed) == min(len(failing), 200)
    assert sorted((row[0], row[1]) for row in listed) == sorted(
        (f["rule"], f["severity"]) for f in failing)
    doc_types = next(row for row in listed if row[0] == "st96.documentation.types")
    record = next(r for r in records if r["schema"].endswith("Doc_V1_0.xsd"))
    finding = next(f for f in record["findings"] if f["rule"] == "st96.documentation.types")
    assert doc_types[2] == f"lintpage/schemas/Doc_V1_0.xsd:{finding['line']}"
    assert doc_types[3] == finding["location"] and doc_types[4] == finding["message"]


def test_each_finding_links_to_its_rule_with_title_source_and_severity(
        site: Path, run_dir: Path) -> None:
    page, text = _page(site)
    rule_links = {h for h in page.links if h.startswith("lint.html#rule-")}
    assert rule_links
    header = load_run(run_dir).lint_header
    assert header is not None
    rules = {r["id"]: r for linter in header["linters"] for r in linter["rules"]}
    for href in rule_links:
        anchor = href.partition("#")[2]
        assert anchor in page.ids, href
        rule = rules[anchor.removeprefix("rule-")]
        section = text[text.index(f'id="{anchor}"'):]
        section = section[:section.index("</section>")]
        for value in (rule["title"], rule["source"], rule["severity"]):
            assert value.replace("'", "&#39;") in section, (anchor, value)


def test_data_renders_as_text(site: Path) -> None:
    _, text = _page(site)
    assert "<script" not in text and HOSTILE.replace("<", "&lt;").replace(">", "&gt;") in text


def test_headline_counts_files_without_essential_findings(
        site: Path, run_dir: Path, records: list[dict]) -> None:
    by_label = {h.label: h for h in headlines(load_run(run_dir))}
    files = [r for r in records if r["converter"] is None and r["linter"] == "st96-xsd"]
    clean = sum(1 for r in files if r["status"] == "ok" and not _essential_failures(r))
    assert (clean, len(files)) == (1, 2)
    st96 = by_label["ST.96 design rules"]
    assert st96.value == f"{clean}/{len(files)}" and st96.bad and st96.matrix == "lint"
    v2 = [r for r in records if r["converter"] == "st97-v2"]
    v2_clean = sum(1 for r in v2 if not _essential_failures(r))
    assert by_label["ST.97 design rules on st97-v2's output"].value == f"{v2_clean}/{len(v2)}"
    assert "design-rule check" in by_label["Broken expectations"].detail
    overview = (site / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<a href="matrices/lint.html">ST.96 design rules</a>'
                     rf"<strong class=\"fail\">{clean}/{len(files)}</strong>", overview)


def test_no_lint_page_without_lint_records(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    for name, text in {"schemas/Doc_V1_0.xsd": DOC, "schemas/Clean_V1_0.xsd": CLEAN,
                       "instances/doc-ok.xml": INSTANCE,
                       "manifest.json": json.dumps(MANIFEST)}.items():
        (corpus / name).parent.mkdir(parents=True, exist_ok=True)
        (corpus / name).write_text(text, encoding="utf-8")
    out = tmp_path / "run"
    assert main(["run", "--in-process", "--quiet", "--corpus", str(corpus), "--converter",
                 "none", "--out", str(out)]) == 0
    run = load_run(out)
    assert run.lint_summary is None
    build_site([run], tmp_path / "site")
    assert not (tmp_path / "site" / "matrices" / "lint.html").exists()
    assert not any("design rules" in h.label for h in headlines(run))


def test_the_page_passes_the_browser_check(site: Path, capsys: pytest.CaptureFixture[str]
                                           ) -> None:
    """Opened in headless Chromium at desktop and phone widths (see :mod:`.browser_check`)."""
    check_in_browser(site, capsys)


def test_files_no_rule_applies_to_are_counted_apart(records: list[dict]) -> None:
    """An imported vocabulary (MathML, OASIS tables: every rule n/a) is neither clean nor
    failing: the headline leaves it out and says so."""
    from st9x.matrix.lint_tables import clean_files

    clean = next(r for r in records if r["schema"].endswith("Clean_V1_0.xsd"))
    vocabulary = {**clean, "schema": "schemas/MathML.xsd", "rules": {
        rid: {**counts, "pass": 0, "fail": 0, "suppressed": 0, "n/a": 1}
        for rid, counts in clean["rules"].items()}}
    (st96,) = [c for c in clean_files([*records, vocabulary]) if c.linter == "st96-xsd"]
    assert (st96.clean, st96.files, st96.not_applicable) == (1, 2, 1)
