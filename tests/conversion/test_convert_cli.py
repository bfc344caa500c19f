"""``st9x convert``: outputs complete or absent, one-line errors, exit codes."""

from __future__ import annotations

import json
import os
import stat
from collections import Counter
from pathlib import Path

import pytest

from st9x.cli import main

CORE = Path(__file__).resolve().parents[2] / "corpora" / "st96-core"
XSD = CORE / "schemas" / "patent" / "PatentPublication.xsd"
VALID = CORE / "instances" / "valid" / "pat-pub-minimal.xml"
BAD = CORE / "instances" / "invalid" / "pat-pub-undeclared-examiner-note.xml"
LEDGER = CORE.parents[1] / "known-failures.json"


def test_xsd_to_json_schema_with_losses(tmp_path: Path) -> None:
    out, losses = tmp_path / "s.json", tmp_path / "l.json"
    assert main(["convert", "xsd", str(XSD), "-o", str(out), "--losses", str(losses)]) == 0
    assert json.loads(out.read_text())["$schema"].endswith("2020-12/schema")
    assert all("construct" in x for x in json.loads(losses.read_text()))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["l.json", "s.json"]


def test_xsd_json_output_says_what_was_written_and_the_losses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, losses = tmp_path / "s.json", tmp_path / "l.json"
    argv = ["convert", "xsd", str(XSD), "-o", str(out), "--losses", str(losses)]
    assert main([*argv, "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["kind"] == "xsd" and document["source"] == str(XSD)
    assert document["written"] == [str(out), str(losses)]
    written = Counter(x["construct"] for x in json.loads(losses.read_text()))
    assert document["losses"] == dict(written)


def test_instance_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc, xml = tmp_path / "d.json", tmp_path / "d.xml"
    argv = ["convert", "xml", str(VALID), "--schema", str(XSD), "-o", str(doc), "--format"]
    assert main([*argv, "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["kind"] == "xml" and document["schema"] == str(XSD)
    assert document["written"] == [str(doc)] and doc.is_file()
    assert isinstance(document["losses"], dict)
    argv = ["convert", "json", str(doc), "--schema", str(XSD), "-o", str(xml), "--format", "json"]
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out)["written"] == [str(xml)]


def test_failed_conversion_prints_no_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.json"
    argv = ["convert", "xml", str(BAD), "--schema", str(XSD), "-o", str(out), "--format", "json"]
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("st9x: error: ")
    assert not out.exists()


def test_xml_to_json_and_back(tmp_path: Path) -> None:
    doc, xml = tmp_path / "d.json", tmp_path / "d.xml"
    assert main(["convert", "xml", str(VALID), "--schema", str(XSD), "-o", str(doc)]) == 0
    assert "patentPublication" in json.loads(doc.read_text())
    assert main(["convert", "json", str(doc), "--schema", str(XSD), "-o", str(xml)]) == 0
    assert b"PatentPublication" in xml.read_bytes()


def test_failed_conversion_leaves_no_output(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bad.json"
    assert main(["convert", "xml", str(BAD), "--schema", str(XSD), "-o", str(out)]) == 1
    assert not out.exists() and list(tmp_path.iterdir()) == []
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and f"{BAD}:17:" in error


def test_failed_conversion_keeps_an_existing_output(tmp_path: Path) -> None:
    out = tmp_path / "keep.json"
    out.write_text("old")
    assert main(["convert", "xml", str(BAD), "--schema", str(XSD), "-o", str(out)]) == 1
    assert out.read_text() == "old"


def test_broken_json_names_file_and_line(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    doc = tmp_path / "d.json"
    doc.write_text('{\n  "patentPublication": \n}')
    assert main(["convert", "json", str(doc), "--schema", str(XSD),
                 "-o", str(tmp_path / "o.xml")]) == 1
    assert f"{doc}:3" in capsys.readouterr().err
    assert not (tmp_path / "o.xml").exists()


def test_bad_option_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["convert", "xsd", str(XSD), "--option", "mixed=nonsense",
                 "-o", str(tmp_path / "s.json")]) == 2
    assert main(["convert", "xsd", str(XSD), "--option", "novalue",
                 "-o", str(tmp_path / "s.json")]) == 2
    assert list(tmp_path.iterdir()) == []


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def _ledger_without(tmp_path: Path, adapter: str) -> Path:
    """The project's ledger less the entries about ``adapter``: what a run sees when a known
    gap was never written down."""
    ledger = json.loads(LEDGER.read_text())
    kept = [e for e in ledger["entries"] if e["adapter"] != adapter]
    assert len(kept) < len(ledger["entries"]), f"the ledger has no entry for {adapter}"
    path = tmp_path / "ledger.json"
    path.write_text(json.dumps({**ledger, "entries": kept}))
    return path


RUN_CHOICE = ["run", "--corpus", "st96-core", "--adapter", "lxml", "--adapter", "jsonschema-rs",
              "--converter", "st97-v2", "--quiet", "--in-process", "--tag", "choice-multiple"]


def test_run_with_converter_plans_steps_for_the_tagged_cases_only(tmp_path: Path) -> None:
    assert main([*RUN_CHOICE, "--out", str(tmp_path)]) == 0  # the anyOf gaps are ledgered
    records = _records(tmp_path / "conversions.jsonl")
    cases = {r["case"] for r in records if r["type"] == "case"}
    validated = {r["case"] for r in _records(tmp_path / "results.jsonl") if r["type"] == "record"}
    assert cases == validated and cases  # the same selection for validators and converters
    assert all(r["constraint"] == "choice-multiple" or "choice-multiple" in r["tags"]
               for r in records if r["type"] == "case")
    schemas = {r["schema"] for r in records if r["type"] == "schema"}
    assert schemas == {r["schema"] for r in records if r["type"] == "case"}
    summary = json.loads((tmp_path / "conversion-summary.json").read_text())
    assert summary["broken"] == 0 and summary["checks"]["st97-v2"]["agreement"]["xfail"] == 3


def test_a_converter_gap_outside_the_ledger_breaks_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """st97-v2's anyOf (register decision 5) accepts JSON with two alternatives of a choice:
    a real gap. Without its ledger entry the run must exit 1 and name it."""
    ledger = _ledger_without(tmp_path, "st97-v2:agreement")
    code = main([*RUN_CHOICE, "--out", str(tmp_path / "out"), "--ledger", str(ledger)])
    assert code == 1
    err = capsys.readouterr().err
    assert "[st97-v2:agreement] fail" in err and "gap-accepts" in err
    summary = json.loads((tmp_path / "out" / "conversion-summary.json").read_text())
    assert summary["broken"] == 3
    assert {f["subject"] for f in summary["failures"]} == {"st97-v2:agreement"}
    # rebuilding the matrices with the project's ledger needs no new run, and passes
    assert main(["report", str(tmp_path / "out"), "--quiet"]) == 0
    summary = json.loads((tmp_path / "out" / "conversion-summary.json").read_text())
    assert summary["broken"] == 0


def test_run_with_converter_none_writes_none(tmp_path: Path) -> None:
    assert main(["run", "--corpus", "st96-core", "--adapter", "lxml", "--converter", "none",
                 "--out", str(tmp_path), "--quiet", "--in-process", "--tag", "length"]) == 0
    assert not (tmp_path / "conversions.jsonl").exists()


def test_success_is_one_line_naming_what_was_written_and_the_losses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, losses = tmp_path / "s.json", tmp_path / "l.json"
    assert main(["convert", "xsd", str(XSD), "-o", str(out), "--losses", str(losses)]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.splitlines()
    count = len(json.loads(losses.read_text()))
    assert line.startswith(f"st9x convert: wrote {out}, {losses}; ")
    assert f"reported {count} loss(es)" in line


def test_success_line_names_the_most_frequent_constructs_briefly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, losses = tmp_path / "s.json", tmp_path / "l.json"
    assert main(["convert", "xsd", str(XSD), "-o", str(out), "--losses", str(losses)]) == 0
    (line,) = capsys.readouterr().err.splitlines()
    counts = Counter(x["construct"] for x in json.loads(losses.read_text())).most_common()
    assert len(counts) > 5  # the schema reports more kinds than the line names
    named = ", ".join(f"{c} {n}" for c, n in counts[:5])
    assert line.endswith(f"({named} and {len(counts) - 5} more construct(s))")
    assert f"reported {sum(n for _, n in counts)} loss(es)" in line


def test_dash_writes_the_document_to_standard_output(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["convert", "xml", str(VALID), "--schema", str(XSD), "-o", "-"]) == 0
    captured = capsys.readouterr()
    assert "patentPublication" in json.loads(captured.out)
    assert "wrote standard output" in captured.err
    assert main(["convert", "xml", str(VALID), "--schema", str(XSD), "-o", "-",
                 "--format", "json"]) == 2  # two documents cannot share standard output


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_outputs_get_the_permissions_of_any_new_file(tmp_path: Path, umask: int,
                                                     mode: int) -> None:
    old = os.umask(umask)
    try:
        assert main(["convert", "xsd", str(XSD), "-o", str(tmp_path / "s.json")]) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "s.json").stat().st_mode) == mode
