"""Fixtures of the hostile-input tests: a secret outside the corpus, the hostile corpus
relocated to point at the test's own server and secret, and the hostile corpus's ledger.

``loopback`` (a counting TCP server on 127.0.0.1) comes from ``tests/conftest.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from st9x.ledger import Ledger, load_ledger
from st9x.testing.guards import OpenWatch

from .helpers import (
    HOSTILE_LEDGER,
    Outside,
    add_cases,
    generated_cases,
    make_outside,
    relocate_hostile,
)


@pytest.fixture
def outside(tmp_path: Path) -> Outside:
    """Secret files in a directory beside (not inside) the test's corpora. Tests that use it
    check with inotify that nothing opened them, so they need Linux."""
    if not OpenWatch.available():  # pragma: no cover - Linux CI always has it
        pytest.skip("inotify is not available: the secret-file checks need Linux")
    return make_outside(tmp_path / "outside")


@pytest.fixture
def hostile_copy(tmp_path: Path, loopback: Any, outside: Outside) -> Path:
    """The hostile corpus plus the generated cases, pointed at this test's loopback server and
    secret (see helpers.relocate_hostile)."""
    root = relocate_hostile(tmp_path / "hostile", url=loopback.url, outside=outside)
    add_cases(root, generated_cases(root, outside))
    return root


@pytest.fixture(scope="session")
def hostile_ledger() -> Ledger:
    return load_ledger(HOSTILE_LEDGER)
