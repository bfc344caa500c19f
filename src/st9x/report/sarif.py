"""Lint results as SARIF 2.1.0, the static-analysis format GitHub code scanning reads.

One run per linter: ``tool.driver.rules`` is its whole table (id, a short name, title and
description, the category as the rule's tag, the severity as its default level: essential →
``error``, recommended → ``warning``, note → ``note``); each failure is a result with the file
(relative to a base folder, through ``uriBaseId``), line and column, and the XPath or JSON
Pointer as its logical location. A failure a suppression accepts keeps its result with SARIF's
``suppressions`` (kind ``external``, the reason as justification), which code scanning shows as
dismissed. Files that could not be read and rules that raised are tool execution notifications;
suppressions that matched nothing, configuration notifications.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from st9x import __version__

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"essential": "error", "recommended": "warning", "note": "note"}
BASE_ID = "SRCROOT"


def artifact(path: str, base: Path) -> dict[str, str]:
    """The artifact location of ``path``: relative to ``base`` (with ``uriBaseId``) when it is
    inside it, else an absolute ``file:`` URI."""
    target = Path(path).absolute()
    try:
        relative = target.relative_to(base.absolute())
    except ValueError:
        return {"uri": target.as_uri()}
    return {"uri": quote(relative.as_posix()), "uriBaseId": BASE_ID}


def _rule(rule: Mapping[str, Any]) -> dict[str, Any]:
    title = rule.get("title") or rule["id"]
    full = rule.get("description") or title
    if rule.get("source"):
        full = f"{full} (derives from: {rule['source']})"
    properties: dict[str, Any] = {"tags": [rule["category"]] if rule.get("category") else [],
                                  "severity": rule["severity"]}
    if rule.get("standard_rule"):
        properties["standardRule"] = rule["standard_rule"]
    return {
        "id": rule["id"],
        "name": rule["id"].rsplit(".", 1)[-1],
        "shortDescription": {"text": title},
        "fullDescription": {"text": full},
        "defaultConfiguration": {"level": LEVELS.get(rule["severity"], "warning")},
        "properties": properties,
    }


def _result(finding: Mapping[str, Any], record: Mapping[str, Any], index: int,
            base: Path, kind: str) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": artifact(record["path"], base)}
    if finding["line"]:
        region = {"startLine": finding["line"]}
        if finding["column"]:
            region["startColumn"] = finding["column"]
        physical["region"] = region
    location: dict[str, Any] = {"physicalLocation": physical}
    if finding["location"]:
        location["logicalLocations"] = [{"fullyQualifiedName": finding["location"],
                                         "kind": kind}]
    result: dict[str, Any] = {
        "ruleId": finding["rule"],
        "level": LEVELS.get(finding["severity"], "warning"),
        "message": {"text": finding["message"] or finding["rule"]},
        "locations": [location],
    }
    if index >= 0:
        result["ruleIndex"] = index
    if finding["suppression"] is not None:
        result["suppressions"] = [{"kind": "external", "status": "accepted",
                                   "justification": finding["justification"] or ""}]
    return result


def _notification(text: str, level: str, path: str | None, base: Path,
                  rule: str | None = None) -> dict[str, Any]:
    note: dict[str, Any] = {"level": level, "message": {"text": text}}
    if path:
        note["locations"] = [{"physicalLocation": {"artifactLocation": artifact(path, base)}}]
    if rule:
        note["associatedRule"] = {"id": rule}
    return note


def sarif_run(linter: Mapping[str, Any], records: Sequence[Mapping[str, Any]], base: Path,
              unused: Sequence[Mapping[str, Any]] = (), config_path: str | None = None,
              problems: Sequence[str] = ()) -> dict[str, Any]:
    """One SARIF run: ``linter`` as a lint header lists it (name, version, rules), its
    records, the configuration's unused suppressions and problems."""
    rules = [_rule(r) for r in linter.get("rules", [])]
    index = {r["id"]: i for i, r in enumerate(rules)}
    kind = "element" if linter.get("schema_kind") == "xsd" else "value"
    results, execution = [], []
    for record in records:
        if record["status"] != "ok":
            execution.append(_notification(record["message"] or "not linted", "error",
                                           record["path"], base))
            continue
        for finding in record["findings"]:
            if finding["status"] == "errored":
                execution.append(_notification(f"rule {finding['rule']} raised: "
                                               f"{finding['message']}", "error", record["path"],
                                               base, finding["rule"]))
                continue
            results.append(_result(finding, record, index.get(finding["rule"], -1), base, kind))
    configuration = [
        _notification(f"the suppression of {s['rule']} in {s['path']}"
                      + (f" at {s['location']}" if s.get("location") else "")
                      + " matched nothing", "note", config_path, base)
        for s in unused
    ] + [_notification(p, "error", config_path, base) for p in problems]
    invocation: dict[str, Any] = {"executionSuccessful": not any(
        n["level"] == "error" for n in execution)}
    if execution:
        invocation["toolExecutionNotifications"] = execution
    if configuration:
        invocation["toolConfigurationNotifications"] = configuration
    return {
        "tool": {"driver": {
            "name": f"st9x {linter['name']}",
            "version": str(linter.get("version") or __version__),
            "rules": rules,
        }},
        "originalUriBaseIds": {BASE_ID: {"uri": base.absolute().as_uri().rstrip("/") + "/"}},
        "invocations": [invocation],
        "results": results,
        "columnKind": "unicodeCodePoints",
    }


def sarif_log(runs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": list(runs)}
