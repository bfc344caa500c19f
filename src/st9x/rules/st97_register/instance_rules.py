"""Instance-level rules: one converted instance, read with its XML source and the XSD the XML is
valid against.

Decisions 1, 4 and 8 (and the shape half of 5 and 7) are judged by the parallel walk of the two
trees (:mod:`~st9x.rules.st97_register.instance_walk`), made once per instance and shared; each
rule takes its own findings from it. Rules 5 and 7 also scan every member name for the wrappers
and text keys the decisions removed, which needs no XSD: a converter measured without one is still
judged on names.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from st9x.rules.model import Catalogue, Finding, Level, Rule
from st9x.rules.st97_register.instance_walk import Walk, members, root_value
from st9x.rules.st97_register.register import CHOICE, DECISIONS, TEXT_KEYS, local

UNDECIDABLE = "no XSD declaration of the root element to decide from"


@dataclass
class InstanceSubject:
    """What the instance-level rules read: the converted document, the root element of its XML
    source and the XSD (``None``: only the name checks of decisions 5 and 7 can run)."""

    document: Any
    root: Any
    xsd: Any = None

    @cached_property
    def decl(self) -> Any:
        """The XSD declaration of the root element, which every shape check starts from."""
        return None if self.xsd is None else self.xsd.maps.elements.get(self.root.tag)

    @cached_property
    def walk(self) -> Walk:
        walk = Walk(self.xsd)
        if self.decl is not None:
            value, pointer = root_value(self.document, self.root)
            walk.visit(self.root, self.decl, value, pointer)
        return walk

    @cached_property
    def members(self) -> list[tuple[str, str, Any]]:
        return list(members(self.document))


def _walked(subject: InstanceSubject, decision: str) -> Iterator[Finding]:
    if subject.decl is None:
        yield Finding.not_applicable(UNDECIDABLE)
    else:
        yield from subject.walk.of(decision)


def bag_names(subject: InstanceSubject) -> Iterator[Finding]:
    """Decision 1: the member of a Bag element keeps the Bag name."""
    return _walked(subject, "1")


def arrays(subject: InstanceSubject) -> Iterator[Finding]:
    """Decision 4: a collection is the array of its items; an element that may repeat is an
    array."""
    return _walked(subject, "4")


def extensions(subject: InstanceSubject) -> Iterator[Finding]:
    """Decision 8: the members an extension inherits from its base type sit beside its own, not
    nested under a member named after the base."""
    return _walked(subject, "8")


def _names(subject: InstanceSubject, decision: str, wrong: Iterable[str],
           what: str) -> Iterator[Finding]:
    """The walk's findings of decision 5 or 7, then one failure per member named ``wrong``; the
    name scan counts as one place, not one per member, so that a clean instance passes."""
    if subject.decl is not None:
        yield from subject.walk.of(decision)
    wrong = list(wrong)
    for pointer in wrong:
        yield Finding.failed(pointer, f"{pointer} is {what}")
    if subject.decl is not None and not wrong:
        yield Finding.passed("", f"no member is {what}")


def choices(subject: InstanceSubject) -> Iterator[Finding]:
    """Decision 5: an alternative of a choice inside a longer sequence is an array; no
    ``…ChoiceN`` wrapper member remains."""
    return _names(subject, "5", (p for p, k, _ in subject.members if CHOICE.search(local(k))),
                  "a choice wrapper")


def text_values(subject: InstanceSubject) -> Iterator[Finding]:
    """Decision 7: simple content with attributes keeps its text under ``value``; no
    pre-decision text key (``$``, ``#text``…) remains."""
    return _names(subject, "7", (p for p, k, _ in subject.members if k in TEXT_KEYS),
                  "a pre-decision text key")


def _rules() -> Iterable[Rule[InstanceSubject]]:
    table = [
        ("1", bag_names, "Bag properties named …Bag", "no Bag element in the XML"),
        ("4", arrays, "collections and repeated elements are arrays",
         "no collection or repeated element in the XML"),
        ("5", choices, "places without choice wrappers", "no choice wrapper"),
        ("7", text_values, "places without text keys", "no text key"),
        ("8", extensions, "base-type members not nested",
         "no extension of element content in the XML"),
    ]
    for rule_id, check, counts, absent in table:
        yield Rule(rule_id, DECISIONS[rule_id], Level.INSTANCE, check, counts, absent)


#: the register's decisions on one converted instance, in the register's order
INSTANCE_RULES: Catalogue[InstanceSubject] = Catalogue("st97-register/instance", _rules())
