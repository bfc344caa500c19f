"""The benchmark history page (``benchmarks-history.html``): when ``st9x report
--benchmark-runs DIR`` gave a pytest-benchmark storage folder (the nightly job's saved runs),
one line chart per benchmark group of each benchmark's ratio to the group's floor across the
saved runs, and one of the floors' medians (the machine's absolute speed), each with its table.
No page without saved runs."""

from __future__ import annotations

from collections.abc import Iterator

from st9x.matrix.benchruns import SavedRun, floor_trend, ratio_trends
from st9x.report import plots
from st9x.report.site.history import Drawn
from st9x.report.site.model import Asset, Page, SiteContext, slug

PAGE = "benchmarks-history.html"


def pages(ctx: SiteContext) -> Iterator[Page | Asset]:
    runs: list[SavedRun] = list(ctx.options.get("benchmark_runs") or ())
    if not runs:
        return
    floors = floor_trend(runs)
    drawn = []
    for trend in [*ratio_trends(runs), *([floors] if floors is not None else [])]:
        name = slug(f"bench-{trend.key}")
        path = f"plots/{name}.svg"
        yield Asset(path, plots.trend_chart(trend))
        drawn.append(Drawn(trend, path, name))
    yield Page(PAGE, "Benchmark history", "benchmarks-history.html",
               {"trends": drawn, "saved": runs}, section="Benchmarks")
