"""What ``st9x lint`` prints: findings as text lines (``file:line:col: severity rule-id
message``, the form editors and CI logs link to) or as one JSON document (format
``lint-report``, the records of ``lint.jsonl`` with the rules and the configuration)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from st9x import __version__
from st9x.text import flatten

REPORT_FORMAT = "st9x-lint-report/1"
SEVERITIES = ("essential", "recommended", "note")


def rank(severity: str) -> int:
    """Higher is more binding: essential 3, recommended 2, note 1."""
    return len(SEVERITIES) - SEVERITIES.index(severity) if severity in SEVERITIES else 0


def text_lines(record: Mapping[str, Any], shown: str) -> list[str]:
    """The unsuppressed failures of one record, one line each, in file order."""
    lines = []
    for finding in sorted(record["findings"],
                          key=lambda f: (f["line"] or 0, f["column"] or 0, f["rule"])):
        if finding["suppression"] is not None:
            continue
        where = shown
        if finding["line"]:
            where += f":{finding['line']}"
            if finding["column"]:
                where += f":{finding['column']}"
        if finding["status"] == "errored":
            lines.append(f"{where}: error {finding['rule']} rule raised: "
                         f"{flatten(finding['message'])}")
            continue
        lines.append(f"{where}: {finding['severity']} {finding['rule']} "
                     f"{flatten(finding['message'])}")
    return lines


def counts(records: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    out = {"files": len(records), "errored_files": 0, "errored_rules": 0, "suppressed": 0,
           **dict.fromkeys(SEVERITIES, 0)}
    for record in records:
        if record["status"] != "ok":
            out["errored_files"] += 1
        for finding in record["findings"]:
            if finding["suppression"] is not None:
                out["suppressed"] += 1
            elif finding["status"] == "errored":
                out["errored_rules"] += 1
            else:
                out[finding["severity"]] += 1
    return out


def report_document(linter: Mapping[str, Any], config: Mapping[str, Any], fail_on: str,
                    records: Sequence[Mapping[str, Any]], unused: Sequence[Mapping[str, Any]],
                    problems: Sequence[str], outcome: str) -> dict[str, Any]:
    """The JSON document of one ``st9x lint`` run (format ``lint-report``)."""
    return {
        "format": REPORT_FORMAT,
        "tool": {"name": "st9x", "version": __version__},
        "linter": dict(linter),
        "config": dict(config),
        "fail_on": fail_on,
        "outcome": outcome,
        "counts": counts(records),
        "files": list(records),
        "unused_suppressions": list(unused),
        "config_problems": list(problems),
    }
