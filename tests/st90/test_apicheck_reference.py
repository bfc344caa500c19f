"""The live checker against the reference ST.90 API: the fault-free API passes every live rule,
and each switchable fault makes exactly the rule(s) meant for it fail."""

from __future__ import annotations

import pytest

from st9x.rules.model import Status
from st9x.rules.st90_live import RULES
from st9x.subjects.apis.live.client import LiveBounds
from st9x.subjects.apis.reference import FAULTS, OPENAPI_PATH, serving
from st9x.subjects.linters.st90_live import St90LiveLinter

BOUNDS = LiveBounds(max_requests=60, time_limit=120.0, request_timeout=10.0)
#: fault → the live rules it must make fail, and no other
MEANT = {
    "wrong-status": {"st90.live.unknown-resource-404"},
    "no-405": {"st90.live.method-not-allowed-405"},
    "no-406": {"st90.live.not-acceptable-406"},
    "error-body": {"st90.live.error-schema"},
    "paging-ignored": {"st90.live.paging-limit", "st90.live.paging-offset"},
    "response-off-schema": {"st90.live.response-schema"},
    "st97-break": {"st90.live.st97-document"},
}
STATIC = {"verbs-in-paths"}  # served and documented alike: the OpenAPI lint catches it


def failing(faults: frozenset[str]) -> tuple[set[str], dict[str, list[str]], St90LiveLinter]:
    with serving(faults=faults) as url:
        linter = St90LiveLinter(url, BOUNDS)
        results = linter.check(OPENAPI_PATH)
    bad = {rule for rule, findings in results.items()
           if any(f.status in (Status.FAIL, Status.ERRORED) for f in findings)}
    details = {rule: [f.detail for f in results[rule] if f.status is not Status.PASS]
               for rule in bad}
    return bad, details, linter


def test_every_fault_is_covered() -> None:
    assert set(MEANT) | STATIC == set(FAULTS)


def test_fault_free_api_passes_every_live_rule() -> None:
    bad, details, linter = failing(frozenset())
    assert bad == set(), details
    assert linter.last is not None
    results = linter.judge(linter.last)
    # every rule judged something: none is n/a on the reference API
    for rule in RULES:
        statuses = {f.status for f in results[rule]}
        assert statuses == {Status.PASS}, (rule, results[rule])


@pytest.mark.parametrize("fault", sorted(MEANT))
def test_each_fault_fails_exactly_its_rules(fault: str) -> None:
    bad, details, _linter = failing(frozenset({fault}))
    assert bad == MEANT[fault], details
    for rule in bad:  # every failure is located by the request and says what came back
        assert all(d.split(" ", 1)[0] in ("GET", "PUT", "PATCH", "DELETE", "POST")
                   for d in details[rule]), details[rule]
