"""The ST.90 compatibility page (``matrices/st90.html``): API × ST.90 chapter.

Folded here from the run's lint records with :func:`st9x.matrix.st90.fold_st90`, like every
other page of the site: a ``st90-matrix.json`` in the results folder is never read (``st9x
report --check`` compares it with this refold). The page shows the matrix (cells coloured by
state, the state also written in the cell), then the failing rules of each cell, the chapters
an API leaves out by choice with their reasons, the APIs that could not be checked, the
choices that matched no API, and a list of the rules the failures link to. Built only when an
ST.90 linter checked an API, so no other page links to a page that is not there.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from st9x.matrix.headlines import Headline
from st9x.matrix.runs import Run
from st9x.matrix.st90 import Cell, Choice, St90Matrix, fold_st90, is_st90
from st9x.report.site.links import matrix_path, memo
from st9x.report.site.model import Page, SiteContext, slug
from st9x.rules.st90 import RULES as OPENAPI_RULES
from st9x.rules.st90_live import RULES as LIVE_RULES

#: the page is matrices/<ST90_MATRIX>.html
ST90_MATRIX = "st90"
TITLE = "ST.90 compatibility (API × chapter)"

#: a cell's state → what the page says of it (beside the cell's own short text)
STATE_WORDS: dict[str, str] = {
    "pass": "every place the chapter's rules checked passes",
    "fail": "at least one place fails a rule of the chapter",
    "not-applicable": "the API leaves the chapter out by choice (the reason is listed below)",
    "nothing-to-check": "the chapter's rules ran and found nothing of their kind",
    "unchecked": "no rule of the chapter ran on this API",
    "gated": "the document failed the gate (not valid OpenAPI): nothing past it was checked",
    "errored": "the API could not be read or checked",
}


@dataclass(frozen=True)
class SiteCell:
    """One API × chapter as the page shows it: short text, state (the CSS class), tooltip and,
    when there is more to read below the table, the anchor of that entry."""

    text: str
    state: str
    tooltip: str
    anchor: str | None = None


@dataclass(frozen=True)
class ApiLine:
    api: str
    path: str
    linters: tuple[str, ...]
    status: str
    message: str | None
    cells: tuple[SiteCell, ...]


@dataclass(frozen=True)
class FailingCell:
    """The failing rules of one cell; ``chosen`` when the chapter was chosen not applicable
    (its failures are counted apart, never hidden)."""

    anchor: str
    api: str
    chapter: str
    title: str
    rules: tuple[str, ...]
    chosen: bool


@dataclass(frozen=True)
class ChosenCell:
    """A chapter an API leaves out by choice, with the reason and where it is written."""

    anchor: str
    api: str
    chapter: str
    title: str
    reason: str
    failures: int


@dataclass(frozen=True)
class RuleLine:
    """A rule of the ST.90 linters: its table row (from the run's lint header, else st9x's own
    rule tables) and the APIs it fails on in this run (none: it passed or had nothing to
    check)."""

    id: str
    title: str
    severity: str
    chapter: str
    chapter_title: str
    linter: str
    failing: tuple[str, ...]


@dataclass(frozen=True)
class St90View:
    chapters: tuple[tuple[str, str], ...]
    apis: tuple[ApiLine, ...]
    failing: tuple[FailingCell, ...]
    chosen: tuple[ChosenCell, ...]
    unused: tuple[Choice, ...]
    rules: tuple[RuleLine, ...]
    failing_chapters: tuple[str, ...]  # chapters with a failing cell for some API
    failing_cells: int


def cell_text(cell: Cell) -> str:
    """The short words of a cell (the Markdown matrix writes the reason in the cell; here it is
    listed under the table, so the table stays narrow)."""
    counts = cell.counts
    checked = counts["pass"] + counts["fail"] + counts["suppressed"]
    if cell.state == "not-applicable":
        return f"n/a (chosen; {counts['fail']} fail kept)" if counts["fail"] else "n/a (chosen)"
    return {"fail": f"fail {counts['fail']}/{checked}", "pass": f"pass {checked}",
            "errored": "errored", "nothing-to-check": "n/a", "gated": "— (gate)"
            }.get(cell.state, "—")


def cell_anchor(api: str, chapter: str) -> str:
    """The id of a cell's entry under the table (API keys are data: slugged)."""
    return f"cell-{slug(api)}-{slug(chapter)}"


def rule_anchor(rule_id: str) -> str:
    return f"rule-{slug(rule_id)}"


def _rule_rows(header: Mapping[str, Any], needed: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The rules the page lists: every rule of the ST.90 linters the run's lint header names
    (what ran), then, from st9x's own tables, any failing rule id the header lacks (a header
    written by another version)."""
    rows: dict[str, dict[str, Any]] = {}
    for linter in header.get("linters", []):
        if str(linter.get("name", "")).startswith("st90-"):
            for rule in linter.get("rules", []):
                rows[str(rule["id"])] = {**rule, "linter": linter["name"]}
    own = {rule.id: rule for catalogue in (OPENAPI_RULES, LIVE_RULES)
           for rule in catalogue.lint_rules()}
    for rule_id in needed:
        if rule_id not in rows:
            rule = own.get(rule_id)
            rows[rule_id] = {"title": rule.title, "severity": str(rule.severity),
                             "category": rule.category, "linter": ""} if rule else {}
    return rows


def build_view(header: Mapping[str, Any], matrix: St90Matrix) -> St90View:
    titles = dict(matrix.chapters)
    apis, failing, chosen = [], [], []
    fails_on: dict[str, list[str]] = {}
    for row in matrix.apis:
        cells = []
        for key, title in matrix.chapters:
            cell = row.cells[key]
            anchor = cell_anchor(row.api, key)
            tip = f"{title}: {STATE_WORDS.get(cell.state, cell.state)}"
            if cell.failing_rules and row.status == "ok":
                failing.append(FailingCell(anchor, row.api, key, title,
                                           tuple(cell.failing_rules),
                                           cell.state == "not-applicable"))
                for rule in cell.failing_rules:
                    fails_on.setdefault(rule, []).append(row.api)
            if cell.state == "not-applicable":
                chosen.append(ChosenCell(f"na-{anchor}", row.api, key, title, cell.reason or "",
                                         cell.counts["fail"]))
                anchor = f"na-{anchor}"
                tip = f"{title}: not applicable by choice: {cell.reason}"
            elif not cell.failing_rules or row.status != "ok":
                anchor = None
            cells.append(SiteCell(cell_text(cell), cell.state, tip,
                                  anchor if row.status == "ok" else "api-errors"))
        apis.append(ApiLine(row.api, row.path, tuple(row.linters), row.status, row.message,
                            tuple(cells)))
    known = _rule_rows(header, fails_on)
    order = list(titles)

    def place(rule: str) -> tuple[bool, int, str]:  # failing first, then by chapter
        key = _chapter(known, rule)
        return (rule not in fails_on, order.index(key) if key in titles else len(order), rule)

    rules = tuple(RuleLine(r, str(known[r].get("title", "")), str(known[r].get("severity", "")),
                           _chapter(known, r), titles.get(_chapter(known, r), ""),
                           str(known[r].get("linter", "")), tuple(fails_on.get(r, ())))
                  for r in sorted(known, key=place))
    failing_chapters = tuple(k for k, _ in matrix.chapters
                             if any(r.cells[k].state == "fail" for r in matrix.apis))
    return St90View(tuple(matrix.chapters), tuple(apis), tuple(failing), tuple(chosen),
                    tuple(matrix.unused_choices), rules, failing_chapters,
                    sum(1 for r in matrix.apis for c in r.cells.values() if c.state == "fail"))


def _chapter(known: Mapping[str, Mapping[str, Any]], rule: str) -> str:
    return str(known.get(rule, {}).get("category", ""))


def view_of(run: Run) -> St90View | None:
    """The page's content for ``run``, None when no ST.90 linter checked an API."""
    if run.lint_header is None or not any(is_st90(r) for r in run.lint_records):
        return None
    return build_view(run.lint_header, fold_st90(run.lint_header, run.lint_records))


def view(ctx: SiteContext) -> St90View | None:
    """The reported run's view, computed once per site."""
    return memo(ctx, "st90", view_of)


def headline(v: St90View) -> Headline:
    """``ST.90: N APIs, M chapters failing`` for the overview."""
    apis = len(v.apis)
    clean = sum(1 for a in v.apis if a.status == "ok"
                and not any(c.state in ("fail", "errored") for c in a.cells))
    return Headline(
        "ST.90 compatibility",
        f"{apis} API{'s' if apis != 1 else ''}, {len(v.failing_chapters)} "
        f"chapter{'s' if len(v.failing_chapters) != 1 else ''} failing",
        f"API × ST.90 chapter: {v.failing_cells} failing cell(s) of "
        f"{apis * len(v.chapters)}; {clean} API(s) without a failing or errored chapter "
        "(chapters chosen not applicable left out)",
        ST90_MATRIX, bad=bool(v.failing_cells) or clean < apis)


def pages(ctx: SiteContext) -> Iterator[Page]:
    found = view(ctx)
    if found is None:
        return
    yield Page(matrix_path(ST90_MATRIX), TITLE, "st90.html",
               {"st90": found, "states": STATE_WORDS, "anchor": rule_anchor},
               section="Matrices")
