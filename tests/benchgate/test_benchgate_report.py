"""The saved benchmark runs in the report: ``st9x report -o SITE --benchmark-runs DIR`` draws
each benchmark's ratio to its group's floor across the saved runs (files a real pytest-benchmark
run wrote, see conftest), and refuses a saved run that is not one, naming the file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fixtures import make_corpus
from lxml import etree
from tests.benchgate.conftest import with_medians, write

from st9x.cli import main
from st9x.matrix.benchruns import floor_trend, ratio_trends, read_storage


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real run of a tiny corpus (the site needs one)."""
    base = tmp_path_factory.mktemp("bench-report")
    make_corpus(base / "corpus")
    (base / "embedded").mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ST9X_CORPORA", str(base / "embedded"))
        code = main(["run", "--in-process", "--quiet", "--corpus", str(base / "corpus"),
                     "--out", str(base / "run")])
    assert code in (0, 1)
    return base / "run"


def _storage(tmp_path: Path, saved_run: dict[str, Any]) -> Path:
    """Two saved runs: the second has ``test_bigger`` at 8× its floor instead of 4×."""
    storage = tmp_path / "storage"
    first = with_medians(saved_run, test_floor=0.001, test_bigger=0.004)
    second = with_medians(saved_run, test_floor=0.001, test_bigger=0.008)
    first["datetime"], second["datetime"] = "2030-01-01T03:00:00", "2030-01-02T03:00:00"
    write(storage / "Linux-CPython-3.11-64bit" / "0001_nightly.json", first)
    write(storage / "Linux-CPython-3.11-64bit" / "0002_nightly.json", second)
    return storage


def test_trends_follow_the_saved_runs(tmp_path: Path, saved_run: dict[str, Any]) -> None:
    runs = read_storage(_storage(tmp_path, saved_run))
    assert [r.label for r in runs] == ["0001_nightly", "0002_nightly"]
    sums = next(t for t in ratio_trends(runs) if t.title == "sums")
    bigger = next(s for s in sums.series if s.name == "test_bigger")
    assert [p.value for p in bigger.points] == pytest.approx([4.0, 8.0])
    floors = floor_trend(runs)
    assert floors is not None
    sums_floor = next(s for s in floors.series if s.name == "sums")
    assert [p.value for p in sums_floor.points] == pytest.approx([1.0, 1.0])  # milliseconds


def test_site_draws_the_benchmark_history(tmp_path: Path, saved_run: dict[str, Any],
                                          results: Path) -> None:
    site = tmp_path / "site"
    code = main(["report", str(results), "-o", str(site), "--quiet",
                 "--benchmark-runs", str(_storage(tmp_path, saved_run))])
    assert code == 0
    page = (site / "benchmarks-history.html").read_text(encoding="utf-8")
    assert "0001_nightly" in page and "0002_nightly" in page
    assert "8.00×" in page and "4.00×" in page
    plots = re.findall(r'src="(plots/[^"]+\.svg)"', page)
    assert plots
    for plot in plots:
        etree.parse(str(site / plot))  # well-formed SVG
    # the latest saved run is the throughput page's benchmark table
    assert "test_bigger" in (site / "matrices" / "throughput.html").read_text(encoding="utf-8")


def test_absent_storage_adds_no_page(tmp_path: Path, results: Path) -> None:
    site = tmp_path / "site"
    assert main(["report", str(results), "-o", str(site), "--quiet",
                 "--benchmark-runs", str(tmp_path / "nothing-here")]) == 0
    assert not (site / "benchmarks-history.html").exists()


@pytest.mark.parametrize("content", [b"{not json", b'{"benchmarks": [{"name": "x"}]}',
                                     b'{"benchmarks": [{"name": "x", "stats": {"median": -1}}]}',
                                     b'{"machine_info": {"cpu": {"count": "two"}}, '
                                     b'"benchmarks": [{"name": "x", "stats": {"median": 1}}]}'])
def test_bad_saved_run_is_refused_naming_it(tmp_path: Path, saved_run: dict[str, Any],
                                            results: Path, capsys: pytest.CaptureFixture[str],
                                            content: bytes) -> None:
    storage = _storage(tmp_path, saved_run)
    bad = storage / "Linux-CPython-3.11-64bit" / "0003_nightly.json"
    bad.write_bytes(content)
    site = tmp_path / "site"
    code = main(["report", str(results), "-o", str(site), "--quiet",
                 "--benchmark-runs", str(storage)])
    err = capsys.readouterr().err
    assert code == 1
    assert len(err.strip().splitlines()) == 1 and str(bad) in err
    assert not (site / "benchmarks-history.html").exists()
