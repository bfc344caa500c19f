"""Reading JSON instances and schemas strictly, with errors that name file, line and column.

JSON is read with the standard library because it can be made strict where orjson cannot: a
duplicate key (whose meaning differs between parsers, so validators may judge different data)
and the non-JSON constants NaN and Infinity are refused instead of silently accepted. So are,
for the same reason, a number too large for a double (``1e400``: Python reads infinity,
jsonschema-rs null) and a string holding a lone surrogate (``"\\ud800"``: not Unicode text;
RFC 8259 calls the behaviour of such strings unpredictable, and jsonschema-rs raises on them).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

from st9x.errors import InstanceError, SchemaError
from st9x.filelimit import read_limited


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key!r}")
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        shown = text if len(text) <= 40 else text[:37] + "..."
        raise ValueError(f"the number {shown} is too large for a double")
    return value


_SURROGATE = re.compile("[\ud800-\udfff]")


def _lone_surrogate(document: Any) -> str | None:
    """The first string (value or key) holding a surrogate code point, which only a lone
    ``\\uD800``-style escape can produce (a pair decodes to one character)."""
    pending = [document]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            found = _SURROGATE.search(item)
            if found:
                return found.group()
        elif isinstance(item, dict):
            pending.extend(item)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return None


def load_json(path: Path, error: type[InstanceError] | type[SchemaError] = InstanceError) -> Any:
    try:
        data = read_limited(path, error)  # a file over the size limit is refused unread
    except OSError as exc:
        raise error(f"cannot read: {exc.strerror or exc}", path=path) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise error(
            f"not UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start}", path=path, line=line
        ) from None
    if text.startswith("\ufeff"):
        raise error("starts with a byte order mark, which JSON forbids", path=path, line=1)
    try:
        document = json.loads(
            text,
            object_pairs_hook=_no_duplicates,
            parse_constant=_no_constant,
            parse_float=_finite,
        )
    except json.JSONDecodeError as exc:
        raise error(
            f"not valid JSON: {exc.msg}", path=path, line=exc.lineno, column=exc.colno
        ) from None
    except ValueError as exc:
        raise error(f"not valid JSON: {exc}", path=path) from None
    except RecursionError:
        raise error("not readable: nesting too deep", path=path) from None
    if "\\u" in text:  # only an escape can give a lone surrogate
        surrogate = _lone_surrogate(document)
        if surrogate is not None:
            raise error(
                f"not valid JSON text: a string holds the lone surrogate U+{ord(surrogate):04X}",
                path=path,
            )
    return document
