"""The option table both front ends are built from: ``st9x run`` and the pytest plugin expose
every shared option, each with its own flag, type and default, and read the same values."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from st9x.cli import _parser
from st9x.engine.limits import DEFAULT_MAX_ERRORS, DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT
from st9x.options import SHARED, SHARED_OPTIONS, FrontEnd, SharedOption, value_from_pytest

# one value per option, given on the command line of each front end
GIVEN: dict[str, tuple[list[str], Any]] = {
    "corpus": (["c1", "c2"], ["c1", "c2"]),
    "adapter": (["lxml"], ["lxml"]),
    "tag": (["smoke"], ["smoke"]),
    "ledger": (["known.json"], Path("known.json")),
    "external": (["ext.toml"], [Path("ext.toml")]),
    "in_process": ([], None),  # a switch: the value is the opposite of the default
    "expect": (["unknown"], "unknown"),
    "timeout": (["2.5"], 2.5),
    "memory_mb": (["512"], 512),
    "max_errors": (["5"], 5),
}


def _argv(option: SharedOption, flags: tuple[str, ...]) -> list[str]:
    values, _ = GIVEN[option.dest]
    if not values:
        return [flags[0]]
    return [arg for value in values for arg in (flags[0], value)]


def _expected(option: SharedOption, front_end: FrontEnd) -> Any:
    _, value = GIVEN[option.dest]
    return not option.default_for(front_end) if option.type is bool else value


def test_the_table_names_every_shared_option_once() -> None:
    assert set(GIVEN) == set(SHARED)
    assert len(SHARED) == len(SHARED_OPTIONS)
    for option in SHARED_OPTIONS:
        assert option.cli and option.pytest, option.dest
        assert option.pytest_dest == f"st9x_{option.dest}"
    # pytest-timeout owns --timeout under pytest
    assert SHARED["timeout"].pytest == ("--case-timeout",)


def test_st9x_run_exposes_every_option_with_its_defaults() -> None:
    defaults = _parser().parse_args(["run"])
    assert defaults.corpus == defaults.adapter == defaults.tag == defaults.external == []
    assert defaults.ledger is None
    assert defaults.in_process is False
    assert defaults.timeout == DEFAULT_TIMEOUT
    assert defaults.memory_mb == DEFAULT_MEMORY_MB
    assert defaults.max_errors == DEFAULT_MAX_ERRORS
    for option in SHARED_OPTIONS:
        args = _parser().parse_args(["run", *_argv(option, option.cli)])
        assert getattr(args, option.dest) == _expected(option, "cli"), option.dest


def test_repeatable_defaults_are_not_shared_between_parses() -> None:
    first = _parser().parse_args(["run", "--tag", "a"])
    second = _parser().parse_args(["run"])
    assert first.tag == ["a"] and second.tag == []
    assert SHARED["tag"].default == ()


def test_the_pytest_plugin_exposes_every_option_with_its_defaults(
    pytestconfig: pytest.Config,
) -> None:
    # this session has the plugin (pytest11 entry point) and was started without st9x options
    assert value_from_pytest(pytestconfig, "in_process") is False  # bounded by default
    assert value_from_pytest(pytestconfig, "memory_mb") == DEFAULT_MEMORY_MB
    assert value_from_pytest(pytestconfig, "timeout") == DEFAULT_TIMEOUT
    assert value_from_pytest(pytestconfig, "max_errors") == DEFAULT_MAX_ERRORS


def test_the_pytest_plugin_reads_every_flag(tmp_path: Path) -> None:
    """A pytest session given every shared flag reports the values the plugin read."""
    (tmp_path / "conftest.py").write_text(
        "import json\n"
        "from st9x.options import SHARED, value_from_pytest\n\n"
        "def pytest_configure(config):\n"
        "    values = {dest: value_from_pytest(config, dest) for dest in SHARED}\n"
        "    print('ST9X-OPTIONS ' + json.dumps(values, default=str))\n",
        encoding="utf-8",
    )
    argv = [arg for option in SHARED_OPTIONS for arg in _argv(option, option.pytest)]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-s", "--co", *argv],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )
    line = next(
        (x for x in done.stdout.splitlines() if x.startswith("ST9X-OPTIONS ")),
        None,
    )
    assert line is not None, done.stdout + done.stderr
    values = json.loads(line.removeprefix("ST9X-OPTIONS "))
    for option in SHARED_OPTIONS:
        expected = _expected(option, "pytest")
        if isinstance(expected, Path):
            expected = str(expected)
        elif isinstance(expected, list):
            expected = [str(v) for v in expected]
        assert values[option.dest] == expected, option.dest
    assert values["in_process"] is True  # --in-process
