"""The throughput matrix (``matrices/throughput.html``): documents/s and MB/s per validator ×
corpus with the ratio to the parse-only floor timed in the same run, its bar chart, and, when
``st9x report --benchmarks FILE`` gave one (else the latest of ``--benchmark-runs DIR``), the
ratio table of a pytest-benchmark file (the measurement; the run's own timings are
indicative). No page when there is neither."""

from __future__ import annotations

from collections.abc import Iterator

from st9x.matrix.throughput import BenchmarkGroup, throughput
from st9x.report import plots
from st9x.report.site.model import Asset, Page, SiteContext

PAGE = "matrices/throughput.html"
PLOT = "plots/throughput.svg"


def pages(ctx: SiteContext) -> Iterator[Page | Asset]:
    rows = throughput(ctx.latest.records)
    groups: list[BenchmarkGroup] = list(ctx.options.get("benchmarks") or ())
    saved = ctx.options.get("benchmark_runs") or ()
    if not groups and saved:  # no file given: the latest saved run is the table
        groups = list(saved[-1].groups)
    if not rows and not groups:
        return
    if rows:
        yield Asset(PLOT, plots.throughput_chart(rows))
    yield Page(PAGE, "Throughput", "throughput.html",
               {"rows": rows, "plot": PLOT if rows else None, "groups": groups},
               section="Throughput")
