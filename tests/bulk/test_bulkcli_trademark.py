"""``st9x validate-bulk`` on TrademarkBags of the real WIPO ST.96 V6_0 Trademark schema (from
../shared; skipped without it), including the 100 MB run whose peak memory CI checks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from tests.bulk.bulkcli_support import (
    NO_SHARED,
    SHARED_V6,
    TMK,
    TRADEMARK_XSD,
    child_command,
    results,
    st9x,
)

from st9x.corpus.bag import iter_records, read_layout
from st9x.corpus.synth.bag import PLANTED, cached_bag

pytestmark = [
    pytest.mark.needs_shared,
    pytest.mark.skipif(not SHARED_V6.is_dir(), reason=NO_SHARED),
]

#: The peak resident memory a 100 MB bulk run must stay under (its target is whatever the size).
RSS_LIMIT_MB = 400


@pytest.fixture(scope="module")
def small_bag() -> Path:
    return cached_bag(TRADEMARK_XSD, f"{TMK}TrademarkBag", 2_000_000, distinct=2,
                      invalid_every=6)


def test_trademarks_judged_with_unique_ids_and_located_errors(
    small_bag: Path, tmp_path: Path
) -> None:
    for workers in ("1", "2"):
        assert st9x("validate-bulk", small_bag, "--schema", TRADEMARK_XSD, "--out",
                    tmp_path / workers, "--workers", workers, "--chunk-mb", "0.3",
                    "--quiet") == 1
    records = results(tmp_path / "1")[1]
    assert results(tmp_path / "2")[1] == records
    assert len(records) == sum(1 for _ in iter_records(read_layout(small_bag))) > 20
    assert len({r["id"] for r in records}) == len(records)
    data = small_bag.read_bytes()
    for record in records:
        planted = record["index"] % 6 == 5
        assert record["verdict"] == ("invalid" if planted else "valid")
        if planted:
            at = data.index(PLANTED.encode(), record["offset"])
            assert record["errors"][0]["line"] == data.count(b"\n", 0, at) + 1


@pytest.mark.bulk_rss
def test_a_100_mb_bag_in_bounded_memory(tmp_path: Path) -> None:
    """The peak RSS of a child ``st9x validate-bulk`` (and its pool workers) on a 100 MB
    TrademarkBag, read by a wrapper process from ``RUSAGE_CHILDREN`` so no earlier child of
    this test session counts; every record must have been judged. No time is asserted."""
    bag = cached_bag(TRADEMARK_XSD, f"{TMK}TrademarkBag", 100_000_000)
    out = tmp_path / "o"
    command = child_command("validate-bulk", bag, "--schema", TRADEMARK_XSD, "--out", out,
                            "--workers", "2", "--quiet", "--format", "json")
    wrapper = (
        "import json, resource, subprocess, sys\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(json.dumps({'code': done.returncode, 'peak_kb': peak, 'out': done.stdout,"
        " 'err': done.stderr}))\n"
    )
    measured = subprocess.run([sys.executable, "-c", wrapper, *command], capture_output=True,
                              text=True, check=True, stdin=subprocess.DEVNULL)
    report = json.loads(measured.stdout)
    assert report["code"] == 0, report["err"]
    summary = json.loads(report["out"])
    expected = sum(1 for _ in iter_records(read_layout(bag)))
    assert summary["records"] == expected == summary["counts"]["valid"] > 1000
    assert results(out)[2] is not None
    assert report["peak_kb"] / 1024 < RSS_LIMIT_MB, f"peak RSS {report['peak_kb'] / 1024:.0f} MB"
