"""st9x as a gate on data it did not write: a directory without a manifest holds documents that
are meant to be valid, so an invalid one breaks the run and fails its pytest item; a selection
that matches nothing is a command-line mistake (exit 2) that writes nothing; converter suites run
on such data only when named."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures import DOC_XSD, INVALID_XML, VALID_XML, write

from st9x.cli import main
from st9x.corpus.discover import EXPECT_FILE, discover
from st9x.engine.results import read_results

pytestmark = pytest.mark.usefixtures("isolated")


@pytest.fixture
def office(tmp_path: Path) -> Path:
    """An office's folder: a schema, one valid and one invalid document, no manifest."""
    root = tmp_path / "office"
    write(root / "schemas" / "doc.xsd", DOC_XSD)
    write(root / "data" / "good.xml", VALID_XML)
    write(root / "data" / "bad.xml", INVALID_XML)
    return root


def _run(*argv: str) -> int:
    return main(["run", "--in-process", "--quiet", *argv])


def test_an_invalid_document_breaks_the_run(
    tmp_path: Path, office: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert _run("--corpus", str(office), "--out", str(out)) == 1
    captured = capsys.readouterr()
    assert "2 documents: 1 valid, 1 invalid, 0 errored" in captured.out
    _, records, _ = read_results(out / "results.jsonl")
    assert {r["expected"] for r in records} == {"valid"}
    bad = [r for r in records if r["case"] == "data/bad"]
    assert bad and all(r["ok"] is False for r in bad)
    assert "broken: office/data/bad" in captured.err


def test_expect_unknown_surveys_without_breaking(
    tmp_path: Path, office: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run("--corpus", str(office), "--out", str(tmp_path / "o"), "--expect", "unknown") == 0
    assert "2 documents: 1 valid, 1 invalid, 0 errored" in capsys.readouterr().out


def test_a_document_without_a_schema_breaks_the_run(tmp_path: Path, office: Path) -> None:
    write(office / "data" / "stray.xml", "<Stray/>")
    out = tmp_path / "out"
    assert _run("--corpus", str(office), "--out", str(out), "--adapter", "lxml") == 1
    _, records, _ = read_results(out / "results.jsonl")
    (stray,) = [r for r in records if r["case"] == "data/stray"]
    assert stray["verdict"] == "errored" and stray["ok"] is False


def test_an_expect_file_overrides_the_default_below_its_directory(office: Path) -> None:
    write(office / "rejects" / "bad.xml", INVALID_XML)
    write(office / "rejects" / "deeper" / "also-bad.xml", INVALID_XML)
    write(office / "rejects" / EXPECT_FILE, 'expect = "invalid"\nreason = "kept to show errors"\n')
    cases = {c.id: c.expected for c in discover(office).cases}
    assert cases == {
        "data/bad": "valid",
        "data/good": "valid",
        "rejects/bad": "invalid",
        "rejects/deeper/also-bad": "invalid",
    }
    assert {c.expected for c in discover(office, "unknown").cases} == {"unknown", "invalid"}


def test_the_expect_file_passes_the_run_when_it_is_right(tmp_path: Path, office: Path) -> None:
    (office / "rejects").mkdir()
    (office / "data" / "bad.xml").rename(office / "rejects" / "bad.xml")
    write(office / "rejects" / EXPECT_FILE, 'expect = "invalid"\n')
    assert _run("--corpus", str(office), "--out", str(tmp_path / "out")) == 0


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('expect = "maybe"\n', "'expect' must be one of valid, invalid, unknown"),
        ('expect = "valid"\nexcept = "x"\n', "unknown key(s) except"),
        ("expect = \n", "not valid TOML"),
    ],
)
def test_a_bad_expect_file_is_named(
    tmp_path: Path, office: Path, capsys: pytest.CaptureFixture[str], text: str, said: str
) -> None:
    write(office / "data" / EXPECT_FILE, text)
    out = tmp_path / "out"
    assert _run("--corpus", str(office), "--out", str(out)) == 1  # a broken corpus
    err = capsys.readouterr().err
    assert f"{office / 'data' / EXPECT_FILE}: " in err and said in err
    assert not out.exists()


def test_nothing_to_run_is_exit_2_and_writes_nothing(
    tmp_path: Path, office: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    empty = tmp_path / "empty"
    empty.mkdir()
    cases = {
        "an empty folder": ["--corpus", str(empty)],
        "a missing path": ["--corpus", str(tmp_path / "nonexistent")],
        "a tag no case carries": ["--corpus", str(office), "--tag", "nosuchtag"],
        "no adapter for the format": ["--corpus", str(office), "--adapter", "jsonschema"],
    }
    for why, argv in cases.items():
        assert _run(*argv, "--out", str(out)) == 2, why
        assert not out.exists(), why
        err = capsys.readouterr().err
        assert err.count("st9x: error:") == 1, (why, err)
    # an earlier run's reports are not overwritten by a mistyped one
    assert _run("--corpus", str(office), "--out", str(out), "--expect", "unknown") == 0
    before = (out / "matrix.md").read_bytes()
    assert _run("--corpus", str(tmp_path / "nonexistent"), "--out", str(out)) == 2
    assert (out / "matrix.md").read_bytes() == before


def test_converters_run_on_other_data_only_when_named(
    tmp_path: Path, office: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert _run("--corpus", str(office), "--out", str(out), "--expect", "unknown") == 0
    assert not (out / "conversions.jsonl").exists()
    assert "converter suites run on data other than the embedded corpora when named" in (
        capsys.readouterr().err
    )
    named = tmp_path / "named"
    _run("--corpus", str(office), "--out", str(named), "--converter", "st97-v2")
    _, records, _ = read_results(named / "conversions.jsonl", "conversions")
    assert {r["converter"] for r in records} == {"st97-v2"}


def test_converter_all_is_every_installed_converter_and_stands_alone(
    tmp_path: Path, office: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from st9x.subjects.registry import select_converters

    assert set(select_converters(["all"])) == set(select_converters(None))
    argv = ["--corpus", str(office), "--out", str(tmp_path / "o"), "--converter", "all"]
    assert _run(*argv, "--converter", "st97-v2") == 2
    assert "--converter all cannot be combined" in capsys.readouterr().err


def _pytest(where: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=where, capture_output=True, text=True, timeout=600,
    )


def _counts(output: str) -> dict[str, int]:
    return {word: int(n) for n, word in re.findall(r"(\d+) (passed|failed|skipped|error)", output)}


def test_pytest_fails_the_invalid_documents_item(tmp_path: Path, office: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    done = _pytest(project, "--corpus", str(office), "--adapter", "xmlschema-1.0")
    assert done.returncode == 1, done.stdout[-2000:] + done.stderr[-2000:]
    assert _counts(done.stdout) == {"failed": 1, "passed": 1}
    assert "data/bad [xmlschema-1.0]: expected valid, got invalid" in done.stdout
    survey = _pytest(project, "--corpus", str(office), "--adapter", "xmlschema-1.0", "--expect",
                     "unknown")
    assert survey.returncode == 0, survey.stdout[-2000:]


def test_pytest_fails_on_an_empty_corpus(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    done = _pytest(tmp_path, "--corpus", str(empty))
    assert done.returncode == 1, done.stdout[-2000:]
    assert "no document in this corpus" in done.stdout


def test_pytest_names_an_unknown_adapter_in_one_line(tmp_path: Path, office: Path) -> None:
    done = _pytest(tmp_path, "--corpus", str(office), "--adapter", "nosuch")
    assert done.returncode == 4  # pytest's usage error
    assert "adapter 'nosuch' is unknown" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr
