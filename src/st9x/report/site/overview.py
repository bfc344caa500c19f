"""The overview: what ran, on what, when, with which library versions, adapters and
converters, and the headline numbers a reader quotes, each linking to its matrix."""

from __future__ import annotations

from collections.abc import Iterator

from st9x.matrix.headlines import headlines
from st9x.report.site import st90 as st90_page
from st9x.report.site.links import cases, corpus_path, matrix_path, subject_path
from st9x.report.site.matrices import available
from st9x.report.site.model import Page, SiteContext


def pages(ctx: SiteContext) -> Iterator[Page]:
    run = ctx.latest
    summary = run.summary
    shown = {m.name for m in available(ctx)}
    index = cases(ctx)
    figures = [(h, matrix_path(h.matrix) if h.matrix in shown else None)
               for h in headlines(run)]
    matrix_links = [(m.title, matrix_path(m.name)) for m in available(ctx)]
    st90 = st90_page.view(ctx)
    if st90 is not None:  # only when the page is built: no link to a missing page
        figures.append((st90_page.headline(st90), matrix_path(st90_page.ST90_MATRIX)))
        matrix_links.append((st90_page.TITLE, matrix_path(st90_page.ST90_MATRIX)))
    yield Page(
        "index.html",
        "Overview",
        "overview.html",
        {
            "summary": summary,
            "conversion_summary": run.conversion_summary,
            "figures": figures,
            "matrices": matrix_links,
            "adapters": [(a, subject_path(a["name"])) for a in run.header.get("adapters", [])],
            "converters": [(c, subject_path(c["name"])) for c in
                           (run.conversion_header or {}).get("converters", [])],
            "corpus_links": {c: corpus_path(c) for c in index.by_corpus},
            "records": len(run.records),
            "conversion_records": len(run.conversion_records),
        },
        section="Overview",
    )
