"""Markdown building blocks shared by every rendered report: one table function and one escaper
for each place a value can go (a table cell, running text, a code span), so that no renderer can
forget to keep a value on its row or let it become markup.

Every value a report shows may come from a user's file: a case id made from a file name, a
validator's message quoting the document, a results file handed to ``st9x report``. So every
value is escaped, not only those that look dangerous: line breaks are folded, HTML is written as
entities (a ``<img onerror=…>`` is text, never a tag), and the characters Markdown gives a
meaning (``|`` ``\\`` `````` ``*`` ``_`` ``[`` ``]`` ``~``, a ``#`` or list marker at the start)
are backslash-escaped. Ordinary ids and messages come out unchanged, so the raw file still reads
well on a terminal and in a diff.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from st9x.text import flatten

_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# characters with a meaning anywhere in a line; ``_`` is handled apart (see _underscores)
_SPECIAL = re.compile(r"[\\`*\[\]~|&<>]")
# a run of underscores can open or close emphasis unless it sits inside a word
_UNDERSCORES = re.compile(r"_+")
# at the start of running text: a heading, a list item, a setext underline
_LEADING = re.compile(r"^(#{1,6}|[+-]|\d{1,9}[.)])(?= |$)|^(=+)$")
# what a code span can hold as itself: no backtick (it would end the span), no HTML
_CODE_SAFE = re.compile(r"[^`<>&|]*")


def text(value: object) -> str:
    """``value`` as one line of running text that renders as exactly these characters."""
    line = flatten(str(value))
    line = _SPECIAL.sub(lambda m: _ENTITIES.get(m.group(), "\\" + m.group()), line)
    line = _UNDERSCORES.sub(_underscores, line)
    return _LEADING.sub(_leading, line)


def cell(value: object) -> str:
    """A value as one table cell: escaped as :func:`text`, ``|`` included, so a message or a
    file name cannot end the row or the table."""
    return text(value)


def code(value: object) -> str:
    """A value as inline code: a plain span when its characters need no escaping (ids and
    paths, as before), else ``<code>`` around the escaped text, since nothing can be escaped
    inside a backtick span and a backtick or ``<`` from a file name must stay text."""
    line = flatten(str(value))
    if line and line.strip() == line and _CODE_SAFE.fullmatch(line):
        return f"`{line}`"
    return f"<code>{text(line)}</code>"


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    """The lines of a Markdown table."""
    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines


def _leading(match: re.Match[str]) -> str:
    """A block marker at the start made text: ``\\#``, ``\\-``, ``1\\.`` (a digit cannot
    be escaped, the dot after it can)."""
    marker = match.group()
    if marker[0].isdigit():
        return marker[:-1] + "\\" + marker[-1]
    return "\\" + marker


def _underscores(match: re.Match[str]) -> str:
    """A run of ``_`` between two letters or digits (``TrademarkApplication_V6_0``) cannot be
    emphasis and is kept as it is; any other is escaped."""
    whole, start, end = match.string, match.start(), match.end()
    inside = start > 0 and end < len(whole) and whole[start - 1].isalnum() and whole[end].isalnum()
    return match.group() if inside else "\\_" * (end - start)
