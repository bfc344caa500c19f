"""Markdown building blocks shared by every rendered report: one table function, one cell
escaper, so that no renderer can forget to keep a cell on its row."""

from __future__ import annotations

from collections.abc import Sequence


def cell(value: object) -> str:
    """A value as one table cell: ``|`` escaped and line breaks folded, so a message or a file
    name cannot end the row or the table."""
    return " ".join(str(value).replace("|", "\\|").splitlines())


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    """The lines of a Markdown table."""
    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines
