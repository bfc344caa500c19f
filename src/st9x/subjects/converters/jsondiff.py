"""The first difference between two JSON documents, for comparing a converted instance with its
hand-written twin. Numbers compare by value (``Decimal("1.0") == 1``) because the twin is read
with exact decimals and the converter may write integers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def first_difference(a: Any, b: Any, pointer: str = "") -> str | None:
    """``None`` when equal, else ``pointer: a-value != b-value`` at the first difference."""
    if _number(a) and _number(b):
        return None if Decimal(str(a)) == Decimal(str(b)) else f"{pointer or '/'}: {a} != {b}"
    if type(a) is not type(b):
        return f"{pointer or '/'}: {_short(a)} != {_short(b)}"
    if isinstance(a, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a:
                return f"{pointer}/{key}: missing != {_short(b[key])}"
            if key not in b:
                return f"{pointer}/{key}: {_short(a[key])} != missing"
            found = first_difference(a[key], b[key], f"{pointer}/{key}")
            if found:
                return found
        return None
    if isinstance(a, list):
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            found = first_difference(x, y, f"{pointer}/{i}")
            if found:
                return found
        if len(a) != len(b):
            return f"{pointer or '/'}: {len(a)} items != {len(b)} items"
        return None
    return None if a == b else f"{pointer or '/'}: {_short(a)} != {_short(b)}"
