"""The agreement heatmaps (``plots.html``): validator × constraint kind (pass share) and
converter × constraint kind (XSD-vs-JSON verdict agreement), each an SVG with its numbers in
its cells and the same numbers in a table below it. No page when neither has a share."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from st9x.matrix.grids import Grid, agreement_grid, validation_grid
from st9x.report import plots
from st9x.report.site.model import Asset, Page, SiteContext

PAGE = "plots.html"


@dataclass(frozen=True)
class Heatmap:
    """One heatmap as a page shows it: the grid drawn (rows and columns without any share left
    out, and named in ``dropped``), the SVG's site path, and its text alternative."""

    anchor: str
    grid: Grid
    dropped: tuple[str, ...]
    plot: str
    alt: str
    about: str


def pages(ctx: SiteContext) -> Iterator[Page | Asset]:
    run = ctx.latest
    candidates = [
        ("validation", validation_grid(run.summary),
         "The share of each validator's judged records that met their expectation, by the "
         "constraint kind the case breaks. Skipped and unchecked records are left out; a "
         "ledgered known failure (xfail) is not a pass."),
        ("conversion", agreement_grid(run.conversion_summary),
         "The share of each converter's cases on which the JSON Schema verdict on the "
         "converted instance equals the XSD verdict, under each JSON validator, by constraint "
         "kind. Cases not converted, errored or skipped are left out of the share."),
    ]
    maps = []
    for anchor, grid, about in candidates:
        drawn, dropped = grid.trimmed()
        if drawn.empty:
            continue
        path = f"plots/{anchor}-by-constraint.svg"
        yield Asset(path, plots.heatmap(drawn))
        alt = (f"Heatmap: {drawn.title}, {len(drawn.rows)} {drawn.row_label}(s) by "
               f"{len(drawn.columns)} constraint kinds; the same numbers are in the table below.")
        maps.append(Heatmap(anchor, drawn, dropped, path, alt, about))
    if maps:
        yield Page(PAGE, "Plots", "plots.html", {"heatmaps": maps}, section="Plots")
