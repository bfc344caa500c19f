"""A page per corpus (``corpora/<corpus>/index.html``): its counts, then its cases, paginated,
and two filters as plain pages (``failing.html``: a broken expectation anywhere;
``disagreements.html``: validators disagreeing), so every filter works without JavaScript and a
corpus of tens of thousands of cases stays a set of small pages."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence

from st9x.engine.judge import Judgement
from st9x.matrix.cases import CaseView
from st9x.matrix.tables import Cell, Ref, Table, counts_text, num, row_header
from st9x.report.site.links import PER_PAGE, cases, corpus_path, targets
from st9x.report.site.model import Page, SiteContext

JUDGEMENTS = tuple(j.value for j in Judgement)
FILTERS = {"index": "all cases", "failing": "failing cases",
           "disagreements": "cases whose validators disagree"}


def _row(view: CaseView, adapters: Sequence[str], converters: bool) -> tuple[Cell, ...]:
    by = {v.adapter: v for v in view.verdicts}
    cells = [Cell(view.case, ref=Ref("case", view.key)), Cell(view.expected),
             Cell(view.constraint or "—")]
    for a in adapters:
        v = by.get(a)
        cells.append(Cell(f"{v.verdict} ({v.judgement.value})", v.judgement.value) if v
                     else Cell("—"))
    if converters:
        counts = Counter(j.judgement.value for c in view.conversions for j in c.checks)
        worst = next((w for w in ("fail", "errored", "xpass", "xfail") if counts.get(w)), "")
        cells.append(Cell(counts_text(counts, JUDGEMENTS), worst))
    return tuple(cells)


def _listing(ctx: SiteContext) -> Page:
    """``corpora.html``: every corpus of the run with its filters, linked (the section's first
    page)."""
    index = cases(ctx)
    rows = []
    for corpus, views in index.by_corpus.items():
        rows.append((row_header(corpus, Ref("corpus", corpus)), num(len(views)),
                     num(sum(1 for v in views if v.failing), ref=Ref("failing", corpus)),
                     num(sum(1 for v in views if v.disagreement),
                         ref=Ref("disagreements", corpus))))
    table = Table("Corpora of this run", ("corpus", "cases", "failing", "disagreements"),
                  tuple(rows))
    return Page("corpora.html", "Corpora", "listing.html",
                {"intro": "Each corpus lists its cases, paginated, with pages of the failing "
                          "cases and of the cases its validators disagree on.",
                 "tables": [table], "target": targets(ctx)}, section="Corpora")


def pages(ctx: SiteContext) -> Iterator[Page]:
    run = ctx.latest
    index = cases(ctx)
    target = targets(ctx)
    summary = run.summary
    yield _listing(ctx)
    per_page = int(ctx.options.get("per_page") or PER_PAGE)
    for corpus, views in index.by_corpus.items():
        by_adapter = summary["by_corpus"].get(corpus, {})
        adapters = sorted(by_adapter)
        converters = any(v.conversions for v in views)
        counts = Table(f"{corpus}: judgements per validator", ("validator", *JUDGEMENTS),
                       tuple((row_header(a, Ref("subject", a)),
                              *(num(by_adapter[a].get(j, 0)) for j in JUDGEMENTS))
                             for a in adapters))
        chosen = {
            "index": views,
            "failing": [v for v in views if v.failing],
            "disagreements": [v for v in views if v.disagreement],
        }
        filters = [(name, FILTERS[name], corpus_path(corpus, name), len(chosen[name]))
                   for name in FILTERS]
        columns = ("case", "expected", "constraint", *adapters,
                   *(("converter checks",) if converters else ()))
        for name, listed in chosen.items():
            total = max(1, -(-len(listed) // per_page))
            paths = [corpus_path(corpus, name, p) for p in range(1, total + 1)]
            for number, path in enumerate(paths, 1):
                chunk = listed[(number - 1) * per_page: number * per_page]
                first = (number - 1) * per_page + 1
                caption = (f"{corpus}: {FILTERS[name]}, {first}–{first + len(chunk) - 1} of "
                           f"{len(listed)}" if chunk else f"{corpus}: {FILTERS[name]}")
                table = Table(caption, columns,
                              tuple(_row(v, adapters, converters) for v in chunk))
                title = f"Corpus {corpus}" + ("" if name == "index" else f": {FILTERS[name]}")
                if total > 1:
                    title += f" (page {number} of {total})"
                yield Page(path, title, "corpus.html",
                           {"corpus": corpus, "counts": counts if number == 1 else None,
                            "filters": filters, "current": name, "table": table,
                            "pages": paths, "number": number, "target": target},
                           section="Corpora")


