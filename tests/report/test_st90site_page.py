"""The ST.90 compatibility page of the site (``matrices/st90.html``) and its overview headline,
built from a real ``st9x run`` of the embedded ``st90-apis`` corpus (OpenAPI documents linted,
the reference API served on the loopback and probed live). Every figure the page shows is
checked against the lint records and the corpus manifest themselves, not against the fold the
page is made with."""

from __future__ import annotations

import json
import re
import shutil
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fixtures import make_corpus

from report import test_site_body as site_body
from st9x.cli import main
from st9x.corpus.load import embedded_corpora_dir
from st9x.engine.judge import lint_item
from st9x.matrix.runs import load_run
from st9x.report.site import build_site
from st9x.rules.st90.chapters import CHAPTERS

from .browser_check import check_in_browser

CORPUS = embedded_corpora_dir() / "st90-apis"


class _Page(HTMLParser):
    """The matrix as rows of cells (text, class, the link's target), the text of each element
    with an id, and every link."""

    def __init__(self) -> None:
        super().__init__()
        self.header: list[str] = []
        self.rows: dict[str, list[tuple[str, str, str | None]]] = {}
        self.by_id: dict[str, list[str]] = {}
        self.links: list[str] = []
        self.titles: dict[str, str] = {}  # column key -> its tooltip
        self._open: list[str] = []  # ids of the open elements with an id
        self._tags: list[str | None] = []
        self._in_matrix = False
        self._row: list[tuple[str, str, str | None]] | None = None
        self._cell: tuple[list[str], str, str | None] | None = None
        self._abbr: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "table" and "st90" in a.get("class", "").split():
            self._in_matrix = True
        if a.get("id"):
            self.by_id[a["id"]] = []
            self._open.append(a["id"])
            self._tags.append(tag)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
            if self._cell is not None:
                self._cell = (self._cell[0], self._cell[1], a["href"])
        if tag == "abbr" and self._in_matrix:
            self._abbr = a.get("title")
        if self._in_matrix and tag == "tr":
            self._row = []
        elif self._in_matrix and tag in ("td", "th"):
            self._cell = ([], a.get("class", ""), None)

    def handle_endtag(self, tag: str) -> None:
        if self._tags and self._tags[-1] == tag:
            self._tags.pop()
            self._open.pop()
        if not self._in_matrix:
            return
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(("".join(self._cell[0]), self._cell[1], self._cell[2]))
            self._cell = None
        elif tag == "tr" and self._row:
            if not self.header:
                self.header = [text for text, _, _ in self._row]
            else:
                self.rows[self._row[0][0]] = self._row[1:]
        elif tag == "table":
            self._in_matrix = False

    def handle_data(self, data: str) -> None:
        for anchor in self._open:
            self.by_id[anchor].append(data)
        if self._cell is not None:
            self._cell[0].append(data)
            if self._abbr is not None:
                self.titles[data] = self._abbr
                self._abbr = None

    def text(self, anchor: str) -> str:
        return "".join(self.by_id[anchor])


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("st90site") / "run"
    assert main(["run", "--in-process", "--quiet", "--corpus", str(CORPUS),
                 "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def records(run_dir: Path) -> list[dict]:
    lines = [json.loads(line) for line in (run_dir / "lint.jsonl").read_text().splitlines()]
    return [r for r in lines if r.get("type") == "lint" and r["linter"].startswith("st90-")]


@pytest.fixture(scope="module")
def site(run_dir: Path) -> Path:
    out = run_dir.parent / "site"
    build_site([load_run(run_dir)], out)
    return out


@pytest.fixture(scope="module")
def page(site: Path) -> _Page:
    parsed = _Page()
    parsed.feed((site / "matrices" / "st90.html").read_text(encoding="utf-8"))
    return parsed


@pytest.fixture(scope="module")
def header_rules(run_dir: Path) -> dict[str, dict]:
    """Rule id -> its row, as the run's lint header lists the ST.90 linters' rules."""
    with (run_dir / "lint.jsonl").open(encoding="utf-8") as lines:
        header = json.loads(lines.readline())
    return {rule["id"]: rule for linter in header["linters"]
            if linter["name"].startswith("st90-") for rule in linter["rules"]}


@pytest.fixture(scope="module")
def chosen() -> dict[tuple[str, str], str]:
    """(API, chapter) -> reason: the manifest's not-applicable choices, read here directly."""
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    return {(f"st90-apis/{s['id']}", chapter): reason for s in manifest["schemas"]
            for chapter, reason in s.get("not_applicable", {}).items()}


def _failing(records: list[dict]) -> dict[tuple[str, str], set[str]]:
    """(API, chapter) -> the rules with a failing place, from the records."""
    out: dict[tuple[str, str], set[str]] = defaultdict(set)
    for record in records:
        for rule, counts in record["rules"].items():
            if counts["fail"]:
                out[(lint_item(record), counts["category"])].add(rule)
    return out


def test_one_row_per_api_and_one_column_per_chapter(page: _Page, records: list[dict]) -> None:
    apis = {lint_item(r) for r in records}
    assert len(apis) == 8 and "st90-apis/reference" in apis
    assert set(page.rows) == apis
    assert page.header == ["API", *CHAPTERS]
    assert all(page.titles[key] == title for key, title in CHAPTERS.items())
    assert all(len(cells) == len(CHAPTERS) for cells in page.rows.values())
    reference = dict(zip(CHAPTERS, page.rows["st90-apis/reference"], strict=True))
    assert all(text.startswith("pass ") and css == "st90-pass"
               for text, css, _ in reference.values())
    gated = dict(zip(CHAPTERS, page.rows["st90-apis/gate-invalid"], strict=True))
    assert gated["gate"][0].startswith("fail ")
    assert {gated[k][:2] for k in CHAPTERS if k != "gate"} == {("— (gate)", "st90-gated")}


def test_a_failing_cell_names_its_rules_and_links_to_them(
        page: _Page, records: list[dict], chosen: dict[tuple[str, str], str],
        header_rules: dict[str, dict]) -> None:
    failing = _failing(records)
    assert failing
    for (api, chapter), rules in failing.items():
        text, css, href = dict(zip(CHAPTERS, page.rows[api], strict=True))[chapter]
        assert href is not None and href.startswith("#"), (api, chapter)
        if (api, chapter) in chosen:
            assert css == "st90-not-applicable" and "fail kept" in text
            entry = page.text(href[1:])
            assert chosen[(api, chapter)] in entry
            href = href.replace("#na-", "#")
        else:
            assert css == "st90-fail" and text.startswith("fail "), (api, chapter, text)
        entry = page.text(href[1:])
        assert api in entry and chapter in entry
        assert set(re.findall(r"st90\.[a-z0-9.-]+", entry)) == rules, (api, chapter)
        for rule in rules:
            assert f"#rule-{rule}" in page.links
            row = page.text(f"rule-{rule}")
            for value in (rule, header_rules[rule]["title"], header_rules[rule]["severity"],
                          header_rules[rule]["category"], api):
                assert value in row, (rule, value)


def test_the_reason_of_a_chapter_chosen_not_applicable_shows(
        page: _Page, records: list[dict], chosen: dict[tuple[str, str], str]) -> None:
    reason = chosen[("st90-apis/oas30-errors", "security")]
    assert "HTTPS is terminated" in reason
    text, css, href = dict(zip(CHAPTERS, page.rows["st90-apis/oas30-errors"],
                               strict=True))["security"]
    fails = sum(c["fail"] for r in records if lint_item(r) == "st90-apis/oas30-errors"
                for c in r["rules"].values() if c["category"] == "security")
    assert (text, css) == (f"n/a (chosen; {fails} fail kept)", "st90-not-applicable")
    assert href.startswith("#na-cell-st90-apis_oas30-errors-")  # a "/" in the key: slugged
    entry = page.text(href[1:])
    assert "st90-apis/oas30-errors" in entry and reason in entry
    assert f"{fails} failure(s) found there anyway" in entry


def test_every_link_of_the_site_resolves(site: Path) -> None:
    site_body.test_every_internal_link_resolves(site)


def test_the_overview_headline_and_matrix_list_come_from_the_records(
        site: Path, records: list[dict], chosen: dict[tuple[str, str], str]) -> None:
    apis = {lint_item(r) for r in records}
    chapters = {chapter for (api, chapter) in _failing(records) if (api, chapter) not in chosen}
    overview = (site / "index.html").read_text(encoding="utf-8")
    value = f"{len(apis)} APIs, {len(chapters)} chapter{'s' if len(chapters) != 1 else ''} failing"
    assert re.search(r'<a href="matrices/st90.html">ST.90 compatibility</a>'
                     rf'<strong class="fail">{value}</strong>', overview), value
    assert '<li><a href="matrices/st90.html">ST.90 compatibility (API × chapter)</a></li>' in (
        overview)


def test_the_page_refolds_the_records_never_reading_st90_matrix_json(
        run_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "run"
    shutil.copytree(run_dir, copy)
    (copy / "st90-matrix.json").write_text('{"format": "forged"}', encoding="utf-8")
    build_site([load_run(copy)], tmp_path / "site")
    forged = _Page()
    forged.feed((tmp_path / "site" / "matrices" / "st90.html").read_text(encoding="utf-8"))
    assert len(forged.rows) == 8


def test_no_page_and_no_link_without_st90_records(
        tmp_path: Path, isolated: Path) -> None:
    """A run that linted (a JSON Schema) but checked no API: the lint page, no ST.90 page."""
    make_corpus(tmp_path / "mini")
    out = tmp_path / "run"
    main(["run", "--in-process", "--quiet", "--corpus", str(tmp_path / "mini"), "--converter",
          "none", "--lint", "st97-jsonschema", "--out", str(out)])
    run = load_run(out)
    assert run.lint_records and not (out / "st90-matrix.json").exists()
    build_site([run], tmp_path / "site")
    assert (tmp_path / "site" / "matrices" / "lint.html").is_file()
    assert not (tmp_path / "site" / "matrices" / "st90.html").exists()
    for html in (tmp_path / "site").rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert "st90.html" not in text and "ST.90 compatibility" not in text, html


def test_an_api_that_cannot_be_read_is_errored_with_its_message(
        tmp_path: Path, isolated: Path) -> None:
    corpus = tmp_path / "bad-apis"
    (corpus / "openapi").mkdir(parents=True)
    (corpus / "openapi" / "broken.yaml").write_text("openapi: 3.0.3\ninfo: [unclosed\n",
                                                    encoding="utf-8")
    (corpus / "manifest.json").write_text(json.dumps({
        "format": "st9x-corpus/1", "id": "bad-apis", "title": "an unreadable API",
        "lint": ["st90-openapi"], "provenance": {"source": "st9x tests", "licence": "Apache-2.0"},
        "cases": [], "schemas": [{"id": "broken", "path": "openapi/broken.yaml",
                                  "kind": "openapi"}]}), encoding="utf-8")
    out = tmp_path / "run"
    assert main(["run", "--in-process", "--quiet", "--corpus", str(corpus), "--out",
                 str(out)]) == 1  # the unreadable document breaks the run
    build_site([load_run(out)], tmp_path / "site")
    errored = _Page()
    errored.feed((tmp_path / "site" / "matrices" / "st90.html").read_text(encoding="utf-8"))
    cells = errored.rows["bad-apis/broken"]
    assert {(text, css, href) for text, css, href in cells} == {
        ("errored", "st90-errored", "#api-errors")}
    assert "not YAML" in errored.text("api-errors") and "broken.yaml:3:1" in errored.text(
        "api-errors")
    overview = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert '<strong class="fail">1 API, 0 chapters failing</strong>' in overview


def test_the_page_passes_the_browser_check(site: Path, capsys: pytest.CaptureFixture[str]
                                           ) -> None:
    """Opened in headless Chromium at desktop and phone widths (see :mod:`.browser_check`)."""
    check_in_browser(site, capsys)
