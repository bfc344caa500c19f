"""The static site as a person sees it: headless Chromium, driven by Selenium, over ``file://``.

A site that renders without an exception can still be broken for its reader: a link to a page
no builder wrote, a plot that does not load, a table too wide for a phone, a case id that turns
into markup. Only a browser shows these, so the site's own test opens it in one. This module
holds what that test, CI and the docs' screenshot command share:

- :func:`unavailable` says why no browser can be driven here (so a test skips with the reason);
- :func:`chromium` starts Debian's ``/usr/bin/chromium`` through ``/usr/bin/chromedriver``,
  named explicitly so that Selenium Manager is never asked to find (or download) a browser, with
  the flags that keep Chromium off the network (no background, component or sync traffic);
- :func:`crawl` visits every page reachable from ``index.html`` and returns each page's facts
  and the problems found: links and images that do not resolve, console errors, a ``<script>``
  or an ``on*`` handler in pages that must have none, horizontal overflow at the viewport's
  width, tables without captions or header scopes.

``python -m st9x.testing.browser SITE`` crawls a site at desktop and phone widths and lists the
problems (exit 1 when there are any): what CI runs on the sites of real runs, whose data (long
ids, wide instances) a test's small corpus does not have.

Selenium is a test dependency (the ``test`` extra): it is imported when a browser is started,
never at import time, so the module can say that it is missing instead of failing to load.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import tempfile
import time
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urlsplit

CHROMIUM = Path(os.environ.get("ST9X_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("ST9X_CHROMEDRIVER", "/usr/bin/chromedriver"))

#: flags that let headless Chromium run as root in a container without a GPU and that stop it
#: from opening connections of its own (updates, field trials, sync, QUIC probes): the pages are
#: local files and nothing else may be fetched
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
)

DESKTOP = (1280, 900)
PHONE = (375, 812)

#: the folders whose pages are many of a kind (a drill-down per case, a page per slice of a
#: corpus): a crawl opens this many of each and only checks that links to the rest resolve
DEFAULT_CAPS: Mapping[str, int] = {"cases": 15}


def unavailable() -> str | None:
    """Why a browser cannot be driven on this machine, or None when it can."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    if missing:
        return (f"no headless browser: {', '.join(missing)} not found (Debian packages chromium "
                "and chromium-driver)")
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "no headless browser: the Python package selenium is not installed (.[test])"
    return None


@dataclass(frozen=True)
class Link:
    """An ``<a href>`` as the browser resolved it, with the text a reader sees."""

    url: str
    text: str


@dataclass(frozen=True)
class Resource:
    """Something a page loads (an image, a stylesheet, an object): its resolved URL and whether
    the browser has it (an image with a natural width, a stylesheet with rules)."""

    kind: str
    url: str
    loaded: bool


@dataclass
class PageFacts:
    """What the browser saw on one page."""

    path: str
    title: str
    text: str
    links: list[Link]
    resources: list[Resource]
    ids: set[str]
    scripts: int
    handlers: list[str]
    unlabelled: list[str]
    scroll_width: int
    viewport_width: int
    overflowing: list[str]
    console: list[str]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one page. ``kind`` is one of ``link``, ``resource``, ``console``,
    ``script``, ``overflow``, ``a11y``, ``limit``."""

    page: str
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.page}: {self.kind}: {self.detail}"


@dataclass
class Crawl:
    """The pages opened, the local pages linked but left unopened (beyond a folder's cap), the
    external URLs linked (never fetched) and the problems found."""

    site: Path
    pages: dict[str, PageFacts] = field(default_factory=dict)
    unopened: set[str] = field(default_factory=set)
    external: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)

    def of_kind(self, *kinds: str) -> list[Problem]:
        return [p for p in self.problems if p.kind in kinds]

    def links_to(self, folder: str, text: str) -> list[str]:
        """Site paths under ``folder`` that some page links to with ``text`` in the link's
        text: how a test finds a page the way a reader does."""
        found: list[str] = []
        for facts in self.pages.values():
            for link in facts.links:
                target = site_path(self.site, link.url)
                if (target is not None and target.startswith(folder.rstrip("/") + "/")
                        and text in link.text and target not in found):
                    found.append(target)
        return found


def site_path(site: Path, url: str) -> str | None:
    """The path of a ``file://`` URL relative to the site (POSIX), or None when it is not a
    local file below the site."""
    parts = urlsplit(url)
    if parts.scheme != "file":
        return None
    path = Path(unquote(parts.path))
    try:
        return path.relative_to(site.resolve()).as_posix()
    except ValueError:
        return None


class Browser:
    """A running headless Chromium: open a page, read what it shows, take its picture."""

    def __init__(self, driver: Any) -> None:
        self.driver = driver
        self.width = DESKTOP[0]

    def viewport(self, width: int, height: int, *, mobile: bool | None = None) -> None:
        """Lay pages out at ``width`` × ``height`` CSS pixels; a narrow one as a phone does
        (``mobile``: the page's viewport meta is honoured). A phone zooms out to fit a page
        wider than itself, and ``window.innerWidth`` grows with it, so overflow is measured
        against the width asked for here."""
        self.width = width
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1,
            "mobile": width < 600 if mobile is None else mobile,
        })

    def open(self, target: Path | str) -> list[str]:
        """Load a file (or URL) and return the console messages of level SEVERE it caused."""
        self.driver.get_log("browser")  # forget what earlier pages logged
        url = target.resolve().as_uri() if isinstance(target, Path) else target
        self.driver.get(url)
        return [f"{e.get('level')}: {e.get('message')}" for e in self.driver.get_log("browser")
                if e.get("level") == "SEVERE"]

    def facts(self, path: str, console: list[str]) -> PageFacts:
        raw: dict[str, Any] = self.driver.execute_script(_FACTS_JS, self.width)
        return PageFacts(
            path=path,
            title=raw["title"],
            text=raw["text"],
            links=[Link(a["url"], a["text"]) for a in raw["links"]],
            resources=[Resource(r["kind"], r["url"], bool(r["loaded"])) for r in raw["resources"]],
            ids=set(raw["ids"]),
            scripts=int(raw["scripts"]),
            handlers=list(raw["handlers"]),
            unlabelled=list(raw["unlabelled"]),
            scroll_width=int(raw["scrollWidth"]),
            viewport_width=int(raw["viewportWidth"]),
            overflowing=list(raw["overflowing"]),
            console=console,
        )

    def screenshot(self, out: Path, *, max_height: int = 3000) -> Path:
        """The whole page (up to ``max_height`` CSS pixels tall) as a PNG."""
        import base64

        width = self.width
        height = self.driver.execute_script(
            "return Math.max(document.documentElement.scrollHeight,"
            " document.body ? document.body.scrollHeight : 0)"
        )
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": min(height, max_height),
                     "scale": 1},
        })
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(base64.b64decode(shot["data"]))
        return out


@contextlib.contextmanager
def chromium(width: int = DESKTOP[0], height: int = DESKTOP[1]) -> Iterator[Browser]:
    """Headless Chromium with a fresh profile, closed (and its profile removed) on exit."""
    reason = unavailable()
    if reason is not None:
        raise RuntimeError(reason)
    # Selenium Manager is skipped when the driver's path is given; offline all the same, so a
    # future Selenium that consults it anyway cannot reach for the network
    os.environ.setdefault("SE_OFFLINE", "true")
    os.environ.setdefault("SE_AVOID_STATS", "true")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="st9x-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = None
    try:
        driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)),
                                  options=options)
        driver.set_page_load_timeout(30)
        browser = Browser(driver)
        browser.viewport(width, height)
        yield browser
    finally:
        if driver is not None:
            driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def crawl(browser: Browser, site: Path, *, caps: Mapping[str, int] = DEFAULT_CAPS,
          limit: int = 400) -> Crawl:
    """Open ``index.html`` and every local page it leads to, breadth first (pages in a capped
    folder: the first ``caps[folder]`` of them; at most ``limit`` pages in all), and check what
    each one links to and loads. Every link is checked, opened or not."""
    site = site.resolve()
    if not (site / "index.html").is_file():
        raise FileNotFoundError(f"{site / 'index.html'}: no site to crawl")
    result = Crawl(site)
    queue: deque[str] = deque(["index.html"])
    seen = {"index.html"}
    opened_in: dict[str, int] = {}
    fragments: list[tuple[str, str, str]] = []  # (from page, target page, id)
    while queue:
        path = queue.popleft()
        folder = path.split("/", 1)[0] if "/" in path else ""
        if folder in caps and opened_in.get(folder, 0) >= caps[folder]:
            result.unopened.add(path)
            continue
        if len(result.pages) >= limit:
            result.problems.append(Problem(path, "limit", f"not opened: over {limit} pages"))
            result.unopened.add(path)
            continue
        opened_in[folder] = opened_in.get(folder, 0) + 1
        facts = browser.facts(path, browser.open(site / path))
        result.pages[path] = facts
        result.problems += _page_problems(facts)
        for link in facts.links:
            target = _check_link(result, path, link.url)
            if target is None:
                continue
            fragment = urldefrag(link.url)[1]
            if fragment:
                fragments.append((path, target, unquote(fragment)))
            if target.endswith(".html") and target not in seen:
                seen.add(target)
                queue.append(target)
        for res in facts.resources:
            _check_resource(result, path, res)
    for page, target, ident in fragments:
        opened = result.pages.get(target)
        if opened is not None and ident not in opened.ids:
            result.problems.append(Problem(page, "link", f"#{ident} is no anchor of {target}"))
    return result


def _check_link(result: Crawl, page: str, url: str) -> str | None:
    """The site path a link leads to when it is a local file that exists, else None (and a
    problem when it is local and broken, or leaves the site)."""
    scheme = urlsplit(url).scheme
    if scheme in {"http", "https", "mailto"}:
        result.external.add(url)
        return None
    if scheme != "file":
        result.problems.append(Problem(page, "script" if scheme == "javascript" else "link",
                                       f"link with scheme {scheme!r}: {url}"))
        return None
    bare, _ = urldefrag(url)
    target = site_path(result.site, bare)
    if target is None:
        result.problems.append(Problem(page, "link", f"leaves the site: {bare}"))
        return None
    file = result.site / target
    if file.is_dir():
        result.problems.append(Problem(
            page, "link", f"{target or '.'}/ is a folder (from file:// a browser lists it; "
            "link its index.html)"))
        return None
    if not file.is_file():
        result.problems.append(Problem(page, "link", f"{target} does not exist"))
        return None
    return target


def _check_resource(result: Crawl, page: str, res: Resource) -> None:
    if urlsplit(res.url).scheme == "data":  # inline, part of the page itself
        if not res.loaded:
            result.problems.append(Problem(page, "resource", f"inline {res.kind} did not load"))
        return
    target = site_path(result.site, urldefrag(res.url)[0])
    if target is None:
        result.problems.append(Problem(page, "resource",
                                       f"{res.kind} not in the site: {res.url[:120]}"))
    elif not (result.site / target).is_file():
        result.problems.append(Problem(page, "resource", f"{res.kind} {target} does not exist"))
    elif not res.loaded:
        result.problems.append(Problem(page, "resource", f"{res.kind} {target} did not load"))


def _page_problems(facts: PageFacts) -> list[Problem]:
    problems = [Problem(facts.path, "console", line) for line in facts.console]
    if facts.scripts:
        problems.append(Problem(facts.path, "script", f"{facts.scripts} <script> element(s)"))
    problems += [Problem(facts.path, "script", f"event handler attribute {h}")
                 for h in facts.handlers]
    problems += [Problem(facts.path, "a11y", u) for u in facts.unlabelled]
    if facts.scroll_width > facts.viewport_width + 1:
        problems.append(Problem(
            facts.path, "overflow",
            f"{facts.scroll_width} px wide in a {facts.viewport_width} px viewport; wider than it: "
            f"{', '.join(facts.overflowing) or '(no single element)'}"))
    if not facts.title.strip():
        problems.append(Problem(facts.path, "a11y", "no <title>"))
    return problems


# Everything a check needs from one page, read in one round trip. Elements that overflow are
# named (tag.class#id) so a failure says where; those inside a .table-wrap scroll by design.
_FACTS_JS = r"""
const cls = e => typeof e.className === 'string' && e.className.trim()
  ? '.' + e.className.trim().split(/\s+/).join('.') : '';
const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + cls(e);
const all = Array.from(document.querySelectorAll('*'));
const handlers = [];
for (const e of all) for (const a of e.attributes)
  if (a.name.toLowerCase().startsWith('on')) handlers.push(name(e) + '@' + a.name);
const unlabelled = [];
document.querySelectorAll('table').forEach((t, i) => {
  if (!t.querySelector(':scope > caption'))
    unlabelled.push('table ' + (i + 1) + ' has no <caption>');
});
document.querySelectorAll('th:not([scope])').forEach(th =>
  unlabelled.push('<th> without scope: ' + JSON.stringify(th.innerText.slice(0, 40))));
document.querySelectorAll('img:not([alt])').forEach(i =>
  unlabelled.push('<img> without alt: ' + i.getAttribute('src')));
const vw = arguments[0];
const wide = [];
for (const e of all) {
  if (e.closest('.table-wrap, pre, ol.source') && !e.matches('.table-wrap')) continue;
  const r = e.getBoundingClientRect();
  if (!r.width) continue;
  if (r.right > vw + 1) wide.push([e, name(e) + ' (' + Math.round(r.right) + ' px)']);
  else if (r.left + e.scrollWidth > vw + 1 && e.scrollWidth > e.clientWidth + 1 &&
           getComputedStyle(e).overflowX === 'visible')
    wide.push([e, 'text of ' + name(e) + ' (' + Math.round(r.left + e.scrollWidth) + ' px)']);
}
// the innermost culprits: an element whose descendant is listed only widens because of it
const overflowing = wide.filter(([e]) => !wide.some(([o]) => o !== e && e.contains(o)))
  .map(([, text]) => text).slice(0, 5);
const resources = [];
for (const i of document.images)
  resources.push({kind: 'image', url: i.currentSrc || i.src,
                  loaded: i.complete && i.naturalWidth > 0});
document.querySelectorAll('link[rel~="stylesheet"]').forEach(l =>
  resources.push({kind: 'stylesheet', url: l.href, loaded: !!l.sheet}));
document.querySelectorAll('object[data]').forEach(o =>
  resources.push({kind: 'object', url: o.data, loaded: true}));
document.querySelectorAll('link[rel~="icon"]').forEach(l =>
  resources.push({kind: 'icon', url: l.href, loaded: true}));
return {
  title: document.title,
  text: document.body ? document.body.innerText : '',
  links: Array.from(document.querySelectorAll('a[href]'), a => ({url: a.href, text: a.innerText})),
  resources: resources,
  ids: Array.from(document.querySelectorAll('[id], a[name]'), e => e.id || e.getAttribute('name')),
  scripts: document.getElementsByTagName('script').length,
  handlers: handlers,
  unlabelled: unlabelled,
  scrollWidth: document.documentElement.scrollWidth,
  viewportWidth: vw,
  overflowing: overflowing,
};
"""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m st9x.testing.browser",
        description="Crawl a rendered st9x site in headless Chromium at 1280 and 375 px and "
        "list what is broken: links, images, console errors, scripts, overflow, table labels.")
    parser.add_argument("site", type=Path, help="a folder written by st9x report ... -o SITE")
    parser.add_argument("--cap", type=int, default=DEFAULT_CAPS["cases"], metavar="N",
                        help="drill-down pages (cases/) opened at each width "
                        "(default: %(default)s)")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        print(f"browser: {args.site / 'index.html'} not found", file=sys.stderr)
        return 2
    reason = unavailable()
    if reason is not None:
        print(f"browser: {reason}", file=sys.stderr)
        return 2
    started = time.monotonic()
    problems: list[Problem] = []
    with chromium() as browser:
        for width, height in (DESKTOP, PHONE):
            browser.viewport(width, height)
            found = crawl(browser, args.site, caps={"cases": args.cap})
            # a page's links, scripts and labels do not change with the width: said once
            problems += found.problems if width == DESKTOP[0] else found.of_kind("overflow")
            print(f"browser: {width} px: {len(found.pages)} page(s) opened, "
                  f"{len(found.unopened)} linked and checked but not opened, "
                  f"{len(found.external)} external link(s)")
    for problem in problems:
        print(problem)
    print(f"browser: {len(problems)} problem(s) in {time.monotonic() - started:.1f} s")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
