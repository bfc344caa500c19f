"""History: three real runs of a tiny corpus in which verdicts change between runs, reported
together; every point of every trend is checked against the runs' own records."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fixtures import VALID_JSON, VALID_XML, make_corpus, write
from lxml import etree

from st9x.cli import main
from st9x.engine.results import read_results
from st9x.matrix.history import ABSENT, check_trends, pass_rate_trends, throughput_trends, trends
from st9x.matrix.runs import Run, load_run
from st9x.report.site import build_site


def _run(corpus: Path, out: Path, *extra: str) -> None:
    embedded = out.parent / "embedded"
    embedded.mkdir(exist_ok=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ST9X_CORPORA", str(embedded))
        code = main(["run", "--in-process", "--quiet", "--corpus", str(corpus),
                     "--out", str(out), *extra])
    assert code in (0, 1) and (out / "results.jsonl").is_file()


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> list[Run]:
    """``n1``: the corpus as written (all pass); ``n2``: the invalid XML document made valid
    (its three XML verdicts flip to fail) and a converter added; ``n3``: the invalid JSON
    document made valid too (its three JSON verdicts flip)."""
    base = tmp_path_factory.mktemp("history")
    corpus = base / "corpus"
    make_corpus(corpus)
    _run(corpus, base / "n1")
    write(corpus / "instances" / "invalid.xml", VALID_XML)
    _run(corpus, base / "n2", "--converter", "st97-v2")
    write(corpus / "instances" / "invalid.json", VALID_JSON)
    _run(corpus, base / "n3", "--converter", "st97-v2")
    return [load_run(base / name) for name in ("n1", "n2", "n3")]


def _records(run: Run) -> list[dict]:
    _, records, _ = read_results(run.directory / "results.jsonl")
    return records


def _pass_share(records: list[dict], corpus: str, adapter: str) -> tuple[int, int]:
    """Passes and judged records, counted from the records alone (no ledger: a pass is a
    record whose verdict is the expected one)."""
    mine = [r for r in records if r["corpus"] == corpus and r["adapter"] == adapter]
    judged = [r for r in mine if r["ok"] is not None]
    return sum(r["ok"] is True for r in judged), len(judged)


def test_pass_rates_follow_the_records_run_by_run(runs: list[Run]) -> None:
    (trend,) = pass_rate_trends(runs)
    assert trend.key == "pass-mini"
    names = [s.name for s in trend.series]
    assert names == sorted({r["adapter"] for run in runs for r in _records(run)})
    for series in trend.series:
        assert [p.run for p in series.points] == ["n1", "n2", "n3"]
        for run, point in zip(runs, series.points, strict=True):
            passed, judged = _pass_share(_records(run), "mini", series.name)
            assert point.value == pytest.approx(100 * passed / judged)
            assert point.text.endswith(f"({passed}/{judged})")
            assert point.started == run.started
    by_name = {s.name: [p.value for p in s.points] for s in trend.series}
    # the edits show: XML validators drop in n2, JSON validators in n3
    assert by_name["lxml"][0] > by_name["lxml"][1] == by_name["lxml"][2]
    assert by_name["jsonschema"][0] == by_name["jsonschema"][1] > by_name["jsonschema"][2]


def test_converter_checks_are_absent_where_a_run_converted_nothing(runs: list[Run]) -> None:
    (trend,) = check_trends(runs)
    (series,) = trend.series
    assert series.name == "st97-v2"
    first, *later = series.points
    assert first.value is None and first.text == ABSENT
    for run, point in zip(runs[1:], later, strict=True):
        checks = [j for j in run.conversion_judgements if j.converter == "st97-v2"]
        passed = sum(str(j.judgement) == "pass" for j in checks)
        judged = sum(str(j.judgement) not in ("skipped", "unchecked") for j in checks)
        assert point.value == passed and point.text == f"{passed} of {judged}"


def test_throughput_points_are_the_records_documents_per_second(runs: list[Run]) -> None:
    (trend,) = throughput_trends(runs)
    for series in trend.series:
        for run, point in zip(runs, series.points, strict=True):
            timed = [r["times"]["validate"] for r in _records(run)
                     if r["adapter"] == series.name and r["verdict"] in ("valid", "invalid")]
            assert point.value == pytest.approx(len(timed) / round(sum(timed), 6))


def test_the_history_page_tables_hold_the_plotted_values(
    runs: list[Run], tmp_path: Path
) -> None:
    build_site(runs, tmp_path)
    html = (tmp_path / "history.html").read_text(encoding="utf-8")
    page = etree.HTML(html)
    for trend in trends(runs):
        plot = tmp_path / "plots" / f"history-{trend.key}.svg"
        svg = etree.parse(str(plot)).getroot()
        assert svg.findtext("{http://www.w3.org/2000/svg}title") == f"{trend.title} across runs"
        assert page.xpath(f'//img[@src="plots/history-{trend.key}.svg"]/@alt')
        (table,) = page.xpath(f'//section[@id="history-{trend.key}"]//table')
        header = [th.text for th in table.xpath("./thead/tr/th")]
        assert header == ["run", "started", *(s.name for s in trend.series)]
        rows = table.xpath("./tbody/tr")
        assert [r.xpath("./th/text()")[0] for r in rows] == ["n1", "n2", "n3"]
        for i, row in enumerate(rows):
            cells = row.xpath("./td/text()")
            assert cells[0] == runs[i].started
            assert cells[1:] == [s.points[i].text for s in trend.series]
    assert re.search(r"Trends over 3 runs", html)


def test_one_run_has_no_history_page(runs: list[Run], tmp_path: Path) -> None:
    written = build_site(runs[-1:], tmp_path)
    assert not (tmp_path / "history.html").exists()
    assert not any(p.name.startswith("history-") for p in written)
    assert "history.html" not in (tmp_path / "index.html").read_text(encoding="utf-8")
