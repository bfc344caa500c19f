"""The pytest plugin comes with installing st9x (the ``pytest11`` entry point): ``pytest
--corpus PATH`` works in a project that has neither a conftest nor a suite file of its own."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from st9x.corpus.load import load_corpus

CORE = Path(__file__).resolve().parents[1] / "corpora" / "st96-core"


def _pytest(where: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=where, capture_output=True, text=True, timeout=600,
    )


def _counts(output: str) -> dict[str, int]:
    return {word: int(n) for n, word in re.findall(r"(\d+) (passed|failed|xfailed|xpassed)",
                                                      output)}


def test_pytest_corpus_from_a_foreign_directory(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    done = _pytest(project, "--corpus", str(CORE), "--adapter", "lxml")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    xml_cases = [c for c in load_corpus(CORE).cases if c.format == "xml"]
    counts = _counts(done.stdout)
    assert sum(counts.values()) == len(xml_cases)  # one item per case under lxml


def test_a_broken_expectation_fails_its_item_there_too(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORE, corpus)
    manifest = json.loads((corpus / "manifest.json").read_text())
    case = next(c for c in manifest["cases"] if c["id"] == "tm-app-minimal")
    case.update(expected="invalid", constraint="pattern")  # wrong on purpose: it is valid
    (corpus / "manifest.json").write_text(json.dumps(manifest))
    project = tmp_path / "project"
    project.mkdir()
    done = _pytest(project, "--corpus", str(corpus), "--adapter", "lxml", "-k", "tm-app-minimal")
    assert done.returncode == 1, done.stdout[-2000:]
    assert _counts(done.stdout) == {"failed": 1}
    assert "expected invalid, got valid" in done.stdout


def test_a_suite_file_is_checked_against_its_format(tmp_path: Path) -> None:
    (tmp_path / "mine.suite.toml").write_text('corpora = ["corpus"]\nif-absnt = "skip"\n')
    done = _pytest(tmp_path, "mine.suite.toml")
    assert done.returncode == 2  # a collection error: nothing runs
    assert "mine.suite.toml: suite format" in done.stdout and "'if-absnt'" in done.stdout
