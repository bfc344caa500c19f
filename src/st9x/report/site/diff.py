"""The diff page (``diff.html``): what changed from the run before the reported one, when the
site is given two runs or more."""

from __future__ import annotations

from collections.abc import Iterator

from st9x.matrix.diff import diff_runs
from st9x.report.diff import headline
from st9x.report.site.model import Page, SiteContext


def pages(ctx: SiteContext) -> Iterator[Page]:
    if ctx.previous is None:
        return
    diff = diff_runs(ctx.previous, ctx.latest)
    yield Page(
        "diff.html",
        f"Diff: {ctx.previous.label} → {ctx.latest.label}",
        "diff.html",
        {"diff": diff, "headline": headline(diff), "old_run": ctx.previous,
         "other_flips": [c for c in diff.flips if not c.new_failure and not c.fixed]},
        section="Diff",
    )
