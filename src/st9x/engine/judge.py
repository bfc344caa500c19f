"""Judging records against their expectations and the ledger: the one place that decides
whether something broke, for every kind of record. pytest items, the matrices and ``st9x run``'s
exit code all ask this module.

Judging is two steps. First a record gives an :class:`Outcome` from its structured fields: a
validation record from its verdict and expectation; a converter record once per
:class:`~st9x.subjects.converters.base.Check`, through the table :data:`CASE_CHECKS` /
:data:`SCHEMA_CHECKS` of small functions (python-jsonschema's keyword table is the model). Then
:func:`decide` turns the outcome and the ledger entry into a :class:`Judgement`. A converter's
check that the converter does not claim is measured, not judged (``unchecked``).

A check's subject, in the ledger and in pytest ids, is ``converter:check`` (``st97-v2:agreement``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from st9x.engine.records import CaseConversionRecord, SchemaConversionRecord
from st9x.ledger import Entry, Ledger
from st9x.subjects.converters.base import Check


class Judgement(StrEnum):
    PASS = "pass"  # as expected
    FAIL = "fail"  # not as expected
    ERRORED = "errored"  # could not be done (bad file, schema, crash), not expected
    SKIPPED = "skipped"  # the subject cannot handle this item (e.g. its dialect)
    XFAIL = "xfail"  # not as expected, and the ledger says why
    XPASS = "xpass"  # the ledger expects a failure, but it passed: the ledger is out of date
    UNCHECKED = "unchecked"  # no expectation: reported only


BROKEN = frozenset({Judgement.FAIL, Judgement.ERRORED, Judgement.XPASS})


class Outcome(StrEnum):
    """What a subject did on an item, before the ledger is consulted."""

    MET = "met"
    MISSED = "missed"
    ERRORED = "errored"
    SKIPPED = "skipped"
    UNCHECKED = "unchecked"


def decide(outcome: Outcome, entry: Entry | None) -> Judgement:
    """The judgement of an outcome, given the ledger entry that matches its item, if any."""
    if outcome is Outcome.SKIPPED:
        return Judgement.SKIPPED
    if outcome is Outcome.UNCHECKED:
        return Judgement.UNCHECKED
    if outcome is Outcome.MET:
        return Judgement.XPASS if entry else Judgement.PASS
    if entry:
        return Judgement.XFAIL
    return Judgement.ERRORED if outcome is Outcome.ERRORED else Judgement.FAIL


# == validation records ===========================================================================
def validation_outcome(record: Mapping[str, Any]) -> Outcome:
    verdict = record["verdict"]
    if verdict == "skipped":
        return Outcome.SKIPPED
    if record["ok"] is None:  # nothing was expected
        return Outcome.ERRORED if verdict == "errored" else Outcome.UNCHECKED
    if record["ok"]:
        return Outcome.MET
    return Outcome.ERRORED if verdict == "errored" else Outcome.MISSED


def judge(record: Mapping[str, Any], ledger: Ledger) -> tuple[Judgement, Entry | None]:
    """The judgement of one validation record, and the ledger entry behind it."""
    entry = ledger.lookup(f"{record['corpus']}/{record['case']}", record["adapter"])
    return decide(validation_outcome(record), entry), entry


# == converter records ============================================================================
@dataclass(frozen=True)
class CheckResult:
    outcome: Outcome
    problems: tuple[str, ...] = ()


def _from_problems(problems: Sequence[str]) -> CheckResult:
    return CheckResult(Outcome.MISSED, tuple(problems)) if problems else CheckResult(Outcome.MET)


def _not_converted(record: CaseConversionRecord) -> CheckResult | None:
    conversion = record["conversion"]
    if conversion["status"] == "ok":
        return None
    if conversion["status"] == "unsupported":
        return CheckResult(Outcome.SKIPPED, (conversion["message"] or "unsupported",))
    return CheckResult(Outcome.MISSED, (f"not converted: {conversion['message']}",))


def xsd_valid(record: CaseConversionRecord) -> bool:
    """A case whose data is valid: expected so, or (no expectation) valid under the XSD."""
    expected = record["expected"]
    return expected == "valid" or (expected == "unknown" and record["xsd_verdict"] == "valid")


def check_roundtrip(record: CaseConversionRecord) -> CheckResult | None:
    if not xsd_valid(record):
        return None
    blocked = _not_converted(record)
    if blocked:
        return blocked
    trip = record["roundtrip"]
    if trip["status"] == "unsupported":
        return CheckResult(Outcome.SKIPPED, (trip["difference"] or "to_xml unsupported",))
    if trip["status"] in ("exact", "normalised"):
        return CheckResult(Outcome.MET)
    named = sorted({loss["construct"] for loss in trip.get("losses") or ()})
    because = f" ({', '.join(named)} at {trip.get('where') or '/'})" if named else ""
    return CheckResult(Outcome.MISSED, (f"{trip['status']}{because}: {trip['difference']}",))


def _judging(record: CaseConversionRecord) -> dict[str, Any]:
    """The verdicts of the JSON validators that judge this record's converter (the others are
    measured in the matrices only)."""
    judges = record["json_judges"]
    return {a: v for a, v in record["json_verdicts"].items() if a in judges}


def check_validity(record: CaseConversionRecord) -> CheckResult | None:
    """Converted valid data validates under every judging JSON validator that gave a verdict.
    A validator that errored tells about the validator, not the converter: it decides only
    when no validator gave a verdict."""
    if not xsd_valid(record):
        return None
    blocked = _not_converted(record)
    if blocked:
        return blocked
    verdicts = _judging(record)
    decided = {a: v for a, v in verdicts.items() if v["verdict"] in ("valid", "invalid")}
    if not decided:
        errored = [f"{a}: {v['error']}" for a, v in verdicts.items() if v["verdict"] == "errored"]
        if errored:
            return CheckResult(Outcome.ERRORED, tuple(errored))
        return CheckResult(Outcome.SKIPPED, ("no JSON Schema from this converter, or no JSON "
                                             "validator for its dialect",))
    return _from_problems([f"{a}: {v['verdict']}: {v['error']}" for a, v in decided.items()
                           if v["verdict"] != "valid"])


def agreement(record: CaseConversionRecord, adapter: str) -> str:
    """``agree``, ``gap-accepts`` (XSD rejects, JSON Schema accepts), ``gap-rejects``,
    ``not-convertible``, ``errored`` or ``skipped`` for one case under one JSON validator."""
    xsd = record["xsd_verdict"]
    if xsd not in ("valid", "invalid"):
        return "errored" if xsd == "errored" else "skipped"
    if record["conversion"]["status"] in ("failed", "errored"):
        return "not-convertible"
    verdict = record["json_verdicts"].get(adapter, {}).get("verdict")
    if verdict not in ("valid", "invalid"):
        return "errored" if verdict == "errored" else "skipped"
    if verdict == xsd:
        return "agree"
    return "gap-accepts" if xsd == "invalid" else "gap-rejects"


def check_agreement(record: CaseConversionRecord) -> CheckResult | None:
    """The JSON Schema verdict on the conversion equals the XSD verdict, under every JSON
    validator that gave one; refusing to convert invalid data agrees with the XSD."""
    xsd = record["xsd_verdict"]
    if xsd not in ("valid", "invalid"):
        return CheckResult(Outcome.SKIPPED, (f"no XSD verdict ({xsd})",))
    if record["conversion"]["status"] in ("failed", "errored"):
        if xsd == "invalid":
            return CheckResult(Outcome.MET)
        return CheckResult(Outcome.MISSED, (f"XSD {xsd}, not convertible: "
                                            f"{record['conversion']['message']}",))
    if record["conversion"]["status"] == "unsupported":
        return CheckResult(Outcome.SKIPPED, (record["conversion"]["message"] or "unsupported",))
    problems = []
    decided = 0
    for adapter in sorted(_judging(record)):
        kind = agreement(record, adapter)
        if kind in ("skipped", "errored"):
            continue
        decided += 1
        if kind != "agree":
            error = record["json_verdicts"][adapter].get("error")
            problems.append(f"{adapter}: {kind} (XSD {xsd}, constraint "
                            f"{record['constraint'] or 'none'}){': ' + error if error else ''}")
    if not decided:
        return CheckResult(Outcome.SKIPPED, ("no JSON validator gave a verdict",))
    return _from_problems(problems)


def check_schema(record: SchemaConversionRecord,
                 cases: Sequence[CaseConversionRecord]) -> CheckResult:
    if record["status"] == "unsupported":
        return CheckResult(Outcome.SKIPPED, (record["message"] or "unsupported",))
    if record["status"] != "ok":
        return CheckResult(Outcome.ERRORED, (record["message"] or "schema conversion failed",))
    return _from_problems([f"{a}: {s['status']}: {s['message']}"
                           for a, s in record["validators"].items()
                           if s["status"] == "errored" and a in record["json_judges"]])


def check_decisions(record: SchemaConversionRecord,
                    cases: Sequence[CaseConversionRecord]) -> CheckResult:
    """The register decisions on the schema and on every converted instance of it; a schema
    that was not converted was not checked (the ``schema`` check reports why)."""
    if record["status"] != "ok":
        return CheckResult(Outcome.SKIPPED, (f"schema not converted ({record['status']})",))
    problems = [f"schema, decision {d}: {c['detail']}" for d, c in record["decisions"].items()
                if c["status"] not in ("pass", "n/a")]
    for case in cases:
        problems += [f"{case['case']}, decision {d}: {c['detail']}"
                     for d, c in case["decisions"].items() if c["status"] not in ("pass", "n/a")]
    return _from_problems(problems)


CASE_CHECKS: dict[Check, Callable[[CaseConversionRecord], CheckResult | None]] = {
    Check.ROUNDTRIP: check_roundtrip,
    Check.VALIDITY: check_validity,
    Check.AGREEMENT: check_agreement,
}
SCHEMA_CHECKS: dict[
    Check, Callable[[SchemaConversionRecord, Sequence[CaseConversionRecord]], CheckResult]
] = {
    Check.SCHEMA: check_schema,
    Check.DECISIONS: check_decisions,
}


@dataclass(frozen=True)
class Judged:
    """One judged item: a case or schema (``corpus/id``) under a subject (``converter:check``)."""

    item: str
    subject: str
    converter: str
    check: Check
    judgement: Judgement
    entry: Entry | None
    problems: tuple[str, ...]


def subject_of(converter: str, check: Check | str) -> str:
    return f"{converter}:{check}"


def _judged(item: str, converter: str, check: Check, claims: Iterable[str],
            result: CheckResult, ledger: Ledger) -> Judged:
    outcome = result.outcome if check in claims else Outcome.UNCHECKED
    subject = subject_of(converter, check)
    entry = ledger.lookup(item, subject)
    return Judged(item, subject, converter, check, decide(outcome, entry), entry,
                  result.problems)


def judge_case(record: CaseConversionRecord, ledger: Ledger) -> list[Judged]:
    """Every check of a case record that applies to it, judged."""
    item = f"{record['corpus']}/{record['case']}"
    out = []
    for check, run in CASE_CHECKS.items():
        result = run(record)
        if result is not None:
            out.append(_judged(item, record["converter"], check, record["claims"], result,
                               ledger))
    return out


def judge_schema(record: SchemaConversionRecord, cases: Sequence[CaseConversionRecord],
                 ledger: Ledger) -> list[Judged]:
    """The schema-level checks of a schema record, with the case records of that schema."""
    item = f"{record['corpus']}/{record['schema']}"
    return [_judged(item, record["converter"], check, record["claims"], run(record, cases),
                    ledger) for check, run in SCHEMA_CHECKS.items()]


def judge_conversions(records: Iterable[Mapping[str, Any]], ledger: Ledger) -> list[Judged]:
    """Every check of every converter record of a run, judged."""
    records = list(records)
    cases_of: dict[tuple[str, str, str], list[CaseConversionRecord]] = defaultdict(list)
    for r in records:
        if r["type"] == "case":
            cases_of[(r["converter"], r["corpus"], r["schema"])].append(r)  # type: ignore[arg-type]
    out: list[Judged] = []
    for r in records:
        if r["type"] == "schema":
            key = (r["converter"], r["corpus"], r["schema"])
            out += judge_schema(r, cases_of.get(key, []), ledger)  # type: ignore[arg-type]
        elif r["type"] == "case":
            out += judge_case(r, ledger)  # type: ignore[arg-type]
    return out


# == lint records =================================================================================
# A design rule is judged on each file it reads, as ``linter:rule-id`` on ``corpus/file`` (a
# converter's output: ``converter/corpus/xsd``): only an essential rule (the standard says MUST)
# can break; a recommended rule or a note is measured and shown (``unchecked``). A failure that
# a suppression of the lint configuration accepts is not counted; the ledger can expect one.
@dataclass(frozen=True)
class LintJudged:
    """One rule on one file (``rule`` empty: the file itself, which could not be linted)."""

    item: str
    subject: str
    linter: str
    rule: str
    converter: str | None
    judgement: Judgement
    entry: Entry | None
    problems: tuple[str, ...]


def lint_item(record: Mapping[str, Any]) -> str:
    """The item a lint record is judged as: ``corpus/file``, ``converter/corpus/xsd``."""
    key = f"{record['corpus']}/{record['schema']}" if record["corpus"] else record["schema"]
    return f"{record['converter']}/{key}" if record.get("converter") else key


def lint_outcome(counts: Mapping[str, Any]) -> Outcome:
    if counts["severity"] != "essential":
        return Outcome.UNCHECKED
    if counts["errored"]:
        return Outcome.ERRORED
    return Outcome.MISSED if counts["fail"] else Outcome.MET


def judge_lint(records: Iterable[Mapping[str, Any]], ledger: Ledger) -> list[LintJudged]:
    out = []
    for record in records:
        item, linter, converter = lint_item(record), record["linter"], record.get("converter")
        if record["status"] != "ok":
            outcome = Outcome.SKIPPED if record["status"] == "skipped" else Outcome.ERRORED
            entry = ledger.lookup(item, linter)
            out.append(LintJudged(item, linter, linter, "", converter, decide(outcome, entry),
                                  entry, (record["message"] or "",)))
            continue
        first: dict[str, str] = {}
        for finding in record["findings"]:
            if finding["suppression"] is None:
                place = f" (line {finding['line']})" if finding["line"] else ""
                first.setdefault(finding["rule"], f"{finding['message']}{place}")
        for rule, counts in record["rules"].items():
            subject = f"{linter}:{rule}"
            entry = ledger.lookup(item, subject)
            problems = (first[rule],) if rule in first else ()
            out.append(LintJudged(item, subject, linter, rule, converter,
                                  decide(lint_outcome(counts), entry), entry, problems))
    return out
