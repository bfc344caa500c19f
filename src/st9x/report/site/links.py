"""Where each page of the site lives (the site's fixed URL scheme), and the case index every
builder shares.

Every file name made from data goes through :func:`~st9x.report.site.model.slug`; a link to a
page is made here once, so that the page that writes ``cases/<corpus>/<case>.html`` and the
pages that link to it can never disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar, cast

from st9x.matrix.cases import CaseIndex, case_index
from st9x.matrix.runs import Run
from st9x.matrix.tables import Ref
from st9x.report.site.model import SiteContext, slug

PER_PAGE = 200  # cases per page of a corpus' list (option per_page)


@lru_cache(maxsize=1 << 17)
def case_path(corpus: str, case: str) -> str:
    return f"cases/{slug(corpus)}/{slug(case)}.html"


@lru_cache(maxsize=1 << 17)
def corpus_path(corpus: str, name: str = "index", page: int = 1) -> str:
    """``corpora/<corpus>/index.html``, ``page-2.html``...; a filter: ``failing.html``,
    ``failing-2.html``..."""
    if name == "index":
        leaf = "index.html" if page == 1 else f"page-{page}.html"
    else:
        leaf = f"{name}.html" if page == 1 else f"{name}-{page}.html"
    return f"corpora/{slug(corpus)}/{leaf}"


@lru_cache(maxsize=1 << 17)
def subject_path(subject: str) -> str:
    return f"subjects/{slug(subject)}.html"


def matrix_path(name: str) -> str:
    return f"matrices/{name}.html"


#: the matrix page that describes each design rule (an anchor per rule)
LINT_MATRIX = "lint"


def rule_anchor(rule_id: str) -> str:
    """The id of a design rule's description on the lint page (rule ids come from the run's
    lint header: data)."""
    return f"rule-{slug(rule_id)}"


def rule_path(rule_id: str) -> str:
    return f"{matrix_path(LINT_MATRIX)}#{rule_anchor(rule_id)}"


_MEMO: dict[tuple[int, str], tuple[Run, Any]] = {}
T = TypeVar("T")


def memo(ctx: SiteContext, name: str, make: Callable[[Run], T]) -> T:
    """``make(run)`` for the reported run, computed once per site however many builders ask."""
    run = ctx.latest
    key = (id(run), name)
    kept = _MEMO.get(key)
    if kept is None or kept[0] is not run:
        if any(r is not run for r, _ in _MEMO.values()):
            _MEMO.clear()
        kept = _MEMO[key] = (run, make(run))
    return cast(T, kept[1])


def cases(ctx: SiteContext) -> CaseIndex:
    """The case index of the reported run (builders share it)."""
    return memo(ctx, "cases", case_index)


def subjects_of(run: Run) -> list[str]:
    """Validator adapters (from the header) and converters (from the conversions header)."""
    names = [a["name"] for a in run.header.get("adapters", [])]
    if run.conversion_header is not None:
        names += [c["name"] for c in run.conversion_header.get("converters", [])]
    return names


def targets(ctx: SiteContext) -> Callable[[Ref | None], str | None]:
    """A function from a cell's :class:`Ref` to the site path of its page, None when that page
    is not part of this site (a case no record names, a subject the header does not list)."""
    index = cases(ctx)
    subjects = set(subjects_of(ctx.latest))
    corpora = set(index.by_corpus)
    rules = set((ctx.latest.lint_summary or {}).get("rules", ()))

    def target(ref: Ref | None) -> str | None:
        if ref is None:
            return None
        if ref.kind == "case":
            view = index.get(ref.key)
            return case_path(view.corpus, view.case) if view else None
        if ref.kind == "subject":
            return subject_path(ref.key) if ref.key in subjects else None
        if ref.kind == "corpus":
            return corpus_path(ref.key) if ref.key in corpora else None
        if ref.kind in ("failing", "disagreements"):
            return corpus_path(ref.key, ref.kind) if ref.key in corpora else None
        if ref.kind == "matrix":
            return matrix_path(ref.key)
        if ref.kind == "rule":
            return rule_path(ref.key) if ref.key in rules else None
        return None

    return target
