"""A syntax check of ECMA-262 regular expressions as JSON Schema reads them (the ``u`` flag,
which JSON Schema 2019-09+ asks for), and the constructs in them that not every engine has.

Why a parser of our own: no ECMA-262 engine is among the project's dependencies. Python's ``re``
is another dialect (it accepts ``(?P<n>…)``, ``(?i)``, ``\\Z`` and refuses ``\\p{Lu}``), and
jsonschema-rs, whose regex crate reads ECMA-262 patterns closely, still accepts some
non-ECMA syntax (``(?P<n>…)``, inline flags, possessive ``a++``) and refuses some ECMA syntax
(``\\k<name>``). So the rules use both: this scanner for the grammar (``Pattern[+UnicodeMode]``
of ECMA-262 §22.2.1, without the Annex B leniencies the ``u`` flag switches off) and
jsonschema-rs as the engine a consumer actually compiles with; a disagreement is reported
under portability, not validity.

The scanner only decides *whether* a pattern is well formed and *which* constructs it uses; it
builds no matcher.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

_SYNTAX = set("^$\\.*+?()[]{}|/")
_CONTROL = set("tnvfr")
_CLASS_ESCAPES = set("dDwWsS")
_HEX = set("0123456789abcdefABCDEF")
_GENERAL_CATEGORIES = {
    "C", "Cc", "Cf", "Cn", "Co", "Cs", "L", "LC", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me",
    "Mn", "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk",
    "Sm", "So", "Z", "Zl", "Zp", "Zs",
    "Other", "Control", "Format", "Unassigned", "Private_Use", "Surrogate", "Letter",
    "Cased_Letter", "Lowercase_Letter", "Modifier_Letter", "Other_Letter", "Titlecase_Letter",
    "Uppercase_Letter", "Mark", "Combining_Mark", "Spacing_Mark", "Enclosing_Mark",
    "Nonspacing_Mark", "Number", "Decimal_Number", "digit", "Letter_Number", "Other_Number",
    "Punctuation", "punct", "Connector_Punctuation", "Dash_Punctuation", "Close_Punctuation",
    "Final_Punctuation", "Initial_Punctuation", "Other_Punctuation", "Open_Punctuation",
    "Symbol", "Currency_Symbol", "Modifier_Symbol", "Math_Symbol", "Other_Symbol",
    "Separator", "Line_Separator", "Paragraph_Separator", "Space_Separator",
}
#: binary properties of ECMA-262's table (the common ones; an unknown lone name is an error)
_BINARY = {
    "ASCII", "ASCII_Hex_Digit", "AHex", "Alphabetic", "Alpha", "Any", "Assigned",
    "Bidi_Control", "Bidi_Mirrored", "Case_Ignorable", "Cased", "Dash",
    "Default_Ignorable_Code_Point",
    "Deprecated", "Diacritic", "Emoji", "Extender", "Hex_Digit", "ID_Continue", "IDC",
    "ID_Start", "IDS", "Ideographic", "Ideo", "Join_Control", "Lowercase", "Lower", "Math",
    "Noncharacter_Code_Point", "Pattern_Syntax", "Pattern_White_Space", "Quotation_Mark",
    "Radical", "Regional_Indicator", "Sentence_Terminal", "Soft_Dotted", "Terminal_Punctuation",
    "Unified_Ideograph", "Uppercase", "Upper", "Variation_Selector", "White_Space", "space",
    "XID_Continue", "XID_Start",
}
_PROPERTY_NAMES = {"General_Category", "gc", "Script", "sc", "Script_Extensions", "scx"}

#: constructs :func:`scan` reports
UNICODE_PROPERTY = "unicode property escape"
LOOKBEHIND = "lookbehind"
BACKREFERENCE = "backreference"


class PatternError(ValueError):
    """The pattern is not ECMA-262 (with the ``u`` flag); the message says where and why."""


@dataclass
class Scan:
    """What a well-formed pattern uses."""

    constructs: list[str] = field(default_factory=list)

    def add(self, construct: str) -> None:
        if construct not in self.constructs:
            self.constructs.append(construct)


class _Scanner:
    def __init__(self, pattern: str) -> None:
        self.p = pattern
        self.i = 0
        self.scan = Scan()
        self.groups = 0
        self.names: set[str] = set()
        self.numbered: list[int] = []
        self.named: list[str] = []

    def error(self, why: str) -> PatternError:
        return PatternError(f"{why} at offset {self.i}")

    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.p[j] if j < len(self.p) else ""

    def run(self) -> Scan:
        stack: list[bool] = []  # per open group: is it a lookbehind/lookahead (not quantifiable)
        atom = False  # whether the last thing can take a quantifier
        while self.i < len(self.p):
            c = self.p[self.i]
            if c in "|^$":
                self.i += 1
                atom = False
            elif c == "\\":
                atom = self.peek(1) not in ("b", "B")  # \b, \B are assertions
                self.escape(in_class=False)
            elif c == "(":
                stack.append(self.group())
                atom = False
            elif c == ")":
                if not stack:
                    raise self.error("unbalanced ')'")
                self.i += 1
                atom = not stack.pop()
            elif c == "[":
                self.char_class()
                atom = True
            elif c in "*+?":
                if not atom:
                    raise self.error(f"nothing to repeat before {c!r}")
                self.i += 1
                if self.peek() == "?":
                    self.i += 1
                atom = False
            elif c == "{":
                if not self.quantifier():
                    raise self.error("a lone '{' (not a quantifier)")
                if not atom:
                    raise self.error("nothing to repeat before '{'")
                if self.peek() == "?":
                    self.i += 1
                atom = False
            elif c in "}]":
                raise self.error(f"a lone {c!r}")
            else:
                self.i += 1
                atom = True
        if stack:
            raise self.error("unterminated group")
        for number in self.numbered:
            if number > self.groups:
                raise PatternError(f"backreference \\{number} to a group that does not exist")
        for name in self.named:
            if name not in self.names:
                raise PatternError(f"backreference \\k<{name}> to a group that does not exist")
        return self.scan

    def group(self) -> bool:
        """Opens a group; returns whether it is an assertion (not quantifiable)."""
        self.i += 1
        if self.peek() != "?":
            self.groups += 1
            return False
        head = self.p[self.i:self.i + 3]
        if head.startswith("?:"):
            self.i += 2
            return False
        if head.startswith(("?=", "?!")):
            self.i += 2
            return True
        if head in ("?<=", "?<!"):
            self.i += 3
            self.scan.add(LOOKBEHIND)
            return True
        if head.startswith("?<"):
            self.i += 2
            name = self.group_name()
            if name in self.names:
                raise self.error(f"duplicate group name {name!r}")
            self.names.add(name)
            self.groups += 1
            return False
        raise self.error(f"'(?{self.peek(1)}' is not an ECMA-262 group")

    def group_name(self) -> str:
        end = self.p.find(">", self.i)
        name = self.p[self.i:end] if end >= 0 else ""
        if not name or not (name[0].isalpha() or name[0] in "$_") or not all(
                ch.isalnum() or ch in "$_" for ch in name):
            raise self.error("a group name must be an identifier followed by '>'")
        self.i = end + 1
        return name

    def quantifier(self) -> bool:
        j = self.i + 1
        digits = ""
        while j < len(self.p) and self.p[j].isdigit():
            digits += self.p[j]
            j += 1
        if not digits:
            return False
        upper: str | None = digits
        if j < len(self.p) and self.p[j] == ",":
            j += 1
            upper = ""
            while j < len(self.p) and self.p[j].isdigit():
                upper += self.p[j]
                j += 1
        if j >= len(self.p) or self.p[j] != "}":
            return False
        if upper and int(upper) < int(digits):
            raise self.error("quantifier range out of order")
        self.i = j + 1
        return True

    def escape(self, in_class: bool) -> bool:
        """Reads one escape; returns whether it is a single character (usable in a range)."""
        self.i += 1
        d = self.peek()
        if not d:
            raise self.error("'\\' at the end of the pattern")
        self.i += 1
        if d in "bB" and not in_class:
            return False  # an assertion; in a class \b is a backspace
        if d == "b" or d in _CONTROL or d in _SYNTAX or (d == "-" and in_class):
            return True
        if d in _CLASS_ESCAPES:
            return False
        if d in "pP":
            self.property_escape()
            return False
        if d == "k" and not in_class:
            if self.peek() != "<":
                raise self.error("\\k without a group name")
            self.i += 1
            self.named.append(self.group_name())
            self.scan.add(BACKREFERENCE)
            return True
        if d == "0":
            if self.peek().isdigit():
                raise self.error("\\0 followed by a digit (an octal escape)")
            return True
        if d.isdigit() and not in_class:
            digits = d
            while self.peek().isdigit():
                digits += self.peek()
                self.i += 1
            self.numbered.append(int(digits))
            self.scan.add(BACKREFERENCE)
            return True
        if d == "c":
            if not ("a" <= self.peek().lower() <= "z"):
                raise self.error("\\c without a control letter")
            self.i += 1
            return True
        if d == "x":
            if not (self.peek() in _HEX and self.peek(1) in _HEX):
                raise self.error("\\x needs two hex digits")
            self.i += 2
            return True
        if d == "u":
            self.unicode_escape()
            return True
        raise self.error(f"'\\{d}' is not an escape of ECMA-262 with the u flag")

    def unicode_escape(self) -> None:
        if self.peek() == "{":
            end = self.p.find("}", self.i)
            digits = self.p[self.i + 1:end] if end > 0 else ""
            if not digits or not set(digits) <= _HEX or int(digits, 16) > 0x10FFFF:
                raise self.error("\\u{…} needs a code point in hex")
            self.i = end + 1
        elif all(self.peek(k) in _HEX and self.peek(k) for k in range(4)):
            self.i += 4
        else:
            raise self.error("\\u needs four hex digits or {…}")

    def property_escape(self) -> None:
        if self.peek() != "{":
            raise self.error("\\p without {…}")
        end = self.p.find("}", self.i)
        body = self.p[self.i + 1:end] if end > 0 else ""
        name, _, value = body.partition("=")
        if value:
            ok = name in _PROPERTY_NAMES and value.replace("_", "").isalnum()
            if ok and name in ("General_Category", "gc"):
                ok = value in _GENERAL_CATEGORIES
        else:
            ok = name in _GENERAL_CATEGORIES or name in _BINARY
        if not ok:
            raise self.error(f"\\p{{{body}}} is not a Unicode property ECMA-262 knows")
        self.i = end + 1
        self.scan.add(UNICODE_PROPERTY)

    def class_atom(self) -> tuple[bool, int | None]:
        """One class atom: (single character?, its code point when known)."""
        c = self.peek()
        if c == "\\":
            start = self.i
            single = self.escape(in_class=True)
            text = self.p[start:self.i]
            return single, _code_point(text)
        self.i += 1
        return True, ord(c)

    def char_class(self) -> None:
        self.i += 1
        if self.peek() == "^":
            self.i += 1
        while True:
            if self.i >= len(self.p):
                raise self.error("unterminated character class")
            if self.peek() == "]":
                self.i += 1
                return
            single, low = self.class_atom()
            if self.peek() == "-" and self.peek(1) not in ("]", ""):
                self.i += 1
                single_hi, high = self.class_atom()
                if not (single and single_hi):
                    raise self.error("a class escape cannot bound a range")
                if low is not None and high is not None and low > high:
                    raise self.error("character class range out of order")


_SIMPLE = {"t": 9, "n": 10, "v": 11, "f": 12, "r": 13, "b": 8, "0": 0}


def _code_point(escape: str) -> int | None:
    """The code point of a single-character escape (``\\u0041``, ``\\x41``, ``\\-``)."""
    body = escape[1:]
    if body[:1] == "u":
        digits = body[2:-1] if body[1:2] == "{" else body[1:5]
        return int(digits, 16)
    if body[:1] == "x":
        return int(body[1:3], 16)
    if body[:1] == "c":
        return ord(body[1].upper()) % 32
    if body in _SIMPLE:
        return _SIMPLE[body]
    return ord(body) if len(body) == 1 else None


@lru_cache(maxsize=4096)
def scan(pattern: str) -> Scan:
    """The constructs a pattern uses; raises :class:`PatternError` when it is not ECMA-262."""
    return _Scanner(pattern).run()
