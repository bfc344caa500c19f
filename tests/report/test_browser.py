"""The site of a real run, opened in headless Chromium from ``file://`` as a reader would.

A tiny corpus is run for real (lxml, xmlschema, the JSON validators and the st97-v2 converter):
one valid document, one expected valid that is not (its validators' messages are known), and one
whose corpus name, case id, error message and instance text are hostile (``<img onerror>``,
``<script>``, ``|``, a line break). Its site is crawled from ``index.html``: every page reachable
is opened (drill-downs up to a cap; links to the rest still checked), every link and image must
resolve, no page may log a console error or hold a script, the hostile strings must show as
text, nothing may overflow a phone's width, and screenshots at 1280 and 375 px are kept in
``$ST9X_ARTEFACTS`` (default: the test's temporary folder) for CI.

Without Chromium, chromedriver or selenium the tests skip and say which is missing; CI sets
``ST9X_REQUIRE_BROWSER=1`` after installing them, so there a missing browser fails instead.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest

from st9x.cli import main
from st9x.testing.browser import (
    DESKTOP,
    PHONE,
    Browser,
    Crawl,
    chromium,
    crawl,
    unavailable,
)
from st9x.testing.browser import main as browser_main
from st9x.testing.screenshots import choose, take
from st9x.testing.screenshots import main as screenshots_main

TNS = "urn:st9x:browser"
XSD = f"""<?xml version="1.0" encoding="UTF-8"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="{TNS}"
    xmlns="{TNS}" elementFormDefault="qualified">
  <xsd:element name="Doc">
    <xsd:complexType>
      <xsd:sequence>
        <xsd:element name="Code">
          <xsd:simpleType>
            <xsd:restriction base="xsd:string"><xsd:pattern value="[a-z]+"/></xsd:restriction>
          </xsd:simpleType>
        </xsd:element>
        <xsd:element name="Count" type="xsd:integer"/>
      </xsd:sequence>
    </xsd:complexType>
  </xsd:element>
</xsd:schema>
"""

#: the corpus folder's name is its id (indexed without a manifest): markup and a pipe in it
CORPUS = "office <img src=x onerror=alert(1)> | pipe"
#: a case id is the path below the corpus, so the "/" of "</script>" is a folder
HOSTILE_CASE = "data/<script>alert(1)</script> | pipe"
#: the hostile instance's Code, kept raw in the file by CDATA and spread over two lines
HOSTILE_CODE = "<script>alert(3)</script> |first line\nsecond line"
#: the known failing case and what lxml and xmlschema say about it
FAILING_CASE = "data/bad"
FAILING_MESSAGES = (
    "'abc' is not a valid value of the atomic type 'xs:integer'",
    "invalid literal for int() with base 10: 'abc'",
)


def _doc(code: str, count: str) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<Doc xmlns="{TNS}">\n'
            f"  <Code>{code}</Code>\n  <Count>{count}</Count>\n</Doc>\n")


def _png_width(path: Path) -> int:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return int(struct.unpack(">I", data[16:20])[0])


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    reason = unavailable()
    if reason is not None:
        if os.environ.get("ST9X_REQUIRE_BROWSER"):
            pytest.fail(f"ST9X_REQUIRE_BROWSER is set but {reason}")
        pytest.skip(reason)
    with chromium(*DESKTOP) as b:
        yield b


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of a real run of the tiny corpus, with converters."""
    tmp = tmp_path_factory.mktemp("browser")
    # inside the embedded corpora's folder: the one a report may read instances from
    embedded = tmp / "embedded"
    corpus = embedded / CORPUS
    files = {
        "schemas/doc.xsd": XSD,
        "data/good.xml": _doc("abc", "1"),
        f"{FAILING_CASE}.xml": _doc("abc", "abc"),
        f"{HOSTILE_CASE}.xml": _doc(f"<![CDATA[{HOSTILE_CODE}]]>", "2"),
    }
    for name, text in files.items():
        (corpus / name).parent.mkdir(parents=True, exist_ok=True)
        (corpus / name).write_text(text, encoding="utf-8")
    run, out = tmp / "run", tmp / "site"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ST9X_CORPORA", str(embedded))  # no manifest there, no ledger
        # exit 1: two documents expected valid are not (the point of the corpus)
        assert main(["run", "--in-process", "--quiet", "--corpus", str(corpus),
                     "--converter", "st97-v2", "--out", str(run)]) == 1
        assert main(["report", str(run), "-o", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def desktop(browser: Browser, site: Path) -> Crawl:
    browser.viewport(*DESKTOP)
    return crawl(browser, site)


@pytest.fixture(scope="module")
def phone(browser: Browser, site: Path) -> Crawl:
    browser.viewport(*PHONE)
    return crawl(browser, site)


@pytest.fixture(scope="module")
def artefacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    given = os.environ.get("ST9X_ARTEFACTS")
    out = Path(given) if given else tmp_path_factory.mktemp("screenshots")
    out.mkdir(parents=True, exist_ok=True)
    return out


def _listed(problems: list[object]) -> str:
    return "\n".join(map(str, problems))


def _broken_site(root: Path) -> Path:
    """A hand-made site with every fault the crawl looks for, and one clean page."""
    (root / "folder").mkdir()
    (root / "ok.html").write_text(
        '<!doctype html><title>ok</title><meta name="viewport" content="width=device-width">'
        "<p id=here>fine</p>", encoding="utf-8")
    # without a viewport meta a phone lays a page out 980 px wide and zooms out
    (root / "plain.html").write_text("<!doctype html><title>plain</title><p>text</p>",
                                     encoding="utf-8")
    (root / "index.html").write_text(
        '<!doctype html><html><head><title>bad</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="stylesheet" href="missing.css"></head><body>'
        '<a href="ok.html">ok</a> <a href="ok.html#nowhere">anchor</a> <a href="plain.html">p</a>'
        '<a href="gone.html">gone</a> <a href="folder/">folder</a> <a href="../x.html">out</a>'
        '<img src="missing.png" alt="m"> <p onclick="void 0">click</p>'
        "<script>void 0</script><table><tr><th>h</th></tr></table>"
        f'<div style="width:2000px">wide</div><h1>{"W" * 100}</h1></body></html>',
        encoding="utf-8")
    return root


def test_the_checks_catch_a_broken_page(browser: Browser, tmp_path: Path) -> None:
    """The crawl is only worth its silence if it speaks: a hand-made page with every fault."""
    _broken_site(tmp_path)
    browser.viewport(*PHONE)
    found = crawl(browser, tmp_path)
    text = _listed(found.problems)
    assert set(found.pages) == {"index.html", "ok.html", "plain.html"}
    for kind, detail in [
        ("link", "gone.html does not exist"),
        ("link", "folder/ is a folder"),
        ("link", "leaves the site"),
        ("link", "#nowhere is no anchor of ok.html"),
        ("resource", "image missing.png does not exist"),
        ("resource", "stylesheet missing.css does not exist"),
        ("console", "missing.png"),
        ("script", "1 <script> element(s)"),
        ("script", "event handler attribute p@onclick"),
        ("a11y", "table 1 has no <caption>"),
        ("a11y", "<th> without scope"),
        ("overflow", "in a 375 px viewport; wider than it: div"),
        ("overflow", "text of h1"),  # a word too long to wrap
    ]:
        assert any(p.kind == kind and detail in p.detail and p.page == "index.html"
                   for p in found.problems), f"{kind}: {detail} not reported in:\n{text}"
    assert not [p for p in found.problems if p.page == "ok.html"], text
    assert [p.kind for p in found.problems if p.page == "plain.html"] == ["overflow"], text


def test_the_crawl_command_lists_the_problems(
    browser: Browser, site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert browser_main([str(site)]) == 0
    assert "browser: 0 problem(s)" in capsys.readouterr().out
    assert browser_main([str(_broken_site(tmp_path))]) == 1
    out = capsys.readouterr().out
    assert "index.html: link: gone.html does not exist" in out
    assert "plain.html: overflow:" in out


def test_every_link_and_image_resolves(desktop: Crawl) -> None:
    assert "index.html" in desktop.pages
    problems = desktop.of_kind("link", "resource", "limit")
    assert not problems, _listed(problems)
    assert not desktop.external, f"the site links outside itself: {sorted(desktop.external)}"


def test_no_console_errors(desktop: Crawl) -> None:
    problems = desktop.of_kind("console")
    assert not problems, _listed(problems)


def test_hostile_ids_render_as_text_never_as_markup(desktop: Crawl) -> None:
    problems = desktop.of_kind("script")
    assert not problems, _listed(problems)
    assert CORPUS in desktop.pages["index.html"].text
    # wherever a page shows a hostile string, it shows all of it, as text
    for path, facts in desktop.pages.items():
        if "alert(1)" in facts.text:
            assert CORPUS in facts.text or "<script>alert(1)</script> | pipe" in facts.text, path


def test_tables_have_captions_and_header_scopes(desktop: Crawl) -> None:
    problems = desktop.of_kind("a11y")
    assert not problems, _listed(problems)


def test_nothing_overflows_a_phone(phone: Crawl) -> None:
    assert "index.html" in phone.pages
    problems = phone.of_kind("overflow")
    assert not problems, _listed(problems)


def test_the_failing_cases_drilldown_shows_its_errors(browser: Browser, desktop: Crawl,
                                                      site: Path) -> None:
    """Found as a reader finds it: a link whose text names the case, into ``cases/``."""
    browser.viewport(*DESKTOP)
    pages = desktop.links_to("cases", FAILING_CASE)
    assert pages, f"no page links to a drill-down of {FAILING_CASE}"
    assert not browser.open(site / pages[0])
    text = browser.facts(pages[0], []).text
    for message in FAILING_MESSAGES:
        assert message in text, f"{pages[0]} does not show {message!r}"
    hostile = desktop.links_to("cases", "alert(1)</script> | pipe")
    assert hostile, f"no page links to a drill-down of {HOSTILE_CASE}"
    assert not browser.open(site / hostile[0])
    facts = browser.facts(hostile[0], [])
    assert not facts.scripts and not facts.handlers
    assert "<script>alert(1)</script> | pipe" in facts.text
    # the instance, escaped, with its line break kept: each of its lines is shown
    for line in HOSTILE_CODE.splitlines():
        assert line in facts.text, f"{hostile[0]} does not show the instance line {line!r}"


def test_screenshots_at_desktop_and_phone_widths(browser: Browser, site: Path,
                                                 artefacts: Path) -> None:
    pages = choose(site)
    assert pages["overview"] == "index.html"
    written = take(browser, site, artefacts, pages)
    assert len(written) == 2 * len(pages)
    widths = {p.name: _png_width(p) for p in written}
    assert widths["report-overview.png"] == DESKTOP[0]
    assert widths[f"report-overview-{PHONE[0]}.png"] == PHONE[0]


def test_the_screenshots_pick_the_pages_the_site_has(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No browser needed: which pages are pictured is read from the site's files."""
    files = ["index.html", "matrices/trust.html", "matrices/agreement.html", "cases/c/a.html",
             "cases/c/b.html", "evidence.html"]
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("<!doctype html><title>x</title>", encoding="utf-8")
    assert choose(tmp_path) == {"overview": "index.html", "matrix": "matrices/agreement.html",
                                "drilldown": "cases/c/a.html", "evidence": "evidence.html"}
    # a failing case, when the site lists them, is the drill-down shown
    (tmp_path / "corpora/c").mkdir(parents=True)
    (tmp_path / "corpora/c/failing.html").write_text(
        '<a href="../../index.html">up</a> <a href="../../cases/c/b.html#lxml">b</a>',
        encoding="utf-8")
    assert choose(tmp_path)["drilldown"] == "cases/c/b.html"
    (tmp_path / "index.html").unlink()
    assert screenshots_main([str(tmp_path), str(tmp_path / "out")]) == 2
    assert "index.html not found" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
