"""Badges: the figures of a real run, the SVG (well-formed XML whatever the names hold), the
shields.io endpoint JSON (its schema) and the site's badges page and assets."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fixtures import make_corpus
from lxml import etree

from st9x import formats
from st9x.cli import main
from st9x.errors import FormatError
from st9x.matrix.badges import BadgeFigure, badge_figures
from st9x.matrix.runs import Run, load_run
from st9x.report.badges import endpoint, svg, text_width
from st9x.report.site import build_site
from st9x.report.site.model import slug

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    base = tmp_path_factory.mktemp("badges")
    make_corpus(base / "mini")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ST9X_CORPORA", str(base / "no-embedded-corpora"))
        main(["run", "--in-process", "--quiet", "--corpus", str(base / "mini"), "--out",
              str(base / "run"), "--adapter", "lxml", "--adapter", "fastjsonschema",
              "--adapter", "jsonschema", "--converter", "st97-v2"])
    yield load_run(base / "run")


def _figure(**kw: object) -> BadgeFigure:
    values: dict[str, object] = {"kind": "validator", "subject": "s", "corpus": "c",
                                 "passed": 1, "judged": 1, "skipped": 0}
    values.update(kw)
    return BadgeFigure(**values)  # type: ignore[arg-type]


def test_figures_of_a_real_run(run: Run) -> None:
    figures = {(f.subject, f.corpus): f for f in badge_figures(run)}
    lxml = figures[("lxml", "mini")]
    assert (lxml.message, lxml.colour, lxml.label) == ("3/3 pass", "brightgreen",
                                                       "lxml on mini")
    assert figures[("fastjsonschema", "mini")].message == "2/2 pass"
    converter = figures[("st97-v2", "mini")]
    assert converter.kind == "converter" and converter.judged > 0
    assert [f.kind for f in badge_figures(run)] == sorted(
        (f.kind for f in badge_figures(run)), key=lambda k: k != "validator")


@pytest.mark.parametrize(("passed", "judged", "colour"), [
    (140, 140, "brightgreen"), (139, 140, "green"), (90, 100, "yellowgreen"),
    (80, 100, "yellow"), (50, 100, "orange"), (49, 100, "red"), (0, 3, "red"),
])
def test_colour_follows_the_pass_rate(passed: int, judged: int, colour: str) -> None:
    figure = _figure(passed=passed, judged=judged)
    assert figure.colour == colour
    assert figure.message == f"{passed}/{judged} pass"


def test_nothing_judged_is_grey_and_says_why() -> None:
    skipped = _figure(passed=0, judged=0, skipped=2)
    assert (skipped.message, skipped.colour, skipped.rate) == ("2 skipped", "lightgrey", None)
    assert _figure(passed=0, judged=0).message == "nothing judged"


def test_the_svg_is_xml_with_the_text_and_a_title(run: Run) -> None:
    for figure in badge_figures(run):
        root = etree.fromstring(svg(figure))
        assert root.tag == f"{SVG}svg"
        texts = [t.text for t in root.iter(f"{SVG}text")]
        assert texts == [figure.label] * 2 + [figure.message] * 2
        assert root.findtext(f"{SVG}title") == f"{figure.label}: {figure.message}"
        assert int(root.get("width")) > text_width(figure.label) + text_width(figure.message)


@pytest.mark.parametrize("name", [
    '<script>alert("x")</script>', "a & b ]]> <!-- c", "line\nbreak\ttab", "nul\x00\x1b[31m",
    "\ud800 lone", "山田 " * 80,
])
def test_hostile_names_stay_text(name: str) -> None:
    figure = _figure(subject=name, corpus=f"{name}|corpus")
    root = etree.fromstring(svg(figure))
    assert not list(root.iter("{*}script")) and not list(root.iter("script"))
    label = root.findtext(f"{SVG}title")
    assert label is not None and "\n" not in label
    if "<script>" in name:
        assert '<script>alert("x")</script> on <script>' in label
    document = endpoint(figure)
    formats.check("badge", document, path="x")
    json.dumps(document)  # encodable, one line of label


def test_the_endpoint_schema_refuses_what_shields_would(run: Run) -> None:
    for figure in badge_figures(run):
        formats.check("badge", endpoint(figure), path="x")
    document = endpoint(badge_figures(run)[0])
    for broken in ({**document, "schemaVersion": 2}, {**document, "message": ""},
                   {k: v for k, v in document.items() if k != "label"},
                   {**document, "colour": "red"}):
        with pytest.raises(FormatError, match="badge format"):
            formats.check("badge", broken, path="x")


def test_the_site_writes_badges_and_lists_them(run: Run, tmp_path: Path) -> None:
    build_site([run], tmp_path)
    figures = badge_figures(run)
    page = (tmp_path / "badges.html").read_text(encoding="utf-8")
    for figure in figures:
        stem = tmp_path / "badges" / f"{slug(figure.subject)}--{slug(figure.corpus)}"
        etree.fromstring(stem.with_suffix(".svg").read_bytes())
        document = json.loads(stem.with_suffix(".json").read_text(encoding="utf-8"))
        formats.check("badge", document, path=stem)
        assert document["message"] == figure.message
        assert f'src="badges/{stem.name}.svg"' in page
    assert "![lxml on mini: 3/3 pass](SITE_URL/badges/lxml--mini.svg)" in page
    assert ("https://img.shields.io/endpoint?url=SITE_URL%2Fbadges%2Flxml--mini.json"
            in page)
