"""The validate-bulk progress bar: on a terminal it shows records/s and MB/s; ``--quiet`` or a
stderr that is not a terminal shows none (the output stays clean in CI logs)."""

from __future__ import annotations

import os
import pty
import subprocess
from pathlib import Path

import pytest
from tests.bulk.bulkcli_support import DESIGN_XSD, child_command, design_bag


@pytest.fixture(scope="module")
def bag(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return design_bag(tmp_path_factory.mktemp("bags") / "designs.xml", 2_000_000)


def _stderr_on_a_terminal(bag: Path, out: Path, *extra: str) -> str:
    """Run validate-bulk with its stderr on a pseudo-terminal; what the terminal received."""
    leader, follower = pty.openpty()
    command = child_command("validate-bulk", bag, "--schema", DESIGN_XSD, "--out", out,
                            "--workers", "1", "--chunk-mb", "0.01", *extra)
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "160"}
    env.pop("CI", None)
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=follower, env=env)
    os.close(follower)
    received = b""
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        received += data
    os.close(leader)
    assert process.wait() == 0
    return received.decode(errors="replace")


def test_the_bar_shows_records_and_megabytes_per_second(bag: Path, tmp_path: Path) -> None:
    shown = _stderr_on_a_terminal(bag, tmp_path / "o")
    assert "st9x validate-bulk" in shown
    assert "records/s" in shown and "MB/s" in shown


def test_quiet_shows_no_bar(bag: Path, tmp_path: Path) -> None:
    assert "records/s" not in _stderr_on_a_terminal(bag, tmp_path / "o", "--quiet")


def test_no_bar_when_stderr_is_not_a_terminal(bag: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        child_command("validate-bulk", bag, "--schema", DESIGN_XSD, "--out", tmp_path / "o",
                      "--workers", "1", "--chunk-mb", "0.01"),
        capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False,
    )
    assert done.returncode == 0 and done.stderr == ""
    assert "records (" in done.stdout
