"""Pictures of a rendered site at desktop and phone widths: the docs' screenshots and CI's.

``python -m st9x.testing.screenshots SITE OUTDIR`` opens SITE (a folder written by ``st9x
report ... -o SITE``) in headless Chromium and writes ``report-<page>.png`` (1280 px wide) and
``report-<page>-375.png`` (375 px, as a phone lays it out) for the overview, one matrix, one
drill-down (a failing case's when the site has a list of failing cases) and the register's
evidence page; a page the site does not have is said and skipped. The pages are chosen from the
files the site has, so the command stays right as pages are added.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

from st9x.testing.browser import DESKTOP, PHONE, Browser, chromium, unavailable

#: the matrix shown when the site has several, in order of preference
MATRICES = ("agreement", "decisions", "trust", "verdict-agreement", "roundtrip", "lint",
            "throughput")
#: how tall a picture may get (CSS pixels): a long table is shown by its top
MAX_HEIGHT = 2400


class _Hrefs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs += [v for k, v in attrs if k == "href" and v]


def _first_case_linked_from(site: Path, page: Path) -> str | None:
    parser = _Hrefs()
    parser.feed(page.read_text(encoding="utf-8"))
    for href in parser.hrefs:
        target = (page.parent / href.split("#", 1)[0]).resolve()
        try:
            rel = target.relative_to(site.resolve()).as_posix()
        except ValueError:
            continue
        if rel.startswith("cases/") and target.is_file():
            return rel
    return None


def choose(site: Path) -> dict[str, str]:
    """The site path of each page to picture, for the pages the site has."""
    chosen: dict[str, str] = {}
    if (site / "index.html").is_file():
        chosen["overview"] = "index.html"
    matrices = [f"matrices/{m}.html" for m in MATRICES
                if (site / "matrices" / f"{m}.html").is_file()]
    matrices += sorted(p.relative_to(site).as_posix() for p in site.glob("matrices/*.html"))
    if matrices:
        chosen["matrix"] = matrices[0]
    case = None
    for failing in sorted(site.glob("corpora/*/failing.html")):
        case = _first_case_linked_from(site, failing)
        if case:
            break
    if case is None:
        cases = sorted(p.relative_to(site).as_posix() for p in site.glob("cases/*/*.html"))
        case = cases[0] if cases else None
    if case is not None:
        chosen["drilldown"] = case
    if (site / "evidence.html").is_file():
        chosen["evidence"] = "evidence.html"
    return chosen


def take(browser: Browser, site: Path, out: Path, pages: dict[str, str]) -> list[Path]:
    """Picture each page at both widths; returns the files written."""
    written: list[Path] = []
    for suffix, (width, height) in (("", DESKTOP), (f"-{PHONE[0]}", PHONE)):
        browser.viewport(width, height)
        for name, path in pages.items():
            browser.open(site / PurePosixPath(path))
            written.append(browser.screenshot(out / f"report-{name}{suffix}.png",
                                              max_height=MAX_HEIGHT))
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m st9x.testing.screenshots",
        description="Screenshots of a rendered st9x site at 1280 and 375 px wide.")
    parser.add_argument("site", type=Path, help="a folder written by st9x report ... -o SITE")
    parser.add_argument("out", type=Path, help="where the PNG files go")
    args = parser.parse_args(argv)
    pages = choose(args.site)
    if "overview" not in pages:
        print(f"screenshots: {args.site / 'index.html'} not found", file=sys.stderr)
        return 2
    reason = unavailable()
    if reason is not None:
        print(f"screenshots: {reason}", file=sys.stderr)
        return 2
    for name in ("overview", "matrix", "drilldown", "evidence"):
        print(f"screenshots: {name}: {pages.get(name, 'not in this site; skipped')}")
    with chromium() as browser:
        written = take(browser, args.site, args.out, pages)
    print(f"screenshots: {len(written)} file(s) written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
