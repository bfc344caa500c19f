"""ST.96 version awareness: a document's declared version against its schemas', said once before
the errors (``st9x validate``), carried in each record, counted in the summary and shown in
matrix.md; errors about elements of an office's extension namespace name it.

Detection is tested on inline documents; the rest on copies of the official V6_0 example changed
at run time (another ``st96Version``, a version 1 namespace, an office extension element) and
validated against the real V6_0 schemas, skipped with the reason when ``../shared`` is absent.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path

import pytest
from fixtures import Loopback, manifest_document, run_one, write, xsd_spec

from st9x import formats
from st9x.cli import main
from st9x.corpus.st96version import (
    HEAD_BYTES,
    DocumentVersion,
    differs,
    mark_extension,
    read_document_version,
    read_schema_version,
    version_note,
)
from st9x.engine.results import read_results
from st9x.engine.worker import Worker

TMK = "http://www.wipo.int/standards/XMLSchema/ST96/Trademark"
COM = "http://www.wipo.int/standards/XMLSchema/ST96/Common"
TMK_1 = "http://www.wipo.int/standards/XMLSchema/Trademark/1"
COM_1 = "http://www.wipo.int/standards/XMLSchema/Common/1"
USPTO = "urn:us:gov:doc:uspto:trademark"


# --- detection on inline documents ------------------------------------------------------------


def test_the_root_st96_version_and_the_office_version_are_read(tmp_path: Path) -> None:
    doc = write(
        tmp_path / "a.xml",
        f'<tmk:TrademarkApplication xmlns:tmk="{TMK}" xmlns:com="{COM}" '
        'com:st96Version="V2_2" com:ipoVersion="US_V7_1"><tmk:X/></tmk:TrademarkApplication>',
    )
    assert read_document_version(doc) == DocumentVersion("V2_2", "US_V7_1")


def test_a_version_1_namespace_is_read_as_v1_and_named(tmp_path: Path) -> None:
    """The USPTO's trademark status documents: an office root, ST.96 version 1 namespaces, no
    st96Version."""
    doc = write(
        tmp_path / "tsdr.xml",
        f'<TrademarkTransaction xmlns="urn:us:gov:doc:uspto:trademark:status" '
        f'xmlns:ns1="{TMK_1}" xmlns:ns2="{COM_1}"><ns1:TrademarkTransactionBody/>'
        "</TrademarkTransaction>",
    )
    assert read_document_version(doc) == DocumentVersion("V1", None, TMK_1)


def test_an_st96_namespace_without_st96_version_declares_none(tmp_path: Path) -> None:
    doc = write(tmp_path / "a.xml", f'<tmk:TrademarkApplication xmlns:tmk="{TMK}"/>')
    assert read_document_version(doc) == DocumentVersion(None)


@pytest.mark.parametrize(
    "root",
    [
        '<t:Doc xmlns:t="urn:test" version="V6_0"/>',
        # ST.66 (trademarks) and ST.86 (designs) are WIPO's too, but not ST.96
        '<Transaction xmlns="http://www.wipo.int/standards/XMLSchema/trademarks"/>',
        '<Transaction xmlns="http://www.wipo.int/standards/XMLSchema/designs"/>',
    ],
)
def test_a_document_that_is_not_st96_has_no_version(tmp_path: Path, root: str) -> None:
    assert read_document_version(write(tmp_path / "a.xml", root)) is None


def test_an_office_wrapper_is_looked_into_for_the_st96_version(tmp_path: Path) -> None:
    doc = write(
        tmp_path / "a.xml",
        f'<us:Wrapper xmlns:us="{USPTO}" xmlns:pat="http://www.wipo.int/standards/XMLSchema/'
        f'ST96/Patent" xmlns:com="{COM}"><us:Meta/><pat:BibliographicData '
        'com:st96Version="V4_0"/></us:Wrapper>',
    )
    assert read_document_version(doc) == DocumentVersion("V4_0")


def test_only_the_head_is_read_and_a_broken_rest_does_not_matter(tmp_path: Path) -> None:
    body = "<tmk:X>" + "y" * HEAD_BYTES + "</tmk:X>"
    doc = write(
        tmp_path / "a.xml",
        f'<tmk:A xmlns:tmk="{TMK}" xmlns:com="{COM}" com:st96Version="V3_0">{body}<broken',
    )
    assert read_document_version(doc) == DocumentVersion("V3_0")
    # an st96Version beyond the head is not looked for
    late = write(tmp_path / "late.xml", f'<tmk:A xmlns:tmk="{TMK}">{body}<tmk:B '
                 f'xmlns:com="{COM}" com:st96Version="V3_0"/></tmk:A>')  # fmt: skip
    assert read_document_version(late) == DocumentVersion(None)


def test_no_dtd_is_fetched(tmp_path: Path, loopback: Loopback) -> None:
    doc = write(
        tmp_path / "a.xml",
        f'<!DOCTYPE tmk:A SYSTEM "{loopback.url}/a.dtd">'
        f'<tmk:A xmlns:tmk="{TMK}" xmlns:com="{COM}" com:st96Version="V6_0"/>',
    )
    assert read_document_version(doc) == DocumentVersion("V6_0")
    assert loopback.close() == 0  # no connection was attempted


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_is_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "a.xml"
    os.mkfifo(fifo)
    result: list[object] = []
    reader = threading.Thread(target=lambda: result.append(read_document_version(fifo)))
    reader.start()
    reader.join(5)
    assert not reader.is_alive() and result == [None]
    assert read_document_version(tmp_path / "missing.xml") is None


def _xsd(target: str, version: str | None = None) -> str:
    attribute = f' version="{version}"' if version else ""
    return (
        f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="{target}"'
        f"{attribute}/>"
    )


def test_schema_version_from_the_version_attribute_then_the_file_name(tmp_path: Path) -> None:
    assert read_schema_version(write(tmp_path / "a.xsd", _xsd(TMK, "V6_0"))) == "V6_0"
    named = write(tmp_path / "TrademarkApplication_V5_0_Common.xsd", _xsd(COM))
    assert read_schema_version(named) == "V5_0"
    assert read_schema_version(write(tmp_path / "old.xsd", _xsd(TMK_1))) == "V1"


def test_a_schema_that_is_not_wipos_has_no_st96_version(tmp_path: Path) -> None:
    """An office's own schema (or a test schema) may carry a version of its own."""
    assert read_schema_version(write(tmp_path / "a_V6_0.xsd", _xsd("urn:test", "V1_0"))) is None
    assert read_schema_version(write(tmp_path / "b.xsd", "<not-a-schema/>")) is None


def test_the_note_says_which_version_each_side_is() -> None:
    assert differs("V2_2", "V6_0") and not differs("V6_0", "V6_0") and not differs(None, "V6_0")
    assert version_note("PatentX.xml", {"document": "V2_2", "schema": "V6_0"}) == (
        "PatentX.xml declares ST.96 V2_2; the schemas are V6_0"
    )
    assert version_note("t.xml", {"document": "V1", "schema": "V6_0", "namespace": TMK_1}) == (
        f"t.xml uses the ST.96 V1 namespace {TMK_1}; the schemas are V6_0"
    )
    assert version_note("a.xml", {"document": "V6_0", "schema": "V6_0"}) is None
    assert version_note("a.xml", {"document": None, "schema": "V6_0"}) is None


@pytest.mark.parametrize(
    ("message", "named"),
    [
        (f"Element '{{{USPTO}}}Extra': This element is not expected. Expected is ( {{{TMK}}}A ).",
         True),
        (f"Unexpected child with tag '{{{USPTO}}}Extra' at position 1.", True),
        (f"cvc-complex-type.2.4.a: Invalid content was found starting with element "
         f"'{{\"{USPTO}\":Extra}}'. One of '{{\"{TMK}\":A}}' is expected.", True),
        (f"Element '{{{TMK}}}A': This element is not expected.", False),
        ("Element '{http://www.w3.org/1998/Math/MathML3}math': This element is not expected.",
         False),
        ("Element 'Extra': This element is not expected.", False),
    ],
)  # fmt: skip
def test_an_element_of_an_office_namespace_is_named_as_such(message: str, named: bool) -> None:
    marked = mark_extension(message)
    suffix = f" (an office extension namespace, not ST.96: {USPTO})"
    assert marked == (message + suffix if named else message)


def test_records_of_other_documents_carry_no_versions_and_keep_their_messages(
    tmp_path: Path, worker: Worker
) -> None:
    """A schema that is not WIPO's (version="V1_0" in urn:test) and a document in another
    namespace: nothing about ST.96 is added, and messages are left as the validator wrote them."""
    schema = write(
        tmp_path / "doc.xsd",
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:test" '
        'elementFormDefault="qualified" version="V1_0"><xs:element name="Doc"/></xs:schema>',
    )
    instance = write(tmp_path / "a.xml", '<o:Other xmlns:o="urn:office"/>')
    record = run_one(worker, "lxml", xsd_spec(schema), instance)
    assert record["verdict"] == "invalid"
    assert "st96" not in record
    assert all("office extension" not in e["message"] for e in record["errors"])


# --- against the real V6_0 schemas --------------------------------------------------------------

SCHEMA_FILES = (
    "TrademarkApplication_V6_0.xsd",
    "TrademarkApplication_V6_0_Common.xsd",
    "OASISTable_V1_0.xsd",
    "FlattenedMathML3.xsd",
)


def _variants(example: str) -> dict[str, str]:
    """The official example, and three office-like changes of it."""
    older = example.replace('com:st96Version="V6_0"', 'com:st96Version="V2_2"', 1)
    extended = example.replace(
        "<tmk:ApplicationFormName>",
        f'<us:CaseStatus xmlns:us="{USPTO}">LIVE</us:CaseStatus><tmk:ApplicationFormName>',
        1,
    )
    version_1 = (
        example.replace(' com:st96Version="V6_0"', "", 1).replace(TMK, TMK_1).replace(COM, COM_1)
    )
    assert older != example and extended != example and TMK_1 in version_1
    return {"current": example, "older": older, "extended": extended, "version-1": version_1}


@pytest.fixture
def office_corpus(tmp_path: Path, st96_v6: Path) -> Path:
    """A corpus of the V6_0 trademark schemas and the example's variants, each expected valid."""
    root = tmp_path / "office"
    (root / "schemas").mkdir(parents=True)
    for name in SCHEMA_FILES:
        shutil.copyfile(st96_v6 / "schemas" / name, root / "schemas" / name)
    example = (st96_v6 / "examples" / "TrademarkApplication_Example.xml").read_text("utf-8")
    cases = []
    for case_id, text in _variants(example).items():
        write(root / "instances" / f"{case_id}.xml", text)
        cases.append(
            {"id": case_id, "instance": f"instances/{case_id}.xml", "schema": "tm",
             "expected": "valid"}
        )  # fmt: skip
    schemas = [{"id": "tm", "path": "schemas/TrademarkApplication_V6_0.xsd"}]
    write(root / "manifest.json", manifest_document("office", cases, schemas=schemas))
    return root


def test_validate_says_the_version_once_before_the_errors_and_names_the_extension(
    office_corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = office_corpus / "schemas" / "TrademarkApplication_V6_0.xsd"
    older = office_corpus / "instances" / "older.xml"
    argv = ["validate", str(older), "--schema", str(schema), "--adapter", "lxml"]
    assert main([*argv, "--adapter", "xmlschema-1.0"]) == 1
    lines = capsys.readouterr().out.splitlines()
    note = f"note     {older} declares ST.96 V2_2; the schemas are V6_0"
    assert lines.count(note) == 1 and lines[0] == note, lines
    assert [line.split()[1] for line in lines[1:] if not line.startswith(" ")] == [
        "lxml",
        "xmlschema-1.0",
    ]

    extended = office_corpus / "instances" / "extended.xml"
    assert main(["validate", str(extended), "--schema", str(schema), "--adapter", "lxml"]) == 1
    out = capsys.readouterr().out
    assert "note" not in out  # it declares V6_0, as the schemas are
    (named,) = [line for line in out.splitlines() if f"{{{USPTO}}}CaseStatus" in line]
    assert named.endswith(f"(an office extension namespace, not ST.96: {USPTO})")

    assert main([*argv, "--format", "json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["st96"] == {"document": "V2_2", "schema": "V6_0"}


def test_a_run_records_counts_and_shows_the_versions(
    office_corpus: Path, tmp_path: Path, isolated: Path
) -> None:
    out = tmp_path / "out"
    argv = ["run", "--corpus", str(office_corpus), "--out", str(out), "--quiet", "--converter",
            "none"]  # fmt: skip
    assert main([*argv, "--in-process", "--adapter", "lxml"]) == 1

    _header, records, _footer = read_results(out / "results.jsonl")
    versions = {r["case"]: r["st96"] for r in records}
    assert versions == {
        "current": {"document": "V6_0", "schema": "V6_0"},
        "older": {"document": "V2_2", "schema": "V6_0"},
        "extended": {"document": "V6_0", "schema": "V6_0"},
        "version-1": {"document": "V1", "schema": "V6_0", "namespace": TMK_1},
    }
    extended = next(r for r in records if r["case"] == "extended")
    assert any(USPTO + ")" in e["message"] for e in extended["errors"])

    summary = json.loads((out / "summary.json").read_text())
    formats.check("summary", summary, path=out / "summary.json")
    assert summary["st96_versions"] == {
        "documents": {"V1": 1, "V2_2": 1, "V6_0": 2},
        "schemas": {"V6_0": 4},
    }
    failures = {f["case"]: f for f in summary["failures"]}
    assert set(failures) == {"office/older", "office/extended", "office/version-1"}
    assert failures["office/older"]["st96"] == {"document": "V2_2", "schema": "V6_0"}
    assert "st96" not in failures["office/extended"]

    matrix = (out / "matrix.md").read_text()
    assert (
        "ST.96 documents by declared version: V1 1, V2_2 1, V6_0 2; "
        "by their schemas' version: V6_0 4." in matrix
    )
    rows = {line.split("|")[1].strip(): line for line in matrix.splitlines() if "| office/" in line}
    assert "(ST.96 V2_2 document, V6_0 schemas) " in rows["office/older"]
    assert "(ST.96 V1 document, V6_0 schemas) " in rows["office/version-1"]
    assert "(ST.96" not in rows["office/extended"]
