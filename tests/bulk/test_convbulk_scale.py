"""Bulk conversion at scale: memory stays bounded on a bag of 64 MB (no timing is asserted),
and the JSON Lines planner cuts exactly at line boundaries."""

from __future__ import annotations

import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import pytest

from bulk.convbulk_bags import CORE_XSD, ST9X, TMK, big_core_bag
from st9x.corpus.jsonlines import LineChunk, iter_lines, plan_line_chunks
from st9x.errors import InstanceError

#: The bound on the peak resident memory of a bulk conversion, whatever the input's size.
RSS_BOUND_MB = 400

_MEASURE = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True)
sys.stderr.buffer.write(done.stderr)
print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def _peak_kb(*command: str | Path) -> tuple[int, int]:
    """Run ``command`` from a fresh interpreter, so its peak RSS is the only child's there."""
    done = subprocess.run([sys.executable, "-c", _MEASURE, *map(str, command)],
                          capture_output=True, text=True, timeout=1200)
    code, peak = done.stdout.split()
    return int(code), int(peak)


def test_a_64_mb_bag_converts_both_ways_in_bounded_memory(tmp_path: Path) -> None:
    bag = big_core_bag(64)
    jsonl, back = tmp_path / "big.jsonl", tmp_path / "big.xml"
    code, peak = _peak_kb(ST9X, "convert-bulk", bag, "--schema", CORE_XSD, "--to", "json",
                          "--out", jsonl, "--workers", "1", "--quiet")
    assert code == 0
    assert peak < RSS_BOUND_MB * 1024, f"XML -> JSON peaked at {peak // 1024} MB"
    assert jsonl.stat().st_size > 16 << 20
    code, peak = _peak_kb(ST9X, "convert-bulk", jsonl, "--schema", CORE_XSD, "--to", "xml",
                          "--out", back, "--record", f"{{{TMK}}}TrademarkApplication",
                          "--workers", "1", "--quiet")
    assert code == 0
    assert peak < RSS_BOUND_MB * 1024, f"JSON -> XML peaked at {peak // 1024} MB"
    assert back.read_bytes().count(b"\n<tmk:TrademarkApplication ") == \
        jsonl.read_bytes().count(b"\n")


def _lines(path: Path, chunks: list[LineChunk]) -> list[tuple[int, int, bytes]]:
    return [item for chunk in chunks for item in iter_lines(path, chunk)]


@pytest.mark.parametrize("chunk_bytes", [1, 7, 64, 1000, 1 << 20])
def test_line_chunks_read_exactly_what_one_reader_reads(tmp_path: Path, chunk_bytes: int,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import st9x.corpus.jsonlines as jsonlines

    monkeypatch.setattr(jsonlines, "READ_SIZE", 50)  # chunks cut across read blocks
    lines = [b'{"n": %d, "pad": "%s"}' % (n, b"x" * (n % 23)) for n in range(300)]
    lines[10] = lines[11] = b""  # blank lines are no records but count as lines
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\n".join(lines))  # no final line feed
    chunks = list(plan_line_chunks(path, chunk_bytes))
    assert chunks[0].start == 0 and chunks[-1].end == path.stat().st_size
    assert all(a.end == b.start for a, b in pairwise(chunks))
    data = path.read_bytes()
    expected, offset = [], 0
    for number, text in enumerate(lines, 1):
        if text:
            expected.append((number, offset, text))
        offset += len(text) + 1
    assert _lines(path, chunks) == expected
    for line, at, text in expected:
        assert data[at : at + len(text)] == text and data.count(b"\n", 0, at) + 1 == line


def test_a_line_longer_than_the_bound_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"a": 1}\n' + b"x" * 5000 + b"\n")
    with pytest.raises(InstanceError, match="longer than"):
        list(plan_line_chunks(path, 10, max_line=1000))
