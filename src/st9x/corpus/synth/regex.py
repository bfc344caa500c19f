"""Draw random strings that match a pattern, for both sides: XSD patterns and JSON Schema ones.

XSD regexes are translated to Python by elementpath (which xmlschema already did when it built
the pattern facet), and ECMA-262 ones by the JSON generator, so we sample the *translated*
pattern: its parse tree from ``re._parser`` only has the few node kinds Python regexes have,
and the translation already resolved the XSD specifics (``\\i``, ``\\c``, class subtraction,
``\\p{..}`` blocks) into plain character sets.
We use ``random.Random`` rather than hypothesis so that a corpus is a pure function of its seed.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

#: Characters tried first wherever a class allows them: readable output, and no risk of
#: characters that XML 1.0 forbids.
FRIENDLY = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    " -_.,:;/()+#%'&*=?!@$"
)
_FRIENDLY_SET = frozenset(FRIENDLY)

_CATEGORY_RANGES: dict[Any, list[tuple[int, int]]] = {
    C.CATEGORY_DIGIT: [(0x30, 0x39)],
    C.CATEGORY_SPACE: [(0x20, 0x20), (0x09, 0x0A), (0x0D, 0x0D)],
    C.CATEGORY_WORD: [(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)],
}
_NEGATED_CATEGORY = {
    C.CATEGORY_NOT_DIGIT: C.CATEGORY_DIGIT,
    C.CATEGORY_NOT_SPACE: C.CATEGORY_SPACE,
    C.CATEGORY_NOT_WORD: C.CATEGORY_WORD,
}

#: How many extra repetitions an unbounded quantifier gets at most, unless told otherwise.
DEFAULT_REPEAT_SLACK = 4


def xml_char_ok(code: int) -> bool:
    """Whether XML 1.0 allows the character (a generated document must stay well-formed)."""
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


class RegexSampler:
    """Samples strings from one compiled Python pattern.

    ``repeat_slack`` bounds unbounded quantifiers (``*``, ``+``, ``{n,}``); the caller raises it
    when a length facet asks for longer strings.
    """

    def __init__(self, pattern: str | re.Pattern[str]) -> None:
        source = pattern.pattern if isinstance(pattern, re.Pattern) else pattern
        self.source = source
        self.compiled = re.compile(source)
        self.tree = _parser.parse(source)
        #: Each character class of the tree, prepared once: flattening a Unicode class (\\p{L}
        #: is hundreds of ranges) and filtering the friendly alphabet through it on every draw
        #: made long documents slow. Keyed by the class's id, which the tree keeps alive.
        self._sets: dict[int, _CharSet] = {}

    def sample(self, rng: random.Random, repeat_slack: int = DEFAULT_REPEAT_SLACK) -> str:
        out: list[str] = []
        groups: dict[int, str] = {}
        self._emit(self.tree, rng, out, groups, repeat_slack)
        return "".join(out)

    def matches(self, text: str) -> bool:
        return self.compiled.match(text) is not None

    def _emit(
        self,
        tokens: Any,
        rng: random.Random,
        out: list[str],
        groups: dict[int, str],
        slack: int,
    ) -> None:
        for op, av in tokens:
            if op is C.LITERAL:
                out.append(chr(av))
            elif op is C.NOT_LITERAL:
                out.append(_pick_outside(rng, [("lit", av)]))
            elif op is C.ANY:
                out.append(rng.choice(FRIENDLY.strip()))
            elif op is C.IN:
                prepared = self._sets.get(id(av))
                if prepared is None:
                    prepared = self._sets[id(av)] = _CharSet.of(av)
                out.append(prepared.pick(rng))
            elif op is C.BRANCH:
                self._emit(rng.choice(av[1]), rng, out, groups, slack)
            elif op is C.SUBPATTERN:
                group, _add, _del, sub = av
                start = len(out)
                self._emit(sub, rng, out, groups, slack)
                if group is not None:
                    groups[group] = "".join(out[start:])
            elif op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
                low, high, sub = av
                top = low + slack if high is C.MAXREPEAT or high - low > slack else high
                for _ in range(rng.randint(low, top)):
                    self._emit(sub, rng, out, groups, slack)
            elif op is C.GROUPREF:
                out.append(groups.get(av, ""))
            elif op is C.CATEGORY:
                out.append(_pick_in_set(rng, [(C.CATEGORY, av)]))
            elif op is getattr(C, "ATOMIC_GROUP", None):
                self._emit(av, rng, out, groups, slack)
            # AT (anchors), ASSERT and ASSERT_NOT (the translation's trailing ``(?!\n\Z)``)
            # produce no characters; the final full-match check catches any lookaround we
            # could not honour.


def _set_ranges(items: Any) -> tuple[list[tuple[int, int]], bool]:
    """Flatten a parsed character class into code-point ranges, and whether it is negated."""
    ranges: list[tuple[int, int]] = []
    negate = False
    for op, av in items:
        if op is C.NEGATE:
            negate = True
        elif op is C.LITERAL:
            ranges.append((av, av))
        elif op is C.RANGE:
            ranges.append((av[0], av[1]))
        elif op is C.CATEGORY:
            if av in _CATEGORY_RANGES:
                ranges.extend(_CATEGORY_RANGES[av])
            elif av in _NEGATED_CATEGORY:
                ranges.extend(_complement(_CATEGORY_RANGES[_NEGATED_CATEGORY[av]]))
    return ranges, negate


def _complement(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    result: list[tuple[int, int]] = []
    start = 0x20
    for low, high in sorted(ranges):
        if low > start:
            result.append((start, low - 1))
        start = max(start, high + 1)
    if start <= 0xFFFD:
        result.append((start, 0xFFFD))
    return result


def _in_ranges(code: int, ranges: list[tuple[int, int]]) -> bool:
    return any(low <= code <= high for low, high in ranges)


def _pick_in_set(rng: random.Random, items: Any) -> str:
    return _CharSet.of(items).pick(rng)


@dataclass(frozen=True)
class _CharSet:
    """A character class flattened once, with what a draw picks from: the friendly characters
    it allows, else its ranges that hold XML characters. Draws use the random generator exactly
    as an unprepared class would, so prepared or not, a seed gives the same strings."""

    ranges: list[tuple[int, int]]
    negate: bool
    friendly: list[str]  # of a negated class: the friendly characters outside it
    usable: list[tuple[int, int]]

    @classmethod
    def of(cls, items: Any) -> _CharSet:
        ranges, negate = _set_ranges(items)
        if negate:
            friendly = [ch for ch in FRIENDLY.strip() if not _in_ranges(ord(ch), ranges)]
        else:
            friendly = [ch for ch in FRIENDLY if _in_ranges(ord(ch), ranges)]
        usable = [(low, high) for low, high in ranges if xml_char_ok(low) or xml_char_ok(high)]
        return cls(ranges, negate, friendly, usable)

    def pick(self, rng: random.Random) -> str:
        if self.negate and not self.friendly:
            return _pick_outside_ranges(rng, self.ranges)
        if self.friendly:
            return rng.choice(self.friendly)
        if not self.usable:
            return "x"
        for _ in range(20):
            low, high = rng.choice(self.usable)
            code = rng.randint(low, high)
            if xml_char_ok(code) and not 0xD800 <= code <= 0xDFFF:
                return chr(code)
        return chr(self.usable[0][0])


def _pick_outside(rng: random.Random, items: list[tuple[str, int]]) -> str:
    excluded = {code for _kind, code in items}
    choices = [ch for ch in FRIENDLY.strip() if ord(ch) not in excluded]
    return rng.choice(choices)


def _pick_outside_ranges(rng: random.Random, ranges: list[tuple[int, int]]) -> str:
    choices = [ch for ch in FRIENDLY.strip() if not _in_ranges(ord(ch), ranges)]
    if choices:
        return rng.choice(choices)
    for code in range(0xA1, 0xFFFD):
        if not _in_ranges(code, ranges) and xml_char_ok(code):
            return chr(code)
    return "\u00e9"


def is_friendly(text: str) -> bool:
    """Whether a string only uses the readable ASCII alphabet (used by tests and reports)."""
    return all(ch in _FRIENDLY_SET for ch in text)
