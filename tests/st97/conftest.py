"""Fixtures for the st9x.st97 tests (make_xsd and v6 come from tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from st97_helpers import RoundTrip

from st9x.st97 import compile_schema


@pytest.fixture
def roundtrip() -> Callable[..., RoundTrip]:
    def run(xsd: Path, source: bytes | Path, **kwargs: Any) -> RoundTrip:
        return RoundTrip(compile_schema(xsd, **kwargs), xsd, source)

    return run
