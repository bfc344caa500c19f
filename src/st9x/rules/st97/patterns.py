"""Pattern rules: every ``pattern`` and ``patternProperties`` key is an ECMA-262 regular
expression, and one that every consumer's engine runs the same way.

Validity is decided by the ECMA-262 grammar (:mod:`st9x.rules.st97.ecma`). Portability flags
what well-formed patterns use that common engines lack: ``\\p{..}`` under draft-07 (whose
consumers are mostly built on Python's ``re`` or similar, without Unicode property escapes),
lookbehind and backreferences (absent from RE2, Go and Rust's ``regex``, and from older
JavaScript engines for lookbehind), and any pattern jsonschema-rs refuses to compile although it
is ECMA-262.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

import jsonschema_rs

from st9x.rules.lint import JsonSchemaDocument, LintRule, Severity, lint_rule
from st9x.rules.model import Finding
from st9x.rules.st97 import ecma, walk

#: dialects whose consumers are expected to lack ``\p{..}``
_OLD_DIALECTS = ("draft-07", "draft-06", "draft-04")


def patterns(doc: JsonSchemaDocument) -> Iterator[tuple[str, str]]:
    """(pointer, pattern) for every ``pattern`` value and ``patternProperties`` key."""
    for node in walk.subschemas(doc.document):
        if isinstance(node.schema.get("pattern"), str):
            yield f"{node.pointer}/pattern", node.schema["pattern"]
        pattern_props = node.schema.get("patternProperties")
        if isinstance(pattern_props, dict):
            for key in pattern_props:
                yield f"{node.pointer}/patternProperties/{walk.escape(key)}", str(key)


@lru_cache(maxsize=4096)
def engine_refuses(pattern: str) -> str | None:
    """Why jsonschema-rs will not compile the pattern, or None when it does."""
    try:
        jsonschema_rs.validator_for(
            {"$schema": "https://json-schema.org/draft/2020-12/schema", "pattern": pattern})
    except jsonschema_rs.ValidationError:
        return "jsonschema-rs does not compile it"
    except ValueError as exc:
        return f"jsonschema-rs does not compile it ({str(exc).splitlines()[0]})"
    return None


def ecma_valid(doc: JsonSchemaDocument) -> Iterator[Finding]:
    """Every pattern is an ECMA-262 regular expression (``u`` flag)."""
    for pointer, pattern in patterns(doc):
        try:
            ecma.scan(pattern)
        except ecma.PatternError as exc:
            yield Finding.failed(pointer, f"{pointer}: not ECMA-262: {exc}")
        else:
            yield Finding.passed(pointer)


def _old_dialect(doc: JsonSchemaDocument) -> bool:
    return any(d in (doc.dialect or "") for d in _OLD_DIALECTS)


def portable(doc: JsonSchemaDocument) -> Iterator[Finding]:
    """Every valid pattern avoids constructs common engines lack: ``\\p{..}`` for draft-07
    consumers, lookbehind, backreferences; and jsonschema-rs compiles it. Patterns that are not
    ECMA-262 at all are the validity rule's findings, not counted here."""
    old = _old_dialect(doc)
    for pointer, pattern in patterns(doc):
        try:
            used = ecma.scan(pattern).constructs
        except ecma.PatternError:
            continue
        problems = [c for c in used if c != ecma.UNICODE_PROPERTY or old]
        refused = engine_refuses(pattern)
        if refused:
            problems.append(refused)
        if problems:
            reason = ", ".join(
                f"{p} (draft-07 consumers lack it)" if p == ecma.UNICODE_PROPERTY else p
                for p in problems)
            yield Finding.failed(pointer, f"{pointer}: not portable: {reason}")
        else:
            yield Finding.passed(pointer)


RULES: list[LintRule[JsonSchemaDocument]] = [
    lint_rule(
        "st97.patterns.ecma-262", "Patterns are ECMA-262 regular expressions", ecma_valid,
        source="JSON Schema Validation 2020-12, pattern (ECMA-262 dialect); ST.97 patterns "
               "translated from XSD",
        severity=Severity.ESSENTIAL, category="patterns", counts="patterns",
        absent="no pattern", description="Each pattern and patternProperties key parses as an "
        "ECMA-262 regular expression with the u flag: no XSD escapes (\\i, \\c), no Python or "
        "PCRE syntax ((?P<n>…), (?i), \\Z, a++). A pattern that does not parse makes the "
        "schema unusable for the consumers that refuse it and wrong for those that guess."),
    lint_rule(
        "st97.patterns.portable", "Patterns are portable across regex engines", portable,
        source="JSON Schema Validation 2020-12, pattern (interoperability); ST.97 register "
               "notes on pattern translation",
        severity=Severity.RECOMMENDED, category="patterns", counts="patterns",
        absent="no pattern", description="No \\p{..} in a draft-07 schema, no lookbehind, no "
        "backreference, and the pattern compiles in jsonschema-rs."),
]
