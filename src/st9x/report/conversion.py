"""Rendering the conversion summary as ``conversion-matrix.md``: Markdown tables without
timestamps, so two runs diff cleanly."""

from __future__ import annotations

from collections import Counter
from typing import Any

from st9x.report.markdown import code, table, text
from st9x.rules.st97_register import DECISIONS

CHECK_COLUMNS = ("pass", "fail", "xfail", "xpass", "errored", "skipped", "unchecked")


def _named_losses(losses: list[dict[str, Any]]) -> str:
    """``choice-order (open question 6) at `/t:Root/t:Bag` ``: the constructs that explain a
    lossy round trip, each with its register item, and where its first difference is."""
    if not losses:
        return ""
    names = dict.fromkeys(f"{x['construct']} ({x['rule']})" if x.get("rule") else x["construct"]
                          for x in losses)
    return f"{text(', '.join(names))} at {code(losses[0]['where'])}"


def _table(head: list[str], rows: list[list[Any]]) -> list[str]:
    return [*table(head, rows), ""]

def render_conversions(summary: dict[str, Any]) -> str:
    lines = ["# st9x conversion matrices", "",
             f"XSD verdicts by {code(summary['xsd_adapter'])}; JSON validators: "
             + ", ".join(code(a) for a in summary["json_adapters"]), ""]
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
        lines.append(f"- {code(p['converter'])} {code(p['schema'])}: {text(p['message'])}")
    lines += ["", "## Instance conversion (XML → JSON), all cases", ""]
    cols = ["ok", "failed", "errored", "unsupported"]
    rows = [[conv, corpus, *(c.get(k, 0) for k in cols)]
            for conv, per in sorted(summary["conversion"].items())
            for corpus, c in sorted(per.items())]
    lines += _table(["converter", "corpus", *cols], rows)
    for item in summary["not_convertible"]:
        lines.append(f"- XSD-valid but not convertible: {code(item['case'])} × "
                     f"{code(item['converter'])}: {text(item['message'])}")
    lines += ["", "## (b) Converted valid instances against the converted schema", ""]
    cols = ["valid", "invalid", "errored", "skipped"]
    rows = [[conv, adapter, *(c.get(k, 0) for k in cols)]
            for conv, per in sorted(summary["validity"].items())
            for adapter, c in sorted(per.items())]
    lines += _table(["converter", "JSON validator", *cols], rows)
    for f in summary["validity_failures"][:20]:
        lines.append(f"- {code(f['case'])} × {code(f['converter'])} × {code(f['adapter'])}: "
                     f"{text(f['error'])}")
    lines += ["", "## (c) Round trip XML → JSON → XML (XSD-valid cases, C14N 2.0)", ""]
    cols = ["exact", "normalised", "lossy", "errored", "unsupported", "not-converted"]
    rows = [[conv, corpus, *(c.get(k, 0) for k in cols)]
            for conv, per in sorted(summary["roundtrip"].items())
            for corpus, c in sorted(per.items())]
    lines += _table(["converter", "corpus", *cols], rows)
    for conv, counts in sorted(summary.get("lossy_constructs", {}).items()):
        named = ", ".join(f"{c} {n}" for c, n in Counter(counts).most_common())
        lines.append(f"- {code(conv)} lossy round trips by explaining loss: {text(named)}")
    for item in summary["lossy"][:20]:
        named = _named_losses(item.get("losses", []))
        lines.append(f"- {text(item['status'])}: {code(item['case'])} × "
                     f"{code(item['converter'])}: " + (f"{named}: " if named else "")
                     + code(item["difference"][:160]))
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
        lines.append(f"- {code(gap['case'])}: {text(gap['explanation'])}")
    lines += ["", "## (e) Register decisions (pass / fail / n/a)", "",
              "Decided from the XSD (the rule catalogue `st9x.rules.st97_register`). `+N loss`: "
              "N places (e.g. extensions of mixed content) the converter reported as a loss "
              "instead of applying the decision, counted apart from pass and fail.", ""]
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
        lines.append(f"- {code(conv)} {text(level)} decision {text(d)}: {code(f['where'])}: "
                     f"{text(f['detail'])}")
    lines += ["", "## Converted instances against the hand-written ST.97 twins", ""]
    lines += _twins(summary)
    lines += _checks(summary)
    return "\n".join(lines).rstrip() + "\n"


def _checks(summary: dict[str, Any]) -> list[str]:
    lines = ["", "## Judged checks (converter × check)", "",
             "Each check a converter claims is judged against the known-failures ledger "
             "(`converter:check`); checks it does not claim are measured only (`unchecked`).",
             f"Broken expectations: **{summary['broken']}**.", ""]
    rows = [[conv, check, *(counts.get(k, 0) for k in CHECK_COLUMNS)]
            for conv, per in sorted(summary["checks"].items())
            for check, counts in sorted(per.items())]
    lines += _table(["converter", "check", *CHECK_COLUMNS], rows)
    for row in summary["failures"]:
        lines.append(f"- {text(row['judgement'])}: {code(row['item'])} × "
                     f"{code(row['subject'])}: {text(row['problem'] or '')}")
    if summary["expected_failures"]:
        lines += ["", "Known failures (ledger):", ""]
        rows = [[f["item"], f["subject"], f["reason"]] for f in summary["expected_failures"]]
        lines += _table(["item", "subject", "reason"], rows)
    if summary["stale_ledger_entries"]:
        lines += ["", "Ledger entries about converter checks that matched nothing in this run:",
                  ""]
        lines += [f"- {code(e['adapter'])} on {code(e['case'])}"
                  for e in summary["stale_ledger_entries"]]
    return lines


def _twins(summary: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    lines += ["`explained`: every difference has a reason in the twin corpus's "
              "`twin-differences.json`; `different`: at least one has none (each listed).", ""]
    rows = [[conv, c.get("equal", 0), c.get("explained", 0), c.get("different", 0),
             c.get("errored", 0)] for conv, c in sorted(summary["twins"].items())]
    lines += _table(["converter", "equal", "explained", "different", "errored"], rows)
    for d in summary["twin_differences"]:
        lines.append(f"- {code(d['case'])} × {code(d['converter'])}: {code(d['difference'])}")
    return lines
