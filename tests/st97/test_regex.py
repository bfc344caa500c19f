"""XSD pattern → ECMA-262 translation, checked against real engines.

The oracle is xmlschema (the XSD pattern on a real simple type); the translated pattern is run
by jsonschema_rs (an ECMA-262-style engine, Rust) in both ``unicode`` modes and by Python's
``re`` (what the ``jsonschema`` package uses) in ``expand`` mode. No expected regex strings are
hard-coded: only which samples each engine accepts must agree.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import quoteattr

import jsonschema_rs
import pytest
import xmlschema

from st9x.st97.regex import xsd_to_ecma

CASES: list[tuple[str, list[str]]] = [
    # anchoring: XSD patterns match the whole value
    ("abc", ["abc", "xabc", "abcx", ""]),
    ("a|bc", ["a", "bc", "abc", "ab"]),
    # ^ and $ are ordinary characters in XSD
    ("a^b$", ["a^b$", "ab", "a^b"]),
    # \i and \c: XML name characters
    (r"\i\c*", ["a1", "1a", "_x", ":x", "é-·", "a b", "\u0300x", "x\u0300"]),
    (r"[\i-[:]][\c-[:]]*", ["ab", ":a", "a:b", "a.b"]),
    # \d is any Unicode decimal digit in XSD, not just ASCII
    (r"\d{3}", ["123", "\u0661\u0662\u0663", "12", "12a", "\U0001D7CE12"]),
    (r"[^\d]", ["a", "1", "\u0663"]),
    # \s is only the four XML blanks; \S its complement
    (r"\s", [" ", "\t", "\u00a0", "\u2003"]),
    (r"\S+", ["abc", "a b", "\u00a0"]),
    # \w excludes punctuation, separators and "other"
    (r"\w+", ["abc", "a-b", "a b", "é1", "a_b", "$"]),
    (r"[\w-]+", ["a-b", "a b"]),
    # . excludes CR and LF only
    (r".", ["a", "\n", "\r", "\u00e9", "\U0001F600"]),
    # character class subtraction
    (r"[a-z-[aeiou]]+", ["bcd", "bad", "xyz", "BCD"]),
    (r"[\p{L}-[a-z]]+", ["ABC", "abc", "Éé", "é"]),
    # \p{IsBlock}: Unicode blocks (not in ECMA-262)
    (r"\p{IsBasicLatin}+", ["abc", "é", "~"]),
    (r"\p{IsGreek}", ["α", "a", "Ω"]),
    (r"\P{IsBasicLatin}", ["é", "a"]),
    # \p{Category}
    (r"\p{Lu}\p{Ll}*", ["Abc", "abc", "ÀÉ", "Àé"]),
    (r"\P{L}+", ["123", "a1"]),
    (r"[\p{Lu}\d]+", ["A1", "a1", "\u0661B"]),
    # escapes, quantifiers, groups
    (r"[0-9]{2}\-[0-9]{2}", ["12-34", "1234", "12--34"]),
    (r"\.\*\+\?\(\)\[\]\{\}\|\\", [r".*+?()[]{}|\\"[:-1], "x"]),
    (r"(ab){2,3}", ["abab", "ababab", "ab", "abababab"]),
    (r"[^abc]*", ["xyz", "xaz", ""]),
    # real ST.96 V6_0 patterns
    (r"\d{2}\d{4}\d{9}", ["123456789012345", "12345678901234"]),
    (r"[/*/]*[0-9]{4}", ["2020", "*/2020", "20x0"]),
    (r"[0-9]{9}([0-9]|\s?)", ["123456789", "1234567890", "123456789 ", "12345678"]),
    (r"[a-z,A-Z,0-9][a-z,A-Z,0-9][a-z,A-Z,0-9][a-z,A-Z,0-9]", ["ab,1", "abc", "ab-1"]),
]


def _oracle_form(pattern: str) -> str:
    r"""The same XSD pattern with ``\s \S \w \W`` outside classes written as ``[\s]`` etc.

    XSD defines ``\s`` as ``[#x20\t\n\r]`` and ``\w`` as ``[^\p{P}\p{Z}\p{C}]`` (XSD 1.0
    appendix F). elementpath 5 passes these escapes through to Python's ``re`` when they stand
    outside a class, where they mean something else (``\s`` matches U+00A0, ``\w`` matches
    ``_`` but not ``$``); inside a class it computes the XSD sets itself. Writing them as
    one-item classes is equivalent in XSD and gives the oracle the XSD meaning.
    """
    out, depth, i = [], 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            esc = pattern[i : i + 2]
            out.append(f"[{esc}]" if depth == 0 and esc[1:] in "sSwW" else esc)
            i += 2
            continue
        depth += ch == "["
        depth -= ch == "]"
        out.append(ch)
        i += 1
    return "".join(out)


def xsd_accepts(pattern: str, value: str) -> bool:
    pattern = _oracle_form(pattern)
    schema = xmlschema.XMLSchema10(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
        '<xs:simpleType name="T"><xs:restriction base="xs:string">'
        f"<xs:pattern value={quoteattr(pattern)}/>"
        "</xs:restriction></xs:simpleType></xs:schema>"
    )
    return bool(schema.types["T"].is_valid(value))


@pytest.mark.parametrize(("pattern", "samples"), CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("unicode", ["keep", "expand"])
def test_translated_pattern_agrees_with_xsd(pattern: str, samples: list[str], unicode: str) -> None:
    tr = xsd_to_ecma(pattern, unicode=unicode)
    assert tr.pattern is not None, tr.notes
    assert tr.notes == ()
    rs = jsonschema_rs.validator_for({"type": "string", "pattern": tr.pattern})
    for value in samples:
        expected = xsd_accepts(pattern, value)
        assert rs.is_valid(value) is expected, (value, tr.pattern[:200])
        if unicode == "expand":
            # Python's re (jsonschema's engine) has no \p{..}: the expanded form must work there
            assert (re.search(tr.pattern, value) is not None) is expected, value


def test_keep_mode_keeps_categories_and_expand_mode_removes_them() -> None:
    assert r"\p{Lu}" in (xsd_to_ecma(r"\p{Lu}").pattern or "")
    assert r"\p{Nd}" in (xsd_to_ecma(r"\d").pattern or "")
    expanded = xsd_to_ecma(r"\p{Lu}\d", unicode="expand").pattern or ""
    assert r"\p" not in expanded


def test_translation_is_anchored_and_blocks_are_expanded() -> None:
    out = xsd_to_ecma(r"\p{IsGreek}").pattern or ""
    assert out.startswith("^(?:") and out.endswith(")$")
    assert "IsGreek" not in out


def test_ascii_digit_narrowing_is_reported() -> None:
    tr = xsd_to_ecma(r"\d+", digits="ascii")
    assert tr.pattern is not None and tr.notes
    rs = jsonschema_rs.validator_for({"type": "string", "pattern": tr.pattern})
    assert rs.is_valid("123") and not rs.is_valid("\u0661")
    assert xsd_accepts(r"\d+", "\u0661")  # the narrowing is real, hence the note


def test_invalid_or_unknown_patterns_are_not_dropped_silently() -> None:
    for bad in [r"\p{IsNoSuchBlock}", "[a-", r"a{2,1}x\q"]:
        tr = xsd_to_ecma(bad)
        assert tr.pattern is None
        assert tr.notes
