"""Rendering the report site: pages per second, against reading the same results folder alone
(the floor every report pays), measured in one run so the ratio holds across machines:

    pytest benchmarks/test_report_site.py --benchmark-only --benchmark-group-by=group \
        --benchmark-columns=min,median,rounds

The input is a real run of the embedded st97-core corpus (374 cases x 3 JSON validators). The
whole-scale figure (a site of 129,114 records, 43,664 pages, in 38.7 s) is in docs/report.md
with its command; this benchmark keeps measuring the cost per page that figure rests on.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from st9x.cli import main
from st9x.matrix.runs import load_run
from st9x.report.site import build_site


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    out = tmp_path_factory.mktemp("report-bench") / "run"
    code = main(["run", "--corpus", "st97-core", "--converter", "none", "--lint", "none",
                 "--out", str(out), "--quiet"])
    assert code == 0, "the embedded st97-core run broke an expectation"
    yield out


@pytest.mark.benchmark(group="report-site: st97-core run")
def test_read_the_results_folder(benchmark: Any, results: Path) -> None:
    run = benchmark(load_run, results)
    assert len(run.records) > 1000


@pytest.mark.benchmark(group="report-site: st97-core run")
def test_read_and_render_the_site(benchmark: Any, results: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"

    def render() -> list[Path]:
        shutil.rmtree(site, ignore_errors=True)
        return build_site([load_run(results)], site)

    written = benchmark(render)
    pages = sum(1 for p in written if p.suffix == ".html")
    assert pages > 374  # a drill-down per case, and the rest
    benchmark.extra_info["pages"] = pages
