"""The badges: an SVG badge and a shields.io endpoint JSON per subject × corpus
(``badges/<slug(subject)>--<slug(corpus)>.svg`` / ``.json``), and ``badges.html`` listing them
with the Markdown that embeds each."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

from st9x.matrix.badges import BadgeFigure, badge_figures
from st9x.report import markdown as md
from st9x.report.badges import endpoint_json, svg
from st9x.report.site.model import Asset, Page, SiteContext, slug

#: where the snippets say the site is published when the site's options do not say
SITE_URL = "SITE_URL"


@dataclass(frozen=True)
class BadgeRow:
    figure: BadgeFigure
    svg_path: str
    json_path: str
    markdown: str  # the SVG badge, served with the site
    shields: str  # the shields.io endpoint badge


def _rows(ctx: SiteContext) -> list[BadgeRow]:
    base = str(ctx.options.get("base_url") or SITE_URL).rstrip("/")
    rows = []
    for figure in badge_figures(ctx.latest):
        stem = f"badges/{slug(figure.subject)}--{slug(figure.corpus)}"
        alt = md.text(f"{figure.label}: {figure.message}")
        endpoint = quote(f"{base}/{stem}.json", safe="")
        rows.append(BadgeRow(
            figure, f"{stem}.svg", f"{stem}.json",
            f"![{alt}]({base}/{stem}.svg)",
            f"![{alt}](https://img.shields.io/endpoint?url={endpoint})",
        ))
    return rows


def pages(ctx: SiteContext) -> Iterator[Page | Asset]:
    rows = _rows(ctx)
    for row in rows:
        yield Asset(row.svg_path, svg(row.figure))
        yield Asset(row.json_path, endpoint_json(row.figure))
    yield Page(
        "badges.html",
        "Badges",
        "badges.html",
        {"rows": rows, "site_url": SITE_URL, "base_given": bool(ctx.options.get("base_url"))},
        section="Badges",
    )
