"""Naming rules (ST.96 Annex I, "Schema construct naming conventions"): the case of element and
attribute names, the ``Type`` suffix of type names, and ``Bag`` as the one mark of a plural
container.

The Bag rules decide from what an element *holds* (xmlschema's content model, after
derivation), not from its name alone: a name ending in ``s`` is a plural container only when
the element holds a repetition of child elements, so ``Status`` or ``GoodsServicesLimitation``
are never findings whatever their spelling.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from st9x.rules.lint import LintRule, Severity, XsdDocument, lint_rule
from st9x.rules.model import Finding
from st9x.rules.st96.facts import (
    element_children,
    global_named,
    model_element,
    named,
    repeated,
    st96_schema,
)

SECTION = "ST.96 Annex I, 2.2.1 Schema construct naming conventions"
UPPER_CAMEL = re.compile(r"^[A-Z][A-Za-z0-9]*$")
LOWER_CAMEL = re.compile(r"^[a-z][A-Za-z0-9]*$")
LAST_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+")

#: Words ending in "s" that are singular: endings (-ss, -us, -is: Address, Status, Basis)
#: and whole words (Series, Means...). A name is read as plural only by its last word.
SINGULAR_ENDINGS = ("ss", "us", "is")
SINGULAR_WORDS = frozenset({
    "Alias", "Atlas", "Canvas", "Gas", "Lens", "Means", "News", "Series", "Species", "Whereas",
})
#: The blocks of a text section (a description part such as ``AdvantageousEffects`` is a
#: heading and paragraphs, named after the heading it has in a patent, not a collection).
TEXT_BLOCKS = frozenset({"Heading", "P"})
#: Presentation markup named after HTML lists and the OASIS (CALS) table model, whose names
#: ST.96 keeps as they are: a list (``UL``) or a table row (``Row``) is not a data collection.
MARKUP = frozenset({"UL", "OL", "Row", "TableHead", "TableBody"})


def _names(doc: XsdDocument, kinds: tuple[str, ...], good: Callable[[str], bool],
           message: str) -> Iterator[Finding]:
    """A finding per declaration of ``kinds`` named in the file: passed when ``good`` accepts
    its name, else failed with ``message`` formatted with the name."""
    for node in named(doc, *kinds):
        name = node.get("name")
        yield doc.passed(node) if good(name) else doc.failed(node, message.format(name))


@st96_schema
def element_upper_camel(doc: XsdDocument) -> Iterator[Finding]:
    """Every element name declared in the file is UpperCamelCase (letters and digits, first
    letter upper case)."""
    yield from _names(doc, ("element",), lambda n: bool(UPPER_CAMEL.match(n)),
                      "element name {!r} is not UpperCamelCase")


@st96_schema
def attribute_lower_camel(doc: XsdDocument) -> Iterator[Finding]:
    """Every attribute name declared in the file is lowerCamelCase."""
    yield from _names(doc, ("attribute",), lambda n: bool(LOWER_CAMEL.match(n)),
                      "attribute name {!r} is not lowerCamelCase")


@st96_schema
def type_suffix(doc: XsdDocument) -> Iterator[Finding]:
    """Every named complex or simple type ends in ``Type`` and is UpperCamelCase."""
    yield from _names(doc, ("complexType", "simpleType"),
                      lambda n: n.endswith("Type") and bool(UPPER_CAMEL.match(n)),
                      "type name {!r} is not an UpperCamelCase name ending in 'Type'")


def looks_plural(name: str) -> bool:
    """The name's last word ends in ``s`` and is not a known singular (``Status``,
    ``Address``, ``Basis``, ``Series``)."""
    words = LAST_WORD.findall(name)
    last = words[-1] if words else name
    if not last.endswith("s") or last.isupper():  # an acronym (URIs) is not a plural noun
        return False
    return not last.endswith(SINGULAR_ENDINGS) and last not in SINGULAR_WORDS


def _holdings(doc: XsdDocument, node: Any) -> tuple[list[str], list[str]] | None:
    """(kinds of child elements, kinds that repeat) of a global element; None when the model
    cannot say, or for mixed content (text with inline elements), which is no container."""
    decl = model_element(doc, node)
    if decl is None:
        return None
    if getattr(decl.type, "mixed", False):
        return None  # text with inline markup (``Ins``, ``B``): no container at all
    particles = element_children(decl)
    kinds = list(dict.fromkeys(c.decl.local_name for c in particles))
    repeats = list(dict.fromkeys(c.decl.local_name for c in particles if repeated(c)))
    return kinds, repeats


def _without_model(doc: XsdDocument) -> Finding:
    return Finding.not_applicable(f"{doc.path.name}: no component model, so what its elements "
                                  "hold is unknown")


@st96_schema
def plural_without_bag(doc: XsdDocument) -> Iterator[Finding]:
    """A global element with a plural name (last word ending in ``s``, not a known singular)
    that holds a repetition of child elements is a plural container and must be a ``...Bag``
    (``Claims`` holding ``Claim`` repeated should be ``ClaimBag``). Mixed content and text
    sections (repeating only headings and paragraphs) are not containers, nor is a record
    that holds a single child beside the repeated ones (``ConcurrentUseProceedings`` has one
    ``ProceedingStatus``: "proceedings" is there the name of one legal proceeding)."""
    if doc.schema is None:
        yield _without_model(doc)
        return
    for node in global_named(doc, "element"):
        name = node.get("name")
        held = _holdings(doc, node)
        if held is None or not set(held[1]) - TEXT_BLOCKS:
            continue
        if name.endswith("Bag") or not looks_plural(name) or len(held[1]) < len(held[0]):
            yield doc.passed(node)
            continue
        yield doc.failed(node, f"element {name!r} has a plural name and holds repeated "
                               f"{', '.join(held[1])}: a plural container is named '...Bag'")


@st96_schema
def container_is_bag(doc: XsdDocument) -> Iterator[Finding]:
    """A global element whose content is a repetition of one kind of child element and nothing
    else (a collection) is named ``...Bag``. Plural-looking names are left to
    ``plural-without-bag``, so one element gives one finding; HTML and OASIS table markup
    (``UL``, ``Row``) keeps the names of those models."""
    if doc.schema is None:
        yield _without_model(doc)
        return
    for node in global_named(doc, "element"):
        name = node.get("name")
        held = _holdings(doc, node)
        if held is None or len(held[0]) != 1 or not held[1] or name in MARKUP:
            continue
        if name.endswith("Bag"):
            yield doc.passed(node)
        elif not looks_plural(name):
            yield doc.failed(node, f"element {name!r} holds only repeated {held[1][0]}: a "
                                   "collection is named '...Bag'")


@st96_schema
def bag_holds_repetition(doc: XsdDocument) -> Iterator[Finding]:
    """A global ``...Bag`` element holds at least one repeated child element: the suffix
    promises a plural container."""
    if doc.schema is None:
        yield _without_model(doc)
        return
    for node in global_named(doc, "element"):
        name = node.get("name")
        if not name.endswith("Bag"):
            continue
        held = _holdings(doc, node)
        if held is None:
            continue
        if held[1]:
            yield doc.passed(node)
        else:
            what = ", ".join(held[0]) if held[0] else "no child element"
            yield doc.failed(node, f"Bag {name!r} holds no repeated element (holds {what})")


@st96_schema
def bag_single_kind(doc: XsdDocument) -> Iterator[Finding]:
    """A global ``...Bag`` element holds one kind of child element (the repetitions of one
    component): a Bag of several kinds is a record, not a collection."""
    if doc.schema is None:
        yield _without_model(doc)
        return
    for node in global_named(doc, "element"):
        name = node.get("name")
        if not name.endswith("Bag"):
            continue
        held = _holdings(doc, node)
        if held is None or not held[0]:
            continue
        if len(held[0]) == 1:
            yield doc.passed(node)
        else:
            yield doc.failed(node, f"Bag {name!r} holds {len(held[0])} kinds of child element: "
                                   f"{', '.join(held[0])}")


RULES: list[LintRule[XsdDocument]] = [
    lint_rule("st96.naming.element-upper-camel", "Element names are UpperCamelCase",
              element_upper_camel, source=SECTION, severity=Severity.ESSENTIAL,
              category="naming", counts="element declarations"),
    lint_rule("st96.naming.attribute-lower-camel", "Attribute names are lowerCamelCase",
              attribute_lower_camel, source=SECTION, severity=Severity.ESSENTIAL,
              category="naming", counts="attribute declarations"),
    lint_rule("st96.naming.type-suffix", "Named types end in 'Type'", type_suffix,
              source=SECTION, severity=Severity.ESSENTIAL, category="naming",
              counts="named types"),
    lint_rule("st96.naming.plural-without-bag",
              "No plural element names without 'Bag' on elements holding repetitions",
              plural_without_bag, source=SECTION, severity=Severity.ESSENTIAL,
              category="naming", counts="elements holding repetitions",
              absent="no element holding repetitions"),
    lint_rule("st96.naming.container-bag", "A collection of one repeated element is a '...Bag'",
              container_is_bag, source=SECTION, severity=Severity.RECOMMENDED,
              category="naming", counts="collection elements", absent="no collection element"),
    lint_rule("st96.naming.bag-holds-repetition", "A '...Bag' element holds a repetition",
              bag_holds_repetition, source=SECTION, severity=Severity.ESSENTIAL,
              category="naming", counts="Bag elements", absent="no Bag element"),
    lint_rule("st96.naming.bag-single-kind", "A '...Bag' element holds one kind of element",
              bag_single_kind, source=SECTION, severity=Severity.RECOMMENDED,
              category="naming", counts="Bag elements", absent="no Bag element"),
]
