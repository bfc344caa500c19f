"""docs/performance.md against the code it describes: the gate's thresholds it states are the
defaults ``st9x bench-gate`` has, and every script and benchmark file it names exists."""

from __future__ import annotations

import re
from pathlib import Path

from st9x.matrix.benchgate import MEDIAN_FAIL, RATIO_FAIL

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "performance.md"


def test_the_stated_thresholds_are_the_gates_defaults() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert f"--ratio-fail {RATIO_FAIL:g}" in text
    assert f"--median-fail {MEDIAN_FAIL:g}" in text


def test_every_named_script_exists() -> None:
    text = DOC.read_text(encoding="utf-8")
    named = set(re.findall(r"benchmarks/[A-Za-z0-9_]+\.py", text))
    assert named, "the page names no measuring script"
    assert sorted(n for n in named if not (ROOT / n).is_file()) == []
