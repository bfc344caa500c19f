"""The shared catalogue mechanics: rules run in table order, findings carry their rule's id, and
a rule that raises becomes one ``errored`` finding for itself alone."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from types import SimpleNamespace

import pytest

from st9x.rules.model import Catalogue, Finding, Level, Rule, Status
from st9x.rules.st97_register import (
    DECISIONS,
    INSTANCE_RULES,
    SCHEMA_RULES,
    SchemaSubject,
    schema_checks,
    summarise,
)

#: an XSD stand-in without components: every decision has nothing to check
NO_TYPES = SimpleNamespace(maps=SimpleNamespace(types={}, elements={}))


def _counts(subject: list[int]) -> Iterator[Finding]:
    for i, n in enumerate(subject):
        yield Finding.passed(f"/{i}") if n >= 0 else Finding.failed(f"/{i}", f"/{i} is {n}")


def _breaks_midway(subject: list[int]) -> Iterator[Finding]:
    yield Finding.passed("/0")
    raise KeyError("no such member")


def _empty(subject: list[int]) -> Iterator[Finding]:
    return iter(())


def _catalogue() -> Catalogue[list[int]]:
    return Catalogue("test", [
        Rule("a", "non-negative", Level.INSTANCE, _counts, "numbers", "no number"),
        Rule("b", "breaks", Level.INSTANCE, _breaks_midway),
        Rule("c", "nothing", Level.INSTANCE, _empty, "places", "nothing here"),
    ])


def test_a_raising_rule_is_errored_alone() -> None:
    found = _catalogue().run([1, -2, 3])
    assert list(found) == ["a", "b", "c"]
    assert [f.status for f in found["a"]] == [Status.PASS, Status.FAIL, Status.PASS]
    assert all(f.rule == "a" for f in found["a"])  # stamped by the table, not the function
    # what the rule yielded before it raised is dropped: one errored finding, with the error
    assert found["b"] == [Finding(Status.ERRORED, detail="KeyError: 'no such member'", rule="b")]
    assert found["c"] == []


def test_findings_fold_into_one_verdict_per_rule() -> None:
    catalogue = _catalogue()
    found = catalogue.run([1, -2, -3])
    verdicts = {rule_id: summarise(catalogue[rule_id], findings)
                for rule_id, findings in found.items()}
    assert verdicts == {
        "a": {"status": "fail", "detail": "/1 is -2 (and 1 more)"},
        "b": {"status": "errored", "detail": "KeyError: 'no such member'"},
        "c": {"status": "n/a", "detail": "nothing here"},
    }
    assert summarise(catalogue["a"], catalogue.run_rule("a", [0, 4])) == {
        "status": "pass", "detail": "2 numbers"}


def test_reported_losses_are_counted_apart() -> None:
    rule = _catalogue()["c"]
    lost = [Finding.lost(f"/{i}", f"T{i}: mixed-extension") for i in range(4)]
    assert summarise(rule, lost) == {
        "status": "n/a", "losses": 4,
        "detail": "nothing here; n/a where the converter reports a loss (T0: mixed-extension, "
                  "T1: mixed-extension, T2: mixed-extension…)"}


def test_a_rule_id_is_registered_once() -> None:
    rule = Rule("a", "twice", Level.SCHEMA, _empty)
    with pytest.raises(ValueError, match="registered twice"):
        Catalogue("test", [rule, rule])


def test_the_register_tables_list_the_decisions_in_order() -> None:
    assert list(DECISIONS) == ["1", "4", "5", "7", "8"]
    for catalogue, level in ((SCHEMA_RULES, Level.SCHEMA), (INSTANCE_RULES, Level.INSTANCE)):
        assert list(catalogue) == list(DECISIONS)
        assert [r.title for r in catalogue.values()] == list(DECISIONS.values())
        assert {r.level for r in catalogue.values()} == {level}


def test_an_error_in_one_decision_leaves_the_others() -> None:
    """A bug in one rule of the register costs that decision's verdict, not the others'."""

    def broken(subject: SchemaSubject) -> Iterator[Finding]:
        raise RuntimeError("rule bug")

    catalogue = Catalogue("broken", [replace(r, check=broken) if r.id == "5" else r
                                     for r in SCHEMA_RULES.values()])
    found = catalogue.run(SchemaSubject({"$defs": {}}, NO_TYPES))
    checks = {rule_id: summarise(catalogue[rule_id], f) for rule_id, f in found.items()}
    assert checks["5"] == {"status": "errored", "detail": "RuntimeError: rule bug"}
    assert [checks[d]["status"] for d in ("1", "4", "7", "8")] == ["n/a"] * 4
    # the real table, on the same subject, has nothing to check either
    assert {c["status"] for c in schema_checks({"$defs": {}}, NO_TYPES).values()} == {"n/a"}
