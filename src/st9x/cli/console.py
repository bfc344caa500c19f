"""Where the commands print: two rich consoles (results on stdout, diagnostics on stderr) and the
helpers they share, so that every command prints errors, tables and JSON the same way.

``--format json`` makes a command print one JSON document on stdout and nothing else there, so
scripts can parse it; diagnostics still go to stderr.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import orjson
from rich.console import Console, JustifyMethod
from rich.table import Table
from rich.text import Text

from st9x.text import flatten


def _console(stderr: bool = False) -> Console:
    """A console that stays readable in CI logs: tables are not squeezed to 80 columns there.

    Emoji codes are off: rich replaces ``:name:`` even in text printed without markup, and a
    file name or a message is printed as it is, never as something else."""
    console = Console(stderr=stderr, highlight=False, soft_wrap=True, emoji=False)
    if not console.is_terminal:
        console = Console(stderr=stderr, highlight=False, soft_wrap=True, width=200, emoji=False)
    return console


out = _console()
err = _console(stderr=True)


def error(message: object) -> None:
    """One line on stderr, as every st9x error is reported."""
    err.print(f"st9x: error: {message}", markup=False)


def echo(text: str) -> None:
    """A plain line on stdout (no rich markup: paths and messages may hold brackets)."""
    out.print(text, markup=False)


def plain(value: object) -> Text:
    """A value as a table cell or a printed part that rich shows as these characters: a string
    given to rich is read as markup (``[red]``), a :class:`~rich.text.Text` is not. Line breaks
    and other characters a terminal would act on are folded or escaped first."""
    return Text(flatten(str(value)))


def print_table(
    title: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
    justify: Mapping[str, JustifyMethod] | None = None,
) -> None:
    """A table on stdout whose every cell is shown as it is (see :func:`plain`)."""
    table = Table(title=title)
    for column in columns:
        table.add_column(column, justify=(justify or {}).get(column, "left"))
    for row in rows:
        table.add_row(*(plain(cell) for cell in row))
    out.print(table)


def add_format_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text (default) for people, json for one JSON document on stdout",
    )


def print_json(document: Any) -> None:
    """One JSON document on stdout (sorted keys, indented); paths are written as strings."""
    data = orjson.dumps(document, default=str, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2)
    sys.stdout.write(data.decode() + "\n")
    sys.stdout.flush()
