"""``st9x run --executor dask``: the run's records from a Dask cluster equal the local ones."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import distributed

St9x = Callable[..., subprocess.CompletedProcess[str]]

RUN = ("run", "--corpus", "st96-core", "--adapter", "lxml", "--converter", "none", "--quiet")


def _records(out: Path) -> list[dict[str, Any]]:
    """Every record of the run's results files, in a stable order, less what a clock says."""
    found = []
    for name in ("results.jsonl", "lint.jsonl"):
        for line in (out / name).read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if record["type"] in ("header", "footer"):
                continue
            record.pop("times", None)  # a validation's timings
            record.pop("seconds", None)  # a lint's
            found.append(record)
    return sorted(found, key=lambda r: json.dumps(r, sort_keys=True))


def test_the_dask_executor_writes_the_local_records(
    dask_client: distributed.Client, tmp_path: Path, st9x: St9x
) -> None:
    address = dask_client.scheduler.address
    local = st9x(*RUN, "--workers", "2", "--out", str(tmp_path / "local"))
    assert local.returncode == 0, local.stderr
    dask = st9x(*RUN, "--executor", "dask", "--scheduler", address,
                "--out", str(tmp_path / "dask"))
    assert dask.returncode == 0, dask.stderr
    records = _records(tmp_path / "dask")
    assert len(records) > 100
    assert records == _records(tmp_path / "local")
    header = json.loads((tmp_path / "dask" / "results.jsonl").open().readline())
    assert header["selection"]["executor"] == "dask"
    assert header["selection"]["scheduler"] == address


def test_a_scheduler_that_is_not_there_is_one_usage_error(tmp_path: Path, st9x: St9x) -> None:
    address = "tcp://127.0.0.1:9"  # the discard port: nothing listens on the loopback
    done = st9x(*RUN, "--executor", "dask", "--scheduler", address, "--out", str(tmp_path))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in lines[0]
    assert not (tmp_path / "results.jsonl").exists()


def test_a_malformed_scheduler_address_is_a_usage_error(tmp_path: Path, st9x: St9x) -> None:
    done = st9x(*RUN, "--executor", "dask", "--scheduler", "udp://127.0.0.1:8786",
                "--out", str(tmp_path))
    assert done.returncode == 2
    assert "not a Dask scheduler address" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_executor_options_that_do_not_go_together(tmp_path: Path, st9x: St9x) -> None:
    alone = st9x(*RUN, "--executor", "dask", "--out", str(tmp_path))
    assert alone.returncode == 2 and "needs --scheduler" in alone.stderr
    local = st9x(*RUN, "--scheduler", "tcp://127.0.0.1:9", "--out", str(tmp_path))
    assert local.returncode == 2 and "only for --executor dask" in local.stderr
    both = st9x(*RUN, "--in-process", "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9",
                "--out", str(tmp_path))
    assert both.returncode == 2 and "--in-process" in both.stderr
