"""Rendering the ST.90 compatibility matrix as ``st90-matrix.md``: one row per API, one column
per ST.90 chapter, then the failing rules of each API and the choices that matched nothing. No
timestamps, so two runs diff cleanly."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from st9x.report.markdown import code, table, text

LEGEND = (
    "A cell counts the places the chapter's rules checked: `pass N`, `fail F/N` (F failing of "
    "N), `n/a (reason)` where the API leaves the chapter out by choice (any failures found there "
    "are still counted, after the reason), `n/a` where the rules found nothing of their kind, "
    "`—` where no rule of the chapter ran, `— (gate)` where the document failed the gate, so "
    "nothing past it was checked, and `errored` where the API could not be read."
)


def cell_text(cell: Mapping[str, Any]) -> str:
    """The words of one API × chapter cell."""
    counts = cell["counts"]
    checked = counts["pass"] + counts["fail"] + counts["suppressed"]
    state = cell["state"]
    if state == "not-applicable":
        kept = f"; {counts['fail']} failure(s) kept" if counts["fail"] else ""
        return f"n/a ({cell['reason']}{kept})"
    if state == "fail":
        return f"fail {counts['fail']}/{checked}"
    if state == "pass":
        return f"pass {checked}"
    if state == "errored":
        return "errored"
    if state == "nothing-to-check":
        return "n/a"
    return "— (gate)" if state == "gated" else "—"


def render_st90(matrix: Mapping[str, Any]) -> str:
    """``st90-matrix.md`` from the JSON document of :mod:`st9x.matrix.st90`."""
    chapters = matrix["chapters"]
    lines = ["# ST.90 compatibility matrix: API × chapter", "", LEGEND, "",
             "Chapters: " + "; ".join(f"{code(c['key'])} {text(c['title'])}" for c in chapters)
             + ".", ""]
    rows = [[row["api"], *(cell_text(row["cells"][c["key"]]) for c in chapters)]
            for row in matrix["apis"]]
    lines += [*table(["API", *(c["key"] for c in chapters)], rows), ""]
    details = []
    for row in matrix["apis"]:
        if row["status"] != "ok":
            details.append(f"- {code(row['api'])}: errored: {text(row['message'] or '')}")
            continue
        for chapter in chapters:
            cell = row["cells"][chapter["key"]]
            if cell["failing_rules"]:
                rules = ", ".join(code(r) for r in cell["failing_rules"])
                apart = " (chosen not applicable: counted apart)" \
                    if cell["state"] == "not-applicable" else ""
                details.append(f"- {code(row['api'])} × {code(chapter['key'])}: {rules}{apart}")
    if details:
        lines += ["## Failing rules", "", *details, ""]
    unused = matrix["unused_not_applicable"]
    if unused:
        lines += ["## Not-applicable choices that matched no API", ""]
        for choice in unused:
            where = f"{choice['source']}:{choice['line']}" if choice["line"] else choice["source"]
            lines.append(f"- {code(choice['chapter'])} for {code(choice['path'])} "
                         f"({text(where)}): {text(choice['reason'])}")
    return "\n".join(lines).rstrip() + "\n"
