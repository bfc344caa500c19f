"""Text that st9x writes: strings made safe for UTF-8 writers, in one place, because a file name
on disk need not be UTF-8 and becomes part of ids, messages and records."""

from __future__ import annotations

import re
from typing import Any


def writable(value: Any) -> Any:
    """``value`` with every string made encodable as UTF-8: a file name that is not UTF-8
    arrives as a surrogate-escaped string, which orjson (and any UTF-8 writer) refuses; it is
    kept readable as ``\\udcff`` instead of ending the run (F2)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-8", "backslashreplace").decode("utf-8")
        return value
    if isinstance(value, dict):
        return {writable(k): writable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [writable(v) for v in value]
    return value


def printable(name: str) -> str:
    """``name`` (a file name, or an id made from one) with every character that a terminal, a
    Markdown table or a results line would not show as itself written as an escape: ``\\\\`` for
    a backslash, ``\\xNN``, ``\\uNNNN`` or ``\\UNNNNNNNN`` for a line break, a control
    character, a bidirectional override, a lone surrogate (a name that is not UTF-8), a space
    other than U+0020. Backslashes are escaped too, so the result is unambiguous: two names never
    share one printable form, and :func:`unprintable` gives the name back.

    Every id made from a file name goes through here, and only here, so a name cannot end a
    row, a record or a console line, nor make one id look like another."""
    if name.isprintable() and "\\" not in name:
        return name
    return "".join(_escape(c) if c == "\\" or not c.isprintable() else c for c in name)


_ESCAPED = re.compile(r"\\(?:(\\)|x([0-9a-f]{2})|u([0-9a-f]{4})|U([0-9a-f]{8}))")


def unprintable(text: str) -> str:
    """The name that :func:`printable` made ``text`` from."""

    def back(match: re.Match[str]) -> str:
        if match.group(1):
            return "\\"
        return chr(int(match.group(2) or match.group(3) or match.group(4), 16))

    return _ESCAPED.sub(back, text)


def flatten(text: str) -> str:
    """Prose on one line: line breaks and tabs folded into one space (each line stripped, empty
    lines dropped) and any other character a terminal would not show as itself escaped as
    :func:`printable` does; backslashes are kept, since a message is read, not parsed back.

    A record, an error and a console line hold one line per problem, and a raw parser message
    (or a file name quoted in it) may span several or carry terminal escapes."""
    lines = str(text).replace("\t", " ").splitlines()
    folded = " ".join(part.strip() for part in lines if part.strip())
    if folded.isprintable():
        return folded
    return "".join(c if c.isprintable() else _escape(c) for c in folded)


def flatten_values(value: Any) -> Any:
    """``value`` with every string (keys included) that is not already one printable line made
    one by :func:`flatten`: the form every record takes before it is written or shown. Printable
    strings, ids among them, are left exactly as they are."""
    if isinstance(value, str):
        return value if value.isprintable() else flatten(value)
    if isinstance(value, dict):
        return {flatten_values(k): flatten_values(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [flatten_values(v) for v in value]
    return value


def _escape(char: str) -> str:
    if char == "\\":
        return "\\\\"
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"
