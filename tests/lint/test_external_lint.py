"""An external converter's output goes through the same lint as st9x's own: ``st9x run
--converter-file FILE --lint st97-jsonschema`` lints the JSON Schema a command wrote, and
``st9x lint jsonschema`` on that file gives the same findings.

The command is a real process (``fixtures/external/legacy_converter.py``, run by the Python
interpreter), writing a legacy-shaped schema: ``$`` for text, a ``...Choice1`` wrapper and a Bag
object wrapping one array.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from st9x.cli import main

pytestmark = pytest.mark.usefixtures("isolated")

TOOL = Path(__file__).parent / "fixtures" / "external" / "legacy_converter.py"
TNS = "urn:st9x:external-lint"
XSD = f"""<?xml version="1.0" encoding="UTF-8"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="{TNS}"
    xmlns="{TNS}" elementFormDefault="qualified">
  <xsd:element name="Doc" type="xsd:string"/>
</xsd:schema>
"""
MANIFEST = {
    "format": "st9x-corpus/1", "id": "extlint", "title": "external converter output",
    "provenance": {"source": "written for st9x's tests", "licence": "Apache-2.0"},
    "schemas": [{"id": "doc", "path": "doc.xsd", "kind": "xsd", "root": f"{{{TNS}}}Doc"}],
    "cases": [{"id": "ok", "instance": "ok.xml", "schema": "doc", "expected": "valid"}],
}
#: what each rule must find in the tool's schema, by JSON Pointer
EXPECTED = {
    ("st97.naming.no-text-key", "/$defs/AmountType/properties/$"),
    ("st97.structure.no-choice-wrapper", "/$defs/DocType/properties/docChoice1"),
    ("st97.structure.no-collection-wrapper", "/$defs/CodeBagType"),
}
COMPARED = ("rule", "severity", "category", "status", "message", "location", "line", "column")


def _setup(tmp_path: Path) -> tuple[Path, Path]:
    corpus = tmp_path / "extlint"
    corpus.mkdir()
    (corpus / "doc.xsd").write_text(XSD, encoding="utf-8")
    (corpus / "ok.xml").write_text(f'<Doc xmlns="{TNS}">x</Doc>\n', encoding="utf-8")
    (corpus / "manifest.json").write_text(json.dumps(MANIFEST), encoding="utf-8")
    config = tmp_path / "converters.toml"
    config.write_text(
        "[converter.legacy-tool]\n"
        f'schema = "{sys.executable} {TOOL} {{xsd}} {{root}} {{out}}"\n'
        'description = "a third-party tool writing legacy-shaped JSON Schemas"\n'
        "timeout = 60\n", encoding="utf-8")
    return corpus, config


def test_run_lints_an_external_converters_schema_as_st9x_lint_does(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus, config = _setup(tmp_path)
    out = tmp_path / "run"
    # exit 1: the tool's schema breaks essential ST.97 rules and no ledger expects it
    assert main(["run", "--in-process", "--quiet", "--corpus", str(corpus), "--converter",
                 "legacy-tool", "--converter-file", str(config), "--lint", "st97-jsonschema",
                 "--out", str(out)]) == 1
    capsys.readouterr()
    lines = [json.loads(x) for x in (out / "lint.jsonl").read_text().splitlines()]
    (record,) = [r for r in lines if r.get("type") == "lint"]
    assert (record["linter"], record["converter"], record["status"]) == (
        "st97-jsonschema", "legacy-tool", "ok")
    generated = out / "conversions" / "legacy-tool" / "extlint" / "doc.schema.json"
    assert Path(record["path"]).resolve() == generated.resolve()
    found = {(f["rule"], f["location"]) for f in record["findings"]}
    assert found >= EXPECTED
    summary = json.loads((out / "lint-summary.json").read_text())
    assert {f["subject"] for f in summary["failures"]} >= {
        f"st97-jsonschema:{rule}" for rule, _ in EXPECTED}
    assert summary["converters"]["legacy-tool"]["st97.naming.no-text-key"]["verdict"] == "fail"

    # the same file, linted alone
    assert main(["lint", "jsonschema", str(generated), "--format", "json", "--quiet"]) == 1
    report = json.loads(capsys.readouterr().out)
    (alone,) = report["files"]
    assert alone["rules"] == record["rules"]
    assert sorted(tuple(f[k] for k in COMPARED) for f in alone["findings"]) == sorted(
        tuple(f[k] for k in COMPARED) for f in record["findings"])
    assert all(f["line"] and f["column"] for f in alone["findings"])


def test_a_failing_external_command_is_a_skipped_or_errored_lint_not_a_crash(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The tool refuses (its XSD path is not a file): the schema step is an error of the
    converter, and its lint record says it was not linted, naming why."""
    corpus, config = _setup(tmp_path)
    config.write_text(config.read_text().replace("{xsd}", "{xsd}.absent"), encoding="utf-8")
    out = tmp_path / "run"
    main(["run", "--in-process", "--quiet", "--corpus", str(corpus), "--converter",
          "legacy-tool", "--converter-file", str(config), "--lint", "st97-jsonschema",
          "--out", str(out)])
    capsys.readouterr()
    lines = [json.loads(x) for x in (out / "lint.jsonl").read_text().splitlines()]
    (record,) = [r for r in lines if r.get("type") == "lint"]
    assert record["status"] in ("errored", "skipped") and record["message"]
    assert record["findings"] == []
