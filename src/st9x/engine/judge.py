"""Judging a record against its expectation and the ledger: the one place that decides whether
something broke. pytest items and ``st9x run``'s exit code both ask this function."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from st9x.ledger import Entry, Ledger


class Judgement(StrEnum):
    PASS = "pass"  # verdict as expected
    FAIL = "fail"  # valid/invalid, but not as expected
    ERRORED = "errored"  # could not be validated (bad file, schema, crash), not expected
    SKIPPED = "skipped"  # the adapter cannot handle this schema (e.g. its dialect)
    XFAIL = "xfail"  # not as expected, and the ledger says why
    XPASS = "xpass"  # the ledger expects a failure, but it passed: the ledger is out of date
    UNCHECKED = "unchecked"  # no expectation (a corpus without a manifest): verdict reported only


BROKEN = frozenset({Judgement.FAIL, Judgement.ERRORED, Judgement.XPASS})


def judge(record: Mapping[str, Any], ledger: Ledger) -> tuple[Judgement, Entry | None]:
    entry = ledger.lookup(f"{record['corpus']}/{record['case']}", record["adapter"])
    verdict = record["verdict"]
    if verdict == "skipped":
        return Judgement.SKIPPED, entry
    if record["ok"] is None:  # nothing was expected
        if verdict == "errored":
            return (Judgement.XFAIL, entry) if entry else (Judgement.ERRORED, None)
        return Judgement.UNCHECKED, entry
    if record["ok"]:
        return (Judgement.XPASS, entry) if entry else (Judgement.PASS, None)
    if entry:
        return Judgement.XFAIL, entry
    return (Judgement.ERRORED if verdict == "errored" else Judgement.FAIL), None
