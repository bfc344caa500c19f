"""Where a JSON → XML conversion is, as a JSON pointer built only when it fails.

The JSON → XML walk passes the location of every value down, but reads it only to report an
error, so the pointer is a chain of tuples (:data:`Where`) instead of a string per value; the
errors and the typed-text encoding that report against it live here with it.
"""

from __future__ import annotations

from typing import Any

from st9x.st97 import simple as simple_mod
from st9x.st97.errors import ConversionError
from st9x.st97.xmlchars import describe

# A JSON pointer, built lazily because it is only read when a conversion fails: a string, or
# (parent, "/name", None) → parent + "/name", (parent, "/local", n) → parent + "/local[n]",
# (parent, "/", i) → parent + "/i" (an array index).
Where = str | tuple[Any, str, int | None]


def pointer(where: Where) -> str:
    """The text of a lazy JSON pointer (see :data:`Where`)."""
    parts: list[str] = []
    while not isinstance(where, str):
        where, segment, n = where
        if n is None:
            parts.append(segment)
        elif segment == "/":
            parts.append(f"/{n}")
        else:
            parts.append(f"{segment}[{n}]")
    return where + "".join(reversed(parts))


def token(key: str) -> str:
    """A member name as a JSON pointer segment (wildcard names hold ``/`` and ``~``)."""
    return "/" + key.replace("~", "~0").replace("/", "~1")


def fail(where: Where, message: str) -> ConversionError:
    """The error for the value at ``where`` (the caller raises it); the pointer is written
    printable, as member names may hold any character."""
    return ConversionError(message, where=describe(pointer(where)))


def encode(where: Where, value: Any, st: Any) -> str:
    """The lexical form of ``value`` in simple type ``st``, or the error at ``where``."""
    try:
        return simple_mod.encode(value, st)
    except simple_mod.ValueProblem as exc:
        raise fail(where, str(exc)) from None
