"""The catalogue's entry points: the per-decision verdicts the conversion suites record.

Each decision's findings are folded into one JSON object, :class:`DecisionCheck`: ``pass`` with
how many places were checked, ``fail`` with the first offending place and how many there are, or
``n/a`` (nothing in the input the decision is about). A decision-8 extension the converter could
not express and says so in its loss report is ``n/a`` for that place and counted in the check's
``losses`` (:func:`reported_losses`), so that the matrix shows it apart from both a pass and a
failure. A rule that raised is ``errored``, with the exception, and the other decisions still
report.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, NotRequired, TypedDict

from st9x.rules.model import Catalogue, Finding, Rule, Status
from st9x.rules.st97_register.instance_rules import INSTANCE_RULES, InstanceSubject
from st9x.rules.st97_register.schema_rules import SCHEMA_RULES, SchemaSubject


class DecisionCheck(TypedDict):
    """One decision's verdict on one schema or instance, as results files record it."""

    status: Literal["pass", "fail", "n/a", "errored"]
    detail: str
    #: places the converter reported as a loss instead of applying the decision (absent: none)
    losses: NotRequired[int]


def reported_losses(check: Mapping[str, Any]) -> int:
    """How many places of a check the converter reported as a loss instead of converting;
    0 when none."""
    return int(check.get("losses", 0))


def summarise(rule: Rule[Any], findings: Sequence[Finding]) -> DecisionCheck:
    """One rule's findings as one verdict: an error wins, then the first failure (with how many
    more), then the count of places passed, else why nothing applied; reported losses are named
    (the first three) and counted in every case."""
    errored = [f for f in findings if f.status is Status.ERRORED]
    if errored:
        return {"status": "errored", "detail": errored[0].detail}
    failures = [f for f in findings if f.status is Status.FAIL]
    passed = sum(1 for f in findings if f.status is Status.PASS)
    lost = [f.detail for f in findings if f.losses]
    suffix = (f"; n/a where the converter reports a loss ({', '.join(lost[:3])}"
              f"{'…' if len(lost) > 3 else ''})" if lost else "")
    check: DecisionCheck
    if failures:
        more = f" (and {len(failures) - 1} more)" if len(failures) > 1 else ""
        check = {"status": "fail", "detail": failures[0].detail + more + suffix}
    elif passed:
        check = {"status": "pass", "detail": f"{passed} {rule.counts}{suffix}"}
    else:
        why = next((f.detail for f in findings if f.status is Status.NA and not f.losses),
                   rule.absent)
        check = {"status": "n/a", "detail": why + suffix}
    if lost:
        check["losses"] = sum(f.losses for f in findings)
    return check


def _verdicts(catalogue: Catalogue[Any], subject: Any) -> dict[str, DecisionCheck]:
    return {rule_id: summarise(catalogue[rule_id], findings)
            for rule_id, findings in catalogue.run(subject).items()}


def schema_checks(schema: dict[str, Any], xsd: Any,
                  losses: Iterable[tuple[str, str]] = ()) -> dict[str, DecisionCheck]:
    """The decision checks on a generated JSON Schema, the XSD it was generated from and the
    converter's loss report (``(construct, location)`` pairs)."""
    return _verdicts(SCHEMA_RULES, SchemaSubject(schema, xsd, tuple(losses)))


def instance_checks(document: Any, xml_root: Any,
                    xsd: Any = None) -> dict[str, DecisionCheck]:
    """The decision checks on one converted instance, its XML source element and the XSD the
    XML is valid against (without it only the name checks of decisions 5 and 7 can run)."""
    return _verdicts(INSTANCE_RULES, InstanceSubject(document, xml_root, xsd))
