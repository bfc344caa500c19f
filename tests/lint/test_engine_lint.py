"""The lint engine: the two linters load their files and run any rule table; findings become
records (located, counted by status, suppressed with a reason); ``st9x run --lint`` writes them
to lint.jsonl and folds them into the compliance matrix, judged like every other record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fixtures import make_corpus, write

from st9x import formats
from st9x.corpus.manifest import load_manifest
from st9x.corpus.model import SchemaSpec
from st9x.engine.judge import Judgement, judge_lint
from st9x.engine.lint import lint_record
from st9x.engine.tasks import Step, Task, lint_items, plan
from st9x.engine.worker import Worker
from st9x.ledger import Entry, Ledger
from st9x.matrix.lint import fold_lint
from st9x.rules import st96, st97
from st9x.runner import rebuild, run
from st9x.subjects.linters.base import Linter, RuleLinter
from st9x.subjects.linters.config import LintConfig, Suppression
from st9x.subjects.linters.st96_xsd import St96XsdLinter
from st9x.subjects.linters.st97_jsonschema import St97JsonSchemaLinter
from st9x.subjects.registry import select_linters

from .lintcore_tables import CRASHING, JSON_RULES, XSD_RULES

FIXTURES = Path(__file__).parent / "fixtures"
BAD_XSD = FIXTURES / "xsd" / "Bad_V1_0.xsd"
GOOD_XSD = FIXTURES / "xsd" / "Good_V1_0.xsd"
BAD_JSON = FIXTURES / "json" / "bad.schema.json"


def spec(path: Path, kind: str = "xsd") -> SchemaSpec:
    return SchemaSpec("", path.name, path.resolve(), kind)  # type: ignore[arg-type]


def test_both_linters_are_installed_and_run_whatever_their_table_holds() -> None:
    linters = select_linters(["st96-xsd", "st97-jsonschema"])
    for name, linter in linters.items():
        assert isinstance(linter, RuleLinter) and isinstance(linter, Linter)
        assert linter.info().rules == tuple(r.id for r in linter.rules())
        target = GOOD_XSD if linter.schema_kind == "xsd" else BAD_JSON
        record = lint_record(linter, spec(target, linter.schema_kind), LintConfig())
        assert record["status"] == "ok", record["message"]
        assert set(record["rules"]) == {r.id for r in linter.rules()}, name
        formats.check("lint", record, path=None)
    assert {r.id for r in select_linters(["st96-xsd"])["st96-xsd"].rules()} == set(st96.RULES)
    assert {r.id for r in select_linters(["st97-jsonschema"])["st97-jsonschema"].rules()} == \
        set(st97.RULES)


def test_xsd_findings_are_located_by_xpath_and_line_and_counted() -> None:
    record = lint_record(St96XsdLinter(XSD_RULES), spec(BAD_XSD), LintConfig())
    naming = record["rules"]["test.naming.element-upper-camel"]
    assert (naming["pass"], naming["fail"], naming["severity"]) == (1, 2, "essential")
    fails = [f for f in record["findings"] if f["rule"] == "test.naming.element-upper-camel"]
    assert [(f["line"], f["location"]) for f in fails] == [
        (4, "/xs:schema/xs:element[@name='badThing']"),
        (7, "/xs:schema/xs:element[@name='badThing']/xs:complexType/xs:sequence"
            "/xs:element[@name='part_name']"),
    ]
    # the component model is built for a whole schema: the model rule passes
    assert record["rules"]["test.structure.model"]["pass"] == 1


def test_a_fragment_is_linted_from_its_tree_without_a_model(tmp_path: Path) -> None:
    fragment = write(tmp_path / "Fragment_V1_0.xsd", (
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" version="1">'
        '<xs:element name="Thing" type="NoSuchType"/></xs:schema>'))
    record = lint_record(St96XsdLinter(XSD_RULES), spec(fragment), LintConfig())
    assert record["status"] == "ok"
    assert record["rules"]["test.structure.model"]["n/a"] == 1
    assert record["rules"]["test.naming.element-upper-camel"]["pass"] == 1


def test_json_findings_get_line_and_column_from_their_pointer() -> None:
    record = lint_record(St97JsonSchemaLinter(JSON_RULES), spec(BAD_JSON, "json-schema"),
                         LintConfig())
    placed = {f["location"]: (f["line"], f["column"]) for f in record["findings"]}
    assert placed["/properties/BadThing"] == (5, 17)
    assert placed["/properties/BadThing/properties/part_name"] == (8, 22)


@pytest.mark.parametrize(("path", "kind", "fragment"), [
    (FIXTURES / "bad" / "Broken_V1_0.xsd", "xsd", "Broken_V1_0.xsd:4: not well-formed XML"),
    (FIXTURES / "bad" / "unknown-dialect.schema.json", "json-schema",
     "unknown-dialect.schema.json:2:14: unknown $schema 'https://example.org/my-own-dialect'"),
])
def test_a_file_that_cannot_be_read_is_one_errored_record(path: Path, kind: str,
                                                          fragment: str) -> None:
    linter = St96XsdLinter(XSD_RULES) if kind == "xsd" else St97JsonSchemaLinter(JSON_RULES)
    record = lint_record(linter, spec(path, kind), LintConfig())
    assert record["status"] == "errored" and record["rules"] == {}
    assert fragment in record["message"] and "\n" not in record["message"]
    formats.check("lint", record, path=None)


def test_a_rule_that_raises_is_errored_and_the_others_still_run() -> None:
    record = lint_record(St96XsdLinter(CRASHING), spec(GOOD_XSD), LintConfig())
    assert record["rules"]["test.crash.always"]["errored"] == 1
    assert record["rules"]["test.naming.element-upper-camel"]["pass"] == 2
    (judged,) = [j for j in judge_lint([record], Ledger()) if j.rule == "test.crash.always"]
    assert judged.judgement is Judgement.ERRORED


def test_suppressions_and_disabled_rules_apply() -> None:
    config = LintConfig(
        suppressions=(Suppression(0, "test.naming.*", "*Bad_V1_0.xsd", "kept for a test",
                                  "/xs:schema/xs:element[@name='badThing']"),
                      Suppression(1, "test.naming.element-upper-camel", "*Other*.xsd",
                                  "matches nothing")),
        disabled=("test.documentation.*",))
    record = lint_record(St96XsdLinter(XSD_RULES), spec(BAD_XSD), config)
    assert "test.documentation.element" not in record["rules"]
    naming = record["rules"]["test.naming.element-upper-camel"]
    assert (naming["fail"], naming["suppressed"]) == (1, 1)
    (accepted,) = [f for f in record["findings"] if f["suppression"] is not None]
    assert (accepted["suppression"], accepted["justification"]) == (0, "kept for a test")


def test_judging_only_essential_rules_break_and_the_ledger_expects() -> None:
    record = lint_record(St96XsdLinter(XSD_RULES), spec(BAD_XSD), LintConfig())
    judged = {j.rule: j.judgement for j in judge_lint([record], Ledger())}
    assert judged["test.naming.element-upper-camel"] is Judgement.FAIL
    assert judged["test.documentation.element"] is Judgement.UNCHECKED  # recommended
    assert judged["test.structure.model"] is Judgement.UNCHECKED  # a note
    ledger = Ledger((Entry("Bad_V1_0.xsd", "st96-xsd:test.naming.*", "known", "test"),))
    judged = {j.rule: j.judgement for j in judge_lint([record], ledger)}
    assert judged["test.naming.element-upper-camel"] is Judgement.XFAIL
    good = lint_record(St96XsdLinter(XSD_RULES), spec(GOOD_XSD), LintConfig())
    ledger = Ledger((Entry("Good_V1_0.xsd", "st96-xsd:test.naming.*", "stale", "test"),))
    judged = {j.rule: j.judgement for j in judge_lint([good], ledger)}
    assert judged["test.naming.element-upper-camel"] is Judgement.XPASS


def test_the_plan_lints_each_schema_file_of_a_kind_once_and_converter_output(
        tmp_path: Path) -> None:
    corpus = load_manifest(make_corpus(tmp_path / "mini"))
    linters = {"st96-xsd": St96XsdLinter(XSD_RULES), "st97-jsonschema":
               St97JsonSchemaLinter(JSON_RULES)}
    assert [s.id for s in lint_items(corpus, "xsd")] == ["schemas/doc.xsd"]
    assert [s.id for s in lint_items(corpus, "json-schema")] == ["schemas/doc.json"]
    tasks = plan([corpus], {}, converters=["st97-v2"], linters=linters,
                 steps=(Step.LINT, Step.LINT_CONVERTED))
    assert [(t.step, t.item_key, t.keyed_subject) for t in tasks] == [
        (Step.LINT, "mini/schemas/doc.xsd", "st96-xsd"),
        (Step.LINT, "mini/schemas/doc.json", "st97-jsonschema"),
        (Step.LINT_CONVERTED, "mini/doc", "st97-v2:st97-jsonschema"),
    ]
    converted = tasks[-1]
    assert converted.group == Task(converted.item, "st97-v2", Step.CONVERT_SCHEMA).group


@pytest.fixture
def test_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    """The installed linters run the tests' own tables (the project's may hold anything)."""
    monkeypatch.setattr(st96, "RULES", XSD_RULES)
    monkeypatch.setattr(st97, "RULES", JSON_RULES)


def test_run_with_linters_writes_lint_jsonl_and_the_compliance_matrix(
        tmp_path: Path, adapters: dict, test_tables: None) -> None:
    corpus = load_manifest(make_corpus(tmp_path / "mini"))
    linters = select_linters(["st96-xsd", "st97-jsonschema"])
    out = tmp_path / "out"
    worker = Worker(adapters, select_linters_converters(), conversion_out=out, linters=linters)
    result = run([corpus], adapters, out, ledger=Ledger(), worker=worker, linters=linters,
                 converters=select_linters_converters())
    assert (out / "lint.jsonl").is_file() and result.lint_summary is not None
    lines = [json.loads(line) for line in (out / "lint.jsonl").read_text().splitlines()]
    for line in lines:
        formats.check("lint", line, path=None)
    kinds = [(r["linter"], r["converter"], r["schema"]) for r in lines if r["type"] == "lint"]
    assert ("st96-xsd", None, "schemas/doc.xsd") in kinds
    assert ("st97-jsonschema", "st97-v2", "doc") in kinds
    summary = json.loads((out / "lint-summary.json").read_text())
    formats.check("lint-summary", summary, path=None)
    (xsd_row,) = [s for s in summary["subjects"] if s["item"] == "mini/schemas/doc.xsd"]
    assert set(xsd_row["categories"]) == {"naming", "documentation", "versioning", "structure"}
    assert "st97-v2" in summary["converters"]
    matrix = (out / "lint-matrix.md").read_text()
    assert "## Schema file × rule category" in matrix and "## Converter × rule" in matrix
    # the matrices are the records' own: folded again from the files, the same bytes
    before = (out / "lint-summary.json").read_bytes()
    rebuilt = rebuild(out, Ledger())
    assert rebuilt.lint_summary == result.lint_summary
    assert (out / "lint-summary.json").read_bytes() == before


def select_linters_converters() -> dict:
    from st9x.subjects.registry import select_converters

    return select_converters(["st97-v2"])


def test_fold_gives_pass_fail_and_na_cells() -> None:
    bad = lint_record(St96XsdLinter(XSD_RULES), spec(BAD_XSD), LintConfig())
    good = lint_record(St96XsdLinter(XSD_RULES), spec(GOOD_XSD), LintConfig())
    empty = {"type": "header", "linters": [], "config": {"suppressions": []}}
    summary = fold_lint(empty, [bad, good], Ledger())
    rows = {s["item"]: s["categories"] for s in summary["subjects"]}
    assert rows["Bad_V1_0.xsd"]["naming"]["verdict"] == "fail"
    naming = rows["Bad_V1_0.xsd"]["naming"]
    assert (naming["fail"], naming["pass"]) == (2, 1)
    assert rows["Good_V1_0.xsd"]["naming"]["verdict"] == "pass"
    assert summary["broken"] == 2  # naming and versioning on Bad: essential


def test_a_resumed_run_keeps_the_lint_records_and_runs_the_missing_ones(
        tmp_path: Path, adapters: dict, test_tables: None) -> None:
    corpus = load_manifest(make_corpus(tmp_path / "mini"))
    linters = select_linters(["st96-xsd", "st97-jsonschema"])
    out = tmp_path / "out"
    first = run([corpus], adapters, out, ledger=Ledger(), linters=linters, converters={})
    lint_file = out / "lint.jsonl"
    lines = lint_file.read_text().splitlines()
    assert [json.loads(line)["type"] for line in lines] == ["header", "lint", "lint", "footer"]
    lint_file.write_text("\n".join(lines[:2]) + "\n")  # one record lost, as if interrupted
    second = run([corpus], adapters, out, ledger=Ledger(), linters=linters, converters={},
                 resume=True)
    assert second.lint_summary == first.lint_summary
    assert len(second.lint_records) == 2


def test_included_files_are_linted_and_read_from_the_model_already_built(
        tmp_path: Path) -> None:
    from fixtures import manifest_document

    from st9x import xsdload

    root = tmp_path / "inc"
    write(root / "schemas" / "Doc_V1_0.xsd",
          '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" version="1">'
          '<xs:include schemaLocation="Part_V1_0.xsd"/>'
          '<xs:element name="Doc"><xs:complexType><xs:sequence><xs:element ref="PartThing"/>'
          '</xs:sequence></xs:complexType></xs:element></xs:schema>')
    write(root / "schemas" / "Part_V1_0.xsd",
          '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" version="1">'
          '<xs:element name="PartThing" type="xs:string"/></xs:schema>')
    write(root / "doc.xml", "<Doc><PartThing>x</PartThing></Doc>")
    write(root / "manifest.json", manifest_document(
        "inc", cases=[{"id": "c", "instance": "doc.xml", "schema": "doc", "expected": "valid"}],
        schemas=[{"id": "doc", "path": "schemas/Doc_V1_0.xsd"}]))
    corpus = load_manifest(root / "manifest.json")
    items = lint_items(corpus, "xsd")
    assert [s.id for s in items] == ["schemas/Doc_V1_0.xsd", "schemas/Part_V1_0.xsd"]
    xsdload.clear()
    linter = St96XsdLinter(XSD_RULES)
    documents = [linter.load(s.path, s.allowed_roots()) for s in items]
    assert xsdload.load_counts()["loads"] == 1  # the part came with the document schema
    assert documents[1].schema is not None and "PartThing" in documents[1].schema.elements
