"""Running ``st9x lint`` in-process with the tests' own rule tables, for the CLI tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from st9x.cli import main
from st9x.rules import st96, st97

from .lintcore_tables import JSON_RULES, XSD_RULES


@pytest.fixture
def test_tables(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The installed linters run the tests' own tables (the project's may hold anything)."""
    monkeypatch.setattr(st96, "RULES", XSD_RULES)
    monkeypatch.setattr(st97, "RULES", JSON_RULES)
    yield


def lint(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["lint", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err
