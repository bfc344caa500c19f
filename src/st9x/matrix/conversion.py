"""Folding conversion records into matrices (``conversion-summary.json``) and rendering them
as Markdown (``conversion-matrix.md``, no timestamps, so two runs diff cleanly).

Matrices: schema conversion and losses (converter × corpus); validity of converted valid
instances (converter × JSON validator); round trip (converter × corpus, on XSD-valid cases),
each lossy one with the reported loss constructs that explain it (or ``unexplained``);
verdict agreement (converter × validator × constraint kind) with every gap named; decision
conformance (converter × decision, schema and instance level); hand-written twins; and the
judged checks (converter × check: pass, fail, xfail, xpass, errored, skipped, unchecked) with
every broken expectation, decided by :mod:`st9x.engine.judge` against the ledger.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from st9x.engine.judge import agreement, judge_conversions
from st9x.ledger import Ledger
from st9x.matrix.judged import file_judged
from st9x.rules.st97_register import reported_losses

Record = dict[str, Any]
SUMMARY_FORMAT = "st9x-conversion-summary/1"
# the loss constructs that can explain a verdict gap on a case breaking this constraint kind
EXPLAINING_LOSSES: dict[str, tuple[str, ...]] = {
    "choice-multiple": ("choice-anyof",),
    "choice-none": ("choice-anyof",),
    "wrong-order": ("sequence-order", "choice-order", "merged-particles"),
    "date-time": ("date-calendar",),
    "mixed-content": ("mixed-content", "mixed-extension"),
    "digits": ("digits",),
    "pattern": ("pattern",),
    "length": ("length",),
    "numeric-bound": ("bound",),
    "max-occurs": ("repeated-sequence", "repeated-choice"),
    "min-occurs": ("repeated-sequence", "repeated-choice"),
}
VALID_KIND = "(valid)"  # the constraint column of cases that break nothing
EXAMPLES = 50  # listed examples per kind of finding (every count is kept)


def _bump(table: dict[str, Any], *keys: str, by: int = 1) -> None:
    *path, last = keys
    for key in path:
        table = table.setdefault(key, {})
    table[last] = table.get(last, 0) + by


def explain_gap(record: Record, adapter: str, kind: str, losses: Mapping[str, int]) -> str:
    constraint = record["constraint"] or VALID_KIND
    name = record["converter"]
    if kind == "gap-accepts":
        related = [f"{c} ({losses[c]} in this schema)"
                   for c in EXPLAINING_LOSSES.get(constraint, ()) if losses.get(c)]
        why = f" because of {', '.join(related)}" if related else " (no loss reported for it)"
        return f"{constraint}: XSD rejects, {name} accepts under {adapter}{why}"
    error = record["json_verdicts"].get(adapter, {}).get("error") or ""
    return f"{constraint}: XSD accepts, {name} rejects under {adapter}: {error}"


def fold_conversions(header: Record, records: Iterable[Record],
                     ledger: Ledger | None = None) -> dict[str, Any]:
    records = list(records)
    ledger = ledger or Ledger()
    losses_of = {(r["converter"], r["corpus"], r["schema"]): r["losses"]
                 for r in records if r["type"] == "schema"}
    out: dict[str, Any] = {
        "format": SUMMARY_FORMAT,
        "converters": header.get("converters", []),
        "json_adapters": header.get("json_adapters", []),
        "xsd_adapter": header.get("xsd_adapter"),
        "schemas": {}, "schema_problems": [], "conversion": {}, "not_convertible": [],
        "validity": {}, "validity_failures": [], "roundtrip": {}, "lossy": [],
        "lossy_constructs": {},
        "agreement": {}, "gaps": [], "gap_counts": {}, "decisions": {},
        "decision_failures": [], "twins": {}, "twin_differences": [],
    }
    for r in records:
        conv = r["converter"]
        if r["type"] == "schema":
            row = out["schemas"].setdefault(conv, {}).setdefault(
                r["corpus"], {"ok": 0, "unsupported": 0, "errored": 0, "loss_total": 0,
                              "losses": {}, "seconds": 0.0})
            row[r["status"]] += 1
            row["loss_total"] += r["loss_total"]
            for construct, n in r["losses"].items():
                row["losses"][construct] = row["losses"].get(construct, 0) + n
            row["seconds"] = round(row["seconds"] + sum(
                v for v in r["seconds"].values() if v is not None), 3)
            if r["status"] == "errored":
                out["schema_problems"].append(
                    {"converter": conv, "schema": f"{r['corpus']}/{r['schema']}",
                     "message": r["message"]})
            for d, check in r["decisions"].items():
                _bump(out["decisions"], conv, "schema", d, check["status"])
                if reported_losses(check):
                    _bump(out["decisions"], conv, "schema", d, "loss",
                          by=reported_losses(check))
                if check["status"] in ("fail", "errored"):
                    out["decision_failures"].append(
                        {"converter": conv, "level": "schema", "decision": d,
                         "where": f"{r['corpus']}/{r['schema']}", "detail": check["detail"]})
            continue
        if r["type"] != "case":
            continue
        _fold_case(out, r, losses_of.get((conv, r["corpus"], r["schema"]), {}))
    for key in ("lossy", "validity_failures", "decision_failures", "twin_differences",
                "not_convertible"):
        out[key] = out[key][:EXAMPLES]
    out.update(_fold_checks(records, ledger))
    return out


def _fold_checks(records: list[Record], ledger: Ledger) -> dict[str, Any]:
    """Converter × check counts of judgements, every broken expectation and every ledgered
    failure (with its reason), and the ledger's entries about converter checks that matched
    nothing in this run."""
    checks: dict[str, dict[str, dict[str, int]]] = {}
    broken, expected = [], []
    keys: set[tuple[str, str]] = set()
    subjects: set[str] = set()
    for judged in judge_conversions(records, ledger):
        keys.add((judged.item, judged.subject))
        subjects.add(judged.subject)
        _bump(checks, judged.converter, str(judged.check), str(judged.judgement))
        file_judged(judged, broken, expected)
    corpora = {r["corpus"] for r in records}
    return {
        "checks": checks,
        "broken": len(broken),
        "failures": sorted(broken, key=lambda r: (r["item"], r["subject"])),
        "expected_failures": sorted(expected, key=lambda r: (r["item"], r["subject"])),
        "stale_ledger_entries": [
            {"case": e.case if isinstance(e.case, str) else list(e.case), "adapter": e.adapter}
            for e in ledger.unused(keys, corpora, subjects) if ":" in e.adapter
        ],
    }


def _fold_case(out: dict[str, Any], r: Record, losses: Mapping[str, int]) -> None:
    conv, corpus, key = r["converter"], r["corpus"], f"{r['corpus']}/{r['case']}"
    status = r["conversion"]["status"]
    _bump(out["conversion"], conv, corpus, status)
    if status in ("failed", "errored") and r["xsd_verdict"] == "valid":
        out["not_convertible"].append({"converter": conv, "case": key,
                                       "message": r["conversion"]["message"]})
    if r["xsd_verdict"] == "valid":
        trip = r["roundtrip"]["status"] if status == "ok" else "not-converted"
        _bump(out["roundtrip"], conv, corpus, trip)
        if trip in ("lossy", "errored"):
            first = (r["roundtrip"]["difference"] or "").splitlines()
            named = [{k: x[k] for k in ("construct", "where", "rule")}
                     for x in r["roundtrip"].get("losses", [])]
            out["lossy"].append({"converter": conv, "case": key, "status": trip,
                                 "difference": " | ".join(first[2:6] or first[:1]),
                                 "losses": named})
            for construct in dict.fromkeys(x["construct"] for x in named):
                _bump(out["lossy_constructs"], conv, construct)
        for adapter, v in r["json_verdicts"].items():
            _bump(out["validity"], conv, adapter, v["verdict"])
            if v["verdict"] in ("invalid", "errored"):
                out["validity_failures"].append(
                    {"converter": conv, "case": key, "adapter": adapter, "error": v["error"]})
    constraint = r["constraint"] or VALID_KIND
    adapters = list(r["json_verdicts"]) or ["(no schema)"]
    for adapter in adapters:
        kind = agreement(r, adapter)
        _bump(out["agreement"], conv, adapter, constraint, kind)
        if kind.startswith("gap"):
            text = explain_gap(r, adapter, kind, losses)
            out["gaps"].append({"converter": conv, "adapter": adapter, "case": key,
                                "constraint": constraint, "kind": kind, "explanation": text})
            _bump(out["gap_counts"], conv, f"{constraint}: {kind}")
    for d, check in r["decisions"].items():
        _bump(out["decisions"], conv, "instance", d, check["status"])
        if check["status"] in ("fail", "errored"):
            out["decision_failures"].append(
                {"converter": conv, "level": "instance", "decision": d, "where": key,
                 "detail": check["detail"]})
    twin = r["twin"]["status"]
    if twin != "absent":
        _bump(out["twins"], conv, twin)
        if twin not in ("equal", "explained"):
            out["twin_differences"].append({"converter": conv, "case": key,
                                            "difference": r["twin"]["difference"]})
