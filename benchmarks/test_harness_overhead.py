"""Harness overhead: ``st9x run`` of st96-core under lxml against a bare loop of the same calls.

Both benchmarks sit in one group, so pytest-benchmark prints the run's factor to the bare loop
beside it; that factor, not the absolute times, is what docs/overhead.md keeps and what must not
grow. ``benchmarks/overhead.py`` takes the same figure outside pytest-benchmark, alternating the
two sides round by round (better on a loaded machine). The functions measured live there, so the
two measurements cannot drift apart.

    .venv/bin/pytest benchmarks/test_harness_overhead.py --benchmark-only

Under ``--benchmark-disable`` each side still runs once, and the verdict test runs either way: a
bare loop that did less (or other) work than st9x would show up as a different verdict.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from overhead import (
    BareInputs,
    bare_loop,
    load_bare_inputs,
    st9x_run,
    st9x_verdicts,
    verdict_differences,
)

GROUP = "harness overhead: st96-core under lxml"
ROUNDS = 7


@pytest.fixture(scope="module")
def inputs() -> BareInputs:
    loaded = load_bare_inputs()
    assert loaded.cases, "st96-core lists no cases"
    return loaded


def _fresh_out_dirs(base: Path) -> Callable[[], tuple[tuple[Path], dict[str, Any]]]:
    """A pedantic ``setup``: every st9x round writes into a directory of its own, made outside
    the timing, so no round finds (or is slowed by) the files of the one before."""
    numbers = count()

    def setup() -> tuple[tuple[Path], dict[str, Any]]:
        out_dir = base / f"round-{next(numbers)}"
        out_dir.mkdir()
        return (out_dir,), {}

    return setup


@pytest.mark.benchmark(group=GROUP)
@pytest.mark.parametrize("side", ["bare-lxml-loop", "st9x-run-lxml"])
def test_harness_overhead(benchmark, inputs: BareInputs, side: str, tmp_path: Path) -> None:
    if side == "bare-lxml-loop":
        results = benchmark.pedantic(
            bare_loop, args=(inputs,), rounds=ROUNDS, warmup_rounds=1, iterations=1
        )
        assert len(results) == len(inputs.cases)
    else:
        code = benchmark.pedantic(
            st9x_run, setup=_fresh_out_dirs(tmp_path), rounds=ROUNDS, warmup_rounds=1
        )
        assert code == 0


def test_bare_loop_reaches_st9x_verdicts(inputs: BareInputs, tmp_path: Path) -> None:
    """Same work, same answers: every case's valid/invalid from the bare loop is the verdict
    st9x recorded for it, and neither side has a case the other lacks."""
    assert st9x_run(tmp_path) == 0
    recorded = st9x_verdicts(tmp_path)
    assert len(recorded) == len(inputs.cases)
    assert verdict_differences(bare_loop(inputs), recorded) == []
