"""CI outputs of ``st9x report``: ``--check`` (each results folder against the shipped formats,
one line per folder, the first problem named by file and line, nothing written) and
``--summary-md`` (a short Markdown summary for a CI step summary, every value escaped)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fixtures import DOC_XSD, INVALID_XML, VALID_XML, make_corpus, write

from st9x.cli import main

HOSTILE = "bad|<b>x</b>"


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A real run of a small corpus and of an office's folder holding an invalid document
    with a hostile name (a broken expectation), with a converter suite."""
    base = tmp_path_factory.mktemp("check")
    make_corpus(base / "mini")
    office = base / "office"
    write(office / "schemas" / "doc.xsd", DOC_XSD)
    write(office / "data" / "good.xml", VALID_XML)
    write(office / "data" / f"{HOSTILE}.xml", INVALID_XML)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ST9X_CORPORA", str(base / "no-embedded-corpora"))
        main(["run", "--in-process", "--quiet", "--corpus", str(base / "mini"), "--corpus",
              str(office), "--out", str(base / "run"), "--adapter", "lxml", "--adapter",
              "jsonschema", "--converter", "st97-v2", "--lint", "st97-jsonschema"])
    yield base / "run"


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.stat().st_size)
            for p in folder.rglob("*")}


def _copy(run_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy"
    shutil.copytree(run_dir, target)
    return target


def test_check_passes_real_runs_one_line_each_and_writes_nothing(
    run_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = _copy(run_dir, tmp_path)
    before = _snapshot(run_dir), _snapshot(copy)
    assert main(["report", "--check", str(run_dir), str(copy)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"ok: {run_dir}: results.jsonl (")
    assert "conversions.jsonl (" in lines[0]
    assert "lint.jsonl (" in lines[0]
    for name in ("summary.json", "conversion-summary.json", "lint-summary.json", "ledger.json"):
        assert name in lines[0]
    assert (_snapshot(run_dir), _snapshot(copy)) == before


def test_check_names_the_file_and_line_of_a_corrupted_results_file(
    run_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = _copy(run_dir, tmp_path)
    results = copy / "results.jsonl"
    lines = results.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace('"verdict":"', '"verdict":"maybe-', 1)
    results.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = _snapshot(copy)
    assert main(["report", "--check", str(run_dir), str(copy), str(run_dir)]) == 1
    captured = capsys.readouterr()
    assert captured.out.count("ok: ") == 1  # the first folder; the check stops at the problem
    assert f"{results}:3: results format" in captured.err
    assert _snapshot(copy) == before


def test_check_names_the_line_of_a_corrupted_lint_record(
    run_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = _copy(run_dir, tmp_path)
    lint = copy / "lint.jsonl"
    lines = lint.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if '"status":"ok"' in line)
    lines[number] = lines[number].replace('"status":"ok"', '"status":"fine"', 1)
    lint.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["report", "--check", str(copy)]) == 1
    assert f"{lint}:{number + 1}: lint format" in capsys.readouterr().err


def test_check_refuses_a_line_cut_short_and_a_duplicate_record(
    run_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = _copy(run_dir, tmp_path)
    results = copy / "results.jsonl"
    lines = results.read_text(encoding="utf-8").splitlines()
    results.write_text("\n".join([*lines[:3], lines[3][:40], *lines[4:]]) + "\n",
                       encoding="utf-8")
    assert main(["report", "--check", str(copy)]) == 1
    assert f"{results}:4: not valid JSON" in capsys.readouterr().err
    results.write_text("\n".join([*lines[:3], lines[2], *lines[3:]]) + "\n", encoding="utf-8")
    assert main(["report", "--check", str(copy)]) == 1
    assert f"{results}:4: a second record of" in capsys.readouterr().err


def test_check_names_a_summary_that_breaks_its_format(
    run_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = _copy(run_dir, tmp_path)
    write(copy / "conversion-summary.json", {"format": "st9x-conversion-summary/1"})
    assert main(["report", "--check", str(copy)]) == 1
    assert f"{copy / 'conversion-summary.json'}: conversion-summary format" in (
        capsys.readouterr().err)
    (copy / "results.jsonl").unlink()
    assert main(["report", "--check", str(copy / "conversions")]) == 1
    assert "no results file here" in capsys.readouterr().err


def test_check_takes_no_output_options(run_dir: Path, tmp_path: Path) -> None:
    assert main(["report", "--check", str(run_dir), "-o", str(tmp_path / "site")]) == 2
    assert main(["report", "--check", str(run_dir), "--summary-md", "-"]) == 2
    assert not (tmp_path / "site").exists()


def test_summary_md_lists_counts_broken_expectations_and_converters(
    run_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _snapshot(run_dir)
    target = tmp_path / "step-summary.md"
    assert main(["report", str(run_dir), "--summary-md", str(target)]) == 0
    assert _snapshot(run_dir) == before  # nothing rebuilt in the results folder
    text = target.read_text(encoding="utf-8")
    # the invalid document under lxml, and the converter's two checks of it
    assert text.startswith("## st9x run `run`: 3 broken expectation(s)")
    assert "| mini | lxml | 3/3 | 0 | 0 | 0 | 0 | 0 | 0 |" in text
    assert "| office | lxml | 1/2 | 1 | 0 | 0 | 0 | 0 | 0 |" in text
    assert "### Broken expectations (validation) (1)" in text
    rows = [line for line in text.splitlines() if "x&lt;/b&gt;" in line]
    assert "| office/data/bad\\|&lt;b&gt;x&lt;/b&gt; | lxml | fail | valid | invalid |" in rows[0]
    assert "### Broken expectations (converters) (2)" in text
    assert "| office/data/bad\\|&lt;b&gt;x&lt;/b&gt; | st97-v2:validity | fail |" in rows[-1]
    assert "<b>" not in text
    assert "### Converters: judged checks" in text and "| st97-v2 | roundtrip |" in text
    assert main(["report", str(run_dir), "--summary-md", "-"]) == 0
    assert capsys.readouterr().out == text
