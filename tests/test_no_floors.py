"""``st9x run --no-floors``: no instance is parsed a second time for the throughput floor."""

from __future__ import annotations

import json
from pathlib import Path

from st9x.cli import main


def _records(out: Path) -> list[dict[str, object]]:
    lines = (out / "results.jsonl").read_text(encoding="utf-8").splitlines()
    return [r for r in map(json.loads, lines) if r.get("type") == "record"]


def test_no_floors_leaves_the_floor_out_and_keeps_the_verdicts(tmp_path: Path) -> None:
    common = ["run", "--corpus", "st96-core", "--adapter", "lxml", "--in-process", "--quiet",
              "--converter", "none", "--lint", "none", "--tag", "trademark"]
    assert main([*common, "--out", str(tmp_path / "with")]) == 0
    assert main([*common, "--no-floors", "--out", str(tmp_path / "without")]) == 0
    with_floors, without = _records(tmp_path / "with"), _records(tmp_path / "without")
    assert with_floors and len(with_floors) == len(without)
    assert any(r["times"].get("parse_floor") for r in with_floors)  # type: ignore[attr-defined]
    assert not any("parse_floor" in r["times"] for r in without)  # type: ignore[operator]
    assert [(r["case"], r["verdict"]) for r in without] == [
        (r["case"], r["verdict"]) for r in with_floors
    ]


def test_a_file_changed_after_hashing_is_hashed_again(tmp_path: Path) -> None:
    """The digests kept per process are by the file's identity: a changed file is read again."""
    from st9x.engine.validation import file_sha256

    path = tmp_path / "a.xml"
    path.write_bytes(b"<a/>")
    first = file_sha256(path)
    assert file_sha256(path) == first
    path.write_bytes(b"<b/>")
    assert file_sha256(path) not in (None, first)
