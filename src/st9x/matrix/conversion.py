"""Folding conversion records into matrices (``conversion-summary.json``) and rendering them
as Markdown (``conversion-matrix.md``, no timestamps, so two runs diff cleanly).

Matrices: schema conversion and losses (converter × corpus); validity of converted valid
instances (converter × JSON validator); round trip (converter × corpus, on XSD-valid cases);
verdict agreement (converter × validator × constraint kind) with every gap named; decision
conformance (converter × decision, schema and instance level); hand-written twins.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from st9x.rules.st97_register import DECISIONS, reported_losses
from st9x.engine.conversion import EXPLAINED, EXPLAINING_LOSSES

Record = dict[str, Any]
VALID_KIND = "(valid)"  # the constraint column of cases that break nothing
EXAMPLES = 50  # listed examples per kind of finding (every count is kept)


def _bump(table: dict[str, Any], *keys: str, by: int = 1) -> None:
    *path, last = keys
    for key in path:
        table = table.setdefault(key, {})
    table[last] = table.get(last, 0) + by


def agreement(record: Record, adapter: str) -> str:
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


def fold_conversions(header: Record, records: Iterable[Record]) -> dict[str, Any]:
    records = list(records)
    losses_of = {(r["converter"], r["corpus"], r["schema"]): r["losses"]
                 for r in records if r["type"] == "schema"}
    out: dict[str, Any] = {
        "format": "st9x-conversion-summary/1",
        "converters": header.get("converters", []),
        "json_adapters": header.get("json_adapters", []),
        "xsd_adapter": header.get("xsd_adapter"),
        "schemas": {}, "schema_problems": [], "conversion": {}, "not_convertible": [],
        "validity": {}, "validity_failures": [], "roundtrip": {}, "lossy": [],
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
    return out


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
            out["lossy"].append({"converter": conv, "case": key, "status": trip,
                                 "difference": " | ".join(first[2:6] or first[:1])})
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
    if twin == "different" and (r["twin"]["difference"] or "").startswith(EXPLAINED):
        twin = "explained"
    if twin != "absent":
        _bump(out["twins"], conv, twin)
        if twin not in ("equal", "explained"):
            out["twin_differences"].append({"converter": conv, "case": key,
                                            "difference": r["twin"]["difference"]})


# == Markdown =====================================================================================
def _table(head: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(c).replace("|", "\\|").replace("\n", " ") for c in row)
              + " |" for row in rows]
    return [*lines, ""]


def render_conversions(summary: dict[str, Any]) -> str:
    lines = ["# st9x conversion matrices", "",
             f"XSD verdicts by `{summary['xsd_adapter']}`; JSON validators: "
             + ", ".join(f"`{a}`" for a in summary["json_adapters"]), ""]
    lines += ["## (a) Schema conversion and losses", ""]
    rows = []
    for conv, per in sorted(summary["schemas"].items()):
        for corpus, row in sorted(per.items()):
            top = ", ".join(f"{c} {n}" for c, n in Counter(row["losses"]).most_common())
            rows.append([conv, corpus, row["ok"], row["unsupported"], row["errored"],
                         row["loss_total"], top or "—"])
    lines += _table(["converter", "corpus", "ok", "unsupported", "errored", "losses",
                     "losses by construct"], rows)
    for p in summary["schema_problems"]:
        lines.append(f"- `{p['converter']}` `{p['schema']}`: {p['message']}")
    lines += ["", "## Instance conversion (XML → JSON), all cases", ""]
    cols = ["ok", "failed", "errored", "unsupported"]
    rows = [[conv, corpus, *(c.get(k, 0) for k in cols)]
            for conv, per in sorted(summary["conversion"].items())
            for corpus, c in sorted(per.items())]
    lines += _table(["converter", "corpus", *cols], rows)
    for item in summary["not_convertible"]:
        lines.append(f"- XSD-valid but not convertible: `{item['case']}` × `{item['converter']}`:"
                     f" {item['message']}")
    lines += ["", "## (b) Converted valid instances against the converted schema", ""]
    cols = ["valid", "invalid", "errored", "skipped"]
    rows = [[conv, adapter, *(c.get(k, 0) for k in cols)]
            for conv, per in sorted(summary["validity"].items())
            for adapter, c in sorted(per.items())]
    lines += _table(["converter", "JSON validator", *cols], rows)
    for f in summary["validity_failures"][:20]:
        lines.append(f"- `{f['case']}` × `{f['converter']}` × `{f['adapter']}`: {f['error']}")
    lines += ["", "## (c) Round trip XML → JSON → XML (XSD-valid cases, C14N 2.0)", ""]
    cols = ["exact", "normalised", "lossy", "errored", "unsupported", "not-converted"]
    rows = [[conv, corpus, *(c.get(k, 0) for k in cols)]
            for conv, per in sorted(summary["roundtrip"].items())
            for corpus, c in sorted(per.items())]
    lines += _table(["converter", "corpus", *cols], rows)
    for item in summary["lossy"][:20]:
        lines.append(f"- {item['status']}: `{item['case']}` × `{item['converter']}`: "
                     f"`{item['difference'][:160]}`")
    lines += ["", "## (d) Verdict agreement: XSD verdict vs JSON Schema verdict on the "
              "conversion", ""]
    cols = ["agree", "gap-accepts", "gap-rejects", "not-convertible", "errored", "skipped"]
    rows = []
    for conv, per in sorted(summary["agreement"].items()):
        for adapter, kinds in sorted(per.items()):
            total = Counter[str]()
            for counts in kinds.values():
                total.update(counts)
            rows.append([conv, adapter, *(total.get(k, 0) for k in cols)])
    lines += _table(["converter", "JSON validator", *cols], rows)
    lines += ["Gaps by constraint kind (each case × validator):", ""]
    rows = [[conv, kind, n] for conv, per in sorted(summary["gap_counts"].items())
            for kind, n in sorted(per.items())]
    lines += _table(["converter", "constraint: gap", "count"], rows)
    seen: set[tuple[str, str, str]] = set()
    for gap in summary["gaps"]:
        key = (gap["converter"], gap["case"], gap["kind"])
        if key in seen:
            continue
        seen.add(key)
        lines.append(f"- `{gap['case']}`: {gap['explanation']}")
    lines += ["", "## (e) Register decisions (pass / fail / n/a)", "",
              "Decided from the XSD (`st9x.subjects.converters.decisions`). `+N loss`: N places (e.g. "
              "extensions of mixed content) the converter reported as a loss instead of "
              "applying the decision, counted apart from pass and fail.", ""]
    head = ["converter", "level", *(f"{d}: {DECISIONS[d]}" for d in DECISIONS)]
    rows = []
    for conv, levels in sorted(summary["decisions"].items()):
        for level in ("schema", "instance"):
            per = levels.get(level)
            if not per:
                continue
            rows.append([conv, level, *(
                "/".join(str(per.get(d, {}).get(s, 0)) for s in ("pass", "fail", "n/a"))
                + (f" +{per[d]['loss']} loss" if per.get(d, {}).get("loss") else "")
                for d in DECISIONS)])
    lines += _table(head, rows)
    firsts: dict[tuple[str, str, str], dict[str, Any]] = {}
    for f in summary["decision_failures"]:
        firsts.setdefault((f["converter"], f["level"], f["decision"]), f)
    for (conv, level, d), f in sorted(firsts.items()):
        lines.append(f"- `{conv}` {level} decision {d}: `{f['where']}`: {f['detail']}")
    lines += ["", "## Converted instances against the hand-written ST.97 twins", ""]
    lines += ["`explained`: every difference has a reason in the twin corpus's "
              "`twin-differences.json`; `different`: at least one has none (each listed).", ""]
    rows = [[conv, c.get("equal", 0), c.get("explained", 0), c.get("different", 0),
             c.get("errored", 0)] for conv, c in sorted(summary["twins"].items())]
    lines += _table(["converter", "equal", "explained", "different", "errored"], rows)
    for d in summary["twin_differences"]:
        lines.append(f"- `{d['case']}` × `{d['converter']}`: `{d['difference']}`")
    return "\n".join(lines).rstrip() + "\n"
