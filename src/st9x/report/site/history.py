"""The history page (``history.html``): when several runs are given (oldest first), a trend
per matrix (pass rate per validator on each corpus, converter checks passed, throughput), each
a line chart and a table of run, start time and value per subject. No page for one run."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from st9x.matrix.history import Trend, trends
from st9x.report import plots
from st9x.report.site.model import Asset, Page, SiteContext, slug

PAGE = "history.html"


@dataclass(frozen=True)
class Drawn:
    trend: Trend
    plot: str
    anchor: str


def pages(ctx: SiteContext) -> Iterator[Page | Asset]:
    if len(ctx.runs) < 2:
        return
    drawn = []
    for trend in trends(ctx.runs):
        if not trend.series:
            continue
        name = slug(f"history-{trend.key}")
        path = f"plots/{name}.svg"
        yield Asset(path, plots.trend_chart(trend))
        drawn.append(Drawn(trend, path, name))
    if drawn:
        yield Page(PAGE, "History", "history.html", {"trends": drawn}, section="History")
