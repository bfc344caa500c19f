"""``st9x serve-reference``: the fault list, bad command lines, and a real run in a subprocess
(which is offline like every st9x command, so this also shows the server needs no exemption)."""

from __future__ import annotations

import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

from st9x.cli import main
from st9x.subjects.apis.reference import FAULTS, OPENAPI_PATH

from .refapi_http import call, port_open

STARTED = 60.0  # seconds to wait for the URLs: generous, a loaded machine is slow to import


def _program() -> list[str]:
    beside = Path(sys.executable).with_name("st9x")
    found = str(beside) if beside.is_file() else shutil.which("st9x")
    if found:
        return [found]
    return [sys.executable, "-c", "import sys; from st9x.cli import main; sys.exit(main())"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _first_url(process: subprocess.Popen[str]) -> str:
    """The base URL the command prints first, or a failure with what it printed instead."""
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + STARTED
    while time.monotonic() < deadline:
        if selector.select(timeout=0.5):
            line = process.stdout.readline()
            if " at http://" in line:
                return line.rsplit(" at ", 1)[1].strip()
            if not line and process.poll() is not None:
                break
    process.kill()
    pytest.fail(f"no URL printed; stderr: {process.communicate(timeout=30)[1][-2000:]}")


@contextmanager
def _serve(*argv: str) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen([*_program(), "serve-reference", *argv], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=dict(os.environ))
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=30)


def test_list_faults_names_every_fault(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve-reference", "--list-faults"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in FAULTS)


@pytest.mark.parametrize(("argv", "says"), [
    (["--fault", "no-such-fault"], "no-such-fault"),
    (["--host", "example.org"], "numeric IP address"),
    (["--port", "70000"], "65535"),
])
def test_a_bad_command_line_exits_2_with_one_line(
    argv: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve-reference", *argv]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and says in err[0]


def test_serves_until_sigterm_then_closes_the_port() -> None:
    port = _free_port()
    with _serve("--port", str(port), "--fault", "verbs-in-paths") as process:
        url = _first_url(process)
        assert url == f"http://127.0.0.1:{port}"
        served = call(f"{url}/openapi.json").json()
        assert "/v1/getTrademarks" in served["paths"]
        assert call(f"{url}/v1/getTrademarks?limit=1").status == 200
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert f"OpenAPI document: {url}/openapi.json" in out and "stopped" in out
    assert not port_open(url)


def test_the_fault_free_command_serves_the_committed_document() -> None:
    with _serve("--port", "0") as process:
        url = _first_url(process)
        assert call(f"{url}/openapi.json").json() == yaml.safe_load(
            OPENAPI_PATH.read_text(encoding="utf-8"))
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=60)
    assert process.returncode == 0


def test_a_port_in_use_exits_1_with_one_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with _serve("--port", str(port)) as process:
            out, err = process.communicate(timeout=120)
    assert process.returncode == 1 and "OpenAPI" not in out
    lines = err.strip().splitlines()
    assert len(lines) == 1 and f"127.0.0.1:{port}" in lines[0], err
