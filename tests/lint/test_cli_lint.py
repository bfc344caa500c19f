"""``st9x lint``: folders expanded, text lines in the ``file:line:col: severity rule message``
form, exit codes (0 clean, 1 findings or bad input, 2 usage), bad input reported one line per
file while the rest is still linted, ``--rule``, ``--fail-on``, ``-o`` and the rule listing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from st9x import formats

from .lintcore_cli import lint, test_tables  # noqa: F401  (a fixture)

FIXTURES = Path(__file__).parent / "fixtures"
pytestmark = pytest.mark.usefixtures("test_tables")


@pytest.fixture(autouse=True)
def in_fixtures(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)  # reports name files relative to the working folder


def test_a_clean_file_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = lint(capsys, "xsd", "xsd/Good_V1_0.xsd")
    assert code == 0 and out == ""
    assert "1 file(s), 0 finding(s)" in err


def test_findings_are_text_lines_and_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = lint(capsys, "xsd", "xsd")
    assert code == 1
    lines = out.splitlines()
    assert "xsd/Bad_V1_0.xsd:4:3: essential test.naming.element-upper-camel element " \
           "'badThing' is not UpperCamelCase" in lines
    # xs:schema's start tag spans lines 2-3: lxml gives its last line, the finding its first
    assert "xsd/Bad_V1_0.xsd:2:1: essential test.versioning.schema-version xs:schema has no " \
           "version attribute" in lines
    assert not any(line.startswith("xsd/Good") for line in lines)


def test_json_lines_carry_line_and_column(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = lint(capsys, "jsonschema", "json/bad.schema.json")
    assert code == 1
    assert "json/bad.schema.json:5:17: essential test.naming.property-lower-camel property " \
           "'BadThing' is not lowerCamelCase" in out.splitlines()


def test_fail_on_sets_the_threshold(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    only_docs = tmp_path / "Doc_V1_0.xsd"
    only_docs.write_text('<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" version="1">'
                         '<xs:element name="Thing" type="xs:string"/></xs:schema>')
    code, out, _ = lint(capsys, "xsd", str(only_docs))
    assert code == 0 and "recommended test.documentation.element" in out
    code, _, _ = lint(capsys, "xsd", str(only_docs), "--fail-on", "recommended")
    assert code == 1


def test_rule_selects_rules_and_an_unknown_one_is_usage(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = lint(capsys, "xsd", "xsd", "--rule", "test.documentation.element")
    assert code == 0  # only a recommended rule ran
    assert {line.split()[2] for line in out.splitlines()} == {"test.documentation.element"}
    code, _, err = lint(capsys, "xsd", "xsd", "--rule", "test.no.such-rule")
    assert code == 2 and "unknown rule(s) for st96-xsd: test.no.such-rule" in err


def test_bad_input_is_one_line_per_file_and_the_rest_is_linted(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = lint(capsys, "xsd", "bad", "xsd/Good_V1_0.xsd", "missing")
    assert code == 1
    errors = [line for line in err.splitlines() if line.startswith("st9x: error:")]
    assert errors == [
        "st9x: error: missing: no such file or folder",
        "st9x: error: bad/Broken_V1_0.xsd:4: not well-formed XML: Opening and ending tag "
        "mismatch: element line 3 and schema, line 4, column 13",
    ]
    assert "2 file(s)" in err  # the good file was linted
    code, _, err = lint(capsys, "jsonschema", "bad", "json/good.schema.json")
    assert code == 1
    assert ("st9x: error: bad/unknown-dialect.schema.json:2:14: unknown $schema "
            "'https://example.org/my-own-dialect'") in err


def test_json_output_follows_its_format(capsys: pytest.CaptureFixture[str],
                                        tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    code, out, _ = lint(capsys, "xsd", "xsd", "bad", "--format", "json", "-o", str(target))
    assert code == 1 and out.startswith("written: ")
    document = json.loads(target.read_text())
    formats.check("lint-report", document, path=target)
    for record in document["files"]:
        formats.check("lint", record, path=target)
    assert document["counts"]["errored_files"] == 1 and document["outcome"] == "errored"
    assert [r["path"] for r in document["files"]] == [
        "xsd/Bad_V1_0.xsd", "xsd/Good_V1_0.xsd", "bad/Broken_V1_0.xsd"]


def test_list_rules(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = lint(capsys, "xsd", "--list-rules")
    assert code == 0
    assert out.splitlines()[0] == ("test.naming.element-upper-camel\tessential\tnaming\t"
                                   "Element names are UpperCamelCase")
    code, out, _ = lint(capsys, "--list-rules", "--format", "json")
    assert set(json.loads(out)) == {"st96-xsd", "st97-jsonschema", "st90-openapi"}


def test_nothing_to_lint_is_usage(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = lint(capsys, "xsd")
    assert code == 2 and "name what to lint" in err


def test_run_lints_when_asked_and_reports_bad_config(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from fixtures import make_corpus

    from st9x.cli import main

    corpus = make_corpus(tmp_path / "mini").parent
    out = tmp_path / "out"
    argv = ["run", "--corpus", str(corpus), "--converter", "none", "--in-process", "--quiet",
            "--out", str(out), "--lint", "all"]
    code = main(argv)
    captured = capsys.readouterr()
    # the mini corpus's XSD breaks the essential test rules: broken expectations, exit 1
    assert code == 1
    assert "lint: 2 schema file(s) x linter;" in captured.out
    assert "broken: mini/schemas/doc.xsd [st96-xsd:test.versioning.schema-version]" in \
        captured.err
    assert (out / "lint-matrix.md").is_file() and (out / "lint-summary.json").is_file()
    config = tmp_path / "lint.toml"
    config.write_text('[[suppress]]\nrule = "test.*"\npath = "mini/*"\nreason = "accepted"\n')
    code = main([*argv, "--lint-config", str(config)])
    captured = capsys.readouterr()
    assert code == 0, captured.err  # every failure accepted, with its reason
    assert "suppressed" in captured.out


def test_run_without_lint_writes_no_lint_files(capsys: pytest.CaptureFixture[str],
                                               tmp_path: Path) -> None:
    from fixtures import make_corpus

    from st9x.cli import main

    corpus = make_corpus(tmp_path / "mini").parent
    out = tmp_path / "out"
    assert main(["run", "--corpus", str(corpus), "--converter", "none", "--in-process",
                 "--quiet", "--out", str(out)]) == 0
    assert not (out / "lint.jsonl").exists()
    assert "lint:" not in capsys.readouterr().out


def test_a_folder_of_converter_output_lints_its_schemas_only(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "conversions" / "conv" / "corpus"
    folder.mkdir(parents=True)
    (folder / "doc.schema.json").write_text((FIXTURES / "json" / "good.schema.json").read_text())
    (folder / "case.json").write_text('{"NotCamel": 1}')
    (folder / "doc.losses.json").write_text("[]")
    code, out, _ = lint(capsys, "jsonschema", str(tmp_path / "conversions"), "--format", "json")
    assert code == 0
    assert [Path(r["path"]).name for r in json.loads(out)["files"]] == ["doc.schema.json"]
