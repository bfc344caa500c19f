"""Resuming ``st9x validate-bulk``: a killed run or a cut results file is finished by a rerun
with the same records as one uninterrupted run, changed records are judged again, and results
of another adapter or a tampered file are never taken on trust."""

from __future__ import annotations

import re
import signal
import subprocess
import time
from pathlib import Path

import orjson
import pytest
from tests.bulk.bulkcli_support import DESIGN_XSD, child_command, design_bag, results, st9x

from st9x.corpus.bag import iter_records, read_layout
from st9x.engine.bulk import digest

ARGS = ("--schema", DESIGN_XSD, "--workers", "1", "--chunk-mb", "0.02", "--quiet")


@pytest.fixture(scope="module")
def bag(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return design_bag(tmp_path_factory.mktemp("bags") / "designs.xml", 3_000_000,
                      invalid_every=7)


@pytest.fixture(scope="module")
def whole(bag: Path, tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, object]]:
    """The records of one uninterrupted run."""
    out = tmp_path_factory.mktemp("whole")
    assert st9x("validate-bulk", bag, *ARGS, "--out", out) == 1
    return results(out)[1]


def _summary(capsys: pytest.CaptureFixture[str]) -> dict[str, int]:
    return orjson.loads(capsys.readouterr().out)


def test_a_killed_run_is_finished_by_a_rerun(
    bag: Path, whole: list[dict[str, object]], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "o"
    process = subprocess.Popen(child_command("validate-bulk", bag, *ARGS, "--out", out),
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    results_file = out / "bulk.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if results_file.is_file() and results_file.read_bytes().count(b"\n") > 40:
            break
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    cut = results(out)
    assert cut[2] is None, "the run finished before it was killed"
    assert 0 < len(cut[1]) < len(whole)
    assert st9x("validate-bulk", bag, *ARGS, "--out", out, "--format", "json") == 1
    summary = _summary(capsys)
    assert summary["kept"] >= len(cut[1]) - 1 > 0
    assert results(out)[1] == whole
    assert sorted(p.name for p in out.iterdir()) == ["bulk.jsonl"]


def test_a_cut_file_and_a_changed_record(
    bag: Path, whole: list[dict[str, object]], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "bag.xml"
    data = bytearray(bag.read_bytes())
    path.write_bytes(bytes(data))
    out = tmp_path / "o"
    assert st9x("validate-bulk", path, *ARGS, "--out", out) == 1
    text = (out / "bulk.jsonl").read_bytes()
    lines = text.splitlines(keepends=True)
    kept_lines = 30
    (out / "bulk.jsonl").write_bytes(b"".join(lines[: 1 + kept_lines]) + lines[31][:50])
    capsys.readouterr()
    assert st9x("validate-bulk", path, *ARGS, "--out", out, "--format", "json") == 1
    assert _summary(capsys)["kept"] == kept_lines
    assert results(out)[1] == [{**r, "source": str(path)} for r in whole]

    # one record's bytes change (same length): it alone is judged again, and now fails
    raw = next(r for r in iter_records(read_layout(path)) if r.index == 2)
    first_child = re.search(rb"<(dgn:)(\w)(\w+)[\s>]", raw.data[1:])
    assert first_child is not None
    name = first_child.group(1) + first_child.group(2) + first_child.group(3)
    renamed = first_child.group(1) + b"Q" + first_child.group(3)
    changed = raw.data.replace(b"<" + name, b"<" + renamed, 1).replace(
        b"</" + name + b">", b"</" + renamed + b">", 1)
    data[raw.offset : raw.offset + raw.length] = changed
    path.write_bytes(bytes(data))
    assert st9x("validate-bulk", path, *ARGS, "--out", out, "--format", "json") == 1
    assert _summary(capsys)["kept"] == len(whole) - 1
    again = results(out)[1]
    assert again[2]["digest"] == digest(changed) != whole[2]["digest"]
    assert again[2]["verdict"] == "invalid" and whole[2]["verdict"] == "valid"
    assert again[:2] + again[3:] == [{**r, "source": str(path)} for r in whole[:2] + whole[3:]]


def test_results_of_another_adapter_are_not_reused(
    bag: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "o"
    st9x("validate-bulk", bag, *ARGS, "--out", out)
    capsys.readouterr()
    assert st9x("validate-bulk", bag, *ARGS, "--out", out, "--adapter", "xmlschema-1.0",
                "--format", "json") == 1
    captured = capsys.readouterr()
    assert orjson.loads(captured.out)["kept"] == 0
    note = [line for line in captured.err.splitlines() if "not reused" in line]
    assert len(note) == 1 and "bulk.jsonl" in note[0]
    assert results(out)[0]["adapter"]["name"] == "xmlschema-1.0"


def test_a_tampered_results_file_is_refused_naming_its_line(
    bag: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "o"
    st9x("validate-bulk", bag, *ARGS, "--out", out)
    lines = (out / "bulk.jsonl").read_bytes().splitlines(keepends=True)
    lines[5] = lines[5].replace(b'"verdict":"', b'"verdict":"very-')
    (out / "bulk.jsonl").write_bytes(b"".join(lines))
    capsys.readouterr()
    assert st9x("validate-bulk", bag, *ARGS, "--out", out) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1
    assert "bulk.jsonl:6" in error and "bulk format" in error


def test_an_interrupted_rerun_keeps_what_both_runs_judged(
    bag: Path, whole: list[dict[str, object]], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A first run cut after 20 records, moved aside by a rerun that was itself cut after 50:
    the third run keeps 50 records (the rerun's lines win) and leaves one file."""
    out = tmp_path / "o"
    st9x("validate-bulk", bag, *ARGS, "--out", out)
    lines = (out / "bulk.jsonl").read_bytes().splitlines(keepends=True)
    (out / "bulk.jsonl.previous-1").write_bytes(b"".join(lines[:21]) + lines[21][:10])
    (out / "bulk.jsonl").write_bytes(b"".join(lines[:51]))
    capsys.readouterr()
    assert st9x("validate-bulk", bag, *ARGS, "--out", out, "--format", "json") == 1
    assert _summary(capsys)["kept"] == 50
    assert results(out)[1] == whole
    assert sorted(p.name for p in out.iterdir()) == ["bulk.jsonl"]
