"""Harness overhead with the default isolation: ``st9x run`` of st96-core under lxml without
``--in-process`` (the process pool a user's run gets: workers started, each compiling its
schemas, and stopped) in the same group as the bare loop of ``test_harness_overhead.py``, so
pytest-benchmark prints its factor to the bare loop beside the in-process one.

    .venv/bin/pytest benchmarks/test_harness_overhead.py \
        benchmarks/test_benchgate_overhead_pool.py --benchmark-only

``benchmarks/overhead.py --pool`` takes the same three figures alternating round by round.
"""

from __future__ import annotations

from pathlib import Path

from overhead import (
    bare_loop,
    load_bare_inputs,
    st9x_run_pool,
    st9x_verdicts,
    verdict_differences,
)
from test_harness_overhead import GROUP, ROUNDS, _fresh_out_dirs


def test_harness_overhead_pool(benchmark, tmp_path: Path) -> None:
    benchmark.group = GROUP
    code = benchmark.pedantic(
        st9x_run_pool, setup=_fresh_out_dirs(tmp_path), rounds=ROUNDS, warmup_rounds=1
    )
    assert code == 0


def test_pool_run_reaches_the_bare_loop_verdicts(tmp_path: Path) -> None:
    """The pooled run does the same work as the bare loop: the same verdict on every case."""
    inputs = load_bare_inputs()
    assert st9x_run_pool(tmp_path) == 0
    recorded = st9x_verdicts(tmp_path)
    assert len(recorded) == len(inputs.cases)
    assert verdict_differences(bare_loop(inputs), recorded) == []
