"""The one judge: outcomes to judgements, and the table of converter checks, on records read
from a real run of the converter suites (st96-core, st97-v2 and the peer xmltodict)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from st9x.corpus.load import load_corpus
from st9x.engine.judge import (
    CASE_CHECKS,
    SCHEMA_CHECKS,
    Judgement,
    Outcome,
    decide,
    judge_conversions,
)
from st9x.ledger import Entry, Ledger, load_ledger
from st9x.runner import run_conversions
from st9x.subjects.converters.base import Check
from st9x.subjects.registry import select_adapters, select_converters

ENTRY = Entry("c/x", "a", "a reason", "a reference")


@pytest.mark.parametrize(
    ("outcome", "entry", "judgement"),
    [
        (Outcome.MET, None, Judgement.PASS),
        (Outcome.MET, ENTRY, Judgement.XPASS),
        (Outcome.MISSED, None, Judgement.FAIL),
        (Outcome.MISSED, ENTRY, Judgement.XFAIL),
        (Outcome.ERRORED, None, Judgement.ERRORED),
        (Outcome.ERRORED, ENTRY, Judgement.XFAIL),
        (Outcome.SKIPPED, ENTRY, Judgement.SKIPPED),
        (Outcome.UNCHECKED, None, Judgement.UNCHECKED),
    ],
)
def test_decide(outcome: Outcome, entry: Entry | None, judgement: Judgement) -> None:
    assert decide(outcome, entry) is judgement


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    corpus = load_corpus("st96-core")
    corpus.cases = [c for c in corpus.cases if c.id.startswith("tm-app")]
    out = tmp_path_factory.mktemp("judge")
    result = run_conversions([corpus], select_converters(["st97-v2", "xmltodict"]), out,
                             select_adapters(["xmlschema-1.0", "jsonschema-rs", "jsonschema"]))
    return result.conversion_records  # type: ignore[return-value]


def _case(records: list[dict[str, Any]], converter: str, case: str) -> dict[str, Any]:
    return copy.deepcopy(next(r for r in records if r["type"] == "case"
                              and r["converter"] == converter and r["case"] == case))


def test_every_check_of_the_table_is_judged(records: list[dict[str, Any]]) -> None:
    judged = judge_conversions(records, Ledger())
    checks = {j.check for j in judged if j.converter == "st97-v2"}
    assert checks == {*CASE_CHECKS, *SCHEMA_CHECKS} == set(Check)


def test_a_peer_claims_nothing_and_is_measured_only(records: list[dict[str, Any]]) -> None:
    judged = [j for j in judge_conversions(records, Ledger()) if j.converter == "xmltodict"]
    assert judged and {j.judgement for j in judged} <= {Judgement.UNCHECKED, Judgement.SKIPPED}


def test_the_anyof_gap_is_a_failure_unless_ledgered(records: list[dict[str, Any]]) -> None:
    record = _case(records, "st97-v2", "tm-app-mark-reproduction-word-and-image")
    result = CASE_CHECKS[Check.AGREEMENT](record)  # type: ignore[arg-type]
    assert result is not None and result.outcome is Outcome.MISSED
    assert "gap-accepts" in result.problems[0]
    judged = judge_conversions([record], Ledger())
    assert [j.judgement for j in judged if j.check is Check.AGREEMENT] == [Judgement.FAIL]
    judged = judge_conversions([record], load_ledger(None))
    assert [j.judgement for j in judged if j.check is Check.AGREEMENT] == [Judgement.XFAIL]


def test_only_the_judging_validators_decide(records: list[dict[str, Any]]) -> None:
    record = _case(records, "st97-v2", "tm-app-minimal")
    assert record["json_judges"] == ["jsonschema-rs"]
    assert CASE_CHECKS[Check.VALIDITY](record).outcome is Outcome.MET  # type: ignore[arg-type,union-attr]
    # python-jsonschema is measured, not judging: its verdict changes nothing
    record["json_verdicts"]["jsonschema"] = {"verdict": "invalid", "error": "float multipleOf"}
    assert CASE_CHECKS[Check.VALIDITY](record).outcome is Outcome.MET  # type: ignore[arg-type,union-attr]
    # the judging validator's verdict does
    record["json_verdicts"]["jsonschema-rs"] = {"verdict": "invalid", "error": "/x: wrong"}
    result = CASE_CHECKS[Check.VALIDITY](record)  # type: ignore[arg-type]
    assert result is not None and result.outcome is Outcome.MISSED


def test_refusing_invalid_data_agrees_and_valid_data_must_convert(
    records: list[dict[str, Any]],
) -> None:
    record = _case(records, "st97-v2", "tm-app-minimal")
    record["conversion"].update(status="failed", message="stopped at line 3")
    result = CASE_CHECKS[Check.AGREEMENT](record)  # type: ignore[arg-type]
    assert result is not None and result.outcome is Outcome.MISSED
    record["xsd_verdict"] = "invalid"
    result = CASE_CHECKS[Check.AGREEMENT](record)  # type: ignore[arg-type]
    assert result is not None and result.outcome is Outcome.MET


def test_round_trip_applies_to_valid_data_only(records: list[dict[str, Any]]) -> None:
    invalid = next(r for r in records if r["type"] == "case" and r["converter"] == "st97-v2"
                   and r["expected"] == "invalid")
    assert CASE_CHECKS[Check.ROUNDTRIP](invalid) is None  # type: ignore[arg-type]
    valid = _case(records, "st97-v2", "tm-app-minimal")
    valid["roundtrip"].update(status="lossy", difference="-<a/>")
    result = CASE_CHECKS[Check.ROUNDTRIP](valid)  # type: ignore[arg-type]
    assert result is not None and result.outcome is Outcome.MISSED


def test_an_errored_validator_is_no_disagreement() -> None:
    """A time-out is errored, never a disagreement: load on the machine must not change what
    the matrix says about the validators."""
    from st9x.matrix.fold import fold

    def record(adapter: str, verdict: str) -> dict[str, Any]:
        return {"type": "record", "corpus": "c", "case": "x", "adapter": adapter,
                "format": "xml", "schema": "c/s", "instance": "x.xml", "instance_sha256": None,
                "expected": "unknown", "constraint": None, "tags": [], "verdict": verdict,
                "ok": None, "errors": [], "error_count": 0,
                "times": {"compile": None, "validate": None}}

    header: dict[str, Any] = {"corpora": [{"id": "c"}]}
    timed_out = [record("lxml", "valid"), record("xmlschema-1.0", "errored")]
    assert fold(header, timed_out, Ledger())["disagreements"] == []
    differ = [record("lxml", "valid"), record("xmlschema-1.0", "invalid")]
    assert [d["case"] for d in fold(header, differ, Ledger())["disagreements"]] == ["c/x"]
