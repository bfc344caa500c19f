"""What XML 1.0 can carry: characters and names, for the JSON → XML mapper and the schema.

A JSON string may hold any code point (``\\u0001``, ``\\uFFFE``, a lone surrogate ``\\uD800``);
an XML 1.0 document only ``Char`` (TAB, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD, U+10000 and up).
Wildcard members and the generic element form carry XML *names* in JSON member names; an XML name
is an NCName (XML 1.0 fifth edition, the rules libxml2 and so lxml apply), its namespace a URI
reference, and some names are not names at all but namespace declarations (``xmlns``, anything
in the ``xmlns`` namespace). The compiled JSON Schema and the mapper must agree on all of this:
the schema refuses what the mapper cannot write, and the mapper refuses it too, with the JSON
pointer of the value, instead of failing inside lxml or writing a namespace declaration.

So every rule is written once, as ECMA-262 pattern text that Python ``re``, Rust ``regex``
(jsonschema-rs) and ECMA-262 with the ``u`` flag read alike (BMP code points as ``\\uXXXX``,
astral ones as literal characters, never a surrogate: see :mod:`st9x.st97.regex`), and the
mapper compiles the same text. Names starting with ``xml`` other than ``xmlns`` are only
*reserved* by XML 1.0, and lxml reads and writes them: they stay allowed, because refusing them
would make the converter's own XML → JSON output fail its schema.
"""

from __future__ import annotations

import re
from typing import Any

from st9x.st97.errors import ConversionError

XMLNS_NAMESPACE = "http://www.w3.org/2000/xmlns/"

_CHARS = "\\u0009\\u000A\\u000D\\u0020-\\uD7FF\\uE000-\\uFFFD\U00010000-\U0010FFFF"
#: A character XML 1.0 cannot hold (a lone surrogate included, without naming one).
NOT_XML_CHAR = f"[^{_CHARS}]"

_NAME_START = ("A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D"
               "\\u037F-\\u1FFF\\u200C\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF"
               "\\uF900-\\uFDCF\\uFDF0-\\uFFFD\U00010000-\U000EFFFF")
_NAME_CHAR = _NAME_START + "\\-.0-9\\u00B7\\u0300-\\u036F\\u203F\\u2040"
#: An NCName (XML 1.0 fifth edition name without ``:``), unanchored.
NCNAME = f"[{_NAME_START}][{_NAME_CHAR}]*"
#: One character (or ``%HH``) of a namespace name: the characters of an RFC 3986 URI
#: reference. lxml also checks the authority (a port of digits, brackets around an IP
#: literal); the mapper leaves that to lxml and reports its refusal with the pointer.
NAMESPACE_CHAR = "(?:[A-Za-z0-9\\-._~:/?#\\[\\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})"
#: Placed right after ``\\{``: the namespace is not the one reserved for declarations.
NOT_XMLNS = "(?!http://www\\.w3\\.org/2000/xmlns/\\})"
#: Placed before a no-namespace attribute name: ``xmlns`` would declare a namespace.
NOT_XMLNS_ATTRIBUTE = "(?!xmlns$)"

#: Element names in the generic form and wildcard members: ``{namespace}local``.
ELEMENT_NAME = f"^\\{{{NOT_XMLNS}{NAMESPACE_CHAR}*\\}}{NCNAME}$"
#: Attribute names as lxml writes them: ``{namespace}local`` or ``local`` (no namespace).
ATTRIBUTE_NAME = (f"^(?:\\{{{NOT_XMLNS}{NAMESPACE_CHAR}+\\}}{NCNAME}"
                  f"|{NOT_XMLNS_ATTRIBUTE}{NCNAME})$")

_BAD_CHAR = re.compile(NOT_XML_CHAR)
_ELEMENT = re.compile(ELEMENT_NAME[1:-1])
_ATTRIBUTE = re.compile(ATTRIBUTE_NAME[1:-1])


def describe(text: str) -> str:
    """``text`` with every character that is not printable written as an escape, so that an
    error naming it stays one printable line (a lone surrogate cannot even be encoded)."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else
                   (f"\\u{ord(c):04X}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08X}")
                   for c in text)


def bad_character(text: str) -> str | None:
    """The first character of ``text`` XML 1.0 cannot hold, as ``U+XXXX``, or None."""
    found = _BAD_CHAR.search(text)
    return None if found is None else f"U+{ord(found.group()):04X}"


def element_name_problem(key: str) -> str | None:
    """Why the member name ``key`` (``{namespace}local``) cannot be an element name, or None."""
    if _ELEMENT.fullmatch(key):
        return None
    return f"{describe(repr(key))} is not an element name: {_why(key, attribute=False)}"


def attribute_name_problem(name: str) -> str | None:
    """Why ``name`` (``{namespace}local`` or ``local``) cannot be an attribute name, or None."""
    if _ATTRIBUTE.fullmatch(name):
        return None
    return f"{describe(repr(name))} is not an attribute name: {_why(name, attribute=True)}"


def _why(name: str, *, attribute: bool) -> str:
    if name.startswith("{" + XMLNS_NAMESPACE + "}"):
        return "the xmlns namespace is reserved for namespace declarations"
    if attribute and name == "xmlns":
        return "it would declare a namespace"
    if attribute:
        return "expected {namespace}local or local, local an XML NCName"
    return "expected {namespace}local, local an XML NCName, namespace a URI reference"


def _token(key: str) -> str:
    return "/" + key.replace("~", "~0").replace("/", "~1")


#: The deepest JSON nesting converted: what orjson writes (so every document the XML → JSON
#: direction can write comes back), and well inside Python's recursion limit for the walks.
MAX_DEPTH = 254


def check_characters(document: Any) -> None:
    """Refuse a JSON document with a string or member name XML 1.0 cannot hold, or nested
    deeper than :data:`MAX_DEPTH`: a :class:`ConversionError` naming the JSON pointer of the
    first such value, in document order.

    One iterative pass before the conversion (no recursion: any depth the JSON parser took), so
    that no lxml call meets such a string, the recursive walks never run out of stack, and the
    pointer is exact whichever walk would have reached the value."""
    stack: list[tuple[Any, Any, int]] = [(document, None, 0)]
    search = _BAD_CHAR.search
    while stack:
        value, chain, depth = stack.pop()
        kind = type(value)
        if depth > MAX_DEPTH and (kind is dict or kind is list):
            raise ConversionError(f"nested deeper than {MAX_DEPTH} levels",
                                  where=_pointer(chain))
        if kind is str:
            if search(value) is not None:
                raise _refuse(chain, f"{bad_character(value)} in a string")
        elif kind is dict:
            children = []
            for key, item in value.items():
                if search(key) is not None:
                    raise _refuse((chain, _token(key)),
                                  f"{bad_character(key)} in a member name")
                children.append((item, (chain, _token(key)), depth + 1))
            stack.extend(reversed(children))
        elif kind is list:
            stack.extend((item, (chain, f"/{i}"), depth + 1) for i, item in
                         reversed(list(enumerate(value))))


def _pointer(chain: Any) -> str:
    parts: list[str] = []
    while chain is not None:
        chain, segment = chain
        parts.append(segment)
    return describe("".join(reversed(parts)))


def _refuse(chain: Any, what: str) -> ConversionError:
    return ConversionError(f"{what}: XML 1.0 cannot hold it", where=_pointer(chain))
