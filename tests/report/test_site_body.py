"""The body of the static site, built from a real ``st9x run`` of a tiny corpus: every internal
link resolves, tables have captions and header scopes, hostile case ids render as text,
pagination lists every case once, the headline figures come from the run, and a results folder
that names files outside the allowed folders never gets their content onto a page."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fixtures import DOC_XSD, INVALID_XML, VALID_XML, write

from st9x.cli import main
from st9x.matrix.cases import case_index
from st9x.matrix.headlines import headlines, peer_suite
from st9x.matrix.runs import load_run
from st9x.report.site import build_site
from st9x.report.site.build import relative
from st9x.report.site.links import case_path
from st9x.report.site.model import slug

pytestmark = pytest.mark.usefixtures("isolated")

HOSTILE = "<script>alert(1)<|x>"


class _Page(HTMLParser):
    """Links, tables and text of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.tables = 0
        self.captions = 0
        self.th_without_scope = 0
        self.scripts = 0
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for key in ("href", "src"):
            if a.get(key):
                self.links.append(str(a[key]))
        if tag == "table":
            self.tables += 1
        elif tag == "caption":
            self.captions += 1
        elif tag == "th" and not a.get("scope"):
            self.th_without_scope += 1
        elif tag == "script":
            self.scripts += 1

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Documents meant to be valid (no manifest): one valid, one invalid (a broken
    expectation), one with a hostile name, several more to paginate."""
    root = tmp_path_factory.mktemp("office") / "office"
    write(root / "schemas" / "doc.xsd", DOC_XSD)
    write(root / "data" / "good.xml", VALID_XML)
    write(root / "data" / "bad.xml", INVALID_XML)
    write(root / "data" / f"{HOSTILE}.xml", INVALID_XML)
    for i in range(4):
        write(root / "more" / f"ok-{i}.xml", VALID_XML)
    return root


@pytest.fixture(scope="module")
def results(office: Path) -> Path:
    out = office.parent / "results"
    embedded = office.parent / "embedded"
    embedded.mkdir()
    with pytest.MonkeyPatch.context() as patch:  # no project corpora or ledger
        patch.setenv("ST9X_CORPORA", str(embedded))
        code = main(["run", "--in-process", "--quiet", "--corpus", str(office), "--converter",
                     "st97-v2", "--out", str(out)])
    assert code == 1  # the invalid documents break the run
    return out


@pytest.fixture(scope="module")
def site(results: Path, office: Path) -> Path:
    out = results.parent / "site"
    build_site([load_run(results)], out, per_page=3, sources=[office])
    return out


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_internal_link_resolves(site: Path) -> None:
    pages = _pages(site)
    assert len(pages) > 10
    for page in pages:
        for href in _parse(page).links:
            assert "://" not in href and not href.startswith("/"), (page, href)
            path, _, anchor = href.partition("#")
            target = (page.parent / path).resolve() if path else page
            assert target.is_file(), f"{page.relative_to(site)} links to missing {href}"
            if anchor:
                assert f'id="{anchor}"' in target.read_text(encoding="utf-8"), (
                    f"{page.relative_to(site)} links to a missing anchor {href}")


def test_tables_have_captions_and_scoped_headers_and_no_script(site: Path) -> None:
    for page in _pages(site):
        parsed = _parse(page)
        assert parsed.tables == parsed.captions, page
        assert parsed.th_without_scope == 0, page
        assert parsed.scripts == 0, page


def test_hostile_case_id_renders_as_text(site: Path) -> None:
    raw = "".join(p.read_text(encoding="utf-8") for p in _pages(site))
    assert "<script" not in raw
    assert "&lt;script&gt;alert(1)&lt;|x&gt;" in raw
    drill = site / case_path("office", f"data/{HOSTILE}")
    assert drill.is_file()
    text = "".join(_parse(drill).text)
    assert f"data/{HOSTILE}" in text
    assert "fail" in text  # the word, not only a colour


def test_pagination_lists_every_case_once(site: Path, results: Path) -> None:
    folder = site / "corpora" / "office"
    listed: list[str] = []
    for page in sorted(folder.glob("*.html")):
        if page.name == "index.html" or page.name.startswith("page-"):
            listed += [h for h in _parse(page).links if "/cases/" in h]
    expected = {r for r in case_index(load_run(results)).by_key}
    assert len(listed) == len(set(listed)) == len(expected) == 7
    assert (folder / "page-3.html").is_file() and not (folder / "page-4.html").exists()


def test_filters_list_failing_cases(site: Path) -> None:
    failing = _parse(site / "corpora" / "office" / "failing.html")
    hrefs = [h for h in failing.links if "/cases/" in h]
    assert len(hrefs) == 2  # bad and the hostile one (the ones per_page=3 fits on page one)
    assert (site / "corpora" / "office" / "disagreements.html").is_file()


def test_drill_down_shows_located_errors_instance_and_conversion(site: Path) -> None:
    page = site / case_path("office", "data/bad")
    text = "".join(_parse(page).text)
    assert "5:" in text and "abc" in text  # line:col of the bad Count and the message
    assert "<Count>abc</Count>" in text  # the instance, found under --source with its SHA-256
    assert "st97-v2" in text and "not converted" in text
    good = "".join(_parse(site / case_path("office", "data/good")).text)
    assert '"doc"' in good.lower() or "name" in good.lower()  # the converted JSON artefact


def test_headlines_come_from_the_run(results: Path) -> None:
    run = load_run(results)
    figures = {h.label: h for h in headlines(run)}
    broken = figures["Broken expectations"]
    assert broken.bad and int(broken.value) == run.summary["broken"] + \
        run.conversion_summary["broken"]
    docs = run.summary["documents"]
    assert figures["Validation documents"].value == (
        f"{docs['valid']} valid / {docs['invalid']} invalid / {docs['errored']} errored")
    assert "ST.97 register decisions" in figures
    assert peer_suite("jsts/draft7") == "JSON-Schema-Test-Suite"
    assert peer_suite("w3c-xsd-1.0/ms/Regex") == "W3C XSD 1.0"
    assert peer_suite("office") is None


def test_overview_links_headlines_to_matrix_pages(site: Path) -> None:
    links = _parse(site / "index.html").links
    assert "matrices/decisions.html" in links
    assert "matrices/agreement.html" in links
    assert not (site / "matrices" / "trust.html").exists()  # no peer suite in this run


def test_relative_links_match_posixpath() -> None:
    import posixpath

    for a, b in [("index.html", "style.css"), ("cases/x/y.html", "cases/x/z.html"),
                 ("cases/x/y.html", "corpora/x/index.html"), ("a/b/c.html", "a/d.html"),
                 ("matrices/t.html", "index.html")]:
        assert relative(a, b) == posixpath.relpath(b, posixpath.dirname(a) or ".")


def _hostile_results(results: Path, tmp: Path) -> Path:
    """The run's results with paths pointing at /etc/passwd: the header's corpus folder, a
    record's instance with the real SHA-256 of /etc/passwd, and an artefact that is a symlink
    to it inside the results folder."""
    forged = tmp / "forged"
    shutil.copytree(results, forged, symlinks=True)
    passwd = Path("/etc/passwd").read_bytes()
    lines = (forged / "results.jsonl").read_text(encoding="utf-8").splitlines()
    out = []
    for line in lines:
        doc = json.loads(line)
        if doc["type"] == "header":
            for c in doc["corpora"]:
                c["path"] = "/etc"
        elif doc["type"] == "record" and doc["case"] == "data/good":
            doc["instance"] = "passwd"
            doc["instance_sha256"] = hashlib.sha256(passwd).hexdigest()
        out.append(json.dumps(doc))
    (forged / "results.jsonl").write_text("\n".join(out) + "\n", encoding="utf-8")
    conv = []
    for line in (forged / "conversions.jsonl").read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        if doc["type"] == "case" and doc["case"] == "data/good":
            os.symlink("/etc/passwd", forged / "conversions" / "evil.json")
            doc["artefacts"]["json"] = "conversions/evil.json"
        conv.append(json.dumps(doc))
    (forged / "conversions.jsonl").write_text("\n".join(conv) + "\n", encoding="utf-8")
    return forged


def test_files_outside_allowed_folders_are_never_shown(results: Path, office: Path,
                                                       tmp_path: Path) -> None:
    forged = _hostile_results(results, tmp_path)
    out = tmp_path / "site"
    first = Path("/etc/passwd").read_text(encoding="utf-8").splitlines()[0]
    # a folder the user names is read: the instance is there with its SHA-256, so it is shown
    assert main(["report", str(forged), "-o", str(out), "--source", "/etc", "--quiet"]) == 0
    assert first in (out / case_path("office", "data/good")).read_text(encoding="utf-8")
    # without it, nothing of /etc reaches the site
    shutil.rmtree(out)
    assert main(["report", str(forged), "-o", str(out), "--source", str(office),
                 "--quiet"]) == 0
    for page in _pages(out):
        assert first not in page.read_text(encoding="utf-8"), page
    text = "".join(_parse(out / case_path("office", "data/good")).text)
    assert "not shown" in text
    assert "symbolic link" in text  # the artefact
    assert "SHA-256" in text  # the instance


def test_the_subjects_and_corpora_sections_start_with_a_list_of_all(site: Path,
                                                                   results: Path) -> None:
    run = load_run(results)
    subjects = [a["name"] for a in run.header["adapters"]]
    if run.conversion_header is not None:
        subjects += [c["name"] for c in run.conversion_header["converters"]]
    listed = set(_parse(site / "subjects.html").links)
    assert {f"subjects/{slug(name)}.html" for name in subjects} <= listed
    corpora = {c["id"] for c in run.header["corpora"]}
    assert {f"corpora/{slug(c)}/index.html" for c in corpora} <= set(
        _parse(site / "corpora.html").links)
    index = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="subjects.html"' in index and 'href="corpora.html"' in index
