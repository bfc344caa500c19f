"""The plots: well-formed SVG with a title and a description, the same bytes for the same data
(in this process and another), data labels drawn as text; the heatmaps' numbers (in the SVG and
in the table below it) recomputed from a real run's records; no page when there is no data."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from fixtures import make_corpus
from lxml import etree

from st9x.cli import main
from st9x.engine.judge import agreement
from st9x.engine.results import read_results
from st9x.matrix.grids import Grid, Share, agreement_grid, row_name, validation_grid
from st9x.matrix.history import Point, Series, Trend
from st9x.matrix.runs import Run, load_run
from st9x.matrix.throughput import Throughput
from st9x.report import plots
from st9x.report.site import build_site

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert(1)</script> | $x^2$ \n & \"q\""


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    base = tmp_path_factory.mktemp("plots")
    (base / "embedded").mkdir()
    make_corpus(base / "corpus")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ST9X_CORPORA", str(base / "embedded"))
        assert main(["run", "--in-process", "--quiet", "--corpus", str(base / "corpus"),
                     "--out", str(base / "out"), "--converter", "st97-v2"]) == 0
    return load_run(base / "out")


def _hostile_grid() -> Grid:
    return Grid(HOSTILE, "row", "column", (HOSTILE, "b"), ("k1", HOSTILE),
                {(HOSTILE, "k1"): Share(2, 3), ("b", HOSTILE): Share(0, 0, 4)})


def _hostile_trend() -> Trend:
    points = (Point("r1", "t1", 50.0, "50.0 % (1/2)"), Point(HOSTILE, "t2", None, "absent"))
    return Trend("k", HOSTILE, "%", (Series(HOSTILE, points),))


def _hostile_rows() -> list[Throughput]:
    return [Throughput(HOSTILE, "c", "xml", 4, 0.5, 4000, 4, 0.5, 0.1),
            Throughput("v", HOSTILE, "json", 2, 0.25, None, 0, 0.0, 0.0)]


def _all_plots() -> dict[str, bytes]:
    return {"heatmap": plots.heatmap(_hostile_grid()),
            "trend": plots.trend_chart(_hostile_trend()),
            "throughput": plots.throughput_chart(_hostile_rows())}


def test_plots_are_well_formed_titled_and_keep_data_as_text() -> None:
    for name, data in _all_plots().items():
        root = etree.fromstring(data)
        assert root.tag == f"{SVG}svg", name
        assert root[0].tag == f"{SVG}title" and root[1].tag == f"{SVG}desc", name
        assert root.findtext(f"{SVG}desc"), name
        assert not list(root.iter(f"{SVG}script")), name
        texts = " ".join(t for t in root.itertext())
        assert "<script>" in texts, name  # escaped by the writer, read back as text
        assert "$x^2$" in texts or "$x^2$" in root.findtext(f"{SVG}desc"), name
    assert b"<script>" not in b"".join(_all_plots().values())


def test_the_same_data_gives_the_same_bytes_here_and_in_another_process() -> None:
    first, second = _all_plots(), _all_plots()
    assert first == second
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import test_plots as t; "
        "sys.stdout.buffer.write(t._all_plots()['heatmap'] + b'\\0' + "
        "t._all_plots()['throughput'])"
    )
    out = subprocess.run([sys.executable, "-c", code, str(Path(__file__).parent)],
                         capture_output=True, check=True,
                         cwd=Path(__file__).parents[1]).stdout
    assert out == first["heatmap"] + b"\0" + first["throughput"]
    assert b"<dc:date>" not in first["heatmap"]


def test_the_validation_heatmap_is_the_records_pass_share(run: Run, tmp_path: Path) -> None:
    _, records, _ = read_results(run.directory / "results.jsonl")
    grid = validation_grid(run.summary)
    kinds = {r["constraint"] for r in records if r.get("constraint")}
    assert set(grid.columns) == kinds
    for record_kind in kinds:
        for adapter in {r["adapter"] for r in records if r["constraint"] == record_kind}:
            mine = [r for r in records
                    if r["constraint"] == record_kind and r["adapter"] == adapter]
            share = grid.cell(adapter, record_kind)
            assert share is not None
            assert (share.count, share.of) == (sum(r["ok"] is True for r in mine),
                                               sum(r["ok"] is not None for r in mine))
    build_site([run], tmp_path)
    page = etree.HTML((tmp_path / "plots.html").read_text(encoding="utf-8"))
    (table,) = page.xpath('//section[@id="validation"]//table')
    columns = [th.text for th in table.xpath("./thead/tr/th")][1:]
    drawn, _ = grid.trimmed()
    assert columns == list(drawn.columns)
    for tr in table.xpath("./tbody/tr"):
        row = tr.xpath("./th/text()")[0]
        for column, cell in zip(columns, tr.xpath("./td/text()"), strict=True):
            share = drawn.cell(row, column)
            expected = "–" if share is None else f"{share.percent()} {share.fraction()}"
            assert cell.startswith(expected)
    svg = etree.parse(str(tmp_path / "plots" / "validation-by-constraint.svg")).getroot()
    texts = set(svg.itertext())
    for share in drawn.cells.values():
        assert f"{share.whole_percent()}%" in texts and share.fraction() in texts
    assert page.xpath('//img[@src="plots/validation-by-constraint.svg"]/@alt')


def test_the_agreement_heatmap_is_the_conversion_records_agreement(
    run: Run, tmp_path: Path
) -> None:
    cases = [r for r in run.conversion_records if r["type"] == "case"]
    assert cases
    expected: dict[tuple[str, str], list[int]] = {}
    for record in cases:
        for adapter in record["json_verdicts"]:
            kind = agreement(record, adapter)
            cell = expected.setdefault(
                (row_name(record["converter"], adapter), record["constraint"] or "(valid)"),
                [0, 0])
            cell[0] += kind == "agree"
            cell[1] += kind in ("agree", "gap-accepts", "gap-rejects")
    grid = agreement_grid(run.conversion_summary)
    for key, (agree, decided) in expected.items():
        share = grid.cells[key]
        assert (share.count, share.of) == (agree, decided)
    drawn, dropped = grid.trimmed()
    assert not drawn.empty
    assert all(grid.cells[(r, c)].of == 0 for r in dropped for c in grid.columns
               if (r, c) in grid.cells)
    build_site([run], tmp_path)
    page = etree.HTML((tmp_path / "plots.html").read_text(encoding="utf-8"))
    (table,) = page.xpath('//section[@id="conversion"]//table')
    assert [tr.xpath("./th/text()")[0] for tr in table.xpath("./tbody/tr")] == list(drawn.rows)


def test_no_data_no_plots_page(run: Run, tmp_path: Path) -> None:
    """A run without constraint kinds and without conversions: nothing to draw, no page."""
    kept = run.__dict__.copy()
    try:
        run.records = [{**r, "constraint": None} for r in run.records]
        run.conversion_header = None
        run.__dict__.pop("summary", None)
        run.__dict__.pop("conversion_summary", None)
        assert validation_grid(run.summary).empty
        assert agreement_grid(run.conversion_summary).empty
        build_site([run], tmp_path)
    finally:
        run.__dict__.clear()
        run.__dict__.update(kept)
    assert not (tmp_path / "plots.html").exists()
    assert not (tmp_path / "plots" / "validation-by-constraint.svg").exists()


def test_empty_inputs_draw_without_crashing() -> None:
    empty = Grid("t", "r", "c", (), (), {})
    for data in (plots.heatmap(empty), plots.throughput_chart([]),
                 plots.trend_chart(Trend("k", "t", "u", ()))):
        assert etree.fromstring(data).tag == f"{SVG}svg"
