"""The options ``st9x run`` and the pytest plugin share, declared once for both front ends.

The two front ends select and bound the same work (which corpora, adapters and tags, which
known-failures ledger, how cases are isolated), so they take the same options. Declaring them
here keeps their meaning, types and help from drifting apart; where a front end has its own
default or its own flag (``--case-timeout`` under pytest), the entry says so. Both bound the
cases they run (a worker process, a time-out, a memory limit) unless given ``--in-process``.
This module sits below both front ends and imports neither of them, nor pytest.

pytest keeps every option in one namespace shared by all installed plugins, so there the
destinations carry an ``st9x_`` prefix (:attr:`SharedOption.pytest_dest`): pytest-timeout, a
popular plugin, already owns ``timeout``. Read them with :func:`value_from_pytest`.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Literal, Protocol, TypeVar

from st9x.engine.limits import DEFAULT_MAX_ERRORS, DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT

T = TypeVar("T")
FrontEnd = Literal["cli", "pytest"]


@dataclass(frozen=True)
class PerFrontEnd(Generic[T]):
    """A value that differs between the two front ends (a default, or help for a flag that
    means the opposite on each)."""

    cli: T
    pytest: T


@dataclass(frozen=True)
class SharedOption:
    """One option of both front ends.

    ``type`` ``bool`` makes a switch: its flag stores the opposite of the front end's default,
    so one destination can be switched on where it is off by default and off where it is on.
    ``repeat`` makes the flag repeatable; its values are collected in a list (``default`` is
    then a tuple, copied into a fresh list for each parser).
    """

    dest: str
    cli: tuple[str, ...]
    pytest: tuple[str, ...]
    type: type
    help: str | PerFrontEnd[str]
    default: Any = None
    metavar: str | None = None
    repeat: bool = False
    choices: tuple[str, ...] | None = None

    @property
    def pytest_dest(self) -> str:
        return f"st9x_{self.dest}"

    def default_for(self, front_end: FrontEnd) -> Any:
        value = _pick(self.default, front_end)
        return list(value) if self.repeat else value

    def add_kwargs(self, front_end: FrontEnd) -> dict[str, Any]:
        """The keyword arguments of ``add_argument``/``addoption`` for one front end."""
        default = self.default_for(front_end)
        kwargs: dict[str, Any] = {"default": default, "help": _pick(self.help, front_end)}
        if self.type is bool:
            kwargs["action"] = "store_false" if default else "store_true"
            return kwargs
        kwargs.update(type=self.type, metavar=self.metavar)
        if self.choices:
            kwargs["choices"] = self.choices
        if self.repeat:
            kwargs["action"] = "append"
        return kwargs


def _pick(value: Any, front_end: FrontEnd) -> Any:
    return getattr(value, front_end) if isinstance(value, PerFrontEnd) else value


SHARED_OPTIONS: tuple[SharedOption, ...] = (
    SharedOption(
        dest="corpus",
        cli=("--corpus",),
        pytest=("--corpus",),
        type=str,
        repeat=True,
        default=(),
        metavar="PATH",
        help=PerFrontEnd(
            cli="corpus directory (with or without manifest.json) or embedded corpus id; "
            "repeatable; default: the embedded corpora",
            pytest="run these corpora (path or embedded id) instead of the suites' own",
        ),
    ),
    SharedOption(
        dest="adapter",
        cli=("--adapter",),
        pytest=("--adapter",),
        type=str,
        repeat=True,
        default=(),
        metavar="NAME",
        help="adapter to use; repeatable; default: every installed adapter",
    ),
    SharedOption(
        dest="tag",
        cli=("--tag",),
        pytest=("--tag",),
        type=str,
        repeat=True,
        default=(),
        metavar="T",
        help="only cases carrying tag T or breaking constraint kind T; repeatable",
    ),
    SharedOption(
        dest="expect",
        cli=("--expect",),
        pytest=("--expect",),
        type=str,
        default="valid",
        metavar="valid|unknown",
        choices=("valid", "unknown"),
        help="what the documents of a directory without a manifest are expected to be: valid "
        "(the default: an invalid or errored document breaks the run) or unknown (a survey: "
        "verdicts are shown, nothing breaks); an st9x-expect.toml in a directory overrides it",
    ),
    SharedOption(
        dest="ledger",
        cli=("--ledger",),
        pytest=("--ledger",),
        type=Path,
        metavar="FILE",
        help="known-failures ledger (default: known-failures.json of the project)",
    ),
    SharedOption(
        dest="external",
        cli=("--external",),
        pytest=("--external",),
        type=Path,
        repeat=True,
        default=(),
        metavar="FILE",
        help="TOML file describing external-command adapters ([adapter.NAME] tables; see README)",
    ),
    SharedOption(
        # both front ends bound the work they are given by default: in-process is the opt-out
        dest="in_process",
        cli=("--in-process",),
        pytest=("--in-process",),
        type=bool,
        default=False,
        help=PerFrontEnd(
            cli="run in this process: no isolation, no time-out, no memory limit (for "
            "debugging)",
            pytest="run each case in the pytest process: no time-out, no memory limit (for "
            "debugging; by default cases run in a worker process, kept for the session so "
            "that schemas compile once, killed after --case-timeout seconds)",
        ),
    ),
    SharedOption(
        dest="timeout",
        cli=("--timeout",),
        # not --timeout under pytest: the popular pytest-timeout plugin owns that flag
        pytest=("--case-timeout",),
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help="time-out of each case x adapter (of the whole conversion or corpus for convert "
        "and corpus), enforced by killing the worker process; the time it waits for a CPU is "
        f"not counted (default: {DEFAULT_TIMEOUT:g})",
    ),
    SharedOption(
        dest="memory_mb",
        cli=("--memory-mb",),
        pytest=("--memory-mb",),
        type=int,
        default=DEFAULT_MEMORY_MB,
        metavar="MB",
        help="address-space limit of each worker process; 0: none "
        f"(default: {DEFAULT_MEMORY_MB})",
    ),
    SharedOption(
        dest="max_errors",
        cli=("--max-errors",),
        pytest=("--max-errors",),
        type=int,
        default=DEFAULT_MAX_ERRORS,
        metavar="N",
        help="errors kept (and shown) per case x adapter; every error is still counted; 0: all "
        f"(default: {DEFAULT_MAX_ERRORS})",
    ),
)
SHARED = {option.dest: option for option in SHARED_OPTIONS}


class _PytestGroup(Protocol):
    def addoption(self, *opts: str, **attrs: Any) -> None: ...


class _PytestConfig(Protocol):
    def getoption(self, name: str, default: Any = ..., skip: bool = ...) -> Any: ...


def add_cli_options(parser: argparse.ArgumentParser, dests: Iterable[str] | None = None) -> None:
    """Add the shared options (every one, or those named in ``dests``) to a CLI parser."""
    for dest in SHARED if dests is None else dests:
        option = SHARED[dest]
        parser.add_argument(*option.cli, dest=option.dest, **option.add_kwargs("cli"))


def add_pytest_options(group: _PytestGroup) -> None:
    """Add every shared option to the pytest plugin's option group."""
    for option in SHARED_OPTIONS:
        group.addoption(*option.pytest, dest=option.pytest_dest, **option.add_kwargs("pytest"))


def value_from_pytest(config: _PytestConfig, dest: str) -> Any:
    """The value pytest parsed for a shared option; its pytest default when the option is not
    registered (a plugin loaded without the one that adds the options). Not named ``pytest_*``:
    pytest takes such names in a plugin module for hooks."""
    option = SHARED[dest]
    return config.getoption(option.pytest_dest, default=option.default_for("pytest"))
