"""Where an XSD finding is placed: the line and column where the element's start tag opens,
although lxml keeps only the line where its start tag ends."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from st9x.rules.lint import XsdDocument

XSD = """<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
           targetNamespace="urn:t" version="V1_0">
  <xs:element name="A"/><xs:element name="B"/>
\t<xs:element
      name="C"
      type="xs:string"/>
  <xs:elementGroup/>
</xs:schema>
"""


def document(tmp_path: Path) -> XsdDocument:
    path = tmp_path / "t.xsd"
    path.write_text(XSD, encoding="utf-8")
    return XsdDocument(path, etree.parse(str(path)))


def test_a_start_tag_over_several_lines_is_placed_where_it_opens(tmp_path: Path) -> None:
    doc = document(tmp_path)
    root = doc.tree.getroot()
    assert root.sourceline == 3  # lxml: the line where the start tag ends
    assert doc.place(root) == (2, 1)
    c = root[2]
    assert c.get("name") == "C" and doc.place(c) == (5, 2)  # after a tab: code points


def test_elements_on_one_line_and_names_that_only_begin_alike(tmp_path: Path) -> None:
    doc = document(tmp_path)
    a, _b, _c, group = doc.tree.getroot()
    assert doc.place(a) == (4, 3)
    # <xs:elementGroup> is not an <xs:element>
    assert group.tag.endswith("elementGroup") and doc.place(group) == (8, 3)
    finding = doc.failed(a, "a finding")
    assert (finding.line, finding.column) == (4, 3)


def test_a_tag_not_found_as_written_keeps_lxmls_line(tmp_path: Path) -> None:
    doc = document(tmp_path)
    (tmp_path / "t.xsd").write_text("\n" * 20, encoding="utf-8")  # the text changed since
    root = doc.tree.getroot()
    assert doc.place(root) == (3, None)
