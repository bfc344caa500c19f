"""``st9x diff`` on two real runs of one small corpus that differ: an instance broken, another
repaired, a ledger entry added, an adapter added. Each kind of change (flip, new failure, fixed
failure, unchanged, a subject added, a corpus's content and a library's version changed) is
found, rendered as text, Markdown and JSON (checked against its schema), and decides the exit
code as ``--fail-on`` says."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson
import pytest
from fixtures import INVALID_JSON, INVALID_XML, VALID_JSON, make_corpus, write

from st9x import formats
from st9x.cli import main
from st9x.engine.judge import Judgement
from st9x.matrix.diff import (
    MIN_CASES,
    FailOn,
    Kind,
    RunDiff,
    RunRef,
    VerdictChange,
    diff_runs,
    throughput_change,
)
from st9x.matrix.runs import load_run
from st9x.report.diff import render_markdown, render_text, to_json
from st9x.report.site import build_site


@dataclass(frozen=True)
class Runs:
    old: Path
    new: Path
    bumped: Path  # ``new`` with other library and adapter versions in its header


def _ledger(path: Path, entries: list[dict[str, str]]) -> Path:
    return write(path, {"format": "st9x-ledger/1", "entries": entries})


def _run(corpus: Path, out: Path, ledger: Path, *adapters: str) -> None:
    argv = ["run", "--in-process", "--quiet", "--corpus", str(corpus), "--out", str(out),
            "--ledger", str(ledger), "--converter", "st97-v2"]
    for adapter in adapters:
        argv += ["--adapter", adapter]
    main(argv)  # broken expectations are the point: the exit code is not


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runs]:
    base = tmp_path_factory.mktemp("diff")
    corpus = base / "mini"
    make_corpus(corpus)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ST9X_CORPORA", str(base / "no-embedded-corpora"))
        # old: json-valid is broken (a failure, later fixed), no ledger entry
        write(corpus / "instances" / "valid.json", INVALID_JSON)
        _run(corpus, base / "old", _ledger(base / "old-ledger.json", []),
             "lxml", "xmlschema-1.0", "jsonschema")
        # new: json-valid repaired, xml-valid broken; the ledger expects xmlschema-1.0 to
        # reject it; jsonschema-rs joins
        write(corpus / "instances" / "valid.json", VALID_JSON)
        write(corpus / "instances" / "valid.xml", INVALID_XML)
        entry = {"case": "mini/xml-valid", "adapter": "xmlschema-1.0",
                 "reason": "known to reject it, for the test", "reference": "tests/report"}
        _run(corpus, base / "new", _ledger(base / "new-ledger.json", [entry]),
             "lxml", "xmlschema-1.0", "jsonschema", "jsonschema-rs")
    bumped = base / "bumped"
    shutil.copytree(base / "new", bumped)
    results = bumped / "results.jsonl"
    lines = results.read_bytes().splitlines()
    header = orjson.loads(lines[0])
    header["libraries"]["lxml"] = "0.0.1"
    for adapter in header["adapters"]:
        if adapter["name"] == "lxml":
            adapter["version"] = "0.0.1"
    results.write_bytes(b"\n".join([orjson.dumps(header), *lines[1:]]) + b"\n")
    yield Runs(base / "old", base / "new", bumped)


def _change(diff: RunDiff, item: str, subject: str) -> VerdictChange:
    (change,) = [c for c in diff.changes if c.item == item and c.subject == subject]
    return change


def test_flips_new_and_fixed_failures_of_two_real_runs(runs: Runs) -> None:
    diff = diff_runs(load_run(runs.old), load_run(runs.new))
    new_failure = _change(diff, "mini/xml-valid", "lxml")
    assert (new_failure.before, new_failure.after) == (Judgement.PASS, Judgement.FAIL)
    assert new_failure.new_failure and new_failure.worse and new_failure.flip
    assert new_failure.detail  # the validator's first error says why
    ledgered = _change(diff, "mini/xml-valid", "xmlschema-1.0")
    assert (ledgered.before, ledgered.after) == (Judgement.PASS, Judgement.XFAIL)
    assert ledgered.worse and not ledgered.new_failure and ledgered.direction == "worse"
    fixed = _change(diff, "mini/json-valid", "jsonschema")
    assert (fixed.before, fixed.after) == (Judgement.FAIL, Judgement.PASS)
    assert fixed.fixed and fixed.direction == "better"
    # the converter cannot convert the broken instance: its checks of it break too
    assert [(c.kind, c.item, c.subject) for c in diff.new_failures] == [
        (Kind.VALIDATION, "mini/xml-valid", "lxml"),
        (Kind.CONVERSION, "mini/xml-valid", "st97-v2:roundtrip"),
        (Kind.CONVERSION, "mini/xml-valid", "st97-v2:validity"),
    ]
    assert diff.fixed == (fixed,)
    assert set(diff.flips) >= {new_failure, ledgered, fixed}
    # unchanged: the invalid cases are rejected in both runs, by every adapter of both
    keys = {(c.item, c.subject) for c in diff.changes}
    assert ("mini/xml-invalid", "lxml") not in keys
    assert ("mini/json-invalid", "jsonschema") not in keys
    assert diff.unchanged > 0
    # jsonschema-rs joined: a subject added, its items counted (not listed) as added
    assert [(s.what, s.name, s.added) for s in diff.subjects] == [
        ("adapter", "jsonschema-rs", True)]
    (added,) = [i for i in diff.items if i.subject == "jsonschema-rs"]
    assert (added.added, added.removed) == (2, 0)
    assert not any(c.subject == "jsonschema-rs" and not c.new_failure for c in diff.flips)
    # the corpus's content changed; the matrix cells say so in counts
    assert [(v.what, v.name) for v in diff.values] == [("corpus", "mini")]
    (cell,) = [c for c in diff.cells if c.matrix == "validation by corpus"
               and (c.row, c.column) == ("mini", "lxml")]
    assert cell.deltas == {"fail": 1, "pass": -1}


def test_a_run_against_itself_is_no_change_and_exit_0(
    runs: Runs, capsys: pytest.CaptureFixture[str]
) -> None:
    diff = diff_runs(load_run(runs.new), load_run(runs.new))
    assert diff.empty and diff.unchanged > 0 and not diff.regressions([FailOn.FLIPS])
    assert main(["diff", str(runs.new), str(runs.new), "--fail-on", "flips"]) == 0
    assert "0 flipped, 0 new failure(s), 0 fixed" in capsys.readouterr().out


def test_a_library_version_change_is_reported_and_no_regression(
    runs: Runs, capsys: pytest.CaptureFixture[str]
) -> None:
    diff = diff_runs(load_run(runs.new), load_run(runs.bumped))
    assert not diff.changes
    assert {(v.what, v.name, v.after) for v in diff.values} == {
        ("adapter", "lxml", "0.0.1"), ("library", "lxml", "0.0.1")}
    assert main(["diff", str(runs.new), str(runs.bumped)]) == 0
    out = capsys.readouterr().out
    assert "library lxml: " in out and "-> 0.0.1" in out


def test_exit_codes_follow_fail_on(runs: Runs, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = str(runs.old), str(runs.new)
    assert main(["diff", old, new]) == 1
    assert "regression: " in capsys.readouterr().err
    assert main(["diff", old, new, "--fail-on", "never"]) == 0
    assert main(["diff", old, new, "--fail-on", "new-failures"]) == 1
    # the reverse: a fixed failure and a flip to better, but also lxml's pass -> fail reversed
    assert main(["diff", new, old, "--fail-on", "new-failures"]) == 1  # json-valid breaks
    assert main(["diff", old, new, "--fail-on", "never", "--fail-on", "worse"]) == 2
    assert main(["diff", old, str(runs.old.parent / "absent")]) == 1
    assert "not a folder" in capsys.readouterr().err


def test_fail_on_tells_a_flip_to_worse_from_a_new_failure() -> None:
    ref = RunRef("a", "a", "", False)
    xfail = VerdictChange(Kind.VALIDATION, "c/x", "lxml", Judgement.PASS, Judgement.XFAIL)
    better = VerdictChange(Kind.VALIDATION, "c/y", "lxml", Judgement.SKIPPED, Judgement.PASS)
    for changes, worse, new, flips in (((xfail,), True, False, True),
                                       ((better,), False, False, True)):
        diff = RunDiff(ref, ref, changes, (), (), (), ())
        assert bool(diff.regressions([FailOn.WORSE])) is worse
        assert bool(diff.regressions([FailOn.NEW_FAILURES])) is new
        assert bool(diff.regressions([FailOn.FLIPS])) is flips
        assert not diff.regressions([FailOn.NEVER])


def test_json_output_follows_its_schema_and_is_sorted(
    runs: Runs, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["diff", str(runs.old), str(runs.new), "--format", "json"]) == 1
    first = capsys.readouterr().out
    document = json.loads(first)
    formats.check("diff", document, path="stdout")
    assert document["counts"]["new_failures"] == 3 and document["counts"]["fixed"] == 1
    keys = [(c["kind"] != "validation", c["item"], c["subject"]) for c in document["changes"]]
    assert keys == sorted(keys)
    main(["diff", str(runs.old), str(runs.new), "--format", "json"])
    assert capsys.readouterr().out == first  # the same runs, the same bytes
    broken = dict(document, counts={"flips": -1})
    with pytest.raises(Exception, match="diff format"):
        formats.check("diff", broken, path="x")


def test_text_and_markdown_list_the_changes(runs: Runs) -> None:
    diff = diff_runs(load_run(runs.old), load_run(runs.new))
    text = render_text(diff)
    assert "New failures (3):\n  mini/xml-valid [lxml]: pass -> fail" in text
    assert "Fixed failures (1):\n  mini/json-valid [jsonschema]: fail -> pass" in text
    assert "mini/xml-valid [xmlschema-1.0]: pass -> xfail" in text
    assert "adapter jsonschema-rs: added" in text
    markdown = render_markdown(diff)
    assert "## New failures (3)" in markdown
    assert "| mini/xml-valid | lxml | pass | fail |" in markdown


def test_hostile_ids_stay_on_their_line_and_render_as_text() -> None:
    ref = RunRef("<b>old</b>", "x", "", False)
    hostile = VerdictChange(Kind.VALIDATION, "c/<script>|x\ny", "a|b", Judgement.PASS,
                            Judgement.FAIL, "line one\n| # two")
    diff = RunDiff(ref, ref, (hostile,), (), (), (), ())
    markdown = render_markdown(diff)
    assert "<script>" not in markdown and "&lt;script&gt;" in markdown
    (row,) = [line for line in markdown.splitlines() if "script" in line]
    assert row.count(" | ") == 4 + 0 and "\\|" in row  # five cells, the data's bars escaped
    text = render_text(diff)
    assert "c/<script>|x y [a|b]: pass -> fail: line one | # two" in text
    document = to_json(diff)
    formats.check("diff", document, path="x")
    assert document["changes"][0]["item"] == "c/<script>|x\ny"


def test_the_site_has_a_diff_page_when_given_two_runs(runs: Runs, tmp_path: Path) -> None:
    old, new = load_run(runs.old), load_run(runs.new)
    build_site([old, new], tmp_path / "two")
    page = (tmp_path / "two" / "diff.html").read_text(encoding="utf-8")
    assert "New failures" in page and "mini/xml-valid" in page and "jsonschema-rs" in page
    assert '<th scope="row">mini/json-valid</th>' in page  # the fixed failure
    build_site([new], tmp_path / "one")
    assert not (tmp_path / "one" / "diff.html").exists()


# == throughput: the rule, on crafted times (never the machine's) =================================
def _pairs(ratios: list[float], base: float = 0.01) -> list[tuple[float, float]]:
    return [(base * (1 + i / 100), base * (1 + i / 100) * r) for i, r in enumerate(ratios)]


def test_a_clear_slowdown_is_reported() -> None:
    ratios = [1.5 * (1 + (-1) ** i * 0.02) for i in range(40)]
    change = throughput_change("a", _pairs(ratios))
    assert change is not None and change.reported and change.slower
    assert change.ratio == pytest.approx(1.5, rel=0.03)
    assert change.noise < 0.05


def test_a_speed_up_is_reported_but_is_no_slowdown() -> None:
    change = throughput_change("a", _pairs([0.5] * 20))
    assert change is not None and change.reported and not change.slower
    assert change.ratio == pytest.approx(0.5) and change.noise == 0


def test_a_small_change_is_not_reported_however_precise() -> None:
    change = throughput_change("a", _pairs([1.05] * 50))
    assert change is not None and change.noise == 0 and not change.reported
    assert throughput_change("a", _pairs([1.05] * 50), min_change=0.04).reported  # type: ignore[union-attr]


def test_a_change_within_the_noise_is_not_reported() -> None:
    # median 1.3, but the per-case ratios scatter from 0.4 to 4: the median is not told apart
    ratios = [0.4, 4.0, 1.3, 0.5, 3.5, 1.3, 0.6, 3.0]
    change = throughput_change("a", _pairs(ratios))
    assert change is not None and change.ratio == pytest.approx(1.3, rel=0.01)
    assert change.noise > 0.3 and not change.reported


def test_too_few_cases_claim_nothing() -> None:
    assert throughput_change("a", _pairs([2.0] * (MIN_CASES - 1))) is None
    assert throughput_change("a", [(0.0, 1.0)] * 10) is None  # untimed cases do not count


def test_design_rule_judgements_and_their_matrix_are_compared(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two real runs that lint the same XSD, the second with a ledger entry expecting one of
    its essential findings: that rule flips from fail to xfail (fixed), the other rules stay
    unchanged, and the design-rule matrix cell of the linter changes."""
    corpus = tmp_path / "mini"
    make_corpus(corpus)
    monkeypatch.setenv("ST9X_CORPORA", str(tmp_path / "no-embedded-corpora"))
    rule = "st96-xsd:st96.versioning.schema-version"
    entry = {"case": "mini/schemas/doc.xsd", "adapter": rule,
             "reason": "the test schema has no version, for the test", "reference": "tests"}
    for name, entries in (("old", []), ("new", [entry])):
        main(["run", "--in-process", "--quiet", "--corpus", str(corpus), "--adapter", "lxml",
              "--converter", "none", "--lint", "st96-xsd", "--out", str(tmp_path / name),
              "--ledger", str(_ledger(tmp_path / f"{name}-ledger.json", entries))])
    diff = diff_runs(load_run(tmp_path / "old"), load_run(tmp_path / "new"))
    lint = [c for c in diff.changes if c.kind == "lint"]
    assert [(c.item, c.subject, c.before, c.after) for c in lint] == [
        ("mini/schemas/doc.xsd", rule, Judgement.FAIL, Judgement.XFAIL)]
    assert lint[0].fixed and not lint[0].new_failure
    assert [(c.matrix, c.row) for c in diff.cells] == [("design-rule checks", "st96-xsd")]
    document = to_json(diff)
    formats.check("diff", document, path=None)
