"""The regex sampler draws strings that full-match translated XSD patterns."""

from __future__ import annotations

import random

import pytest
from elementpath.regex import translate_pattern

from st9x.corpus.synth.regex import RegexSampler


@pytest.mark.parametrize(
    "xsd_pattern",
    [
        r"\d{6}",
        r"[/*/]*[0-9]{4}",
        r"[0-9][1-9]|[1-9][0-9]",
        r"[a-z-[aeiou]]{3,5}",  # XSD character-class subtraction
        r"[\i-[:]][\c-[:]]*",  # XSD name classes
        r"\p{Lu}\P{L}?",  # Unicode categories
        r"[A-Z]{2}(-[0-9]{1,3})+",
        r"\s*((-?[0-9]*(\.[0-9]*)?(e[mx]|in|cm|mm|p[xtc]|%)?)|(negative)?((very){0,2}thi(n|ck)"
        r"|medium)mathspace)\s*",
    ],
)
def test_samples_match(xsd_pattern: str) -> None:
    sampler = RegexSampler(translate_pattern(xsd_pattern, anchors=False))
    rng = random.Random(3)
    for _ in range(200):
        value = sampler.sample(rng)
        assert sampler.matches(value), (xsd_pattern, value)


def test_same_seed_same_strings() -> None:
    sampler = RegexSampler(translate_pattern(r"[A-Z]{2}\d{2,9}", anchors=False))
    first = [sampler.sample(random.Random(9)) for _ in range(3)]
    second = [sampler.sample(random.Random(9)) for _ in range(3)]
    assert first == second
