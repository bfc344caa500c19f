"""The ``st9x`` command line, in-process through ``st9x.cli.main`` and once as a real program.

Exit codes are the contract with CI: 0 every expectation held, 1 something broke (including a
corpus that could not be loaded), 2 the command line itself was wrong. Every CLI test isolates
the embedded-corpora directory (and so the default ledger) into tmp_path.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures import (
    ALL_ADAPTERS,
    DOC_XSD,
    INVALID_JSON,
    INVALID_XML,
    JSON_SCHEMA_07,
    VALID_JSON,
    VALID_XML,
    default_cases,
    make_corpus,
    write,
)

from st9x import formats
from st9x.cli import main
from st9x.engine.results import read_results

pytestmark = pytest.mark.usefixtures("isolated")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    make_corpus(tmp_path / "corpus")
    return tmp_path / "corpus"


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def _cells(table: str, first: str) -> list[str]:
    """The cells of the rich table row whose first cell is ``first``."""
    for line in table.splitlines():
        cells = [c.strip() for c in line.split("│")[1:-1]]
        if cells and cells[0] == first:
            return cells
    raise AssertionError(f"no row {first!r} in:\n{table}")


# --- st9x run ---------------------------------------------------------------------------------


def test_run_writes_outputs_and_exits_0(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    # the default executor: worker processes with time-outs
    assert main(["run", "--corpus", str(corpus), "--out", str(out), "--jobs", "2"]) == 0

    header, records, footer = read_results(out / "results.jsonl")
    assert len(records) == 3 * 3 + 2 * 3  # 3 XML cases x 3 adapters, 2 JSON cases x 3
    assert {r["adapter"] for r in records} == set(ALL_ADAPTERS)
    assert all(r["ok"] is True for r in records)
    assert footer is not None and footer["records"] == len(records)
    assert header["selection"]["tags"] == []
    summary = json.loads((out / "summary.json").read_text())
    formats.check("summary", summary, path=out / "summary.json")
    assert summary["broken"] == 0 and summary["totals"]["pass"] == len(records)
    assert (out / "matrix.md").read_text().startswith("# st9x compatibility matrix")

    captured = capsys.readouterr()
    assert "5 documents: 2 valid, 3 invalid, 0 errored (15 case x adapter runs); broken " \
        "expectations: 0" in captured.out
    assert "adapter x corpus" in captured.out  # the matrix, since --quiet was not given
    assert "broken:" not in captured.err


def test_run_exits_1_when_an_expectation_breaks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = default_cases()
    cases[1] = {**cases[1], "expected": "valid"}  # xml-invalid is not valid
    del cases[1]["constraint"]
    make_corpus(tmp_path / "corpus", cases=cases)
    out = tmp_path / "out"
    argv = ["run", "--corpus", str(tmp_path / "corpus"), "--out", str(out), "--quiet"]
    assert main([*argv, "--in-process", "--adapter", "lxml"]) == 1

    err = capsys.readouterr().err
    assert "broken: mini/xml-invalid [lxml] expected valid, got invalid" in err
    summary = json.loads((out / "summary.json").read_text())
    assert summary["broken"] == 1
    assert summary["failures"][0]["first_error"].startswith("/*/*[3]: ")


def test_run_exits_1_on_bad_manifest_but_writes_the_other_corpus(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad"
    make_corpus(bad, corpus_id="bad")
    write(bad / "manifest.json", '{"format": "st9x-corpus/1", "id": "bad"}')
    out = tmp_path / "out"
    argv = ["run", "--corpus", str(bad), "--corpus", str(corpus), "--out", str(out), "--quiet"]
    assert main([*argv, "--in-process"]) == 1

    err = [line for line in _lines(capsys.readouterr().err) if "error" in line]
    assert len(err) == 1, err
    assert err[0].startswith(f"st9x: error: {bad / 'manifest.json'}: manifest format: at /:")
    _, records, _ = read_results(out / "results.jsonl")
    assert {r["corpus"] for r in records} == {"mini"}
    assert len(records) == 15
    assert json.loads((out / "summary.json").read_text())["broken"] == 0


def test_unknown_adapter_exits_2_with_one_line(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    argv = ["run", "--corpus", str(corpus), "--out", str(out), "--adapter", "nope"]
    assert main(argv) == 2
    captured = capsys.readouterr()
    err = _lines(captured.err)
    assert len(err) == 1, err
    assert err[0].startswith("st9x: error: adapter 'nope' is unknown (known: ")
    assert "lxml" in err[0]
    assert not out.exists()  # refused before anything ran


def test_tag_filtering(tmp_path: Path, corpus: Path) -> None:
    out = tmp_path / "out"
    argv = ["run", "--corpus", str(corpus), "--out", str(out), "--quiet", "--in-process"]
    assert main([*argv, "--tag", "smoke", "--adapter", "lxml", "--adapter", "jsonschema"]) == 0
    header, records, _ = read_results(out / "results.jsonl")
    assert sorted((r["case"], r["adapter"]) for r in records) == [
        ("json-valid", "jsonschema"),
        ("xml-valid", "lxml"),
    ]
    assert header["selection"]["tags"] == ["smoke"]

    assert main([*argv, "--tag", "datatype", "--tag", "json-type"]) == 0
    _, records, _ = read_results(out / "results.jsonl")
    assert {r["case"] for r in records} == {"xml-invalid", "json-invalid"}


def test_run_uses_embedded_corpora_by_default(
    tmp_path: Path, isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_corpus(isolated / "first", corpus_id="first")
    (tmp_path / "out").mkdir()
    argv = ["run", "--out", str(tmp_path / "out"), "--quiet", "--in-process", "--adapter", "lxml"]
    assert main(argv) == 0
    _, records, _ = read_results(tmp_path / "out" / "results.jsonl")
    assert {r["corpus"] for r in records} == {"first"}


# --- st9x validate ----------------------------------------------------------------------------


def test_validate_prints_verdict_per_adapter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = write(tmp_path / "doc.xsd", DOC_XSD)
    valid = write(tmp_path / "valid.xml", VALID_XML)
    invalid = write(tmp_path / "invalid.xml", INVALID_XML)

    assert main(["validate", str(valid), "--schema", str(schema), "--root", "Doc"]) == 0
    lines = _lines(capsys.readouterr().out)
    assert sorted(line.split() for line in lines) == [
        ["valid", "lxml"],
        ["valid", "xmlschema-1.0"],
        ["valid", "xmlschema-1.1"],
    ]

    assert main(["validate", str(invalid), "--schema", str(schema)]) == 1
    out = capsys.readouterr().out
    assert "invalid  lxml" in out and "invalid  xmlschema-1.1" in out
    # file:line:column, then the library's XPath: lxml's and xmlschema's, at one place
    assert f"{invalid}:5:3: /*/*[3]: " in out
    assert f"{invalid}:5:3: /Doc/Count[2]: " in out


def test_validate_json_with_named_adapter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = write(tmp_path / "s.json", JSON_SCHEMA_07)
    write(tmp_path / "ok.json", VALID_JSON)
    bad = write(tmp_path / "bad.json", INVALID_JSON)
    argv = ["validate", str(bad), "--schema", str(schema), "--adapter", "fastjsonschema"]
    assert main(argv) == 1
    lines = _lines(capsys.readouterr().out)
    assert lines[0].split() == ["invalid", "fastjsonschema"]
    assert lines[1].strip() == f"{bad}:1:14: /a/0/b: data.a[0].b must be integer"
    assert len(lines) == 2  # only the named adapter ran


def test_validate_errored_input_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    schema = write(tmp_path / "s.json", JSON_SCHEMA_07)
    broken = write(tmp_path / "broken.json", '{"a": [\n')
    assert main(["validate", str(broken), "--schema", str(schema)]) == 1
    out = capsys.readouterr().out
    verdicts = sorted(line.split() for line in _lines(out) if not line.startswith(" "))
    assert verdicts == [
        ["errored", name] for name in ("fastjsonschema", "jsonschema", "jsonschema-rs")
    ]
    # an errored record's message names its file and place itself: printed as it is
    assert out.count(f"         {broken}:2:1: not valid JSON") == 3


@pytest.mark.parametrize(
    ("instance", "schema", "fragment"),
    [
        ("doc.txt", "doc.xsd", "must be a .xml or .json file"),
        ("doc.xml", "absent.xsd", "schema file not found"),
    ],
)
def test_validate_usage_errors_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], instance: str, schema: str, fragment: str
) -> None:
    write(tmp_path / "doc.xsd", DOC_XSD)
    write(tmp_path / instance, VALID_XML)
    assert main(["validate", str(tmp_path / instance), "--schema", str(tmp_path / schema)]) == 2
    err = _lines(capsys.readouterr().err)
    assert len(err) == 1 and err[0].startswith("st9x: error: ") and fragment in err[0]


CORE = Path(__file__).resolve().parents[1] / "corpora" / "st96-core"
PATENT_NS = "http://www.wipo.int/standards/XMLSchema/ST96/Patent"


def _patent_schema(tmp_path: Path) -> Path:
    """st96-core's patent schema, reachable by ``st9x validate``: it reads only files below the
    schema's own directory, and the document schemas import ``../common``, so a same-namespace
    include one level up puts every file below the schema given."""
    shutil.copytree(CORE / "schemas", tmp_path / "schemas")
    return write(
        tmp_path / "schemas" / "pat-pub.xsd",
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        f'targetNamespace="{PATENT_NS}" elementFormDefault="qualified">'
        '<xs:include schemaLocation="patent/PatentPublication.xsd"/></xs:schema>',
    )


def test_validate_json_reports_each_verdict_with_located_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = _patent_schema(tmp_path)
    instance = CORE / "instances" / "invalid" / "pat-pub-undeclared-examiner-note.xml"
    argv = ["validate", str(instance), "--schema", str(schema), "--format", "json"]
    assert main([*argv, "--adapter", "lxml", "--adapter", "xmlschema-1.1"]) == 1
    document = json.loads(capsys.readouterr().out)  # nothing but the document on stdout
    assert document["format"] == "xml" and document["instance"] == str(instance)
    assert sorted(document["adapters"]) == ["lxml", "xmlschema-1.1"]
    lxml = document["adapters"]["lxml"]
    assert lxml["verdict"] == "invalid"
    assert lxml["error_count"] == len(lxml["errors"]) == 1
    (error,) = lxml["errors"]
    assert error["line"] == 17
    assert error["location"] == "/pat:PatentPublication/pat:BibliographicData/pat:ExaminerNoteText"
    assert "This element is not expected" in error["message"]
    xmlschema = document["adapters"]["xmlschema-1.1"]
    assert xmlschema["verdict"] == "invalid" and xmlschema["error_count"] >= 1
    assert "ExaminerNoteText" in xmlschema["errors"][0]["message"]


def test_validate_json_of_a_valid_instance_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = write(tmp_path / "doc.xsd", DOC_XSD)
    valid = write(tmp_path / "valid.xml", VALID_XML)
    argv = ["validate", str(valid), "--schema", str(schema), "--format", "json"]
    assert main(argv) == 0
    adapters = json.loads(capsys.readouterr().out)["adapters"]
    assert {name: a["verdict"] for name, a in adapters.items()} == {
        "lxml": "valid",
        "xmlschema-1.0": "valid",
        "xmlschema-1.1": "valid",
    }
    assert all(a["error_count"] == 0 and a["errors"] == [] for a in adapters.values())


# --- st9x adapters / corpora ------------------------------------------------------------------


def test_adapters_lists_the_six(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["adapters"]) == 0
    table = capsys.readouterr().out
    for name in ALL_ADAPTERS:
        cells = _cells(table, name)
        assert cells[1] == ("xml" if name.startswith(("lxml", "xmlschema")) else "json")
    assert "draft7" in _cells(table, "fastjsonschema")[4]
    assert "2020-12" not in _cells(table, "fastjsonschema")[4]


def test_adapters_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["adapters", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    by_name = {a["name"]: a for a in document["adapters"]}
    assert set(ALL_ADAPTERS) <= set(by_name)
    assert [a["name"] for a in document["adapters"]] == sorted(by_name)
    lxml = by_name["lxml"]
    assert lxml["format"] == "xml" and lxml["library"] == "lxml" and lxml["version"]
    assert set(lxml) == {"name", "format", "library", "version", "dialects", "description"}
    assert "draft7" in by_name["fastjsonschema"]["dialects"]
    assert "2020-12" not in by_name["fastjsonschema"]["dialects"]
    assert document["unavailable"] == []


def test_corpora_json(tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_corpus(
        tmp_path / "paired", corpus_id="paired", pairs=[{"xml": "xml-valid", "json": "json-valid"}]
    )
    argv = ["corpora", "--corpus", str(corpus), "--corpus", str(tmp_path / "paired")]
    assert main([*argv, "--format", "json"]) == 0
    mini, paired = json.loads(capsys.readouterr().out)["corpora"]
    assert mini == {
        "id": "mini",
        "path": str(corpus),
        "schemas": 2,
        "cases": 5,
        "valid": 2,
        "invalid": 3,
        "errored": 0,
        "unknown": 0,
        "pairs": 0,
    }
    assert paired["id"] == "paired" and paired["pairs"] == 1


def _broken_corpus(tmp_path: Path) -> Path:
    bad = tmp_path / "bad"
    make_corpus(bad, corpus_id="bad")
    write(bad / "manifest.json", '{"format": "st9x-corpus/1", "id": "bad"}')
    return bad


def test_corpora_json_exits_1_and_keeps_stdout_one_document(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _broken_corpus(tmp_path)
    argv = ["corpora", "--corpus", str(corpus), "--corpus", str(bad)]
    assert main([*argv, "--format", "json"]) == 1
    captured = capsys.readouterr()
    assert [c["id"] for c in json.loads(captured.out)["corpora"]] == ["mini"]
    assert str(bad) in captured.err


def test_corpora_refuses_a_path_that_does_not_exist(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["corpora", "--corpus", str(corpus), "--corpus", str(tmp_path / "nowhere")]
    assert main(argv) == 2  # a typo on the command line, not a broken corpus
    captured = capsys.readouterr()
    assert captured.out == ""
    assert _lines(captured.err) == [
        f"st9x: error: {tmp_path / 'nowhere'}: no such corpus (neither a directory nor an "
        "embedded corpus id)"
    ]


def test_corpora_lists_counts(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_corpus(
        tmp_path / "paired", corpus_id="paired", pairs=[{"xml": "xml-valid", "json": "json-valid"}]
    )
    assert main(["corpora", "--corpus", str(corpus), "--corpus", str(tmp_path / "paired")]) == 0
    table = capsys.readouterr().out
    # id, path, schemas, cases, valid, invalid, errored, unknown, pairs
    assert _cells(table, "mini")[2:] == ["2", "5", "2", "3", "0", "0", "0"]
    assert _cells(table, "paired")[-1] == "1"


def test_corpora_exits_1_when_one_cannot_load(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _broken_corpus(tmp_path)
    assert main(["corpora", "--corpus", str(corpus), "--corpus", str(bad)]) == 1
    captured = capsys.readouterr()
    assert _cells(captured.out, "mini")[3] == "5"
    err = _lines(captured.err)
    assert len(err) == 1 and str(bad) in err[0]


# --- the installed program --------------------------------------------------------------------


def _st9x_program() -> str:
    beside = Path(sys.executable).with_name("st9x")
    found = str(beside) if beside.is_file() else shutil.which("st9x")
    if not found:
        pytest.skip("the st9x console script is not installed (pip install -e .)")
    return found


def test_console_script_runs_a_corpus(tmp_path: Path, corpus: Path, isolated: Path) -> None:
    program = _st9x_program()
    env = {**os.environ, "ST9X_CORPORA": str(isolated)}
    out = tmp_path / "out"
    done = subprocess.run(
        [program, "run", "--corpus", str(corpus), "--out", str(out), "--quiet"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "broken expectations: 0" in done.stdout
    _, records, _ = read_results(out / "results.jsonl")
    assert len(records) == 15

    usage = subprocess.run(
        [program, "run", "--bogus-option"], capture_output=True, text=True, env=env, timeout=60
    )
    assert usage.returncode == 2
    assert "unrecognized arguments: --bogus-option" in usage.stderr
