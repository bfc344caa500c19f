"""JSON text with exact decimals.

``xsd:decimal`` values are :class:`decimal.Decimal` in converted documents; neither ``json`` nor
``orjson`` writes a Decimal as a JSON *number*, and a float would round (``0.1 + 0.2`` …). We
let orjson write each Decimal as a marked string and then unquote the marks, which keeps orjson's
speed and the exact digits. Reading uses ``parse_float=Decimal`` for the same reason.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import orjson

from st9x.st97.errors import ConversionError
from st9x.st97.xmlchars import MAX_DEPTH

_MARK = "\x00st97dec:"
_MARKED = re.compile(r'"\\u0000st97dec:([-+0-9.eE]+)"')


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise TypeError(f"{value} has no JSON number form")
        return _MARK + format(value, "f")
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(document: Any, *, indent: bool = False) -> bytes:
    """Serialise a converted document; Decimals become JSON numbers with their exact digits."""
    option = orjson.OPT_INDENT_2 if indent else 0
    try:
        raw = orjson.dumps(document, default=_default,
                           option=option | orjson.OPT_PASSTHROUGH_SUBCLASS)
    except orjson.JSONEncodeError as exc:
        if "recursion" not in str(exc).lower():
            raise
        # orjson stops at 255 levels: an XML document this deep (generic content takes three
        # JSON levels per element) has no JSON form st9x can write; the JSON → XML direction
        # refuses the same depth (st9x.st97.xmlchars.MAX_DEPTH)
        raise ConversionError("the JSON form would be nested deeper than "
                              f"{MAX_DEPTH} levels, more than st9x writes") from None
    if b"st97dec:" not in raw:
        return raw
    return _MARKED.sub(lambda m: m.group(1), raw.decode("utf-8")).encode("utf-8")


def loads(data: str | bytes) -> Any:
    """Parse JSON keeping non-integer numbers as Decimal (exact), integers as int."""
    return json.loads(data, parse_float=Decimal)


def plain(document: Any) -> Any:
    """The same document with floats instead of Decimals, for libraries that only take plain
    Python JSON values (e.g. jsonschema_rs). Validation, not conversion, so rounding is fine."""
    return orjson.loads(dumps(document))
