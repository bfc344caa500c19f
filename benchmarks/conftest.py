"""Shared inputs for the benchmarks: real instances and schemas, compiled once per session."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from st9x.testing.bench_rows import add_rates

ROOT = Path(__file__).resolve().parents[1]
SHARED_V6 = ROOT.parent / "shared" / "corpora" / "wipo-st96-v6_0"


@pytest.fixture(scope="session")
def v6_patent() -> tuple[Path, Path]:
    """The V6_0 PatentPublication example (138 kB) and its document schema."""
    if not SHARED_V6.is_dir():
        pytest.skip(f"the WIPO ST.96 V6_0 package is not at {SHARED_V6}")
    return (
        SHARED_V6 / "examples" / "PatentPublication_Example.xml",
        SHARED_V6 / "schemas" / "PatentPublication_V6_0.xsd",
    )


def pytest_benchmark_update_json(config: pytest.Config, benchmarks: list[dict[str, Any]],
                                 output_json: dict[str, Any]) -> None:
    """Rates and ratios to the floor, computed once every row of a group is measured (the
    rows of the size-by-size suites; other rows are left alone)."""
    add_rates(output_json["benchmarks"])
