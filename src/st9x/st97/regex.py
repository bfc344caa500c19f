"""XML Schema regular expressions → ECMA-262 (JSON Schema ``pattern``).

The two dialects differ in ways that silently change which strings match, so a literal copy of
an XSD pattern into JSON Schema is wrong more often than it looks:

* XSD patterns are implicitly anchored; JSON Schema patterns are not → ``^(?:…)$``.
* ``^`` and ``$`` are ordinary characters in XSD → escaped.
* ``\\d`` is any Unicode decimal digit (``Nd``), ``\\w`` everything except punctuation, separators
  and "other", ``\\s`` only the four XML blanks, ``.`` everything except CR/LF; ECMA-262's versions
  are narrower or wider → always rewritten (``\\d`` as ``\\p{Nd}`` or explicit ranges; ``digits=
  "ascii"`` narrows it to ``[0-9]`` on request, and says so).
* ``\\i``/``\\c`` (XML name characters) do not exist → explicit classes.
* class subtraction ``[a-z-[aeiou]]`` does not exist (without the ``v`` flag) → the class is
  computed as a set and written out as ranges.
* ``\\p{IsBlock}`` (Unicode blocks) does not exist → the block's ranges.
* ``\\p{Lu}`` (general categories) exists in ECMA-262 with the ``u`` flag → kept with
  ``unicode="keep"``, written out as ranges with ``unicode="expand"`` for engines that lack
  ``\\p`` (Python's ``re``, which the ``jsonschema`` package uses).

Code points outside ASCII are written as ``\\uXXXX`` (BMP) or as the literal character (astral
planes); both forms mean the same in ECMA-262 (``u`` flag), Python ``re`` and Rust ``regex``.
Surrogates are never emitted: they cannot occur in XML or in a JSON string.

A pattern that cannot be translated gives ``pattern=None`` and a reason; the caller records a
loss. Nothing is dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from sys import maxunicode

from elementpath.regex import RegexError, translate_pattern
from elementpath.regex.character_classes import C_SHORTCUT_REPLACE, I_SHORTCUT_REPLACE
from elementpath.regex.unicode_subsets import UnicodeSubset, unicode_category, unicode_subset

UNICODE_MODES = ("keep", "expand")
DIGIT_MODES = ("unicode", "ascii")

_SYNTAX = set("^$\\.*+?()[]{}|/")
_CLASS_SPECIAL = set("\\]^-[")
_SINGLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t"}
_SINGLE_ESCAPES.update({c: c for c in "|.-^?*+{}()[]\\"})
_CATEGORIES = {
    "L", "Lu", "Ll", "Lt", "Lm", "Lo", "M", "Mn", "Mc", "Me", "N", "Nd", "Nl", "No",
    "P", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Z", "Zs", "Zl", "Zp",
    "S", "Sm", "Sc", "Sk", "So", "C", "Cc", "Cf", "Co", "Cn",
}
_SURROGATES = UnicodeSubset([(0xD800, 0xE000)])


class _Untranslatable(Exception):
    pass


@dataclass(frozen=True)
class Translation:
    """Result of translating one XSD pattern.

    ``pattern`` is the anchored ECMA-262 pattern or ``None`` when it cannot be expressed;
    ``notes`` lists every narrowing or problem, each of which the compiler reports as a loss.
    """

    source: str
    pattern: str | None
    notes: tuple[str, ...] = field(default=())


@dataclass
class _Class:
    """A character class as a code point set plus (``keep`` mode) category escapes kept as such."""

    points: UnicodeSubset
    kept: list[str] = field(default_factory=list)  # e.g. ["\\p{Lu}", "\\P{Nd}"]


def _esc(cp: int, in_class: bool) -> str:
    ch = chr(cp)
    if cp < 0x20 or cp == 0x7F:
        return f"\\u{cp:04X}"
    if cp < 0x7F:
        if (in_class and ch in _CLASS_SPECIAL) or (not in_class and ch in _SYNTAX):
            return "\\" + ch
        return ch
    if cp <= 0xFFFF:
        return f"\\u{cp:04X}"
    return ch  # astral: literal, see module docstring


def _ranges(points: UnicodeSubset) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for cp in points.codepoints:
        if isinstance(cp, int):
            out.append((cp, cp))
        else:
            out.append((cp[0], cp[1] - 1))
    return out


def _set_body(points: UnicodeSubset) -> str:
    parts = []
    for lo, hi in _ranges(points):
        if lo == hi:
            parts.append(_esc(lo, True))
        elif hi == lo + 1:
            parts.append(_esc(lo, True) + _esc(hi, True))
        else:
            parts.append(f"{_esc(lo, True)}-{_esc(hi, True)}")
    return "".join(parts)


def _emit_class(cls: _Class, negated: bool = False) -> str:
    points = UnicodeSubset(cls.points)
    points -= _SURROGATES
    if not cls.kept:
        if not negated and len(points.codepoints) == 1 and isinstance(points.codepoints[0], int):
            return _esc(points.codepoints[0], False)
        body = _set_body(points)
        if not body:
            return "[^\\u0000-\U0010FFFF]" if not negated else "[\\u0000-\U0010FFFF]"
        return f"[{'^' if negated else ''}{body}]"
    body = _set_body(points) + "".join(cls.kept)
    if not negated and not _set_body(points) and len(cls.kept) == 1:
        return cls.kept[0]
    return f"[{'^' if negated else ''}{body}]"


def _full() -> UnicodeSubset:
    return UnicodeSubset([(0, maxunicode + 1)])


def _complement(points: UnicodeSubset) -> UnicodeSubset:
    return UnicodeSubset(list(points.complement()))


@lru_cache(maxsize=64)
def _category(name: str) -> UnicodeSubset:
    return unicode_category(name)


class _Translator:
    def __init__(self, pattern: str, unicode: str, digits: str) -> None:
        self.p = pattern
        self.pos = 0
        self.unicode = unicode
        self.digits = digits
        self.notes: list[str] = []

    # -- multi-character escapes -------------------------------------------------------------
    def _property(self, name: str, negative: bool) -> _Class:
        if name.startswith("Is"):
            try:
                points = unicode_subset(name)
            except RegexError as exc:
                raise _Untranslatable(f"unknown Unicode block {name!r}: {exc}") from None
            return _Class(_complement(points) if negative else UnicodeSubset(points))
        if name not in _CATEGORIES:
            raise _Untranslatable(f"unknown Unicode category {name!r}")
        if self.unicode == "keep":
            return _Class(UnicodeSubset(), [f"\\{'P' if negative else 'p'}{{{name}}}"])
        points = _category(name)
        return _Class(_complement(points) if negative else UnicodeSubset(points))

    def _multi(self, letter: str) -> _Class | None:
        lower = letter.lower()
        negative = letter.isupper()
        if lower == "s":
            points = UnicodeSubset(" \t\n\r")
        elif lower == "i":
            points = UnicodeSubset(I_SHORTCUT_REPLACE)
        elif lower == "c":
            points = UnicodeSubset(C_SHORTCUT_REPLACE)
        elif lower == "d":
            if self.digits == "ascii":
                self.notes.append("\\d narrowed to ASCII [0-9] (XSD: any Unicode Nd digit)")
                points = UnicodeSubset("0-9")
            else:
                return self._property("Nd", negative)
        elif lower == "w":
            # XSD: [#x0000-#x10FFFF]-[\p{P}\p{Z}\p{C}]
            if self.unicode == "keep":
                kept = ["\\p{P}", "\\p{Z}", "\\p{C}"]
                if negative:
                    return _Class(UnicodeSubset(), kept)
                # a negated kept set can only be written as a negated class; signal with marker
                return _Class(UnicodeSubset(), ["\x00NEG", *kept])
            excluded = UnicodeSubset()
            for cat in ("P", "Z", "C"):
                excluded |= _category(cat)
            return _Class(excluded if negative else _complement(excluded))
        else:
            return None
        return _Class(_complement(points) if negative else points)

    # -- character classes ----------------------------------------------------------------------
    def _class_atom(self) -> tuple[_Class | None, int | None]:
        """One item inside [...]: a multi-char escape (class) or a single code point."""
        ch = self.p[self.pos]
        if ch == "\\":
            nxt = self.p[self.pos + 1]
            if nxt in "pP":
                end = self.p.index("}", self.pos)
                name = self.p[self.pos + 3 : end]
                self.pos = end + 1
                return self._property(name, nxt == "P"), None
            if nxt in _SINGLE_ESCAPES:
                self.pos += 2
                return None, ord(_SINGLE_ESCAPES[nxt])
            cls = self._multi(nxt)
            if cls is None:
                raise _Untranslatable(f"unsupported escape \\{nxt}")
            self.pos += 2
            return cls, None
        self.pos += 1
        return None, ord(ch)

    def _parse_class(self) -> tuple[_Class, bool]:
        """Parse ``[...]`` starting at '['; returns the class and whether it is negated."""
        assert self.p[self.pos] == "["
        self.pos += 1
        negated = False
        if self.p[self.pos] == "^":
            negated = True
            self.pos += 1
        cls = _Class(UnicodeSubset())
        first = True
        while True:
            ch = self.p[self.pos]
            if ch == "]" and not first:
                self.pos += 1
                break
            if ch == "-" and self.p[self.pos + 1] == "[":
                self.pos += 1
                sub, sub_neg = self._parse_class()
                if self.p[self.pos] != "]":
                    raise _Untranslatable("malformed class subtraction")
                self.pos += 1
                return self._subtract(cls, negated, sub, sub_neg), False
            atom, cp = self._class_atom()
            first = False
            if atom is not None:
                self._merge(cls, atom)
                continue
            assert cp is not None
            if self.p[self.pos] == "-" and self.p[self.pos + 1] not in "[]":
                self.pos += 1
                _, hi = self._class_atom()
                if hi is None:
                    raise _Untranslatable("range ending in a multi-character escape")
                cls.points |= UnicodeSubset([(cp, hi + 1)])
            else:
                cls.points.add(cp)
        return cls, negated

    def _merge(self, cls: _Class, atom: _Class) -> None:
        if atom.kept and atom.kept[0] == "\x00NEG":
            # \w in keep mode inside a class: expand (a negated set cannot be unioned in ECMA)
            atom = self._expanded(atom)
        cls.points |= atom.points
        cls.kept.extend(atom.kept)

    def _expanded(self, cls: _Class) -> _Class:
        points = UnicodeSubset(cls.points)
        negate_all = bool(cls.kept) and cls.kept[0] == "\x00NEG"
        kept = cls.kept[1:] if negate_all else cls.kept
        acc = UnicodeSubset()
        for token in kept:
            cat = _category(token[3:-1])
            acc |= _complement(cat) if token[1] == "P" else cat
        if negate_all:
            acc = _complement(acc)
        points |= acc
        return _Class(points)

    def _subtract(self, cls: _Class, neg: bool, sub: _Class, sub_neg: bool) -> _Class:
        base = self._expanded(cls).points
        if neg:
            base = _complement(base)
        minus = self._expanded(sub).points
        if sub_neg:
            minus = _complement(minus)
        return _Class(base - minus)

    # -- top level --------------------------------------------------------------------------
    def translate(self) -> str:
        out: list[str] = []
        p = self.p
        n = len(p)
        while self.pos < n:
            ch = p[self.pos]
            if ch == ".":
                out.append("[^\\n\\r]")
                self.pos += 1
            elif ch in "^$":
                out.append("\\" + ch)
                self.pos += 1
            elif ch == "(":
                out.append("(?:")
                self.pos += 1
            elif ch in ")|?*+":
                out.append(ch)
                self.pos += 1
            elif ch == "{":
                end = p.index("}", self.pos)
                out.append(p[self.pos : end + 1])
                self.pos = end + 1
            elif ch == "[":
                cls, negated = self._parse_class()
                out.append(self._class_text(cls, negated))
            elif ch == "\\":
                nxt = p[self.pos + 1]
                if nxt in _SINGLE_ESCAPES:
                    out.append(_esc(ord(_SINGLE_ESCAPES[nxt]), False))
                    self.pos += 2
                else:
                    atom, _ = self._class_atom()
                    assert atom is not None
                    out.append(self._class_text(atom, False))
            else:
                out.append(_esc(ord(ch), False))
                self.pos += 1
        return "^(?:" + "".join(out) + ")$"

    def _class_text(self, cls: _Class, negated: bool) -> str:
        if cls.kept and cls.kept[0] == "\x00NEG":
            if negated or cls.points:
                return _emit_class(self._expanded(cls), negated)
            return "[^" + "".join(cls.kept[1:]) + "]"
        return _emit_class(cls, negated)


@lru_cache(maxsize=4096)
def xsd_to_ecma(pattern: str, *, unicode: str = "keep", digits: str = "unicode") -> Translation:
    """Translate one XSD 1.0 ``pattern`` facet value to an anchored ECMA-262 pattern."""
    if unicode not in UNICODE_MODES:
        raise ValueError(f"unicode must be one of {UNICODE_MODES}")
    if digits not in DIGIT_MODES:
        raise ValueError(f"digits must be one of {DIGIT_MODES}")
    try:
        # elementpath is the reference for what is a valid XSD pattern; we only emit.
        translate_pattern(pattern, back_references=False, lazy_quantifiers=False, anchors=False)
    except RegexError as exc:
        return Translation(pattern, None, (f"invalid XSD pattern: {exc}",))
    tr = _Translator(pattern, unicode, digits)
    try:
        result = tr.translate()
    except (_Untranslatable, IndexError, ValueError) as exc:
        return Translation(pattern, None, (*tr.notes, f"not translatable to ECMA-262: {exc}"))
    return Translation(pattern, result, tuple(tr.notes))


def any_of(patterns: list[str]) -> str:
    """Several patterns of one derivation step match if any matches (XSD rule)."""
    if len(patterns) == 1:
        return patterns[0]
    return "|".join(patterns)
