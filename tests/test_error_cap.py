"""How many errors a record keeps is one setting of the run (``--max-errors``, 0: all), honoured
by ``st9x validate``, ``st9x run`` (in its worker processes too) and the pytest plugin; every
error is still counted, and what was left out is said: in ``validate``'s output, in each record
(``errors_omitted``), in the summary and in ``matrix.md``."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures import DOC_XSD, default_cases, make_corpus, many_errors_xml, write

from st9x import formats
from st9x.cli import main
from st9x.engine.limits import DEFAULT_MAX_ERRORS
from st9x.engine.results import read_results

pytestmark = pytest.mark.usefixtures("isolated")

MORE = "... {} more errors not shown (--max-errors 0 shows all)"


def _error_lines(out: str, adapter: str) -> list[str]:
    """The indented lines under ``adapter``'s verdict line in ``st9x validate``'s output."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.split()[-1:] == [adapter])
    block = []
    for line in lines[start + 1 :]:
        if not line.startswith(" "):
            break
        block.append(line.strip())
    return block


@pytest.fixture
def thirty(tmp_path: Path) -> tuple[Path, Path, list[tuple[int, int]]]:
    text, places = many_errors_xml(30)
    return write(tmp_path / "doc.xsd", DOC_XSD), write(tmp_path / "thirty.xml", text), places


@pytest.mark.parametrize("adapter", ["lxml", "xmlschema-1.0"])
def test_validate_shows_every_error_with_0_and_says_what_a_cap_left_out(
    adapter: str,
    thirty: tuple[Path, Path, list[tuple[int, int]]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    schema, instance, places = thirty
    argv = ["validate", str(instance), "--schema", str(schema), "--adapter", adapter]

    assert main([*argv, "--max-errors", "0"]) == 1
    shown = _error_lines(capsys.readouterr().out, adapter)
    assert len(shown) == 30
    assert [tuple(map(int, line.split(":")[1:3])) for line in shown] == places
    assert all(line.startswith(f"{instance}:") for line in shown)

    assert main([*argv, "--max-errors", "5"]) == 1
    shown = _error_lines(capsys.readouterr().out, adapter)
    assert len(shown) == 6 and shown[-1] == MORE.format(25)
    assert [tuple(map(int, line.split(":")[1:3])) for line in shown[:5]] == places[:5]

    assert main([*argv, "--max-errors", "5", "--format", "json"]) == 1
    (result,) = json.loads(capsys.readouterr().out)["adapters"].values()
    assert (result["error_count"], result["errors_omitted"], len(result["errors"])) == (30, 25, 5)
    assert [(e["line"], e["column"]) for e in result["errors"]] == places[:5]


def test_validate_keeps_a_hundred_by_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = write(tmp_path / "doc.xsd", DOC_XSD)
    instance = write(tmp_path / "many.xml", many_errors_xml(DEFAULT_MAX_ERRORS + 20)[0])
    assert main(["validate", str(instance), "--schema", str(schema), "--adapter", "lxml"]) == 1
    shown = _error_lines(capsys.readouterr().out, "lxml")
    assert len(shown) == DEFAULT_MAX_ERRORS + 1 and shown[-1] == MORE.format(20)


# --- the real ST.96 V6_0 package --------------------------------------------------------------

DATE = re.compile(r">(\d{4})-\d\d-\d\d<")


def test_real_st96_errors_carry_the_true_lines_of_their_elements(
    st96_v6: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """WIPO's TrademarkApplication example with 30 of its dates made impossible (month 13):
    both XML validators report all 30, each at the line and column of its element's start
    tag, found here in the text itself."""
    text = (st96_v6 / "examples" / "TrademarkApplication_Example.xml").read_text("utf-8")
    matches = list(DATE.finditer(text))[:30]
    assert len(matches) == 30
    places = []
    for match in matches:
        tag = text.rfind("<", 0, match.start())
        places.append((text.count("\n", 0, tag) + 1, tag - text.rfind("\n", 0, tag)))
    broken = DATE.sub(r">\1-13-45<", text, count=30)
    instance = write(tmp_path / "TrademarkApplication_broken.xml", broken)
    schema = st96_v6 / "schemas" / "TrademarkApplication_V6_0.xsd"
    argv = ["validate", str(instance), "--schema", str(schema)]
    argv += ["--adapter", "lxml", "--adapter", "xmlschema-1.0"]

    assert main([*argv, "--max-errors", "0", "--format", "json"]) == 1
    adapters = json.loads(capsys.readouterr().out)["adapters"]
    for name, result in adapters.items():
        assert result["error_count"] == len(result["errors"]) == 30, name
        assert result["errors_omitted"] == 0
        assert [(e["line"], e["column"]) for e in result["errors"]] == places, name
        assert all("13-45" in e["message"] for e in result["errors"]), name

    assert main([*argv, "--max-errors", "5"]) == 1
    out = capsys.readouterr().out
    for name in adapters:
        shown = _error_lines(out, name)
        assert shown[-1] == MORE.format(25) and len(shown) == 6
        assert [line.split(": ")[0] for line in shown[:5]] == [
            f"{instance}:{line}:{column}" for line, column in places[:5]
        ]


# --- st9x run, the summary and the matrix -----------------------------------------------------


def _corpus_with_thirty(root: Path) -> Path:
    cases = [
        *default_cases()[:2],
        {"id": "thirty", "instance": "instances/thirty.xml", "schema": "doc",
         "expected": "invalid", "constraint": "datatype"},
        {"id": "thirty-wrong", "instance": "instances/thirty.xml", "schema": "doc",
         "expected": "valid"},  # wrong on purpose: a failure row in the matrix
    ]
    make_corpus(root, cases=cases)
    write(root / "instances" / "thirty.xml", many_errors_xml(30)[0])
    return root


def test_run_caps_errors_in_its_worker_processes_and_the_matrix_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = _corpus_with_thirty(tmp_path / "corpus")
    out = tmp_path / "out"
    argv = ["run", "--corpus", str(corpus), "--out", str(out), "--quiet", "--adapter", "lxml",
            "--converter", "none"]
    assert main([*argv, "--max-errors", "5", "--jobs", "2"]) == 1  # isolated: worker processes
    capsys.readouterr()

    header, records, _ = read_results(out / "results.jsonl")  # checked against its format
    assert header["selection"]["max_errors"] == 5
    thirty = [r for r in records if r["case"].startswith("thirty")]
    assert len(thirty) == 2
    for record in thirty:
        assert (record["error_count"], record["errors_omitted"], len(record["errors"])) == (
            30, 25, 5,
        )
        assert all(e["line"] and e["column"] for e in record["errors"])
    small = next(r for r in records if r["case"] == "xml-invalid")
    assert (small["error_count"], small["errors_omitted"]) == (1, 0)

    summary = json.loads((out / "summary.json").read_text())
    formats.check("summary", summary, path=out / "summary.json")
    assert summary["errors_omitted"] == {"total": 50, "records": 2, "cap": 5}
    (failure,) = summary["failures"]
    assert failure["case"] == "mini/thirty-wrong"
    assert (failure["error_count"], failure["errors_omitted"]) == (30, 25)
    matrix = (out / "matrix.md").read_text()
    assert "Errors found but not kept: **50** in 2 record(s) (at most 5 kept per record;" in matrix
    assert "| case | adapter | expected | verdict | judgement | first error | errors |" in matrix
    row = next(line for line in matrix.splitlines() if line.startswith("| mini/thirty-wrong |"))
    assert row.endswith("| 30 (25 not kept) |")

    # st9x report folds the same results into the same matrix, cap included
    assert main(["report", str(out), "--quiet"]) == 1
    assert (out / "matrix.md").read_text() == matrix


def test_run_keeps_every_error_with_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = _corpus_with_thirty(tmp_path / "corpus")
    out = tmp_path / "out"
    argv = ["run", "--corpus", str(corpus), "--out", str(out), "--quiet", "--adapter", "lxml",
            "--converter", "none"]
    assert main([*argv, "--max-errors", "0", "--in-process"]) == 1
    _, records, _ = read_results(out / "results.jsonl")
    assert {len(r["errors"]) for r in records if r["case"].startswith("thirty")} == {30}
    summary = json.loads((out / "summary.json").read_text())
    assert summary["errors_omitted"] == {"total": 0, "records": 0, "cap": 0}
    assert "Errors found but not kept" not in (out / "matrix.md").read_text()


# --- the pytest plugin ------------------------------------------------------------------------


@pytest.mark.parametrize("in_process", [False, True])
def test_the_pytest_plugin_takes_the_cap(tmp_path: Path, in_process: bool) -> None:
    corpus = _corpus_with_thirty(tmp_path / "corpus")
    project = tmp_path / "project"
    project.mkdir()
    argv = ["--corpus", str(corpus), "--adapter", "lxml", "-k", "thirty-wrong", "--max-errors", "5"]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *argv,
         *(["--in-process"] if in_process else [])],
        cwd=project, capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 1, done.stdout[-2000:] + done.stderr[-2000:]
    assert "expected valid, got invalid" in done.stdout
    assert "... and 25 more of 30 errors" in done.stdout
