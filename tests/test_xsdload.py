"""One xmlschema model per schema and process: the validators, the converters and the decision
checks of one worker share it, and a changed schema file is loaded again."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
from fixtures import DOC_XSD, INVALID_XML, VALID_XML, write

from st9x import xsdload
from st9x.corpus.load import load_corpus
from st9x.corpus.model import SchemaSpec
from st9x.engine.tasks import plan
from st9x.engine.worker import Worker
from st9x.errors import SchemaError
from st9x.subjects.registry import select_adapters, select_converters
from st9x.subjects.validators.python_jsonschema import JsonschemaAdapter

INCLUDED = """<?xml version="1.0"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <xsd:simpleType name="Code"><xsd:restriction base="xsd:string">{facet}</xsd:restriction>
  </xsd:simpleType>
</xsd:schema>
"""
MAIN = """<?xml version="1.0"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <xsd:include schemaLocation="types.xsd"/>
  <xsd:element name="Doc" type="Code"/>
</xsd:schema>
"""


@pytest.fixture(autouse=True)
def _fresh() -> None:
    xsdload.clear()


def test_the_second_request_gets_the_same_model(tmp_path: Path) -> None:
    write(tmp_path / "doc.xsd", DOC_XSD)
    first = xsdload.load_xmlschema(tmp_path / "doc.xsd")
    assert xsdload.load_xmlschema(tmp_path / "." / "doc.xsd") is first
    assert xsdload.load_counts() == {"loads": 1, "hits": 1}
    # XSD 1.1 is another model
    assert xsdload.load_xmlschema(tmp_path / "doc.xsd", "1.1") is not first


def test_a_changed_included_file_is_loaded_again(tmp_path: Path) -> None:
    write(tmp_path / "types.xsd", INCLUDED.format(facet=""))
    write(tmp_path / "main.xsd", MAIN)
    before = xsdload.load_xmlschema(tmp_path / "main.xsd")
    assert before.is_valid("<Doc>ABCDEF</Doc>")
    write(tmp_path / "types.xsd", INCLUDED.format(facet='<xsd:maxLength value="3"/>'))
    stat = (tmp_path / "types.xsd").stat()  # a new modification time, whatever the clock
    os.utime(tmp_path / "types.xsd", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    after = xsdload.load_xmlschema(tmp_path / "main.xsd")
    assert after is not before and not after.is_valid("<Doc>ABCDEF</Doc>")
    assert xsdload.load_counts()["loads"] == 2


def test_one_worker_loads_a_schema_once_for_every_subject(tmp_path: Path) -> None:
    """The xmlschema validator, the reference XSD verdict, two ST.97 profiles with their
    decision checks and an xmlschema converter: one load."""
    write(tmp_path / "c" / "doc.xsd", DOC_XSD)
    write(tmp_path / "c" / "good.xml", VALID_XML)
    write(tmp_path / "c" / "bad.xml", INVALID_XML)
    corpus = load_corpus(tmp_path / "c")
    adapters = select_adapters(["xmlschema-1.0", "jsonschema-rs"])
    converters = select_converters(["st97-v2", "st97-v2-strict", "xmlschema-badgerfish"])
    worker = Worker(adapters, converters, conversion_out=tmp_path / "out")
    tasks = plan([corpus], adapters, (), converters)
    records = [worker.run(task) for task in tasks]
    assert len(records) == 2 + 3 * (1 + 2)  # 2 validations; per converter 1 schema + 2 cases
    assert {r.get("status") for r in records if r["type"] == "schema"} >= {"ok"}
    assert xsdload.load_counts()["loads"] == 1
    assert xsdload.load_counts()["hits"] >= 5


def test_a_validator_that_only_measures_may_skip_its_metaschema_check(tmp_path: Path) -> None:
    """python-jsonschema skips its structural check only when the run says the schema was
    checked (by jsonschema-rs, as it compiled a converter's output)."""
    path = write(tmp_path / "s.json", '{"$schema": "https://json-schema.org/draft/2020-12/schema",'
                                      ' "type": 12}')
    spec = SchemaSpec("c", "s", path, "json-schema")
    adapter = JsonschemaAdapter()
    with pytest.raises(SchemaError, match="not a valid 2020-12 schema"):
        adapter.compile(spec)
    adapter.compile(replace(spec, metaschema_checked=True))  # no check: it compiles
