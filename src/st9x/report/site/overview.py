"""The overview: what ran, on what, when, with which library versions, and the headline
numbers a reader quotes."""

from __future__ import annotations

from collections.abc import Iterator

from st9x.report.site.model import Page, SiteContext


def pages(ctx: SiteContext) -> Iterator[Page]:
    run = ctx.latest
    summary = run.summary
    yield Page(
        "index.html",
        "Overview",
        "overview.html",
        {"summary": summary, "conversion_summary": run.conversion_summary},
        section="Overview",
    )
