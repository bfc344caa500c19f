"""``st9x report --check`` on a run that checked APIs: ``st90-matrix.json`` is checked against
its format and against a refold of the run's lint records; an edited one is named in one line
(exit 1) and nothing is written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from st9x.cli import main
from st9x.corpus.load import embedded_corpora_dir


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("st90check") / "run"
    assert main(["run", "--in-process", "--quiet", "--corpus",
                 str(embedded_corpora_dir() / "st90-apis"), "--out", str(out)]) == 0
    return out


def _copy(run_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy"
    shutil.copytree(run_dir, target)
    return target


def _edit(path: Path, api: str, chapter: str, **values: object) -> None:
    matrix = json.loads(path.read_text(encoding="utf-8"))
    (row,) = [r for r in matrix["apis"] if r["api"] == api]
    row["cells"][chapter].update(values)
    path.write_text(json.dumps(matrix, indent=2), encoding="utf-8")


def test_a_real_run_passes_and_lists_the_st90_matrix(
        run_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--check", str(run_dir)]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith(f"ok: {run_dir}: ") and "st90-matrix.json" in line


def test_a_tampered_cell_is_named_in_one_line(
        run_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A failing chapter rewritten as passing follows the format, but not the records."""
    copy = _copy(run_dir, tmp_path)
    target = copy / "st90-matrix.json"
    _edit(target, "st90-apis/swagger2-verbs", "security", state="pass", failing_rules=[])
    before = target.read_bytes()
    assert main(["report", "--check", str(copy)]) == 1
    captured = capsys.readouterr()
    assert "ok: " not in captured.out
    (line,) = captured.err.strip().splitlines()
    assert f"{target}: does not match the ST.90 matrix its lint records fold into" in line
    assert "apis[api=st90-apis/swagger2-verbs].cells.security" in line
    assert target.read_bytes() == before


def test_a_reason_rewritten_or_an_api_dropped_is_named(
        run_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = _copy(run_dir, tmp_path)
    target = copy / "st90-matrix.json"
    _edit(target, "st90-apis/oas30-errors", "security", reason="not our problem")
    assert main(["report", "--check", str(copy)]) == 1
    err = capsys.readouterr().err
    assert f"{target}: " in err and "cells.security.reason: 'not our problem' written" in err
    matrix = json.loads((run_dir / "st90-matrix.json").read_text(encoding="utf-8"))
    matrix["apis"] = matrix["apis"][1:]
    target.write_text(json.dumps(matrix), encoding="utf-8")
    assert main(["report", "--check", str(copy)]) == 1
    assert f"{target}: does not match" in capsys.readouterr().err


def test_a_matrix_that_breaks_its_format_is_named(
        run_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = _copy(run_dir, tmp_path)
    target = copy / "st90-matrix.json"
    _edit(target, "st90-apis/reference", "gate", state="great")
    assert main(["report", "--check", str(copy)]) == 1
    assert f"{target}: st90-matrix format" in capsys.readouterr().err
