"""The table of page builders: each yields the pages (and assets) of one part of the site."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from st9x.report.site import (
    badges,
    benchhistory,
    cases,
    corpora,
    diff,
    evidence,
    heatmaps,
    history,
    matrices,
    overview,
    st90,
    subjects,
    throughput,
)
from st9x.report.site.model import Asset, Page, SiteContext

PageBuilder = Callable[[SiteContext], Iterable[Page | Asset]]

#: the parts of the site, in the order of the top navigation
BUILDERS: tuple[PageBuilder, ...] = (
    overview.pages,
    matrices.pages,
    st90.pages,
    evidence.pages,
    throughput.pages,
    benchhistory.pages,
    heatmaps.pages,
    history.pages,
    diff.pages,
    badges.pages,
    subjects.pages,
    corpora.pages,
    cases.pages,
)
