"""Folding results into compatibility matrices.

A matrix counts judgements (pass, fail, errored, skipped, xfail, xpass, unchecked) per adapter
against a dimension: the corpus, each tag, each constraint kind. Beside the counts it lists,
case by case, where validators of the same format disagree, the failures, and the verdicts on
cases that had no expectation, because a count says *that* something differs and the list says
*what*. Each failure says how many errors the validator found and how many of them the run's
error cap left out of the record, and the summary adds them up, so a short list of errors is
never read as the whole. Everything is sorted so that two summaries of two runs diff cleanly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from st9x.corpus.st96version import differs
from st9x.engine.judge import BROKEN, Judgement, judge
from st9x.ledger import Ledger

SUMMARY_FORMAT = "st9x-summary/1"
COLUMNS = tuple(j.value for j in Judgement)
DOCUMENT_VERDICTS = ("invalid", "errored", "valid", "skipped")  # worst first


def _empty() -> dict[str, int]:
    return dict.fromkeys(COLUMNS, 0)


def fold(
    header: Mapping[str, Any], records: Iterable[Mapping[str, Any]], ledger: Ledger
) -> dict[str, Any]:
    by_corpus: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(_empty))
    by_tag: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(_empty))
    by_constraint: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(_empty))
    verdicts: dict[str, dict[str, str]] = defaultdict(dict)
    case_info: dict[str, dict[str, Any]] = {}
    failures = []
    expected_failures = []
    keys: set[tuple[str, str]] = set()
    adapters: set[str] = set()
    totals = _empty()
    st96: dict[str, Mapping[str, Any]] = {}  # case -> the versions of an ST.96 case
    omitted_total = omitted_records = 0  # errors found but not kept, and in how many records

    for record in records:
        judgement, entry = judge(record, ledger)
        case_key = f"{record['corpus']}/{record['case']}"
        adapter = record["adapter"]
        keys.add((case_key, adapter))
        adapters.add(adapter)
        totals[judgement] += 1
        by_corpus[record["corpus"]][adapter][judgement] += 1
        for tag in record.get("tags") or ():
            by_tag[tag][adapter][judgement] += 1
        if record.get("constraint"):
            by_constraint[record["constraint"]][adapter][judgement] += 1
        verdicts[case_key][adapter] = record["verdict"]
        case_info[case_key] = {"format": record["format"], "expected": record["expected"]}
        versions = record.get("st96")
        if versions:
            st96.setdefault(case_key, versions)
        first = record["errors"][0] if record["errors"] else None
        # results written before errors_omitted was recorded: what the count says is missing
        left_out = record.get("errors_omitted", record["error_count"] - len(record["errors"]))
        if left_out:
            omitted_total += left_out
            omitted_records += 1
        row = {
            "case": case_key,
            "adapter": adapter,
            "expected": record["expected"],
            "verdict": record["verdict"],
            "judgement": judgement.value,
            "first_error": _describe(first),
            "error_count": record["error_count"],
            "errors_omitted": left_out,
        }
        if versions and differs(versions.get("document"), versions.get("schema")):
            row["st96"] = {"document": versions["document"], "schema": versions["schema"]}
        if judgement in BROKEN:
            failures.append(row)
        elif judgement is Judgement.XFAIL and entry is not None:
            expected_failures.append({**row, "reason": entry.reason, "reference": entry.reference})

    documents = dict.fromkeys(DOCUMENT_VERDICTS, 0)
    disagreements = []
    unchecked = []
    for case_key in sorted(verdicts):
        documents[document_verdict(verdicts[case_key].values())] += 1
        seen = verdicts[case_key]
        info = case_info[case_key]
        # only verdicts disagree: errored (a time-out, a crash, a refused file) is no verdict,
        # and is listed among the failures, so load on the machine cannot make a disagreement
        decided = {a: v for a, v in seen.items() if v in ("valid", "invalid")}
        if len(set(decided.values())) > 1:
            disagreements.append({"case": case_key, **info, "verdicts": dict(sorted(seen.items()))})
        if info["expected"] == "unknown":
            unchecked.append(
                {"case": case_key, "format": info["format"], "verdicts": dict(sorted(seen.items()))}
            )

    summary: dict[str, Any] = {
        "format": SUMMARY_FORMAT,
        "tool": header.get("tool", {}),
        "corpora": [
            {k: c[k] for k in ("id", "tree_sha256", "cases") if k in c}
            for c in header.get("corpora", [])
        ],
        "adapters": sorted(adapters),
        "columns": list(COLUMNS),
        "totals": totals,
        "broken": sum(totals[j] for j in BROKEN),
        "documents": documents,
        "by_corpus": _plain(by_corpus),
        "by_tag": _plain(by_tag),
        "by_constraint": _plain(by_constraint),
        "disagreements": disagreements,
        "failures": sorted(failures, key=lambda r: (r["case"], r["adapter"])),
        "expected_failures": sorted(expected_failures, key=lambda r: (r["case"], r["adapter"])),
        "unchecked": unchecked,
        "stale_ledger_entries": [
            {"case": e.case if isinstance(e.case, str) else list(e.case), "adapter": e.adapter}
            for e in ledger.unused(keys, {c["id"] for c in header.get("corpora", [])}, adapters)
        ],
        "errors_omitted": {
            "total": omitted_total,
            "records": omitted_records,
            "cap": (header.get("selection") or {}).get("max_errors"),
        },
    }
    if st96:
        summary["st96_versions"] = _count_versions(st96.values())
    return summary


def _count_versions(cases: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, int]]:
    """ST.96 cases counted by the version their document declares (``undeclared`` for none)
    and by their schemas' (``unknown``): a run over an office's folder says at once which
    versions it holds."""
    documents: dict[str, int] = defaultdict(int)
    schemas: dict[str, int] = defaultdict(int)
    for versions in cases:
        documents[versions.get("document") or "undeclared"] += 1
        schemas[versions.get("schema") or "unknown"] += 1
    return {"documents": dict(sorted(documents.items())), "schemas": dict(sorted(schemas.items()))}


def document_verdict(verdicts: Iterable[str]) -> str:
    """One verdict for a document from its validators' verdicts, the worst first: ``invalid``
    if any validator rejects it, else ``errored`` if any could not judge it, else ``valid`` if
    any accepted it, else ``skipped``. A gate reports the document a reader must look at."""
    seen = set(verdicts)
    return next((v for v in DOCUMENT_VERDICTS if v in seen), "skipped")


def _describe(error: Mapping[str, Any] | None) -> str | None:
    if not error:
        return None
    where = error.get("location") or (f"line {error['line']}" if error.get("line") else "")
    return f"{where}: {error['message']}" if where else error["message"]


def _plain(
    table: Mapping[str, Mapping[str, Mapping[str, int]]],
) -> dict[str, dict[str, dict[str, int]]]:
    return {dim: {a: dict(table[dim][a]) for a in sorted(table[dim])} for dim in sorted(table)}
