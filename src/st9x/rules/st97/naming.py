"""Naming rules: how JSON property names look (lowerCamelCase), how plural containers are named
(decision 1: ``Bag`` kept), and which names the register retired (decision 7: ``$`` and the
other text keys, replaced by ``value``).

They read property names alone, so they judge a schema from any converter, or one written by
hand, without the XSD it came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from st9x.rules.lint import JsonSchemaDocument, LintRule, Severity, lint_rule
from st9x.rules.model import Finding
from st9x.rules.st97 import walk
from st9x.rules.st97_register.register import TEXT_KEYS, VALUE_KEY

#: a lower-case letter, then letters and digits only (no ``_``, ``-``, ``:``, ``@``, ``$``)
LOWER_CAMEL = re.compile(r"[a-z][A-Za-z0-9]*\Z")
#: the last word of a camel-case name (``ipcrClassificationBag`` → ``Bag``)
_LAST_WORD = re.compile(r"(?:[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+)\Z")
#: words that end in "s" without being a plural a Bag should replace: singular nouns, mass
#: nouns and ST.96's own singular element names (``GoodsServices`` is one classification entry)
_NOT_PLURAL = frozenset({
    "access", "address", "alias", "analysis", "apparatus", "basis", "bonus", "business",
    "canvas", "census", "class", "corpus", "diagnosis", "focus", "genus", "goods", "gross",
    "lens", "mass", "news", "process", "series", "services", "species", "status", "success",
    "synopsis", "thesis", "versus", "yes", "its", "plus", "minus", "this", "gas", "bus",
})
_SINGULAR_ENDINGS = ("ss", "us", "is", "ous", "ics")
#: ("data" is not among them: ST.96 uses it as a mass noun, ``BibliographicData``)
_IRREGULAR_PLURALS = frozenset({"children", "people", "criteria", "indicia"})


def is_plural(name: str) -> bool:
    """Whether a property name reads as an English plural, judged on its last word: ``claims``,
    ``drawings``, ``priorityClaims``, ``entries`` are; ``status``, ``address``, ``goodsServices``,
    ``applicant`` are not. A heuristic, kept small on purpose: it errs towards "not plural", so
    that a finding is worth a reader's time."""
    match = _LAST_WORD.search(name)
    word = (match.group() if match else name).lower()
    if word in _IRREGULAR_PLURALS:
        return True
    if len(word) < 3 or not word.endswith("s") or word in _NOT_PLURAL:
        return False
    return not word.endswith(_SINGULAR_ENDINGS)


def lower_camel(doc: JsonSchemaDocument) -> Iterator[Finding]:
    """Every property name is lowerCamelCase. The retired text keys (``$``, ``#text``…) are
    left to the decision-7 rule, so one place is not counted twice; definitions of imported
    vocabularies (MathML's ``annotation-xml``) keep their own names
    (:func:`~st9x.rules.st97.walk.foreign_definitions`)."""
    foreign = walk.foreign_definitions(doc.document)
    for pointer, name, _ in walk.properties(doc.document):
        if name in TEXT_KEYS or walk.in_foreign(pointer, foreign):
            continue
        if LOWER_CAMEL.match(name):
            yield Finding.passed(pointer)
        else:
            yield Finding.failed(pointer, f"{pointer}: property {name!r} is not lowerCamelCase")


def bag_for_plural(doc: JsonSchemaDocument) -> Iterator[Finding]:
    """Decision 1: a property that holds a collection (an array, or an object that only wraps
    an array) marks its plurality with ``Bag``, not with an English plural. A repeated element
    keeps its own (singular) name: ``phone: [...]`` passes, ``claims: [...]`` does not.
    Imported vocabularies keep their names (MathML's ``integers`` is one element), so their
    definitions are not judged."""
    root = doc.document
    foreign = walk.foreign_definitions(root)
    for pointer, name, sub in walk.properties(root):
        if walk.in_foreign(pointer, foreign):
            continue
        wrapped = walk.only_array_wrapper(root, sub)
        if not (walk.is_array(root, sub) or wrapped):
            continue
        shape = "an array" if wrapped is None else f"an object wrapping the array {wrapped!r}"
        if name.endswith("Bag") or not is_plural(name):
            yield Finding.passed(pointer)
        else:
            yield Finding.failed(pointer, f"{pointer}: {shape} named in the plural "
                                          f"({name!r}) without the Bag suffix")


def no_text_key(doc: JsonSchemaDocument) -> Iterator[Finding]:
    """Decision 7: no property is named ``$`` (or another pre-decision text key: ``#text``,
    ``$t``, ``_``, ``#value``); simple content with attributes keeps its text under ``value``.
    One finding per object schema that declares properties."""
    for node in walk.subschemas(doc.document):
        props = node.schema.get("properties")
        if not isinstance(props, dict) or not props:
            continue
        keys = [k for k in props if k in TEXT_KEYS]
        if not keys:
            yield Finding.passed(node.pointer)
        for key in keys:
            here = f"{node.pointer}/properties/{walk.escape(key)}"
            yield Finding.failed(here, f"{here}: text under {key!r} instead of {VALUE_KEY!r}")


RULES: list[LintRule[JsonSchemaDocument]] = [
    lint_rule(
        "st97.naming.property-lower-camel", "Property names are lowerCamelCase", lower_camel,
        source="ST.97 JSON naming conventions (property names)",
        severity=Severity.ESSENTIAL, category="naming", counts="property names",
        absent="no property declared",
        description="A property name starts with a lower-case letter and holds letters and "
                    "digits only: ST.96's UpperCamelCase element names and lowerCamelCase "
                    "attribute names both become lowerCamelCase properties."),
    lint_rule(
        "st97.naming.bag-for-plural", "Plural containers keep the Bag suffix", bag_for_plural,
        source="ST.97 register, decision 1", severity=Severity.ESSENTIAL, category="naming",
        counts="collection properties", absent="no array or array-wrapping property",
        description="A property whose schema is an array, or an object that only wraps an "
                    "array, is not named with an English plural (claims, drawings) but with "
                    "the Bag suffix; a repeated element keeps its singular name."),
    lint_rule(
        "st97.naming.no-text-key", "Text under value, no $ key", no_text_key,
        source="ST.97 register, decision 7", severity=Severity.ESSENTIAL, category="naming",
        counts="object schemas", absent="no object schema with properties",
        description="No property is named $ (nor #text, $t, _, #value, the text keys of "
                    "earlier XML-to-JSON conventions): the text of simple content with "
                    "attributes is the property value."),
]
