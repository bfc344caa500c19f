"""The API × ST.90 chapter matrix: chapters chosen not applicable with a reason (lint
configuration and corpus manifest), failures there kept and counted apart, unknown chapters
reported with file and line, and choices that match nothing listed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from st9x import formats
from st9x.cli import main
from st9x.matrix.st90 import fold_st90
from st9x.report.st90 import render_st90
from st9x.subjects.linters.config import load_config

from .st90corpus_run import CORPUS, matrix, row, st9x_run

CONFIG = """\
# the large example pages nothing on purpose
[[not_applicable]]
path = "st90-apis/large"
chapter = "query-patterns"
reason = "bulk download API: one page per request by design"

[[not_applicable]]
path = "*/gate-invalid.yaml"
chapter = "security"
reason = "a draft contract"

[[not_applicable]]
path = "nothing/*"
chapter = "http-methods"
reason = "matches no API"
"""


def test_lint_config_choice_shows_as_na_with_reason(tmp_path: Path) -> None:
    config = tmp_path / "lint.toml"
    config.write_text(CONFIG, encoding="utf-8")
    out = tmp_path / "out"
    assert st9x_run(out, "--lint-config", str(config)) == 0
    document = matrix(out)
    cell = row(document, "st90-apis/large")["cells"]["query-patterns"]
    assert cell["state"] == "not-applicable"
    assert cell["reason"] == "bulk download API: one page per request by design"
    # a pattern over the file's path; a chosen n/a outranks the gate's "not checked"
    gated = row(document, "st90-apis/gate-invalid")["cells"]["security"]
    assert gated["state"] == "not-applicable"
    assert [c["path"] for c in document["unused_not_applicable"]] == ["nothing/*"]
    text = (out / "st90-matrix.md").read_text(encoding="utf-8")
    assert "n/a (bulk download API: one page per request by design)" in text
    assert "`http-methods` for `nothing/*`" in text


@pytest.mark.parametrize("chapter, words", [("uri-component", "unknown ST.90 chapter"),
                                            ("gate", "cannot be not applicable")])
def test_bad_chapter_in_config_is_an_error_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], chapter: str, words: str
) -> None:
    config = tmp_path / "lint.toml"
    config.write_text(CONFIG.replace('"query-patterns"', f'"{chapter}"'), encoding="utf-8")
    loaded = load_config(config, ["st90.gate.valid-openapi"])
    assert len(loaded.problems) == 1
    assert loaded.problems[0].line == 4 and words in str(loaded.problems[0])
    assert [c.chapter for c in loaded.not_applicable] == ["security", "http-methods"]
    assert st9x_run(tmp_path / "out", "--lint-config", str(config)) == 1
    assert f"{config}:4: " in capsys.readouterr().err


def test_unknown_chapter_in_manifest_is_an_error_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "st90-apis"
    shutil.copytree(CORPUS, corpus)
    manifest = corpus / "manifest.json"
    text = manifest.read_text(encoding="utf-8").replace('"security": "open', '"secrity": "open')
    manifest.write_text(text, encoding="utf-8")
    line = next(n for n, t in enumerate(text.splitlines(), 1) if '"secrity"' in t)
    assert st9x_run(tmp_path / "out", corpus=corpus) == 1
    err = capsys.readouterr().err
    assert f"{manifest}:{line}: unknown ST.90 chapter 'secrity'" in err
    # the rest of the run went on: the matrix is there, without the bad choice
    cell = row(matrix(tmp_path / "out"), "st90-apis/oas30-errors")["cells"]["security"]
    assert cell["state"] != "not-applicable"


def _record(schema: str, rules: dict[str, tuple[str, int, int]]) -> dict[str, Any]:
    return {"type": "lint", "linter": "st90-openapi", "converter": None, "corpus": "c",
            "schema": schema, "path": f"/apis/{schema}.yaml", "status": "ok", "message": None,
            "seconds": 0.1, "findings": [],
            "rules": {rule: {"severity": "essential", "category": cat, "pass": ok,
                             "fail": bad, "n/a": 0, "errored": 0, "suppressed": 0}
                      for rule, (cat, ok, bad) in rules.items()}}


def test_failures_in_a_chosen_chapter_are_kept_and_counted_apart() -> None:
    header = {"config": {"not_applicable": [
        {"path": "c/open", "chapter": "security", "reason": "open data", "source": "m.json",
         "line": 7}]}}
    records = [
        _record("open", {"st90.gate.valid-openapi": ("gate", 1, 0),
                         "st90.security.example": ("security", 0, 2),
                         "st90.uri-components.example": ("uri-components", 3, 1)}),
        _record("other", {"st90.gate.valid-openapi": ("gate", 1, 0),
                          "st90.security.example": ("security", 1, 0)}),
        {**_record("broken", {}), "status": "errored", "message": "too large"},
        {**_record("ignored", {}), "linter": "st97-jsonschema"},
    ]
    document = fold_st90(header, records).to_json()
    formats.check("st90-matrix", document, path="st90-matrix.json")
    assert [r["api"] for r in document["apis"]] == ["c/broken", "c/open", "c/other"]
    chosen = row(document, "c/open")["cells"]["security"]
    assert chosen["state"] == "not-applicable" and chosen["counts"]["fail"] == 2
    assert chosen["failing_rules"] == ["st90.security.example"]
    uri = row(document, "c/open")["cells"]["uri-components"]
    assert uri["state"] == "fail" and uri["counts"]["pass"] == 3
    assert row(document, "c/other")["cells"]["security"]["state"] == "pass"
    assert row(document, "c/other")["cells"]["status-codes"]["state"] == "unchecked"
    assert {c["state"] for c in row(document, "c/broken")["cells"].values()} == {"errored"}
    text = render_st90(document)
    assert "n/a (open data; 2 failure(s) kept)" in text
    assert "fail 1/4" in text
    assert "(chosen not applicable: counted apart)" in text
    assert "errored: too large" in text
    assert json.loads(json.dumps(document)) == document


def test_no_matrix_without_an_api_subject(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "doc.json").write_text("{}", encoding="utf-8")
    out = tmp_path / "out"
    main(["run", "--in-process", "--quiet", "--converter", "none", "--corpus", str(folder),
          "--lint", "none", "--out", str(out)])
    assert (out / "summary.json").is_file()
    assert not (out / "st90-matrix.json").exists()
