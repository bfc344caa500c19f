"""A corpus names its linters in its manifest (``"lint": ["st96-xsd"]``): ``st9x run`` lints
it without ``--lint``; ``--lint NAME`` adds linters to every corpus, ``--lint none`` turns
linting off; a corpus that names none is not linted by another corpus's linters; a linter that is
not installed is one error naming the manifest. The embedded corpora name theirs, and their own
schemas give no broken expectation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from st9x.cli import main
from st9x.corpus.manifest import load_manifest
from st9x.errors import ManifestError

pytestmark = pytest.mark.usefixtures("isolated")

PROJECT = Path(__file__).resolve().parents[2]
TNS = "urn:st9x:corpus-lint"
XSD = f"""<?xml version="1.0" encoding="UTF-8"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="{TNS}"
    xmlns="{TNS}" elementFormDefault="qualified">
  <xsd:element name="Doc" type="xsd:string"/>
</xsd:schema>
"""


def corpus(root: Path, cid: str, lint: list[str] | None) -> Path:
    folder = root / cid
    folder.mkdir(parents=True)
    (folder / "Doc.xsd").write_text(XSD, encoding="utf-8")
    (folder / "ok.xml").write_text(f'<Doc xmlns="{TNS}">x</Doc>\n', encoding="utf-8")
    manifest: dict[str, Any] = {
        "format": "st9x-corpus/1", "id": cid, "title": cid,
        "provenance": {"source": "written for st9x's tests", "licence": "Apache-2.0"},
        "schemas": [{"id": "doc", "path": "Doc.xsd", "kind": "xsd"}],
        "cases": [{"id": "ok", "instance": "ok.xml", "schema": "doc", "expected": "valid"}],
    }
    if lint is not None:
        manifest["lint"] = lint
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def run(out: Path, *args: str) -> tuple[int, list[dict[str, Any]]]:
    code = main(["run", "--in-process", "--quiet", "--converter", "none", "--out", str(out),
                 *args])
    path = out / "lint.jsonl"
    if not path.is_file():
        return code, []
    lines = [json.loads(x) for x in path.read_text().splitlines()]
    return code, [r for r in lines if r.get("type") == "lint"]


def test_the_manifest_field_is_read_and_checked(tmp_path: Path) -> None:
    assert load_manifest(corpus(tmp_path, "a", ["st96-xsd"]) / "manifest.json").lint == (
        "st96-xsd",)
    assert load_manifest(corpus(tmp_path, "b", None) / "manifest.json").lint == ()
    with pytest.raises(ManifestError, match="lint"):
        load_manifest(corpus(tmp_path, "c", ["st96-xsd", "st96-xsd"]) / "manifest.json")
    with pytest.raises(ManifestError, match="lint"):
        load_manifest(corpus(tmp_path, "d", ["../x"]) / "manifest.json")


def test_a_corpus_naming_its_linter_is_linted_without_the_option(tmp_path: Path) -> None:
    named = corpus(tmp_path, "named", ["st96-xsd"])
    plain = corpus(tmp_path, "plain", None)
    # the findings on Doc.xsd (undocumented, no version...) break the run
    code, records = run(tmp_path / "r1", "--corpus", str(named), "--corpus", str(plain))
    assert code == 1
    assert {(r["corpus"], r["linter"]) for r in records} == {("named", "st96-xsd")}
    header = json.loads((tmp_path / "r1" / "results.jsonl").read_text().splitlines()[0])
    assert header["selection"]["linters"] == ["st96-xsd"]


def test_the_option_adds_linters_to_every_corpus(tmp_path: Path) -> None:
    named = corpus(tmp_path, "named", ["st97-jsonschema"])
    plain = corpus(tmp_path, "plain", None)
    _, records = run(tmp_path / "r", "--corpus", str(named), "--corpus", str(plain),
                     "--lint", "st96-xsd")
    # st97-jsonschema lints JSON Schemas and converter output: these corpora have neither
    assert {(r["corpus"], r["linter"]) for r in records} == {("named", "st96-xsd"),
                                                              ("plain", "st96-xsd")}


def test_lint_none_turns_it_off(tmp_path: Path) -> None:
    named = corpus(tmp_path, "named", ["st96-xsd"])
    code, records = run(tmp_path / "r", "--corpus", str(named), "--lint", "none")
    assert code == 0 and records == []
    assert not (tmp_path / "r" / "lint-summary.json").exists()
    assert main(["run", "--in-process", "--quiet", "--corpus", str(named), "--lint", "none",
                 "--lint", "st96-xsd", "--out", str(tmp_path / "r2")]) == 2


def test_a_linter_that_is_not_installed_is_one_error_naming_the_manifest(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    named = corpus(tmp_path, "named", ["no-such-linter"])
    assert main(["run", "--in-process", "--quiet", "--corpus", str(named), "--out",
                 str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert "no-such-linter" in err and str(named / "manifest.json") in err
    assert "st96-xsd" in err  # the installed ones are listed


def test_a_lint_config_applies_to_the_linters_a_manifest_names(tmp_path: Path) -> None:
    named = corpus(tmp_path, "named", ["st96-xsd"])
    config = tmp_path / "lint.toml"
    config.write_text('disable = ["st96.*"]\n', encoding="utf-8")
    code, records = run(tmp_path / "r", "--corpus", str(named), "--lint-config", str(config))
    assert code == 0
    (record,) = records
    assert record["rules"] == {} and record["findings"] == []


@pytest.mark.parametrize(("cid", "linters"), [("st96-core", ["st96-xsd", "st97-jsonschema"]),
                                              ("st97-core", ["st97-jsonschema"])])
def test_the_embedded_corpora_name_their_linters(cid: str, linters: list[str]) -> None:
    assert list(load_manifest(PROJECT / "corpora" / cid / "manifest.json").lint) == linters


def test_the_embedded_schemas_break_no_design_rule_expectation(tmp_path: Path) -> None:
    """Their essential findings are fixed or ledgered with a reason (known-failures.json);
    an entry that stopped matching would be an xpass and break this too."""
    out = tmp_path / "r"
    # the exit code also counts the converter checks, which these two adapters do not all pass
    corpora = PROJECT / "corpora"
    main(["run", "--in-process", "--quiet", "--corpus", str(corpora / "st96-core"),
          "--corpus", str(corpora / "st97-core"), "--adapter", "lxml", "--adapter", "jsonschema",
          "--converter", "st97-v2", "--converter", "st97-v1-legacy",
          "--ledger", str(PROJECT / "known-failures.json"), "--out", str(out)])
    summary = json.loads((out / "lint-summary.json").read_text())
    assert summary["broken"] == 0, summary["failures"]
    judged = {(row["item"], row["subject"]) for row in summary["expected_failures"]}
    assert ("st96-core/schemas/patent/PatentPublication.xsd",
            "st96-xsd:st96.naming.plural-without-bag") in judged
    assert ("st97-v1-legacy/st96-core/tm-app", "st97-jsonschema:st97.naming.no-text-key") in judged
    assert not any(s.endswith("st96.documentation.types") for _, s in judged)
    assert summary["stale_ledger_entries"] == []
