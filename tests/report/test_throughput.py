"""Throughput: the run records each validated instance's size and parse-only floor; the matrix,
its page and its plot show documents/s, MB/s and the ratio to the floor recomputed from the
records; a pytest-benchmark file is checked before it is shown. No timing is asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures import make_corpus
from lxml import etree

from st9x.cli import main
from st9x.engine.results import read_results
from st9x.errors import FormatError
from st9x.matrix.runs import Run, load_run
from st9x.matrix.throughput import benchmark_groups, read_benchmarks, throughput
from st9x.report.site import build_site

ROOT = Path(__file__).resolve().parents[2]
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    base = tmp_path_factory.mktemp("throughput")
    (base / "embedded").mkdir()
    make_corpus(base / "corpus")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ST9X_CORPORA", str(base / "embedded"))
        assert main(["run", "--in-process", "--quiet", "--corpus", str(base / "corpus"),
                     "--out", str(base / "out")]) == 0
    return load_run(base / "out")


def test_records_carry_the_instance_size_and_its_parse_floor(run: Run) -> None:
    corpus = run.directory.parent / "corpus"
    timed = [r for r in run.records if r["times"]["validate"] is not None]
    assert timed
    for record in timed:
        size = (corpus / "instances" / Path(record["instance"]).name).stat().st_size
        assert record["instance_bytes"] == size
        assert record["times"]["parse_floor"] is not None
        assert record["times"]["parse_floor"] >= 0


def test_not_well_formed_has_no_floor(tmp_path: Path) -> None:
    from st9x.engine.validation import parse_seconds

    (tmp_path / "bad.xml").write_text("<a><b></a>", encoding="utf-8")
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    (tmp_path / "ok.json").write_text("{}", encoding="utf-8")
    assert parse_seconds(tmp_path / "bad.xml", "xml") is None
    assert parse_seconds(tmp_path / "bad.json", "json") is None
    assert parse_seconds(tmp_path / "ok.json", "json") is not None


def test_the_matrix_is_recomputed_from_the_records(run: Run) -> None:
    rows = {(t.subject, t.corpus): t for t in throughput(run.records)}
    _, records, _ = read_results(run.directory / "results.jsonl")
    adapters = {r["adapter"] for r in records}
    assert set(rows) == {(a, "mini") for a in adapters}
    for adapter in adapters:
        mine = [r for r in records
                if r["adapter"] == adapter and r["verdict"] in ("valid", "invalid")]
        seconds = sum(r["times"]["validate"] for r in mine)
        floor = sum(r["times"]["parse_floor"] for r in mine)
        size = sum(r["instance_bytes"] for r in mine)
        row = rows[(adapter, "mini")]
        assert row.documents == len(mine)
        assert row.documents_per_second == pytest.approx(len(mine) / seconds, rel=1e-4)
        assert row.megabytes_per_second == pytest.approx(size / 1e6 / seconds, rel=1e-4)
        assert row.ratio == pytest.approx(seconds / floor, rel=1e-4)


def test_the_page_and_plot_show_the_matrix(run: Run, tmp_path: Path) -> None:
    build_site([run], tmp_path)
    page = etree.HTML((tmp_path / "matrices" / "throughput.html").read_text(encoding="utf-8"))
    assert page.xpath('//img[@src="../plots/throughput.svg"]/@alt')
    rows = {tr.xpath("./th/text()")[0]: tr.xpath("./td/text()")
            for tr in page.xpath("//table/tbody/tr")}
    for t in throughput(run.records):
        cells = rows[t.subject]
        assert cells[0] == t.corpus and cells[1] == str(t.documents)
        assert cells[3] == f"{t.documents_per_second:.1f}"
        assert cells[4] == f"{t.megabytes_per_second:.2f}"
        assert cells[6] == f"{t.ratio:.1f}×"
    svg = etree.parse(str(tmp_path / "plots" / "throughput.svg")).getroot()
    desc = svg.findtext(f"{SVG}desc")
    assert svg.findtext(f"{SVG}title") == "Validator throughput per subject and corpus"
    for t in throughput(run.records):
        assert f"{t.subject} on mini: " in desc and f"{t.ratio:.1f}× the parse-only" in desc


def test_results_without_floors_still_load_and_say_so(run: Run, tmp_path: Path) -> None:
    """Results written before sizes and floors were recorded: no ratio, no MB/s, no crash."""
    old = tmp_path / "old"
    old.mkdir()
    lines = []
    for line in (run.directory / "results.jsonl").read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        doc.pop("instance_bytes", None)
        doc.get("times", {}).pop("parse_floor", None)
        lines.append(json.dumps(doc))
    (old / "results.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = throughput(load_run(old).records)
    assert rows and all(r.ratio is None and r.megabytes_per_second is None for r in rows)
    build_site([load_run(old)], tmp_path / "site")
    html = (tmp_path / "site" / "matrices" / "throughput.html").read_text(encoding="utf-8")
    assert "no floor" in html


def test_no_timed_record_means_no_page(run: Run, tmp_path: Path) -> None:
    untimed = [r for r in run.records if r["verdict"] not in ("valid", "invalid")]
    assert throughput(untimed) == []
    run.records = untimed
    try:
        build_site([run], tmp_path)
    finally:
        run.records = load_run(run.directory).records
    assert not (tmp_path / "matrices" / "throughput.html").exists()
    assert not (tmp_path / "plots" / "throughput.svg").exists()


BENCH = {
    "machine_info": {"node": "x"},
    "benchmarks": [
        {"name": "test_core_json_validate[jsonschema]", "group": "json: g",
         "stats": {"median": 0.004}},
        {"name": "test_core_json_parse_only", "group": "json: g", "stats": {"median": 0.0005}},
        {"name": "test_v6_compile[xmlschema-1.0]", "group": "compile: c",
         "stats": {"median": 3.0}},
        {"name": "test_v6_compile[lxml]", "group": "compile: c", "stats": {"median": 0.5}},
    ],
}


def test_benchmark_ratios_are_to_each_groups_floor() -> None:
    json_group, compile_group = benchmark_groups(BENCH)
    assert json_group.floor == "test_core_json_parse_only"
    assert [(b.name, b.ratio, b.floor) for b in json_group.benchmarks] == [
        ("test_core_json_parse_only", 1.0, True),
        ("test_core_json_validate[jsonschema]", 8.0, False),
    ]
    assert compile_group.floor == "test_v6_compile[lxml]"
    assert compile_group.benchmarks[1].ratio == 6.0


@pytest.mark.parametrize(
    ("document", "said"),
    [
        ({"benchmarks": [{"name": "x", "stats": {"median": "fast"}}]},
         "/benchmarks/0/stats/median"),
        ({"machine_info": {}}, "'benchmarks' is a required property"),
        ({"benchmarks": [{"name": "x", "stats": {"median": 0}}]}, "/benchmarks/0/stats/median"),
    ],
)
def test_a_bad_benchmark_file_is_refused_naming_it(
    tmp_path: Path, document: dict, said: str
) -> None:
    path = tmp_path / "bench.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(FormatError) as caught:
        read_benchmarks(path)
    assert str(path) in str(caught.value) and said in str(caught.value)


def test_report_benchmarks_adds_the_ratio_tables(run: Run, tmp_path: Path) -> None:
    bench = tmp_path / "bench.json"
    bench.write_text(json.dumps(BENCH), encoding="utf-8")
    site = tmp_path / "site"
    assert main(["report", str(run.directory), "-o", str(site), "--benchmarks", str(bench)]) == 0
    page = etree.HTML((site / "matrices" / "throughput.html").read_text(encoding="utf-8"))
    captions = page.xpath("//table/caption/text()")
    assert "json: g: floor test_core_json_parse_only" in captions
    (table,) = page.xpath('//table[caption="json: g: floor test_core_json_parse_only"]')
    assert [tr.xpath("./td/text()") for tr in table.xpath("./tbody/tr")] == [
        ["0.500", "1.0×"], ["4.000", "8.0×"]]
    assert main(["report", str(run.directory), "--benchmarks", str(bench)]) == 2


def test_ratios_script_prints_the_same_table(tmp_path: Path) -> None:
    bench = tmp_path / "bench.json"
    bench.write_text(json.dumps(BENCH), encoding="utf-8")
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "ratios.py"), str(bench)],
                         capture_output=True, text=True, check=True).stdout
    assert "| test_core_json_validate[jsonschema] | 4.000 ms | 8.0× |" in out
    assert "### compile: c" in out
