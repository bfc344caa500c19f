"""``st9x serve-reference``: the fault list, bad command lines, and a real run in a subprocess
(which is offline like every st9x command, so this also shows the server needs no exemption)."""

from __future__ import annotations

import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

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


class Served:
    """A running ``st9x serve-reference``: its stdout and stderr read by threads, line by line
    (a pipe read with a timeout would lose lines already in its buffer)."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.lines: queue.Queue[str] = queue.Queue()
        self.out: list[str] = []
        self.err: list[str] = []
        self.readers = [threading.Thread(target=self._read, args=(process.stdout, self.out),
                                         daemon=True),
                        threading.Thread(target=self._read, args=(process.stderr, self.err),
                                         daemon=True)]
        for reader in self.readers:
            reader.start()

    def _read(self, stream: IO[str] | None, into: list[str]) -> None:
        assert stream is not None
        for line in stream:
            into.append(line)
            if into is self.out:
                self.lines.put(line)

    def started(self) -> str:
        """The base URL, once the command has printed its start-up lines."""
        deadline = time.monotonic() + STARTED
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                if self.process.poll() is not None:
                    break
                continue
            if line.startswith("Ctrl-C stops it"):
                return "".join(self.out).split(" at ", 1)[1].split()[0]
        pytest.fail(f"not started; stdout: {self.out!r}; stderr: {self.err!r}")

    def finish(self, timeout: float = 60.0) -> tuple[int, str, str]:
        """Wait for the command to end: its exit code, stdout and stderr."""
        code = self.process.wait(timeout=timeout)
        for reader in self.readers:
            reader.join(timeout)
        return code, "".join(self.out), "".join(self.err)


@contextmanager
def _serve(*argv: str) -> Iterator[Served]:
    process = subprocess.Popen([*_program(), "serve-reference", *argv], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=dict(os.environ))
    try:
        yield Served(process)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)


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
    with _serve("--port", str(port), "--fault", "verbs-in-paths") as served:
        url = served.started()
        assert url == f"http://127.0.0.1:{port}"
        document = call(f"{url}/openapi.json").json()
        assert "/v1/getTrademarks" in document["paths"]
        assert call(f"{url}/v1/getTrademarks?limit=1").status == 200
        served.process.send_signal(signal.SIGTERM)
        code, out, err = served.finish()
    assert code == 0, err
    assert f"OpenAPI document: {url}/openapi.json" in out and out.endswith("stopped\n")
    assert not port_open(url)


def test_the_fault_free_command_serves_the_committed_document() -> None:
    with _serve("--port", "0") as served:
        url = served.started()
        assert call(f"{url}/openapi.json").json() == yaml.safe_load(
            OPENAPI_PATH.read_text(encoding="utf-8"))
        served.process.send_signal(signal.SIGINT)
        code, _out, err = served.finish()
    assert code == 0, err


def test_a_port_in_use_exits_1_with_one_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with _serve("--port", str(port)) as served:
            code, out, err = served.finish(120)
    assert code == 1 and "OpenAPI" not in out
    lines = err.strip().splitlines()
    assert len(lines) == 1 and f"127.0.0.1:{port}" in lines[0], err
