"""The nightly workflow does nothing a developer cannot do locally: its only commands are
installing tox and the two tox envs, it restores and saves the saved benchmark runs where
``tox -e bench`` keeps them, and it uploads those runs and the report as artefacts."""

from __future__ import annotations

import configparser
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "nightly.yml"


@pytest.fixture(scope="module")
def workflow() -> dict[Any, Any]:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def _steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    (job,) = workflow["jobs"].values()
    return job["steps"]


def _checkout_dir(workflow: dict[Any, Any]) -> str:
    step = next(s for s in _steps(workflow) if s.get("uses", "").startswith("actions/checkout")
                and "repository" not in s.get("with", {}))
    return step["with"]["path"]


def test_triggers(workflow: dict[Any, Any]) -> None:
    triggers = workflow[True]  # YAML 1.1 reads the key ``on`` as True
    assert triggers["schedule"] and "workflow_dispatch" in triggers


def test_commands_are_exactly_the_tox_envs(workflow: dict[Any, Any]) -> None:
    runs = [s["run"].strip() for s in _steps(workflow) if "run" in s]
    assert runs == ["python -m pip install tox", "tox -e bench", "tox -e report"]
    (job,) = workflow["jobs"].values()
    assert job["defaults"]["run"]["working-directory"] == _checkout_dir(workflow)


def test_python_and_shared(workflow: dict[Any, Any]) -> None:
    steps = _steps(workflow)
    python = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python"))
    assert str(python["with"]["python-version"]) == "3.11"
    shared = next(s for s in steps if "repository" in s.get("with", {}))
    # beside the project, where benchmarks/conftest.py looks, and skipped when not configured
    assert shared["with"]["path"] == "shared" and _checkout_dir(workflow) != "."
    assert "ST9X_SHARED_REPO" in shared["if"]


def _storage_default() -> str:
    tox = configparser.ConfigParser(interpolation=None)
    tox.read(ROOT / "tox.ini", encoding="utf-8")
    bench = tox["testenv:bench"]["commands"]
    assert "--benchmark-save=" in bench and "st9x bench-gate --storage" in bench
    report = tox["testenv:report"]["commands"]
    assert "--benchmark-runs" in report
    assert "{toxinidir}/.benchmarks}" in bench
    return ".benchmarks"


def test_saved_runs_restored_saved_and_uploaded(workflow: dict[Any, Any]) -> None:
    steps = _steps(workflow)
    names = [s.get("name") for s in steps]
    storage = f"{_checkout_dir(workflow)}/{_storage_default()}"
    restore = next(s for s in steps if s.get("uses", "").startswith("actions/cache/restore"))
    save = next(s for s in steps if s.get("uses", "").startswith("actions/cache/save"))
    assert restore["with"]["path"].rstrip("/") == storage
    assert save["with"]["path"].rstrip("/") == storage
    assert restore["with"]["restore-keys"]  # the newest earlier night, whatever its key
    bench = next(i for i, s in enumerate(steps) if s.get("run") == "tox -e bench")
    assert names.index(restore["name"]) < bench < names.index(save["name"])
    uploads = [s["with"]["path"].rstrip("/") for s in steps
               if s.get("uses", "").startswith("actions/upload-artifact")]
    assert storage in uploads
    assert f"{_checkout_dir(workflow)}/reports" in uploads
