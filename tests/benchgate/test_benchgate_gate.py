"""``st9x bench-gate`` on files a real pytest-benchmark run wrote (see conftest): a ratio to
the floor that grew beyond the threshold fails, a machine change gates ratios only, a file that
is not a benchmark run is refused on one line with exit 2, and a storage folder with a single
run has nothing to compare."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from tests.benchgate.conftest import bench, with_medians, write

from st9x.cli import main
from st9x.formats import check


def _gate(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """The gate with 30 % thresholds unless the test gives its own (the defaults follow the
    measured noise and may change)."""
    if "--ratio-fail" not in argv:
        argv = (*argv, "--ratio-fail", "30", "--median-fail", "30")
    code = main(["bench-gate", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _scaled(document: dict[str, Any], factor: float) -> dict[str, Any]:
    """Every median times ``factor``: a uniformly slower (or faster) machine."""
    doc = copy.deepcopy(document)
    for b in doc["benchmarks"]:
        b["stats"]["median"] *= factor
    return doc


def _other_machine(document: dict[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(document)
    doc["machine_info"]["cpu"]["brand_raw"] = "Another CPU 9000"
    return doc


def _base(saved_run: dict[str, Any]) -> dict[str, Any]:
    """The real run with round medians: floor 1 ms, its neighbour 4 ms (ratio 4)."""
    return with_medians(saved_run, test_floor=0.001, test_bigger=0.004,
                        test_json_parse_only=0.002, test_validate=0.006)


def test_the_real_run_has_what_the_gate_reads(saved_run: dict[str, Any]) -> None:
    check("benchmarks", saved_run, path="saved")
    assert bench(saved_run, "test_floor")["extra_info"] == {"floor": True}
    assert saved_run["machine_info"]["cpu"]["brand_raw"] is not None


def test_same_run_twice_passes(tmp_path: Path, saved_run: dict[str, Any],
                               capsys: pytest.CaptureFixture[str]) -> None:
    old = write(tmp_path / "old.json", _base(saved_run))
    code, out, _ = _gate(capsys, str(old), str(old))
    assert code == 0
    assert "same machine" in out and "0 regression(s)" in out


def test_ratio_regression_fails(tmp_path: Path, saved_run: dict[str, Any],
                                capsys: pytest.CaptureFixture[str]) -> None:
    old = write(tmp_path / "old.json", _base(saved_run))
    new = write(tmp_path / "new.json", with_medians(_base(saved_run), test_bigger=0.008))
    code, out, _ = _gate(capsys, str(old), str(new), "--ratio-fail", "30", "--median-fail", "30")
    assert code == 1
    regressions = [line for line in out.splitlines() if "REGRESSION" in line]
    assert any("sums / test_bigger: ratio to floor 4.000x -> 8.000x" in r for r in regressions)
    # the median of the same benchmark doubled too, on the same machine: gated as well
    assert any("test_bigger: median" in r for r in regressions)
    assert not any("test_validate" in r for r in regressions)


def test_change_within_threshold_passes(tmp_path: Path, saved_run: dict[str, Any],
                                        capsys: pytest.CaptureFixture[str]) -> None:
    old = write(tmp_path / "old.json", _base(saved_run))
    new = write(tmp_path / "new.json", with_medians(_base(saved_run), test_bigger=0.0048))
    code, _, _ = _gate(capsys, str(old), str(new), "--ratio-fail", "30", "--median-fail", "30")
    assert code == 0


def test_machine_change_gates_ratios_only(tmp_path: Path, saved_run: dict[str, Any],
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """A machine three times slower: every median tripled, every ratio the same. On the same
    machine that is a regression of every median; on another machine, none."""
    old = write(tmp_path / "old.json", _base(saved_run))
    slower = _scaled(_base(saved_run), 3.0)
    same = write(tmp_path / "same.json", slower)
    other = write(tmp_path / "other.json", _other_machine(slower))
    code, out, _ = _gate(capsys, str(old), str(same))
    assert code == 1 and "median" in out
    code, out, _ = _gate(capsys, str(old), str(other))
    assert code == 0, out
    assert "machine changed" in out and "Another CPU 9000" in out
    # and a ratio regression is still caught across machines
    worse = write(tmp_path / "worse.json",
                  _other_machine(with_medians(slower, test_validate=0.006 * 3 * 2)))
    code, out, _ = _gate(capsys, str(old), str(worse), "--format", "json")
    assert code == 1
    verdict = json.loads(out)
    check("bench-gate", verdict, path="stdout")
    assert verdict["same_machine"] is False
    assert {c["kind"] for c in verdict["changes"]} == {"ratio"}
    assert [c["name"] for c in verdict["changes"] if c["regressed"]] == ["test_validate"]


def test_floor_by_name_rule(tmp_path: Path, saved_run: dict[str, Any],
                            capsys: pytest.CaptureFixture[str]) -> None:
    """The ``named`` group marks no floor: its ``parse_only`` benchmark is the floor, so a
    slower parse-only floor makes the validator's ratio smaller (no regression) and the floor
    itself is never ratio-gated."""
    old = write(tmp_path / "old.json", _base(saved_run))
    new = write(tmp_path / "new.json",
                _other_machine(with_medians(_base(saved_run), test_json_parse_only=0.004)))
    code, out, _ = _gate(capsys, str(old), str(new), "--format", "json")
    assert code == 0
    names = {c["name"] for c in json.loads(out)["changes"]}
    assert "test_json_parse_only" not in names and "test_floor" not in names


@pytest.mark.parametrize("content", [b"{not json", b'{"benchmarks": [{"name": "x"}]}',
                                     b'{"benchmarks": []}', b"[]"])
def test_malformed_file_is_one_line_exit_2(tmp_path: Path, saved_run: dict[str, Any],
                                           capsys: pytest.CaptureFixture[str],
                                           content: bytes) -> None:
    good = write(tmp_path / "good.json", _base(saved_run))
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    code, out, err = _gate(capsys, str(good), str(bad))
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert str(bad) in err


def test_storage_with_one_run_compares_nothing(tmp_path: Path, saved_storage: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    storage = tmp_path / "storage"
    shutil.copytree(saved_storage, storage)
    code, out, _ = _gate(capsys, "--storage", str(storage))
    assert code == 0
    assert "no previous run" in out


def test_storage_compares_the_latest_two(tmp_path: Path, saved_storage: Path,
                                         saved_run: dict[str, Any],
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """Three runs in a storage folder: the oldest is ignored, the latest two are compared in
    the order of their recorded times (not of their names)."""
    (machine_dir,) = [p.name for p in saved_storage.iterdir()]
    storage = tmp_path / "storage" / machine_dir
    early, late = _base(saved_run), _base(saved_run)
    early["datetime"], late["datetime"] = "2030-01-01T00:00:00", "2030-01-02T00:00:00"
    regressed = with_medians(late, test_bigger=0.02)
    regressed["datetime"] = "2030-01-03T00:00:00"
    write(storage / "0003_a.json", early)  # oldest, despite its name
    write(storage / "0001_b.json", late)
    write(storage / "0002_c.json", regressed)
    code, out, _ = _gate(capsys, "--storage", str(storage.parent))
    assert code == 1
    assert "0002_c.json against" in out and out.count("0001_b.json") >= 1


def test_empty_storage_is_a_usage_error(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _gate(capsys, "--storage", str(tmp_path))
    assert code == 2 and "no saved run" in err
