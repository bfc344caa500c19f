"""XSD simple types: their JSON value space, and XML text ↔ JSON scalar conversion.

Values are typed from the XSD type, never guessed from the text: ``007`` in an ``xsd:string``
stays a string, in an ``xsd:integer`` it becomes ``7``. ``xsd:decimal`` values become
:class:`decimal.Decimal` (never ``float``) so ``12.50`` keeps its digits; :mod:`st9x.st97.jsonio`
writes them as JSON numbers verbatim. Dates, times and durations stay strings (JSON has no such
type); their XSD lexical form is enforced by a pattern in the compiled schema.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

XSD_NS = "http://www.w3.org/2001/XMLSchema"

INTEGER_BOUNDS: dict[str, tuple[int | None, int | None]] = {
    "integer": (None, None),
    "nonPositiveInteger": (None, 0),
    "negativeInteger": (None, -1),
    "nonNegativeInteger": (0, None),
    "positiveInteger": (1, None),
    "long": (-(2**63), 2**63 - 1),
    "int": (-(2**31), 2**31 - 1),
    "short": (-(2**15), 2**15 - 1),
    "byte": (-128, 127),
    "unsignedLong": (0, 2**64 - 1),
    "unsignedInt": (0, 2**32 - 1),
    "unsignedShort": (0, 2**16 - 1),
    "unsignedByte": (0, 255),
}
NUMBER_TYPES = {"decimal", "float", "double"}

# XSD 1.0 lexical forms of the date/time family (timezone optional, year may be negative or
# longer than four digits). Written directly in ECMA-262 (they are ours, not the user's).
_TZ = r"(?:Z|[+\-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
_YEAR = r"-?(?:[1-9][0-9]{3,}|0[0-9]{3})"
_MONTH = r"(?:0[1-9]|1[0-2])"
_DAY = r"(?:0[1-9]|[12][0-9]|3[01])"
_TIME = r"(?:(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?|24:00:00(?:\.0+)?)"
DATE_PATTERNS: dict[str, str] = {
    "date": rf"^{_YEAR}-{_MONTH}-{_DAY}{_TZ}$",
    "dateTime": rf"^{_YEAR}-{_MONTH}-{_DAY}T{_TIME}{_TZ}$",
    "time": rf"^{_TIME}{_TZ}$",
    "gYear": rf"^{_YEAR}{_TZ}$",
    "gYearMonth": rf"^{_YEAR}-{_MONTH}{_TZ}$",
    "gMonth": rf"^--{_MONTH}{_TZ}$",
    "gMonthDay": rf"^--{_MONTH}-{_DAY}{_TZ}$",
    "gDay": rf"^---{_DAY}{_TZ}$",
    "duration": r"^-?P(?=[0-9T])(?:[0-9]+Y)?(?:[0-9]+M)?(?:[0-9]+D)?"
    r"(?:T(?=[0-9])(?:[0-9]+H)?(?:[0-9]+M)?(?:[0-9]+(?:\.[0-9]+)?S)?)?$",
}
# JSON Schema formats only where every XSD value is also a valid value of the format: an XSD
# date with a timezone ("2017-01-10Z") is not an RFC 3339 full-date, so even "date" is only an
# annotation here (formats are annotations by default in 2019-09/2020-12).
FORMATS = {"date": "date", "dateTime": "date-time", "time": "time", "anyURI": "uri-reference",
           "duration": "duration"}


def builtin_of(st: Any) -> Any:
    """The nearest XSD built-in type a simple type derives from (its JSON value space)."""
    current = st
    while current is not None:
        name = getattr(current, "name", None)
        if name and name.startswith(f"{{{XSD_NS}}}"):
            return current
        current = getattr(current, "base_type", None)
    return None


def builtin_name(st: Any) -> str:
    b = builtin_of(st)
    return b.local_name if b is not None else "string"


def list_item_type(st: Any) -> Any:
    """The item type of a list type or of a restriction of one."""
    current = st
    while current is not None and not hasattr(current, "item_type"):
        current = getattr(current, "base_type", None)
    return current.item_type if current is not None else None


def union_members(st: Any) -> list[Any]:
    current = st
    while current is not None and not hasattr(current, "member_types"):
        current = getattr(current, "base_type", None)
    return list(current.member_types) if current is not None else []


def json_kind(st: Any) -> str:
    """``list``, ``union``, ``integer``, ``number``, ``boolean`` or ``string``."""
    if getattr(st, "is_list", lambda: False)():
        return "list"
    if getattr(st, "is_union", lambda: False)():
        return "union"
    local = builtin_name(st)
    if local in INTEGER_BOUNDS:
        return "integer"
    if local in NUMBER_TYPES:
        return "number"
    if local == "boolean":
        return "boolean"
    return "string"


def normalize(text: str, st: Any) -> str:
    """Apply the type's ``whiteSpace`` facet, as a schema-aware XML processor would."""
    ws = getattr(st, "white_space", None) or "preserve"
    if ws == "replace":
        return text.replace("\t", " ").replace("\n", " ").replace("\r", " ")
    if ws == "collapse":
        return " ".join(text.split())
    return text


class ValueProblem(ValueError):
    """A text that is not in the type's lexical space, or a JSON value of the wrong type."""


@lru_cache(maxsize=65536)
def _union_member(text: str, st: Any) -> Any:
    """The first member type of union ``st`` that accepts ``text`` (None: the union rejects it).

    Cached because xmlschema's ``is_valid`` sets up a validation context per call, which made
    union-typed values (dates, codes) the mapper's hot spot (~70 us each on ST.96 V6_0); the
    answer depends only on the text and the (immutable) schema component."""
    if not st.is_valid(text):
        return None
    for member in union_members(st):
        if member.is_valid(text):
            return member
    return None


def decode(text: str, st: Any) -> Any:
    """XML text → JSON value, typed by the XSD simple type ``st``."""
    conv = converter(st)
    return text if conv is None else conv(text)


Converter = Callable[[str], Any]


def collapse(text: str) -> str:
    """whiteSpace=collapse; the decoder of a collapsed string type is this very function, so
    that the mapper can recognise it and apply it inline (``" ".join(text.split())``)."""
    return " ".join(text.split())


_IMMUTABLE = frozenset({str, int, bool, Decimal})
# per simple type (keyed by identity; the component is kept alive alongside): its decoder, or
# None when decoding is the identity (strings with whiteSpace=preserve, the common case)
_CONVERTERS: dict[int, tuple[Any, Converter | None]] = {}
_KINDS: dict[int, tuple[Any, str, Any]] = {}


def _kind_and_item(st: Any) -> tuple[str, Any]:
    """:func:`json_kind` and, for lists, :func:`list_item_type` — cached per type, because
    both walk the base-type chain and every element/attribute value needs them."""
    cached = _KINDS.get(id(st))
    if cached is None or cached[0] is not st:
        kind = json_kind(st)
        cached = (st, kind, list_item_type(st) if kind == "list" else None)
        _KINDS[id(st)] = cached
    return cached[1], cached[2]


def kind_of(st: Any) -> str:
    """:func:`json_kind`, cached per type."""
    return _kind_and_item(st)[0]


def converter(st: Any) -> Converter | None:
    """The decoder of ``st`` as a function of the text alone (``None``: identity).

    Built once per simple type so the mapper's hot loop does one call (or none) per value
    instead of re-deriving the JSON kind, the built-in base and the whiteSpace facet from
    xmlschema's component chain each time. Same results and messages as :func:`decode`."""
    cached = _CONVERTERS.get(id(st))
    if cached is None or cached[0] is not st:
        cached = (st, _make_converter(st))
        _CONVERTERS[id(st)] = cached
    return cached[1]


def _make_converter(st: Any) -> Converter | None:
    kind, item = _kind_and_item(st)
    if kind == "list":
        def decode_list(text: str) -> Any:
            conv = converter(item)
            if conv is None:
                return text.split()
            return [conv(part) for part in text.split()]
        return decode_list
    if kind == "union":
        # text → decoded value, for immutable results only (a list value must not be shared
        # between two places of a document); bounded like _union_member's cache
        memo: dict[str, Any] = {}

        def decode_union(text: str) -> Any:
            value = memo.get(text)
            if value is not None:
                return value
            member = _union_member(text, st)
            if member is None:
                raise ValueProblem(f"{text!r} is not valid for the union type")
            conv = converter(member)
            value = text if conv is None else conv(text)
            if type(value) in _IMMUTABLE and len(memo) < 65536:
                memo[text] = value
            return value
        return decode_union
    ws = getattr(st, "white_space", None) or "preserve"
    norm: Callable[[str], str] | None
    if ws == "replace":
        def norm(text: str) -> str:
            return text.replace("\t", " ").replace("\n", " ").replace("\r", " ")
    elif ws == "collapse":
        norm = collapse
    else:
        norm = None
    if kind == "integer":
        def decode_integer(text: str) -> Any:
            value = text if norm is None else norm(text)
            try:
                return int(value)
            except ValueError:
                raise ValueProblem(f"{value!r} is not an integer") from None
        return decode_integer
    if kind == "number":
        def decode_number(text: str) -> Any:
            value = text if norm is None else norm(text)
            if value in ("INF", "-INF", "+INF", "NaN"):
                raise ValueProblem(f"{value} has no JSON number form")
            try:
                return Decimal(value)
            except InvalidOperation:
                raise ValueProblem(f"{value!r} is not a number") from None
        return decode_number
    if kind == "boolean":
        def decode_boolean(text: str) -> Any:
            value = text if norm is None else norm(text)
            if value in ("true", "1"):
                return True
            if value in ("false", "0"):
                return False
            raise ValueProblem(f"{value!r} is not a boolean")
        return decode_boolean
    return norm


def encode(value: Any, st: Any) -> str:
    """JSON value → XML text; the inverse of :func:`decode` up to lexical canonicalisation."""
    kind, item = _kind_and_item(st)
    if kind == "list":
        if not isinstance(value, list):
            raise ValueProblem(f"expected an array for a list type, got {type(value).__name__}")
        return " ".join(encode(v, item) for v in value)
    if isinstance(value, bool):
        if kind not in ("boolean", "union", "string"):
            raise ValueProblem(f"unexpected boolean for a {kind} value")
        return "true" if value else "false"
    if isinstance(value, int):
        if kind == "string":
            raise ValueProblem(f"unexpected number {value} for a string value")
        return str(value)
    if isinstance(value, Decimal):
        if kind in ("string", "integer") and value != value.to_integral_value():
            raise ValueProblem(f"unexpected number {value} for a {kind} value")
        return format(value, "f")
    if isinstance(value, float):
        if kind == "string":
            raise ValueProblem(f"unexpected number {value} for a string value")
        return format(Decimal(repr(value)), "f")
    if isinstance(value, str):
        if kind in ("integer", "number", "boolean"):
            article = "an" if kind == "integer" else "a"
            raise ValueProblem(f"expected {article} {kind}, got the string {value!r}")
        return value
    raise ValueProblem(f"cannot write a {type(value).__name__} as XML text")
