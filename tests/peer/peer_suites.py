"""Tiny peer suites written into a test's tmp_path, laid out like the real ones.

The JSON one is a JSON-Schema-Test-Suite checkout in miniature (``tests/<dialect>/*.json``,
``optional/``, ``remotes/`` served as ``http://localhost:1234/``); the XML one a W3C xsdtests
checkout (``suite.xml`` → ``*Meta/*.testSet`` → ``*Data/`` files) with a schema test, instance
tests, per-version expectations, a 1.1-only group, a schema of two documents, a group without a
schema test and a test set that is missing, as the NIST one is in the real suite.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REAL_PEERS = Path(__file__).resolve().parents[2].parent / "shared" / "peer-suites"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def write_json(path: Path, document: Any) -> Path:
    return write(path, json.dumps(document, indent=1))


def write_jsts(root: Path) -> Path:
    """A JSON-Schema-Test-Suite in miniature: 7 required draft-07 tests (two through a remote
    $ref), 2 optional ones, 2 draft 2020-12 tests and a folder st9x does not run."""
    write_json(root / "remotes" / "integer.json", {"type": "integer"})
    write_json(
        root / "remotes" / "draft7" / "name.json",
        {"definitions": {"orNull": {"anyOf": [{"type": "null"}, {"$ref": "#"}]}}, "type": "string"},
    )
    write_json(
        root / "tests" / "draft7" / "type.json",
        [
            {
                "description": "integer type matches integers",
                "schema": {"type": "integer"},
                "tests": [
                    {"description": "an integer is an integer", "data": 1, "valid": True},
                    {
                        "description": "a float with zero fractional part",
                        "data": 1.0,
                        "valid": True,
                    },
                    {"description": "a string is not an integer", "data": "1", "valid": False},
                ],
            },
            {
                "description": "draft-07 array items (the folder's dialect, no $schema)",
                "schema": {"items": [{"type": "string"}], "additionalItems": False},
                "tests": [
                    {"description": "one string", "data": ["a"], "valid": True},
                    {"description": "two items", "data": ["a", "b"], "valid": False},
                ],
            },
        ],
    )
    write_json(
        root / "tests" / "draft7" / "refRemote.json",
        [
            {
                "description": "remote ref",
                "schema": {"$ref": "http://localhost:1234/integer.json"},
                "tests": [
                    {"description": "remote ref valid", "data": 1, "valid": True},
                    {"description": "remote ref invalid", "data": "a", "valid": False},
                ],
            }
        ],
    )
    write(
        root / "tests" / "draft7" / "optional" / "bignum.json",
        '[{"description": "integer", "schema": {"type": "integer"}, "tests": ['
        '{"description": "a bignum is an integer", '
        '"data": 12345678910111213141516171819202122232425262728293031, "valid": true},'
        '{"description": "a float is not", "data": 1.5, "valid": false}]}]',
    )
    write_json(
        root / "tests" / "draft2020-12" / "prefixItems.json",
        [
            {
                "description": "prefixItems with $schema",
                "schema": {
                    "$schema": "https://json-schema.org/draft/2020-12/schema",
                    "prefixItems": [{"type": "integer"}],
                },
                "tests": [
                    {"description": "correct", "data": [1, "x"], "valid": True},
                    {"description": "wrong", "data": ["x"], "valid": False},
                ],
            }
        ],
    )
    write_json(root / "tests" / "draft2020-12" / "proposals" / "x.json", [])
    write_json(root / "tests" / "draft3" / "type.json", [])  # a dialect st9x does not run
    return root


TS_NS = "http://www.w3.org/XML/2004/xml-schema-test-suite/"

SIMPLE_XSD = """<?xml version="1.0"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:element name="n" type="xs:integer"/>
</xs:schema>
"""

BROKEN_XSD = """<?xml version="1.0"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:element name="n" type="xs:noSuchType"/>
</xs:schema>
"""

# valid in XSD 1.1 only: an xs:assert
ASSERT_XSD = """<?xml version="1.0"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:element name="r">
    <xs:complexType>
      <xs:attribute name="a" type="xs:integer"/>
      <xs:assert test="@a gt 0"/>
    </xs:complexType>
  </xs:element>
</xs:schema>
"""

PART_A = """<?xml version="1.0"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:a" xmlns:b="urn:b">
  <xs:import namespace="urn:b"/>
  <xs:element name="a" type="b:T"/>
</xs:schema>
"""

PART_B = """<?xml version="1.0"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:b">
  <xs:simpleType name="T"><xs:restriction base="xs:string"/></xs:simpleType>
</xs:schema>
"""

TEST_SET = f"""<?xml version="1.0"?>
<testSet xmlns="{TS_NS}" xmlns:xlink="http://www.w3.org/1999/xlink"
         name="Tiny" contributor="st9x">
  <testGroup name="simple">
    <annotation><documentation>An integer element.</documentation></annotation>
    <schemaTest name="simple-schema">
      <schemaDocument xlink:href="../tinyData/simple.xsd"/>
      <expected validity="valid"/>
      <current status="accepted" date="2026-01-01"/>
    </schemaTest>
    <instanceTest name="good">
      <instanceDocument xlink:href="../tinyData/good.xml"/>
      <expected validity="valid"/>
    </instanceTest>
    <instanceTest name="bad">
      <instanceDocument xlink:href="../tinyData/bad.xml"/>
      <expected validity="invalid"/>
      <current status="queried" date="2026-01-01"/>
    </instanceTest>
    <instanceTest name="lost">
      <instanceDocument xlink:href="../tinyData/lost.xml"/>
      <expected validity="valid"/>
    </instanceTest>
  </testGroup>
  <testGroup name="broken">
    <schemaTest name="broken-schema">
      <schemaDocument xlink:href="../tinyData/broken.xsd"/>
      <expected validity="invalid"/>
    </schemaTest>
  </testGroup>
  <testGroup name="assert">
    <schemaTest name="assert-schema">
      <schemaDocument xlink:href="../tinyData/assert.xsd"/>
      <expected validity="invalid" version="1.0"/>
      <expected validity="valid" version="1.1"/>
    </schemaTest>
  </testGroup>
  <testGroup name="only11" version="1.1">
    <schemaTest name="only11-schema">
      <schemaDocument xlink:href="../tinyData/simple.xsd"/>
      <expected validity="valid"/>
    </schemaTest>
  </testGroup>
  <testGroup name="unicode">
    <schemaTest name="unicode-schema">
      <schemaDocument xlink:href="../tinyData/simple.xsd"/>
      <expected validity="valid" version="Unicode_4.0.0"/>
      <expected validity="invalid" version="Unicode_6.0.0"/>
    </schemaTest>
  </testGroup>
  <testGroup name="two-documents">
    <schemaTest name="two-documents-schema">
      <schemaDocument xlink:href="../tinyData/a.xsd"/>
      <schemaDocument xlink:href="../tinyData/b.xsd"/>
      <expected validity="valid"/>
    </schemaTest>
    <instanceTest name="two-documents-instance">
      <instanceDocument xlink:href="../tinyData/a.xml"/>
      <expected validity="valid"/>
    </instanceTest>
  </testGroup>
  <testGroup name="hinted">
    <instanceTest name="by-schemaLocation">
      <instanceDocument xlink:href="../tinyData/good.xml"/>
      <expected validity="valid"/>
    </instanceTest>
  </testGroup>
</testSet>
"""

SUITE = f"""<?xml version="1.0"?>
<testSuite xmlns="{TS_NS}" xmlns:xlink="http://www.w3.org/1999/xlink" name="tiny">
  <testSetRef xlink:href="tinyMeta/Tiny.testSet"/>
  <testSetRef xlink:href="goneMeta/Gone.testSet"/>
</testSuite>
"""


def write_w3c(root: Path) -> Path:
    """A W3C xsdtests checkout in miniature (see the module docstring)."""
    write(root / "suite.xml", SUITE)
    write(root / "tinyMeta" / "Tiny.testSet", TEST_SET)
    data = root / "tinyData"
    write(data / "simple.xsd", SIMPLE_XSD)
    write(data / "broken.xsd", BROKEN_XSD)
    write(data / "assert.xsd", ASSERT_XSD)
    write(data / "a.xsd", PART_A)
    write(data / "b.xsd", PART_B)
    write(data / "good.xml", "<n>42</n>\n")
    write(data / "bad.xml", "<n>forty-two</n>\n")
    write(data / "a.xml", '<a xmlns="urn:a">text</a>\n')
    return root
