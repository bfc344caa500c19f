"""The lint steps: a design-rule linter on one schema file, giving one record (``lint``).

The record keeps every failure with its place (XPath or JSON Pointer, line, column) and every
rule's findings counted by status, passes included, so the compliance matrix can say "fails 3
of 412 elements" without running anything again. The configuration decides which rules run
(``disable``) and which failures are accepted (``[[suppress]]``): a suppressed failure stays in
the record with the suppression's index and reason, and is counted apart from ``fail``.

``st9x lint`` and ``st9x run --lint`` both make their records here (through the worker), so a
file linted either way gives the same findings.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

from st9x.corpus.model import SchemaSpec
from st9x.engine.records import LintFinding, LintRecord
from st9x.errors import St9xError, crash_message
from st9x.rules.model import Status
from st9x.subjects.linters.base import RuleLinter
from st9x.subjects.linters.config import LintConfig

#: the counts of one rule on one file, in the order a matrix shows them
LINT_COUNTS = ("pass", "fail", "n/a", "errored", "suppressed")


def lint_base(linter: str, spec: SchemaSpec, converter: str | None = None,
              path: Path | None = None) -> LintRecord:
    return {
        "type": "lint", "linter": linter, "converter": converter, "corpus": spec.corpus,
        "schema": spec.id, "path": str(path or spec.path), "status": None, "message": None,
        "seconds": None, "rules": {}, "findings": [],
    }


def lint_record(
    linter: RuleLinter,
    spec: SchemaSpec,
    config: LintConfig,
    *,
    rules: Collection[str] | None = None,
    converter: str | None = None,
    path: Path | None = None,
    names: Sequence[str] = (),
) -> LintRecord:
    """``linter`` on the file of ``spec`` (or on ``path``, a converter's output for it): its
    record, ``errored`` with one line naming the file when it cannot be read. ``rules`` limits
    the rules run (the configuration's ``disable`` applies as well); ``names`` are the names a
    suppression's ``path`` pattern is matched against, besides the file's path and the item's
    ``corpus/schema`` key."""
    target = path or spec.path
    record = lint_base(linter.name, spec, converter, target)
    table = {rule.id: rule for rule in linter.rules()
             if (rules is None or rule.id in rules) and config.enabled(rule.id)}
    start = time.perf_counter()
    try:
        # a linter that needs its manifest entry (the served reference API's faults) says so
        extra = {"spec": spec} if getattr(linter, "reads_spec", False) else {}
        results = linter.check(target, set(table), bounds=spec.allowed_roots(), **extra)
    except St9xError as exc:
        record.update(status="errored", message=str(exc))
        return record
    except Exception as exc:
        record.update(status="errored", message=crash_message(linter.name, exc))
        return record
    record.update(status="ok", seconds=round(time.perf_counter() - start, 6))
    key = f"{spec.corpus}/{spec.id}" if spec.corpus else spec.id
    matched = (*names, str(target), target.as_posix(), key,
               *((f"{converter}/{key}",) if converter else ()))
    for rule_id, findings in results.items():
        rule = table.get(rule_id)
        severity = str(rule.severity) if rule is not None else "essential"
        category = rule.category if rule is not None else ""
        counts: dict[str, Any] = {"severity": severity, "category": category,
                                  **dict.fromkeys(LINT_COUNTS, 0)}
        for finding in findings:
            if finding.status in (Status.PASS, Status.NA):
                counts[str(finding.status)] += 1
                continue
            accepted = None
            if finding.status is Status.FAIL:
                accepted = config.suppression(rule_id, matched, finding.location)
            counts["suppressed" if accepted else str(finding.status)] += 1
            entry: LintFinding = {
                "rule": rule_id, "severity": severity, "category": category,
                "status": str(finding.status), "message": finding.detail,
                "location": finding.location, "line": finding.line, "column": finding.column,
                "suppression": accepted.index if accepted else None,
                "justification": accepted.reason if accepted else None,
            }
            record["findings"].append(entry)
        record["rules"][rule_id] = counts
    return record


def lost_lint(linter: str, spec: SchemaSpec, converter: str | None, message: str) -> LintRecord:
    """The record of a lint step whose process was killed (time-out) or died."""
    record = lint_base(linter, spec, converter)
    record.update(status="errored", message=message)
    return record


def used_suppressions(records: Sequence[Any]) -> set[int]:
    """The indices of the suppressions that accepted at least one finding of ``records``."""
    return {f["suppression"] for r in records for f in r.get("findings", ())
            if f.get("suppression") is not None}
