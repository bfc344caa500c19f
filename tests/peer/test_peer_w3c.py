"""The W3C XSD suite loader on a suite in miniature: versions, schema tests, what is not run."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from peer_suites import TS_NS, write, write_w3c

from st9x.corpus.model import Case
from st9x.corpus.peer import load_peer
from st9x.corpus.peer.w3c_xsd import applies, expected_for
from st9x.engine.tasks import plan
from st9x.engine.worker import Worker
from st9x.errors import CorpusError
from st9x.subjects.validators.base import Adapter

KIND = "w3c-xsd"


@pytest.fixture
def suite(tmp_path: Path) -> Path:
    return write_w3c(tmp_path / "xsdtests")


def _cases(suite: Path, cache: Path, **options: object) -> dict[str, dict[str, Case]]:
    load = load_peer(KIND, suite, cache=cache, **options)  # type: ignore[arg-type]
    return {c.id: {case.id: case for case in c.cases} for c in load.corpora}


def test_one_corpus_per_test_set_and_version(suite: Path, tmp_path: Path) -> None:
    cases = _cases(suite, tmp_path / "cache")
    assert sorted(cases) == ["w3c-xsd-1.0/tiny/Tiny", "w3c-xsd-1.1/tiny/Tiny"]
    ten, eleven = cases["w3c-xsd-1.0/tiny/Tiny"], cases["w3c-xsd-1.1/tiny/Tiny"]
    assert "only11/only11-schema" in eleven and "only11/only11-schema" not in ten
    schema_test = ten["simple/simple-schema"]
    assert schema_test.kind == "schema" and schema_test.expected == "valid"
    assert schema_test.instance == (suite / "tinyData" / "simple.xsd").resolve()
    assert schema_test.source == "tinyData/simple.xsd"
    assert schema_test.tags == ("schema-test",)
    instance = ten["simple/good"]
    assert instance.kind == "instance" and instance.schema is not None
    assert (
        instance.schema.dialect == "xsd-1.0" and eleven["simple/good"].schema.dialect == "xsd-1.1"
    )
    assert instance.description == "An integer element."


def test_expected_validity_per_version(suite: Path, tmp_path: Path) -> None:
    cases = _cases(suite, tmp_path / "cache")
    assert cases["w3c-xsd-1.0/tiny/Tiny"]["assert/assert-schema"].expected == "invalid"
    assert cases["w3c-xsd-1.1/tiny/Tiny"]["assert/assert-schema"].expected == "valid"
    unicode = cases["w3c-xsd-1.0/tiny/Tiny"]["unicode/unicode-schema"]
    assert unicode.expected == "unknown" and "implementation-defined" in unicode.tags
    assert "status-queried" in cases["w3c-xsd-1.0/tiny/Tiny"]["simple/bad"].tags


def test_what_is_not_run_is_said(suite: Path, tmp_path: Path) -> None:
    notes = load_peer(KIND, suite, cache=tmp_path / "cache").notes
    assert any(
        n.startswith("test set goneMeta/Gone.testSet skipped: the file is missing") for n in notes
    )
    assert any("simple/lost not run: its document is missing" in n for n in notes)
    assert any("1 instance tests not run: their group has no schema test" in n for n in notes)
    assert "XSD 1.0: 1 tests not run, the suite restricts them to another XSD version" in notes


def test_a_schema_of_two_documents_is_composed(suite: Path, tmp_path: Path) -> None:
    cases = _cases(suite, tmp_path / "cache")
    case = cases["w3c-xsd-1.0/tiny/Tiny"]["two-documents/two-documents-schema"]
    assert case.source == "tinyData/a.xsd (+1 documents)"
    composed = etree.parse(str(case.instance)).getroot()
    locations = sorted(e.get("schemaLocation") for e in composed)
    assert locations == sorted(
        (suite / "tinyData" / n).resolve().as_uri() for n in ("a.xsd", "b.xsd")
    )
    assert case.instance.parent == tmp_path / "cache" / "peer" / "w3c-xsd" / "composed"


def test_every_xml_adapter_judges_its_version_only(
    suite: Path, tmp_path: Path, adapters: dict[str, Adapter]
) -> None:
    load = load_peer(KIND, suite, cache=tmp_path / "cache")
    worker = Worker(adapters)
    records = {
        (r["corpus"], r["case"], r["adapter"]): r
        for r in (worker.run(t) for t in plan(load.corpora, adapters))
    }
    for (corpus, _case, adapter), record in records.items():
        own = {"lxml": "1.0", "xmlschema-1.0": "1.0", "xmlschema-1.1": "1.1"}[adapter]
        if not corpus.startswith(f"w3c-xsd-{own}/"):
            assert record["verdict"] == "skipped"
        elif record["expected"] != "unknown":
            assert record["ok"] is True, record
    broken = records[("w3c-xsd-1.0/tiny/Tiny", "broken/broken-schema", "lxml")]
    assert broken["verdict"] == "invalid" and "does not compile" in broken["errors"][0]["message"]
    asserted = records[("w3c-xsd-1.1/tiny/Tiny", "assert/assert-schema", "xmlschema-1.1")]
    assert asserted["verdict"] == "valid"


def test_one_test_set_alone_and_sampling(suite: Path, tmp_path: Path) -> None:
    load = load_peer(KIND, suite / "tinyMeta" / "Tiny.testSet", cache=tmp_path / "cache")
    assert [c.id for c in load.corpora] == ["w3c-xsd-1.0/tiny/Tiny", "w3c-xsd-1.1/tiny/Tiny"]
    sampled = load_peer(KIND, suite, cache=tmp_path / "cache", sample=2, seed=1)
    assert [len(c.cases) for c in sampled.corpora] == [2, 2]
    assert sampled.total == 17 and sampled.describe()["seed"] == 1


def test_version_tokens() -> None:
    def element(xml: str) -> etree._Element:
        return etree.fromstring(f'<t xmlns="{TS_NS}">{xml}</t>')

    group = etree.fromstring(f'<g xmlns="{TS_NS}" version="1.0-2e full-xpath-in-CTA"/>')
    assert applies("1.0", group) and not applies("1.1", group)
    assert applies("1.1", etree.fromstring(f'<g xmlns="{TS_NS}" version="Unicode_6.0.0"/>'))
    both = element('<expected validity="valid"/><expected validity="invalid" version="1.0"/>')
    assert expected_for(both, "1.0") == ("invalid", None)
    assert expected_for(both, "1.1") == ("valid", None)
    assert expected_for(element('<expected validity="valid" version="1.0"/>'), "1.1") == (
        "unknown",
        "no-expectation",
    )
    assert expected_for(element('<expected validity="indeterminate"/>'), "1.0") == (
        "unknown",
        "indeterminate",
    )


def test_not_a_suite(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match=r"no suite\.xml"):
        load_peer(KIND, tmp_path, cache=tmp_path / "cache")
    write(tmp_path / "suite.xml", "<other/>")
    with pytest.raises(CorpusError, match="neither an XSTS testSuite nor a testSet"):
        load_peer(KIND, tmp_path, cache=tmp_path / "cache")
