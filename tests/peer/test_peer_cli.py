"""``st9x run --peer`` and the ``peers`` key of suite files, on suites in miniature."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from peer_suites import write, write_jsts, write_w3c

from st9x.cli import main
from st9x.engine.results import read_results

pytestmark = pytest.mark.usefixtures("isolated")


@pytest.fixture
def suites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.setenv("ST9X_CACHE", str(tmp_path / "cache"))
    return write_jsts(tmp_path / "jsts"), write_w3c(tmp_path / "xsdtests")


def test_run_both_peer_suites(
    suites: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    jsts, w3c = suites
    out = tmp_path / "out"
    argv = ["run", "--peer", "json-schema-test-suite", str(jsts), "--peer", "w3c-xsd", str(w3c)]
    status = main([*argv, "--out", str(out), "--quiet", "--jobs", "2"])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert "test set goneMeta/Gone.testSet skipped: the file is missing" in captured.err
    header, records, _ = read_results(out / "results.jsonl")
    assert {r["corpus"] for r in records} == {
        "jsts/draft7",
        "jsts/draft7-optional",
        "jsts/draft2020-12",
        "w3c-xsd-1.0/tiny/Tiny",
        "w3c-xsd-1.1/tiny/Tiny",
    }, "only the peers: the embedded corpora are not run with --peer alone"
    peers = header["selection"]["peers"]
    assert [p["kind"] for p in peers] == ["json-schema-test-suite", "w3c-xsd"]
    assert any("Gone.testSet" in n for n in peers[1]["notes"])
    matrix = (out / "matrix.md").read_text()
    assert "| w3c-xsd-1.1/tiny/Tiny | xmlschema-1.1 |" in matrix
    assert "| schema-test |" in matrix


def test_sample_is_announced_and_recorded(
    suites: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, w3c = suites
    out = tmp_path / "out"
    argv = ["run", "--peer", "w3c-xsd", str(w3c), "--sample", "2", "--seed", "3"]
    assert main([*argv, "--out", str(out), "--quiet", "--in-process"]) == 0
    assert "sampled: w3c-xsd: 4 of 17 cases (at most 2 per corpus, chosen by seed 3)" in (
        capsys.readouterr().out
    )
    header, records, _ = read_results(out / "results.jsonl")
    assert len(records) == 4 * 3
    assert (header["selection"]["sample"], header["selection"]["seed"]) == (2, 3)


def test_a_failing_peer_case_breaks_the_run(
    suites: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    jsts, _ = suites
    wrong = jsts / "tests" / "draft7" / "wrong.json"
    write(
        wrong,
        '[{"description": "d", "schema": {"type": "string"}, '
        '"tests": [{"description": "t", "data": 1, "valid": true}]}]',
    )
    out = tmp_path / "out"
    status = main(
        [
            "run",
            "--peer",
            "json-schema-test-suite",
            str(jsts),
            "--out",
            str(out),
            "--quiet",
            "--in-process",
        ]
    )
    assert status == 1
    assert "broken: jsts/draft7/wrong/0/0 [jsonschema] expected valid, got invalid" in (
        capsys.readouterr().err
    )


def test_bad_peer_arguments(suites: tuple[Path, Path], tmp_path: Path) -> None:
    assert main(["run", "--peer", "bowtie", str(tmp_path), "--out", str(tmp_path / "o")]) == 2
    status = main(
        [
            "run",
            "--peer",
            "w3c-xsd",
            str(tmp_path / "nowhere"),
            "--quiet",
            "--out",
            str(tmp_path / "o"),
        ]
    )
    assert status == 1  # a suite that cannot be loaded is reported; the run goes on and fails


def test_resume_reloads_the_peers(suites: tuple[Path, Path], tmp_path: Path) -> None:
    _, w3c = suites
    out = tmp_path / "out"
    argv = ["run", "--peer", "w3c-xsd", str(w3c), "--out", str(out), "--quiet", "--in-process"]
    assert main(argv) == 0
    lines = (out / "results.jsonl").read_text().splitlines()
    (out / "results.jsonl").write_text("\n".join(lines[:10]) + "\n")  # cut: 9 records kept
    resume = ["run", "--resume", str(out), "--quiet", "--in-process"]
    assert main(resume) == 2  # the suite is named again: no path is taken from a results file
    assert main([*resume, "--peer", "w3c-xsd", str(w3c)]) == 0
    _, records, _ = read_results(out / "results.jsonl")
    assert len(records) == 17 * 3


def test_suite_file_with_peers(suites: tuple[Path, Path], tmp_path: Path) -> None:
    """A suite file naming peers, through pytest itself: the sample becomes items, what the
    suite leaves out becomes skipped items with the reason, the suite's ledger strict xfails."""
    jsts, w3c = suites
    wrong = jsts / "tests" / "draft7" / "wrong.json"
    write(
        wrong,
        '[{"description": "d", "schema": {"type": "string"}, '
        '"tests": [{"description": "t", "data": 1, "valid": true}]}]',
    )
    ledger = write(
        tmp_path / "run" / "peer-known.json",
        '{"format": "st9x-ledger/1", "entries": [{"case": ["jsts/draft7/wrong/0/0"], '
        '"adapter": "*", "reason": "a test that is wrong on purpose", "reference": "here"}]}',
    )
    write(
        tmp_path / "run" / "peer.suite.toml",
        f'peers = [{{kind = "json-schema-test-suite", path = "{jsts}"}},\n'
        f'         {{kind = "w3c-xsd", path = "{w3c}", sample = 3, seed = 1}},\n'
        f'         {{kind = "w3c-xsd", path = "{tmp_path / "absent"}"}}]\n'
        f'ledger = "{ledger.name}"\nif-absent = "skip"\nabsent-reason = "not here"\n'
        'exclude-tags = ["optional"]\nexclude-reason = "not today"\n',
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-q",
            "-rs",
            "--rootdir",
            str(tmp_path / "run"),
            str(tmp_path / "run"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path / "run",
        env={**os.environ, "ST9X_CACHE": str(tmp_path / "cache")},
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    summary = done.stdout.strip().splitlines()[-1]
    assert "3 xfailed" in summary, summary  # wrong/0/0 under the three JSON adapters
    assert "Gone.testSet skipped: the file is missing" in done.stdout
    assert "absent: not here" in done.stdout
    assert "jsts/draft7-optional: 2 case(s) tagged optional not run: not today" in done.stdout
