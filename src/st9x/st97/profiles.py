"""Profiles (fixed sets of shape decisions) and per-run options (the register's open items).

A *profile* fixes the resolved decisions of the ST.97 improvement register; an *option* selects
one answer to a still-open item, so a harness can compile the same XSD several ways and measure
each answer side by side (schema size, validator verdicts, round-trip fidelity).

Profiles:

``st97-v2``
    The July 2025 decisions: #1 ``Bag`` names kept; #4 a collection (an element whose content is
    one repeated child, e.g. ``ApplicantBag``) *is* the JSON array, no wrapper object, and any
    element with maxOccurs > 1 is an array; #5 a choice inside a longer sequence becomes one
    array property per alternative (``minItems: 1``) plus a top-level ``anyOf`` requiring one;
    #7 simple content under ``value``; #8 ``xsd:extension`` as ``allOf`` [base ``$ref``, added
    properties] closed with ``unevaluatedProperties: false``.
``st97-v1-legacy``
    The shapes those decisions replaced, so each decision's effect can be measured: ``$`` text
    key, a ``<type>Choice<n>`` wrapper object for every choice, collections kept as an object
    holding the array (``{"applicantBag": {"applicant": [...]}}``), and extensions nesting the
    base type's content under a property named after the base type.

Options (all values are strings so they can come from a command line or a manifest):

``choice-unbounded`` (#6): ``per-alternative`` (default; one array per alternative, order between
    alternatives is lost) | ``ordered`` (one array of single-property objects in document order,
    under a property named ``<alt1>Or<Alt2>…``, or as the collection itself when the choice is the
    whole content).
``mixed`` (#9): ``content-array`` (default; ``content``: strings and single-key objects in
    order) | ``jsonml`` (``[{attributes}, "text", ["b", {}, "bold"], …]``) | ``text-only``
    (inline markup dropped, reported as a loss).
``version`` (#10): ``none`` (default) | ``property`` (a required ``schemaVersion`` property at the
    document's top level, ``const`` = the XSD's ``version``) | ``id`` (versioned ``$id``).
``strict-choice``: ``false`` (default; decision 5's ``anyOf``) | ``true`` (``oneOf`` branches that
    also reject a second alternative, closing the gap between ``anyOf`` and an XSD choice).
``regex-unicode``: ``keep`` (default; ``\\p{Lu}`` stays, ``\\d`` → ``\\p{Nd}``) | ``expand`` (all
    classes as explicit ranges, for engines without ``\\p{..}`` such as Python's ``re``).
``regex-digits``: ``unicode`` (default, XSD semantics) | ``ascii`` (``[0-9]``, reported).
``xsi-type``: ``none`` (default; type substitution through ``xsi:type`` is reported as a loss and
    the mapper refuses instances that use it) | ``anyof`` (an element whose type has derived types
    becomes an ``anyOf`` of the declared type and one variant per derived type, which carries
    ``"$type": "{namespace}TypeName"``; the mapper converts with the derived type's shape).

Dialects: ``2020-12`` (default), ``2019-09`` and ``draft-07`` (for validators without 2019+, such
as fastjsonschema). ``draft-07`` is a real draft-07 schema, not a 2020-12 one with another
``$schema``: ``definitions``, ``$ref`` without siblings, extensions closed without
``unevaluatedProperties`` (see :mod:`st9x.st97.compiler`). Because draft-07 validators are mostly
built on regex engines without ``\\p{..}`` (Python ``re`` in jsonschema and fastjsonschema),
``regex-unicode`` defaults to ``expand`` under ``draft-07``; an explicit ``regex-unicode=keep``
is honoured.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

PROFILES = ("st97-v2", "st97-v1-legacy")
DIALECTS = {
    "2020-12": "https://json-schema.org/draft/2020-12/schema",
    "2019-09": "https://json-schema.org/draft/2019-09/schema",
    "draft-07": "http://json-schema.org/draft-07/schema#",
}


OPTIONS: dict[str, tuple[str, ...]] = {
    "choice-unbounded": ("per-alternative", "ordered"),
    "mixed": ("content-array", "jsonml", "text-only"),
    "version": ("none", "property", "id"),
    "strict-choice": ("false", "true"),
    "regex-unicode": ("keep", "expand"),
    "regex-digits": ("unicode", "ascii"),
    "xsi-type": ("none", "anyof"),
}


@dataclass(frozen=True)
class Settings:
    """Everything that decides a shape; shared by the compiler and the mapper so that an
    instance is always converted with the same choices its schema was compiled with."""

    profile: str = "st97-v2"
    dialect: str = "2020-12"
    choice_unbounded: str = "per-alternative"
    mixed: str = "content-array"
    version: str = "none"
    strict_choice: bool = False
    regex_unicode: str = "keep"
    regex_digits: str = "unicode"
    xsi_type: str = "none"

    @property
    def v2(self) -> bool:
        return self.profile == "st97-v2"

    @property
    def draft7(self) -> bool:
        """The draft-07 output profile (no 2019-09/2020-12 keywords anywhere)."""
        return self.dialect == "draft-07"

    @property
    def text_key(self) -> str:
        return "value" if self.v2 else "$"

    def options(self) -> dict[str, str]:
        return {
            "choice-unbounded": self.choice_unbounded,
            "mixed": self.mixed,
            "version": self.version,
            "strict-choice": "true" if self.strict_choice else "false",
            "regex-unicode": self.regex_unicode,
            "regex-digits": self.regex_digits,
            "xsi-type": self.xsi_type,
        }


def make_settings(
    profile: str = "st97-v2",
    options: Mapping[str, str] | None = None,
    dialect: str = "2020-12",
) -> Settings:
    """Validate a profile/options/dialect selection; unknown names are errors, not ignored,
    because a typo would otherwise silently measure the default."""
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; known: {', '.join(PROFILES)}")
    if dialect not in DIALECTS:
        raise ValueError(f"unsupported dialect {dialect!r}; supported: {', '.join(DIALECTS)}")
    chosen = {name: values[0] for name, values in OPTIONS.items()}
    for name, value in (options or {}).items():
        if name not in OPTIONS:
            raise ValueError(f"unknown option {name!r}; known: {', '.join(OPTIONS)}")
        if value not in OPTIONS[name]:
            raise ValueError(f"option {name}={value!r}: expected one of {', '.join(OPTIONS[name])}")
        chosen[name] = value
    if dialect == "draft-07" and "regex-unicode" not in (options or {}):
        # draft-07 validators (fastjsonschema, jsonschema) run patterns with Python's re, which
        # rejects \p{..}: kept classes would make the schema uncompilable there by default
        chosen["regex-unicode"] = "expand"
    return Settings(
        profile=profile,
        dialect=dialect,
        choice_unbounded=chosen["choice-unbounded"],
        mixed=chosen["mixed"],
        version=chosen["version"],
        strict_choice=chosen["strict-choice"] == "true",
        regex_unicode=chosen["regex-unicode"],
        regex_digits=chosen["regex-digits"],
        xsi_type=chosen["xsi-type"],
    )
