"""Rendering a summary as ``matrix.md``: plain Markdown tables that read well on a terminal, in
a pull request and in a diff. Nothing time-dependent is printed, so two runs over the same data
give the same file and a change in a validator shows as a change in the diff."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from st9x.report.markdown import code, table, text

SHOWN = ("pass", "fail", "xfail", "xpass", "errored", "skipped", "unchecked")


def _cell(counts: Mapping[str, int]) -> str:
    """A compact cell for dimension tables: passes over judged cases, with the rest named."""
    judged = sum(counts[k] for k in ("pass", "fail", "xfail", "xpass", "errored"))
    text = f"{counts['pass']}/{judged}" if judged else "–"
    extras = [
        f"{counts[k]} {k}" for k in ("xfail", "errored", "skipped", "unchecked") if counts.get(k)
    ]
    return text + (f" ({', '.join(extras)})" if extras else "")


def _versions_line(versions: Mapping[str, Mapping[str, int]]) -> str:
    """One line counting ST.96 documents by the version they declare, and their schemas'."""

    def counts(table: Mapping[str, int]) -> str:
        return ", ".join(f"{text(version)} {n}" for version, n in table.items())

    return (
        f"ST.96 documents by declared version: {counts(versions['documents'])}; "
        f"by their schemas' version: {counts(versions['schemas'])}."
    )


def _version_prefix(failure: Mapping[str, Any]) -> str:
    """Before a failure's first error, that its document is of another ST.96 version than its
    schemas: the likeliest cause of every error after it."""
    versions = failure.get("st96")
    if not versions:
        return ""
    return f"(ST.96 {versions['document']} document, {versions['schema']} schemas) "


def _omitted(omitted: Mapping[str, Any] | None) -> str:
    """The sentence saying how many errors the results left out, if any: a record with 5 of
    30 errors must not read as an instance with 5 errors."""
    if not omitted or not omitted["total"]:
        return ""
    cap = omitted["cap"]
    kept = f"at most {cap} kept per record" if cap else "the run's error cap"
    return (
        f" Errors found but not kept: **{omitted['total']}** in {omitted['records']} "
        f"record(s) ({kept}; `--max-errors 0` keeps all)."
    )


def _errors(row: Mapping[str, Any]) -> str:
    """A failure's error count, with how many of them the record left out."""
    count = row.get("error_count")
    if count is None:
        return ""
    left_out = row.get("errors_omitted") or 0
    return f"{count} ({left_out} not kept)" if left_out else str(count)


def render_markdown(summary: Mapping[str, Any]) -> str:
    out: list[str] = ["# st9x compatibility matrix", ""]
    tool = summary.get("tool", {})
    out.append(
        f"Produced by st9x {text(tool.get('version', '?'))}. Judgements: **pass** verdict as "
        "expected; "
        "**fail** not as expected; **xfail** not as expected and listed in the known-failures "
        "ledger; **xpass** listed in the ledger but passing; **errored** could not be validated; "
        "**skipped** the adapter does not support the schema's dialect; **unchecked** no "
        "expectation (corpus without a manifest)."
    )
    out.append("")
    totals = summary["totals"]
    out.append(
        "Totals: "
        + ", ".join(f"{totals[k]} {k}" for k in SHOWN if totals.get(k))
        + f". Broken expectations: **{summary['broken']}**."
        + _omitted(summary.get("errors_omitted"))
    )
    versions = summary.get("st96_versions")
    if versions:
        out += ["", _versions_line(versions)]

    out += ["", "## Adapter × corpus", ""]
    rows = []
    for corpus, per_adapter in summary["by_corpus"].items():
        for adapter, counts in per_adapter.items():
            rows.append([corpus, adapter, *(counts[k] for k in SHOWN)])
    out += table(["corpus", "adapter", *SHOWN], rows)

    for title, key in (("constraint kind (invalid cases)", "by_constraint"), ("tag", "by_tag")):
        dims = summary[key]
        if not dims:
            continue
        adapters = sorted({a for per in dims.values() for a in per})
        out += ["", f"## Adapter × {title}", "", "Cells: passed/judged, then other judgements.", ""]
        rows = [
            [dim, *(_cell(dims[dim][a]) if a in dims[dim] else "–" for a in adapters)]
            for dim in dims
        ]
        out += table([key.removeprefix("by_"), *adapters], rows)

    out += ["", "## Disagreements between validators of the same format", "",
            "Cases where one validator says valid and another invalid; `errored` (a time-out, a "
            "crash, a refused file) is no verdict, and is listed under broken expectations.", ""]
    if summary["disagreements"]:
        adapters = sorted({a for d in summary["disagreements"] for a in d["verdicts"]})
        rows = [
            [d["case"], d["expected"], *(d["verdicts"].get(a, "–") for a in adapters)]
            for d in summary["disagreements"]
        ]
        out += table(["case", "expected", *adapters], rows)
    else:
        out.append("None: every validator that judged a case gave the same verdict.")

    if summary["unchecked"]:
        out += ["", "## Verdicts on cases without an expectation", ""]
        adapters = sorted({a for d in summary["unchecked"] for a in d["verdicts"]})
        rows = [
            [d["case"], *(d["verdicts"].get(a, "–") for a in adapters)]
            for d in summary["unchecked"]
        ]
        out += table(["case", *adapters], rows)

    out += ["", "## Broken expectations", ""]
    if summary["failures"]:
        rows = [
            [
                f["case"],
                f["adapter"],
                f["expected"],
                f["verdict"],
                f["judgement"],
                _version_prefix(f) + (f["first_error"] or ""),
                _errors(f),
            ]
            for f in summary["failures"]
        ]
        out += table(
            ["case", "adapter", "expected", "verdict", "judgement", "first error", "errors"], rows
        )
    else:
        out.append("None.")

    if summary["expected_failures"]:
        out += ["", "## Known failures (ledger)", ""]
        rows = [
            [f["case"], f["adapter"], f["verdict"], f["reason"], f["reference"]]
            for f in summary["expected_failures"]
        ]
        out += table(["case", "adapter", "verdict", "reason", "reference"], rows)
    if summary["stale_ledger_entries"]:
        out += ["", "## Ledger entries that matched nothing in this run", ""]
        out += [
            f"- {code(e['case'])} × {code(e['adapter'])}" for e in summary["stale_ledger_entries"]
        ]
    return "\n".join(out) + "\n"
