"""Lexical values for simple types that satisfy all their facets.

Each value is built from the type's nearest built-in (which fixes the lexical space) and its
effective facets, then *checked* with xmlschema's own ``is_valid`` for the type, so a facet
combination this module does not understand costs retries, not invalid output. When all tries
fail the last candidate is used and the failure is recorded, so the instance check reports it
instead of the problem being hidden.
"""

from __future__ import annotations

import base64
import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

from xmlschema.names import (
    XSD_MAX_EXCLUSIVE,
    XSD_MAX_INCLUSIVE,
    XSD_MIN_EXCLUSIVE,
    XSD_MIN_INCLUSIVE,
)
from xmlschema.validators import XsdList, XsdUnion

from st9x.corpus.synth.regex import RegexSampler
from st9x.corpus.synth.xml.coverage import Coverage
from st9x.corpus.synth.xml.facets import FacetSummary, summarize

INTEGER_BUILTINS = frozenset(
    {
        "integer", "long", "int", "short", "byte", "nonNegativeInteger", "positiveInteger",
        "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort",
        "unsignedByte",
    }
)
NAME_BUILTINS = frozenset({"Name", "NCName", "NMTOKEN", "ENTITY", "NOTATION"})
WORDS = (
    "alpha", "beta", "gamma", "delta", "sample", "mark", "patent", "design", "office", "claim",
    "figure", "record", "value", "text", "name", "street", "city", "north", "south", "data",
)
LANGUAGES = ("en", "fr", "de", "es", "ja", "zh", "ko", "ru", "ar", "pt")
#: Marker for an IDREF value: resolved to a real ID once the whole document exists.
IDREF_MARKER = "st9xIdref__"
ATTEMPTS = 30


@dataclass
class DocumentContext:
    """Per-document state: IDs handed out (ID values must be unique in a document) and
    problems met while making values."""

    ids: list[str] = field(default_factory=list)
    next_id: int = 1
    idrefs: int = 0
    problems: list[str] = field(default_factory=list)
    id_prefix: str = "id"

    def new_id(self) -> str:
        value = f"{self.id_prefix}{self.next_id}"
        self.next_id += 1
        self.ids.append(value)
        return value

    def new_idref(self) -> str:
        self.idrefs += 1
        return f"{IDREF_MARKER}{self.idrefs}"


def structured_base(simple_type: Any) -> Any:
    """The xs:list or xs:union a restriction derives from (itself if it is one)."""
    current = simple_type
    while not isinstance(current, XsdList | XsdUnion) and current is not None:
        current = getattr(current, "base_type", None)
    return current if current is not None else simple_type


def type_label(simple_type: Any, owner: str) -> str:
    """A stable label for a (possibly anonymous) simple type: its name, or its owner's."""
    name = getattr(simple_type, "prefixed_name", None) if simple_type.name else None
    return name or f"{owner}#type"


class ValueFactory:
    """Makes values; ``coverage`` steers enumeration choices toward unused values."""

    def __init__(self, rng: random.Random, coverage: Coverage | None = None) -> None:
        self.rng = rng
        self.coverage = coverage or Coverage()
        self._summaries: dict[int, FacetSummary] = {}
        self._samplers: dict[str, RegexSampler] = {}

    def summary(self, simple_type: Any) -> FacetSummary:
        key = id(simple_type)
        if key not in self._summaries:
            self._summaries[key] = summarize(simple_type)
        return self._summaries[key]

    def value(self, simple_type: Any, label: str, ctx: DocumentContext) -> str:
        """A valid lexical value of ``simple_type``; ``label`` names it for coverage."""
        summary = self.summary(simple_type)
        if isinstance(simple_type, XsdUnion):
            return self._union(simple_type, label, ctx)
        if simple_type.is_list() and not summary.enumeration:
            return self._list(simple_type, label, ctx)
        if simple_type.is_union() and not summary.enumeration:
            return self._union(structured_base(simple_type), label, ctx, simple_type)
        if summary.enumeration:
            options = [(f"{label}={v}", v) for v in summary.enumeration]
            chosen_label, chosen = self.coverage.prefer_unseen(
                self.rng, "enumeration_values", options
            )
            self.coverage.mark("enumeration_values", chosen_label)
            return chosen
        if summary.builtin == "ID":
            return ctx.new_id()
        if summary.builtin == "IDREF":
            return ctx.new_idref()
        candidate = ""
        for attempt in range(ATTEMPTS):
            candidate = self._candidate(simple_type, summary, attempt)
            if simple_type.text_is_valid(candidate):
                return candidate
        for literal in summary.bound_literals.values():
            if simple_type.text_is_valid(literal):
                return literal
        ctx.problems.append(
            f"no valid value found for {label} after {ATTEMPTS} tries (last: {candidate!r})"
        )
        return candidate

    # -- structured types ------------------------------------------------------------------

    def _union(
        self, union: Any, label: str, ctx: DocumentContext, restricted: Any = None
    ) -> str:
        """A member's value; ``restricted`` is a restriction of the union to check against."""
        members = list(union.member_types)
        self.rng.shuffle(members)
        candidate = ""
        for member in members:
            candidate = self.value(member, type_label(member, label), ctx)
            if (restricted or union).text_is_valid(candidate):
                return candidate
        ctx.problems.append(f"no valid union value for {label} (last: {candidate!r})")
        return candidate

    def _list(self, list_type: Any, label: str, ctx: DocumentContext) -> str:
        """A list value; ``list_type`` may be an xs:list or a restriction of one (lengths
        then count items)."""
        summary = self.summary(list_type)
        low = summary.length or summary.min_length or 1
        high = summary.length or summary.max_length or low + 2
        item_type = structured_base(list_type).item_type
        for _ in range(ATTEMPTS):
            count = self.rng.randint(low, max(low, min(high, low + 2)))
            items = [self.value(item_type, type_label(item_type, label), ctx) for _ in range(count)]
            text = " ".join(items)
            if list_type.text_is_valid(text):
                return text
        ctx.problems.append(f"no valid list value for {label}")
        return text

    # -- atomic candidates ------------------------------------------------------------------

    def _candidate(self, simple_type: Any, s: FacetSummary, attempt: int) -> str:
        if s.pattern_levels:
            return self._from_pattern(s, attempt)
        name = s.builtin
        if name in INTEGER_BUILTINS:
            return self._integer(s)
        if name in ("decimal", "float", "double"):
            return self._decimal(s)
        if name == "boolean":
            return self.rng.choice(("true", "false"))
        if name in ("date", "dateTime", "time", "gYear", "gYearMonth", "gMonth", "gMonthDay",
                    "gDay"):
            return self._temporal(name)
        if name == "duration":
            return f"P{self.rng.randint(1, 20)}D"
        if name == "hexBinary":
            return self._bytes(s).hex().upper()
        if name == "base64Binary":
            return base64.b64encode(self._bytes(s)).decode("ascii")
        if name == "anyURI":
            return self._fit(s, f"https://example.org/doc/{self.rng.randint(1, 9999)}", "u")
        if name == "language":
            return self.rng.choice(LANGUAGES)
        if name in NAME_BUILTINS or name in ("QName", "IDREF", "ID"):
            return self._fit(s, "n" + self._alnum(self.rng.randint(2, 8)), "n")
        return self._text(s, collapse=name != "string")

    def _from_pattern(self, s: FacetSummary, attempt: int) -> str:
        facet = s.pattern_levels[0]
        pattern = self.rng.choice(facet.patterns)
        sampler = self._samplers.get(pattern.pattern)
        if sampler is None:
            sampler = self._samplers[pattern.pattern] = RegexSampler(pattern)
        wanted = s.length or s.min_length or 0
        slack = max(4, wanted) + attempt
        return sampler.sample(self.rng, repeat_slack=slack)

    def _length_range(self, s: FacetSummary, default_high: int = 24) -> tuple[int, int]:
        if s.length is not None:
            return s.length, s.length
        low = s.min_length if s.min_length is not None else 1
        high = s.max_length if s.max_length is not None else max(low, 1) + default_high
        return min(low, high), min(high, low + 40)

    def _text(self, s: FacetSummary, collapse: bool) -> str:
        low, high = self._length_range(s)
        target = self.rng.randint(low, max(low, high))
        if target == 0:
            return ""
        words: list[str] = []
        while len(" ".join(words)) < target:
            words.append(self.rng.choice(WORDS))
        text = " ".join(words)[:target]
        if text.endswith(" ") or (collapse and text.startswith(" ")):
            text = text.strip().ljust(target, "x")
        return text[0].upper() + text[1:]

    def _fit(self, s: FacetSummary, text: str, pad: str) -> str:
        low, high = self._length_range(s, default_high=len(text))
        if len(text) < low:
            text += pad * (low - len(text))
        return text[: max(high, 1)] if high else text

    def _alnum(self, count: int) -> str:
        alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
        return "".join(self.rng.choice(alphabet) for _ in range(count))

    def _bytes(self, s: FacetSummary) -> bytes:
        low, high = self._length_range(s, default_high=8)
        return bytes(self.rng.randrange(256) for _ in range(self.rng.randint(low, high)))

    def _bounds(self, s: FacetSummary, scale: int) -> tuple[Decimal | None, Decimal | None]:
        """Inclusive bounds on the value times 10**scale, as integers."""
        step = Decimal(1).scaleb(-scale)
        lows: list[Decimal] = []
        highs: list[Decimal] = []
        for tag, value in s.bounds.items():
            try:
                number = Decimal(str(value))
            except ArithmeticError:
                continue
            if tag == XSD_MIN_INCLUSIVE:
                lows.append(number)
            elif tag == XSD_MIN_EXCLUSIVE:
                lows.append(number + step)
            elif tag == XSD_MAX_INCLUSIVE:
                highs.append(number)
            elif tag == XSD_MAX_EXCLUSIVE:
                highs.append(number - step)
        factor = Decimal(10) ** scale
        low = (max(lows) * factor).to_integral_value(ROUND_CEILING) if lows else None
        high = (min(highs) * factor).to_integral_value(ROUND_FLOOR) if highs else None
        return low, high

    def _scaled_pick(self, s: FacetSummary, scale: int, integer_digits_cap: int | None) -> int:
        low, high = self._bounds(s, scale)
        default_low, default_high = 0, 99999 * 10**scale
        if integer_digits_cap is not None:
            cap = 10 ** (integer_digits_cap + scale) - 1
            default_high = min(default_high, cap)
            high = Decimal(cap) if high is None else min(high, Decimal(cap))
            low = Decimal(-cap) if low is None else max(low, Decimal(-cap))
        lo = int(low) if low is not None else None
        hi = int(high) if high is not None else None
        pick_low = max(default_low, lo) if lo is not None else default_low
        pick_high = min(default_high, hi) if hi is not None else default_high
        if pick_low > pick_high:
            pick_low = lo if lo is not None else pick_high - 1000
            pick_high = hi if hi is not None else pick_low + 1000
        if self.rng.random() < 0.1 and lo is not None:
            return lo
        if self.rng.random() < 0.1 and hi is not None:
            return hi
        return self.rng.randint(pick_low, max(pick_low, pick_high))

    def _integer(self, s: FacetSummary) -> str:
        return str(self._scaled_pick(s, 0, s.total_digits))

    def _decimal(self, s: FacetSummary) -> str:
        fraction = s.fraction_digits if s.fraction_digits is not None else self.rng.randint(0, 2)
        if s.total_digits is not None:
            fraction = min(fraction, s.total_digits)
        int_cap = s.total_digits - fraction if s.total_digits is not None else None
        scaled = self._scaled_pick(s, fraction, int_cap)
        if fraction == 0:
            return str(scaled)
        sign = "-" if scaled < 0 else ""
        digits = str(abs(scaled)).rjust(fraction + 1, "0")
        return f"{sign}{digits[:-fraction]}.{digits[-fraction:]}"

    def _temporal(self, name: str) -> str:
        start = dt.date(1990, 1, 1).toordinal()
        day = dt.date.fromordinal(self.rng.randint(start, start + 40 * 365))
        clock = f"{self.rng.randint(0, 23):02d}:{self.rng.randint(0, 59):02d}:" + (
            f"{self.rng.randint(0, 59):02d}"
        )
        formats = {
            "date": day.isoformat(),
            "dateTime": f"{day.isoformat()}T{clock}",
            "time": clock,
            "gYear": f"{day.year:04d}",
            "gYearMonth": f"{day.year:04d}-{day.month:02d}",
            "gMonth": f"--{day.month:02d}",
            "gMonthDay": f"--{day.month:02d}-{day.day:02d}",
            "gDay": f"---{day.day:02d}",
        }
        return formats[name]
