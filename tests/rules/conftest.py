"""Fixtures for the rule-catalogue tests: inline XSDs and the real WIPO ST.96 V6_0 corpus."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rules_helpers import V6, xsd_text


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
