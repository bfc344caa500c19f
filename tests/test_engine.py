"""The engine end to end: plan, worker, results file, summary, matrix, judgement and ledger.

Besides the real adapters, a few small adapters are defined here as real classes implementing
the adapter protocol: one that crashes while validating, one whose compile raises, one that
counts its compilations, and one that always disagrees. They behave like a broken or unusual
third-party plug-in would, which is exactly what the engine must survive.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from pathlib import Path
from typing import Any, ClassVar

import pytest
from fixtures import (
    DOC_XSD,
    JSON_SCHEMA_07,
    TNS,
    VALID_XML,
    assert_one_line,
    default_cases,
    make_corpus,
    write,
)

from st9x import formats
from st9x.corpus.load import load_corpus
from st9x.corpus.model import Corpus, DataFormat, SchemaSpec
from st9x.engine.isolation import ProcessExecutor
from st9x.engine.judge import BROKEN, Judgement, judge
from st9x.engine.records import ValidationRecord as Record
from st9x.engine.results import read_results
from st9x.engine.tasks import plan
from st9x.engine.worker import Worker
from st9x.errors import FormatError
from st9x.ledger import Ledger, load_ledger
from st9x.runner import run
from st9x.subjects.validators.base import Adapter, AdapterInfo, Outcome, Problem
from st9x.subjects.validators.lxml_xsd import LxmlAdapter

# --- small adapters, real classes -------------------------------------------------------------


class _TestAdapter:
    name: ClassVar[str]
    format: ClassVar[DataFormat] = "xml"

    def info(self) -> AdapterInfo:
        return AdapterInfo(self.name, self.format, "tests", "0", ("xsd-1.0",), type(self).__doc__)


class _RaisesInValidate:
    def validate(self, instance: Path) -> Outcome:
        raise RuntimeError(f"kaboom on {instance.name}")


class CrashingAdapter(_TestAdapter):
    """Compiles, then raises RuntimeError on every instance."""

    name = "crashy"

    def compile(self, schema: SchemaSpec) -> _RaisesInValidate:
        return _RaisesInValidate()


class UncompilableAdapter(_TestAdapter):
    """Raises a plain Python exception (not st9x's SchemaError) from compile."""

    name = "nocompile"

    def compile(self, schema: SchemaSpec) -> Any:
        raise ValueError(f"cannot compile {schema.path.name}")


class CountingAdapter(LxmlAdapter):
    """lxml, counting how often each schema is compiled."""

    name = "counting"

    def __init__(self) -> None:
        self.compiles: Counter[Path] = Counter()

    def compile(self, schema: SchemaSpec) -> Any:
        self.compiles[schema.path] += 1
        return super().compile(schema)


class _AlwaysInvalid:
    def validate(self, instance: Path) -> Outcome:
        return Outcome.from_problems([Problem("contrary by design", "/", 1)])


class ContrarianAdapter(_TestAdapter):
    """Says invalid to everything, so it disagrees with lxml on every valid case."""

    name = "contrarian"

    def compile(self, schema: SchemaSpec) -> _AlwaysInvalid:
        return _AlwaysInvalid()


def _adapters(registry: dict[str, Adapter], *names: str, extra: tuple[Any, ...] = ()) -> dict:
    chosen: dict[str, Any] = {name: registry[name] for name in names}
    chosen.update({adapter.name: adapter for adapter in extra})
    return chosen


# --- a corpus with a bad case -----------------------------------------------------------------


@pytest.fixture
def corpus(tmp_path: Path) -> Corpus:
    """The default small corpus plus a malformed instance that was expected valid."""
    root = tmp_path / "corpus"
    cases = default_cases()
    cases.append(
        {
            "id": "xml-malformed",
            "instance": "instances/malformed.xml",
            "schema": "doc",
            "expected": "valid",
            "tags": ["bad"],
        }
    )
    make_corpus(root, cases=cases)
    write(root / "instances" / "malformed.xml", f'<Doc xmlns="{TNS}">\n<Name>x</Doc>\n')
    return load_corpus(root)


def test_run_survives_bad_cases_and_broken_adapters(
    tmp_path: Path, corpus: Corpus, adapters: dict[str, Adapter]
) -> None:
    chosen = _adapters(
        adapters, "lxml", "jsonschema", extra=(CrashingAdapter(), UncompilableAdapter())
    )
    out = tmp_path / "out"
    result = run([corpus], chosen, out, ledger=Ledger())

    xml_cases = [c.id for c in corpus.cases if c.format == "xml"]
    json_cases = [c.id for c in corpus.cases if c.format == "json"]
    assert result.tasks == 3 * len(xml_cases) + len(json_cases)
    assert not result.interrupted

    header, records, footer = read_results(out / "results.jsonl")  # checks every line's format
    assert len(records) == result.tasks
    assert footer is not None
    assert footer["records"] == len(records) and footer["interrupted"] is False
    assert [a["name"] for a in header["adapters"]] == sorted(chosen)
    assert header["corpora"][0]["id"] == "mini"
    assert header["corpora"][0]["cases"] == len(corpus.cases)

    got = {(r["case"], r["adapter"]): r for r in records}
    assert set(got) == {(c, a) for c in xml_cases for a in ("lxml", "crashy", "nocompile")} | {
        (c, "jsonschema") for c in json_cases
    }
    for case in xml_cases:
        crash = got[(case, "crashy")]
        assert crash["verdict"] == "errored"
        assert_one_line(crash["errors"][0]["message"], "crashy raised RuntimeError", "kaboom")
        nocompile = got[(case, "nocompile")]
        assert nocompile["verdict"] == "errored"
        assert_one_line(nocompile["errors"][0]["message"], "nocompile raised ValueError", "doc.xsd")
    malformed = got[("xml-malformed", "lxml")]
    assert malformed["verdict"] == "errored" and malformed["ok"] is False
    assert_one_line(malformed["errors"][0]["message"], "malformed.xml:2:")
    # the real adapters still did their job beside the broken ones
    assert got[("xml-valid", "lxml")]["verdict"] == "valid"
    assert got[("xml-invalid", "lxml")]["verdict"] == "invalid"
    assert got[("json-invalid", "jsonschema")]["verdict"] == "invalid"
    assert got[("json-valid", "jsonschema")]["ok"] is True

    summary = json.loads((out / "summary.json").read_text())
    formats.check("summary", summary, path=out / "summary.json")
    assert summary == result.summary
    broken = [r for r in records if r["ok"] is False]
    assert summary["broken"] == len(broken) == 2 * len(xml_cases) + 1
    assert summary["totals"]["errored"] == len(broken)
    assert {(f["case"], f["adapter"]) for f in summary["failures"]} == {
        (f"mini/{r['case']}", r["adapter"]) for r in broken
    }
    matrix = (out / "matrix.md").read_text()
    assert "## Broken expectations" in matrix
    assert "| mini/xml-malformed | lxml | valid | errored | errored |" in matrix


def test_each_schema_compiled_once_per_adapter(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    cases = default_cases()
    write(root / "schemas" / "doc2.xsd", DOC_XSD)
    for n in range(3):
        cases.append(
            {
                "id": f"second-{n}",
                "instance": "instances/valid.xml",
                "schema": "doc2",
                "expected": "valid",
            }
        )
    manifest = make_corpus(root, cases=cases)
    document = json.loads(manifest.read_text())
    document["schemas"].append({"id": "doc2", "path": "schemas/doc2.xsd"})
    write(manifest, document)

    counting = CountingAdapter()
    result = run([load_corpus(root)], {"counting": counting}, tmp_path / "out", ledger=Ledger())
    assert result.tasks == 6
    assert counting.compiles == {
        (root / "schemas" / "doc.xsd").resolve(): 1,
        (root / "schemas" / "doc2.xsd").resolve(): 1,
    }
    _, records, _ = read_results(tmp_path / "out" / "results.jsonl")
    compile_times = Counter(r["schema"] for r in records if r["times"]["compile"] is not None)
    assert compile_times == {"mini/doc": 1, "mini/doc2": 1}  # the cost shows on one record


def test_matrix_lists_disagreements(
    tmp_path: Path, corpus: Corpus, adapters: dict[str, Adapter]
) -> None:
    result = run(
        [corpus],
        _adapters(adapters, "lxml", extra=(ContrarianAdapter(),)),
        tmp_path / "out",
        ledger=Ledger(),
        tags=["smoke", "datatype"],
    )
    disagreements = {d["case"]: d["verdicts"] for d in result.summary["disagreements"]}
    # xml-invalid: both say invalid; xml-valid: lxml valid, contrarian invalid
    assert disagreements == {"mini/xml-valid": {"contrarian": "invalid", "lxml": "valid"}}
    matrix = (tmp_path / "out" / "matrix.md").read_text()
    assert "## Disagreements between validators of the same format" in matrix
    assert "| case | expected | contrarian | lxml |" in matrix
    assert "| mini/xml-valid | valid | invalid | valid |" in matrix


def test_matrix_says_when_validators_agree(
    tmp_path: Path, corpus: Corpus, adapters: dict[str, Adapter]
) -> None:
    chosen = _adapters(adapters, "lxml", "xmlschema-1.0")
    result = run([corpus], chosen, tmp_path / "out", ledger=Ledger(), tags=["xml"])
    assert result.summary["disagreements"] == []
    assert result.summary["broken"] == 0
    assert (
        "None: every validator that judged a case gave the same verdict."
        in (tmp_path / "out" / "matrix.md").read_text()
    )


def test_tags_select_by_tag_or_constraint(corpus: Corpus, adapters: dict[str, Adapter]) -> None:
    chosen = _adapters(adapters, "lxml", "jsonschema")
    picked = {t.item_id for t in plan([corpus], chosen, ["smoke"])}
    assert picked == {"mini/xml-valid[lxml]", "mini/json-valid[jsonschema]"}
    by_constraint = {t.case.id for t in plan([corpus], chosen, ["json-type"])}
    assert by_constraint == {"json-invalid"}
    assert len(plan([corpus], chosen)) == len(corpus.cases)
    assert plan([corpus], chosen, ["no-such-tag"]) == []


# --- judgement and the ledger -----------------------------------------------------------------


def _ledger_file(path: Path, *entries: tuple[str, str]) -> Path:
    return write(
        path,
        {
            "format": "st9x-ledger/1",
            "entries": [
                {
                    "case": case,
                    "adapter": adapter,
                    "reason": "contrarian disagrees on purpose",
                    "reference": "tests/test_engine.py",
                }
                for case, adapter in entries
            ],
        },
    )


def _records(corpus: Corpus, adapters: dict[str, Any]) -> dict[tuple[str, str], Record]:
    worker = Worker(adapters)
    return {t.key: worker.run(t) for t in plan([corpus], adapters)}


def test_judge_strict_xfail_and_xpass(
    tmp_path: Path, corpus: Corpus, adapters: dict[str, Adapter]
) -> None:
    records = _records(corpus, _adapters(adapters, "lxml", extra=(ContrarianAdapter(),)))
    ledger = load_ledger(
        _ledger_file(
            tmp_path / "ledger.json",
            ("mini/xml-valid", "contra*"),  # fails as the ledger says: xfail
            ("mini/xml-invalid", "contrarian"),  # passes although listed: xpass, broken
            ("mini/xml-malformed", "lxml"),  # errored, listed: xfail
        )
    )
    assert len(ledger.entries) == 3

    def verdict_of(case: str, adapter: str) -> Judgement:
        return judge(records[(f"mini/{case}", adapter)], ledger)[0]

    assert verdict_of("xml-valid", "contrarian") is Judgement.XFAIL
    assert verdict_of("xml-invalid", "contrarian") is Judgement.XPASS
    assert verdict_of("xml-malformed", "lxml") is Judgement.XFAIL
    assert verdict_of("xml-valid", "lxml") is Judgement.PASS
    assert verdict_of("xml-malformed", "contrarian") is Judgement.FAIL
    _, entry = judge(records[("mini/xml-valid", "contrarian")], ledger)
    assert entry is not None and entry.reason == "contrarian disagrees on purpose"

    empty = Ledger()
    assert judge(records[("mini/xml-valid", "contrarian")], empty)[0] is Judgement.FAIL
    assert judge(records[("mini/xml-malformed", "lxml")], empty)[0] is Judgement.ERRORED
    assert Judgement.XPASS in BROKEN and Judgement.XFAIL not in BROKEN


def test_judge_skipped_and_unchecked(tmp_path: Path, adapters: dict[str, Adapter]) -> None:
    write(tmp_path / "c" / "s.json", {**JSON_SCHEMA_07, "$schema": "https://example.invalid/d"})
    write(tmp_path / "c" / "i.json", "{}")
    write(tmp_path / "c" / "doc.xsd", DOC_XSD)
    write(tmp_path / "c" / "doc.xml", VALID_XML)
    corpus = load_corpus(tmp_path / "c", "unknown")  # a survey: nothing expected
    records = _records(corpus, _adapters(adapters, "jsonschema", "lxml"))
    skipped = records[(f"{corpus.id}/i", "jsonschema")]
    assert skipped["verdict"] == "skipped"
    assert judge(skipped, Ledger())[0] is Judgement.SKIPPED
    unchecked = records[(f"{corpus.id}/doc", "lxml")]
    assert unchecked["verdict"] == "valid" and unchecked["ok"] is None
    assert judge(unchecked, Ledger())[0] is Judgement.UNCHECKED


def test_run_with_ledger_reports_xfail_xpass_and_stale_entries(
    tmp_path: Path, corpus: Corpus, adapters: dict[str, Adapter]
) -> None:
    ledger = load_ledger(
        _ledger_file(
            tmp_path / "ledger.json",
            ("mini/xml-valid", "contrarian"),
            ("mini/xml-invalid", "contrarian"),
            ("mini/never-*", "lxml"),
        )
    )
    result = run(
        [corpus],
        _adapters(adapters, "lxml", extra=(ContrarianAdapter(),)),
        tmp_path / "out",
        ledger=ledger,
        tags=["smoke", "datatype"],
    )
    summary = result.summary
    assert summary["totals"]["xfail"] == 1 and summary["totals"]["xpass"] == 1
    assert [(r["case"], r["reason"]) for r in summary["expected_failures"]] == [
        ("mini/xml-valid", "contrarian disagrees on purpose")
    ]
    assert [(r["case"], r["judgement"]) for r in summary["failures"]] == [
        ("mini/xml-invalid", "xpass")
    ]
    assert summary["broken"] == 1
    assert summary["stale_ledger_entries"] == [{"case": "mini/never-*", "adapter": "lxml"}]
    matrix = (tmp_path / "out" / "matrix.md").read_text()
    assert "## Known failures (ledger)" in matrix
    assert "`mini/never-*` × `lxml`" in matrix


@pytest.mark.parametrize(
    ("document", "fragments"),
    [
        pytest.param(
            {"format": "st9x-ledger/1", "entries": [{"case": "a/b", "adapter": "lxml"}]},
            ("/entries/0", "'reason'"),
            id="missing-reason",
        ),
        pytest.param(
            {
                "format": "st9x-ledger/1",
                "entries": [
                    {"case": "a/b", "adapter": "lxml", "reason": "short", "reference": "x/1"}
                ],
            },
            ("/entries/0/reason",),
            id="reason-too-short",
        ),
        pytest.param({"entries": []}, ("'format'",), id="missing-format"),
        pytest.param(
            {"format": "st9x-ledger/1", "entries": {}}, ("/entries",), id="entries-not-a-list"
        ),
    ],
)
def test_bad_ledger_names_file_and_field(
    tmp_path: Path, document: dict[str, Any], fragments: tuple[str, ...]
) -> None:
    path = write(tmp_path / "known-failures.json", document)
    with pytest.raises(FormatError) as info:
        load_ledger(path)
    assert_one_line(str(info.value), str(path), "ledger format", *fragments)


def test_ledger_not_json_or_missing(tmp_path: Path, isolated: Path) -> None:
    path = write(tmp_path / "ledger.json", '{\n  "format": "st9x-ledger/1",\n  oops\n}')
    with pytest.raises(FormatError) as info:
        load_ledger(path)
    assert_one_line(str(info.value), f"{path}:3:", "not valid JSON")

    with pytest.raises(FormatError) as info:
        load_ledger(tmp_path / "absent.json")  # named explicitly: must exist
    assert_one_line(str(info.value), str(tmp_path / "absent.json"), "not found")

    # the default ledger (beside the embedded corpora) may be absent: then nothing is expected
    assert not (isolated.parent / "known-failures.json").exists()
    assert load_ledger().entries == ()


# --- the results file -------------------------------------------------------------------------


def test_results_reader_rejects_broken_lines(
    tmp_path: Path, corpus: Corpus, adapters: dict[str, Adapter]
) -> None:
    out = tmp_path / "out"
    run([corpus], _adapters(adapters, "lxml"), out, ledger=Ledger(), tags=["smoke"])
    lines = (out / "results.jsonl").read_text().splitlines()
    assert [json.loads(line)["type"] for line in lines] == ["header", "record", "footer"]

    not_json = write(tmp_path / "a.jsonl", "\n".join([lines[0], lines[1][:-5], lines[2]]))
    with pytest.raises(FormatError) as info:
        read_results(not_json)
    assert_one_line(str(info.value), f"{not_json}:2:", "not valid JSON")

    record = json.loads(lines[1])
    del record["verdict"]
    missing = write(tmp_path / "b.jsonl", "\n".join([lines[0], json.dumps(record), lines[2]]))
    with pytest.raises(FormatError) as info:
        read_results(missing)
    assert_one_line(str(info.value), f"{missing}:2:")

    headless = write(tmp_path / "c.jsonl", "\n".join(lines[1:]))
    with pytest.raises(FormatError) as info:
        read_results(headless)
    assert_one_line(str(info.value), str(headless), "no header")


# --- process isolation ------------------------------------------------------------------------


HANG_SECONDS = 600  # a run that took this long waited for the hanging validator


class _Hangs:
    def validate(self, instance: Path) -> Outcome:
        time.sleep(HANG_SECONDS)  # stands in for a validator stuck in C code
        return Outcome.from_problems([])


class HangingAdapter(_TestAdapter):
    """Never answers."""

    name = "hangs"

    def compile(self, schema: SchemaSpec) -> _Hangs:
        return _Hangs()


class _Dies:
    def validate(self, instance: Path) -> Outcome:
        os._exit(3)  # stands in for a segfault or an interpreter abort


class DyingAdapter(_TestAdapter):
    """Takes its process down on every instance."""

    name = "dies"

    def compile(self, schema: SchemaSpec) -> _Dies:
        return _Dies()


def test_process_executor_survives_dead_workers(
    tmp_path: Path, corpus: Corpus, adapters: dict[str, Adapter]
) -> None:
    chosen = _adapters(adapters, "lxml", extra=(DyingAdapter(),))
    executor = ProcessExecutor(chosen, jobs=2, timeout=30, memory_mb=None)
    result = run(
        [corpus], chosen, tmp_path / "out", ledger=Ledger(), tags=["xml"], executor=executor
    )
    _, records, footer = read_results(tmp_path / "out" / "results.jsonl")
    got = {(r["case"], r["adapter"]): r for r in records}
    assert len(got) == result.tasks == 6 and footer is not None and footer["records"] == 6
    for case in ("xml-valid", "xml-invalid", "xml-wrong-root"):
        dead = got[(case, "dies")]
        assert dead["verdict"] == "errored"
        assert_one_line(dead["errors"][0]["message"], "process died (exit code 3)")
        assert got[(case, "lxml")]["ok"] is True  # the real validator was not disturbed


class _Spins:
    def validate(self, instance: Path) -> Outcome:
        end = time.process_time() + 1.0  # one second of CPU, however long that takes
        while time.process_time() < end:
            pass
        return Outcome.from_problems([])


class SpinningAdapter(_TestAdapter):
    """Needs one second of CPU time per instance."""

    name = "spins"

    def compile(self, schema: SchemaSpec) -> _Spins:
        return _Spins()


def _hog(cpu: int) -> None:
    os.sched_setaffinity(0, {cpu})
    while True:
        pass


@pytest.mark.skipif(not Path("/proc/self/schedstat").exists()
                    or not hasattr(os, "sched_setaffinity"),
                    reason="the kernel does not report the time a process waits for a CPU")
def test_a_task_kept_from_the_cpu_is_not_timed_out(tmp_path: Path, corpus: Corpus) -> None:
    """Machine load does not turn a result into a time-out: a task that needs 1 s of CPU gets
    it under a 1.5 s time-out while two busy processes share its CPU (so it takes ~3 s)."""
    import multiprocessing

    cpu = min(os.sched_getaffinity(0))
    hogs = [multiprocessing.get_context("fork").Process(target=_hog, args=(cpu,), daemon=True)
            for _ in range(2)]
    for hog in hogs:
        hog.start()
    own = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {cpu})  # the worker is forked from here: it inherits the CPU
    try:
        chosen = {"spins": SpinningAdapter()}
        executor = ProcessExecutor(chosen, jobs=1, timeout=1.5, memory_mb=None)
        started = time.monotonic()
        run([corpus], chosen, tmp_path / "out", ledger=Ledger(), tags=["smoke"],
            executor=executor)
        took = time.monotonic() - started
    finally:
        os.sched_setaffinity(0, own)
        for hog in hogs:
            hog.kill()
    _, records, _ = read_results(tmp_path / "out" / "results.jsonl")
    (record,) = records
    assert record["verdict"] == "valid", record["errors"]
    assert took > 1.5  # it did wait for the CPU: a wall-clock time-out would have killed it


def test_process_executor_times_out_a_hanging_validator(tmp_path: Path, corpus: Corpus) -> None:
    chosen = {"hangs": HangingAdapter()}
    executor = ProcessExecutor(chosen, jobs=1, timeout=0.5, memory_mb=None)
    started = time.monotonic()
    run([corpus], chosen, tmp_path / "out", ledger=Ledger(), tags=["smoke"], executor=executor)
    assert time.monotonic() - started < HANG_SECONDS  # killed, not waited for
    _, records, _ = read_results(tmp_path / "out" / "results.jsonl")
    (record,) = records
    assert record["verdict"] == "errored"
    assert_one_line(record["errors"][0]["message"], "time-out", "0.5 s")
