"""Text that st9x writes: strings made safe for UTF-8 writers, in one place, because a file name
on disk need not be UTF-8 and becomes part of ids, messages and records."""

from __future__ import annotations

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
