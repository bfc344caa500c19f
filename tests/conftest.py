"""Shared fixtures for the harness's own tests (``tests/test_*.py``).

The adapters are the real installed ones, found through the ``st9x.validators`` entry points,
so these tests also check that the package's entry points are wired up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fixtures import Loopback
from xsd_helpers import V6, xsd_text

from st9x.engine.worker import Worker
from st9x.subjects.registry import select_adapters
from st9x.subjects.validators.base import Adapter

PROJECT_ROOT = Path(__file__).resolve().parents[1]
ST96_V6 = PROJECT_ROOT.parent / "shared" / "corpora" / "wipo-st96-v6_0"


@pytest.fixture(scope="session")
def adapters() -> dict[str, Adapter]:
    """Every installed adapter, through the registry (adapters are stateless: share them)."""
    return select_adapters()


@pytest.fixture
def worker(adapters: dict[str, Adapter]) -> Worker:
    """A fresh worker per test, so a compile cache never carries over between tests."""
    return Worker(adapters)


@pytest.fixture
def st96_v6() -> Path:
    """The official ST.96 V6_0 package beside the project, or a skip saying why not."""
    if not (ST96_V6 / "schemas").is_dir():
        pytest.skip(f"reference data not present: {ST96_V6} (../shared beside the project)")
    return ST96_V6


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the embedded-corpora directory (and with it the default ledger) into tmp_path, so
    that CLI defaults never read the project's own corpora or known-failures.json."""
    corpora = tmp_path / "embedded"
    corpora.mkdir()
    monkeypatch.setenv("ST9X_CORPORA", str(corpora))
    return corpora


@pytest.fixture
def loopback() -> Iterator[Loopback]:
    server = Loopback()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def make_xsd(tmp_path: Path) -> Callable[..., Path]:
    """Write an inline XSD body (in namespace ``urn:test``, prefix ``t``) and return its path."""
    counter = {"n": 0}

    def make(body: str, name: str | None = None) -> Path:
        counter["n"] += 1
        path = tmp_path / (name or f"schema{counter['n']}.xsd")
        path.write_text(xsd_text(body), encoding="utf-8")
        return path

    return make


@pytest.fixture(scope="session")
def v6() -> Path:
    if not V6.is_dir():
        pytest.skip(f"WIPO ST.96 V6_0 corpus not found at {V6.resolve()} (../shared beside the "
                    "project); these tests need the real schemas")
    return V6.resolve()
