"""A real Dask cluster on the loopback for the parallel tests: two worker processes (one
thread each) under nannies, which restart a worker that dies, as on a real cluster."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="session")
def dask_client() -> Iterator[distributed.Client]:
    """A client of a ``LocalCluster`` on 127.0.0.1 (no dashboard), for the whole session."""
    cluster = distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1",
        dashboard_address=None, worker_dashboard_address=None,
        # the scheduler's HTTP server (health, metrics) on a free loopback port, no dashboard
        scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
    )
    client = distributed.Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


Done = subprocess.CompletedProcess[str]


@pytest.fixture(scope="session")
def st9x() -> Callable[..., Done]:
    """``st9x(*argv)``: the command in a process of its own (st9x's commands refuse the network
    to their whole process, and the cluster's scheduler lives in this one)."""
    return _st9x


def _st9x(*argv: str, timeout: float = 300) -> Done:
    code = f"from st9x.cli import main; raise SystemExit(main({list(argv)!r}))"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=timeout, cwd=Path(__file__).resolve().parents[2])


def kill_busy_worker(client: distributed.Client, prefix: str) -> int | None:
    """SIGKILL (no goodbye) a worker process that is running a task whose key starts with
    ``prefix``, and return its pid; None when no worker is running one just now."""
    pids = client.run(os.getpid)
    for address, keys in client.processing().items():
        if any(str(key).startswith(prefix) for key in keys) and address in pids:
            os.kill(pids[address], signal.SIGKILL)
            return int(pids[address])
    return None
