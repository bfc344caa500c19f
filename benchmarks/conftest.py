"""Shared inputs for the benchmarks: real instances and schemas, compiled once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

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
