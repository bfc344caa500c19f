"""Render the pages of :data:`~st9x.report.site.pages.BUILDERS` into a folder."""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2

from st9x.errors import OutputError
from st9x.matrix.runs import Run
from st9x.report.site.model import Asset, Page, SiteContext

_HERE = Path(__file__).parent


def environment() -> jinja2.Environment:
    """Templates from the package, autoescaped (``.html``), undefined names an error."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_HERE / "templates"),
        autoescape=jinja2.select_autoescape(["html", "svg", "xml"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def _safe_path(path: str) -> PurePosixPath:
    """A page's path is made from case ids and subject names (data): it must stay a relative
    path under the site."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        raise OutputError(f"page path outside the site: {path!r}")
    return pure


def relative(from_page: str, to: str) -> str:
    """The link from one page of the site to another file of it (both site-relative). Pages'
    paths are plain (no ``.``, ``..`` or empty parts), so this is string work; it runs for every
    link of tens of thousands of pages, where ``posixpath.relpath`` (which asks the OS for the
    working directory each time) would cost seconds."""
    start = from_page.split("/")[:-1]
    target = to.split("/")
    if any(p in ("", ".", "..") for p in (*start, *target)):
        return posixpath.relpath(to, posixpath.dirname(from_page) or ".")
    common = 0
    while (common < len(start) and common < len(target) - 1
           and start[common] == target[common]):
        common += 1
    return "/".join([".."] * (len(start) - common) + target[common:])


def build_site(runs: Sequence[Run], out: Path, *,
               progress: Callable[[int, int], None] | None = None, **options: Any) -> list[Path]:
    """Render every page and asset for ``runs`` (the last is the one reported) into ``out``;
    returns the files written. ``progress(done, total)`` is told after each file (a site of
    tens of thousands of pages takes a while)."""
    from st9x.report.site.pages import BUILDERS

    ctx = SiteContext(list(runs), options)
    env = environment()
    items: list[Page | Asset] = [item for builder in BUILDERS for item in builder(ctx)]
    sections = []
    for item in items:
        if isinstance(item, Page) and item.section and item.section not in sections:
            sections.append(item.section)
    nav = {s: next(p.path for p in items if isinstance(p, Page) and p.section == s)
           for s in sections}
    written = []
    out.mkdir(parents=True, exist_ok=True)
    css = (_HERE / "static" / "style.css").read_bytes()
    (out / "style.css").write_bytes(css)
    written.append(out / "style.css")
    folders: set[Path] = set()
    for item in items:
        target = out / _safe_path(item.path)
        if target.parent not in folders:  # one mkdir per folder, not per page
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        if isinstance(item, Asset):
            target.write_bytes(item.content)
        else:
            template = env.get_template(item.template)

            def link(to: str, _from: str = item.path) -> str:
                return relative(_from, to)

            html = template.render(
                page=item, nav=nav, link=link, run=ctx.latest, ctx=ctx, **item.context
            )
            target.write_text(html, encoding="utf-8")
        written.append(target)
        if progress is not None:
            progress(len(written) - 1, len(items))
    return written
