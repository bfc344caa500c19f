"""Running ``st9x run`` in-process on the ``st90-apis`` corpus, for the corpus and matrix
tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from st9x.cli import main

PROJECT = Path(__file__).resolve().parents[2]
CORPUS = PROJECT / "corpora" / "st90-apis"
LEDGER = PROJECT / "known-failures.json"


def st9x_run(out: Path, *args: str, corpus: Path = CORPUS) -> int:
    """``st9x run`` on ``corpus`` with the project's ledger; its exit code."""
    return main(["run", "--in-process", "--quiet", "--converter", "none", "--corpus",
                 str(corpus), "--ledger", str(LEDGER), "--out", str(out), *args])


def lint_records(out: Path) -> list[dict[str, Any]]:
    lines = (out / "lint.jsonl").read_text(encoding="utf-8").splitlines()
    return [r for r in map(json.loads, lines) if r["type"] == "lint"]


def matrix(out: Path) -> dict[str, Any]:
    return json.loads((out / "st90-matrix.json").read_text(encoding="utf-8"))


def row(document: dict[str, Any], api: str) -> dict[str, Any]:
    return next(r for r in document["apis"] if r["api"] == api)
