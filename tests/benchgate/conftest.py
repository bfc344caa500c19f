"""A real pytest-benchmark file for the gate's tests: a tiny suite (a floor marked with
``extra_info["floor"]``, a second group whose floor is named ``parse_only``) run once per
session in a child pytest with ``--benchmark-save``, so the files have exactly what
pytest-benchmark writes (machine_info, commit_info, stats). Tests copy it and change numbers in
the copy: what the gate decides then depends on those numbers, never on this machine's speed."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

SUITE = '''
import pytest

@pytest.mark.benchmark(group="sums")
def test_floor(benchmark):
    benchmark.extra_info["floor"] = True
    benchmark.pedantic(sum, args=(range(100),), rounds=3, iterations=1)

@pytest.mark.benchmark(group="sums")
def test_bigger(benchmark):
    benchmark.pedantic(sum, args=(range(1000),), rounds=3, iterations=1)

@pytest.mark.benchmark(group="named")
def test_json_parse_only(benchmark):
    benchmark.pedantic(sum, args=(range(100),), rounds=3, iterations=1)

@pytest.mark.benchmark(group="named")
def test_validate(benchmark):
    benchmark.pedantic(sorted, args=(list(range(1000)),), rounds=3, iterations=1)
'''


def _without_xdist() -> dict[str, str]:
    """This process's environment without pytest-xdist's worker variables: under ``pytest -n``
    they would tell the inner run's pytest-benchmark that it is an xdist worker, and it would
    disable itself."""
    return {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_XDIST")}


@pytest.fixture(scope="session")
def saved_storage(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A pytest-benchmark storage folder holding one real saved run."""
    base = tmp_path_factory.mktemp("bench-suite")
    (base / "test_tiny.py").write_text(SUITE, encoding="utf-8")
    storage = base / "storage"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         str(base / "test_tiny.py"), "--benchmark-only", f"--benchmark-storage=file://{storage}",
         "--benchmark-save=tiny", "--rootdir", str(base)],
        cwd=base, capture_output=True, text=True, timeout=300, env=_without_xdist(),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return storage


@pytest.fixture(scope="session")
def saved_run(saved_storage: Path) -> dict[str, Any]:
    (path,) = saved_storage.glob("*/*.json")
    return json.loads(path.read_text(encoding="utf-8"))


def bench(document: dict[str, Any], name: str) -> dict[str, Any]:
    return next(b for b in document["benchmarks"] if b["name"] == name)


def with_medians(document: dict[str, Any], **medians: float) -> dict[str, Any]:
    """A copy of a saved run with the given benchmarks' medians (seconds) set."""
    doc = copy.deepcopy(document)
    for name, median in medians.items():
        bench(doc, name)["stats"]["median"] = median
    return doc


def write(path: Path, document: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document), encoding="utf-8")
    return path
