"""Schema-level rules: a generated JSON Schema, read with the XSD it was generated from and the
converter's loss report.

Each rule visits the definitions of the XSD's complex types (:attr:`SchemaSubject.types`, worked
out once and shared by every rule) and yields a finding per place its decision is about; rules
5 and 7 also scan every property name for the wrappers and text keys the decisions removed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from lxml import etree

from st9x.rules.model import Catalogue, Finding, Level, Rule
from st9x.rules.st97_register import schema_facts as facts
from st9x.rules.st97_register.register import CHOICE, DECISIONS, TEXT_KEYS, VALUE_KEY, local
from st9x.rules.st97_register.xsd import (
    Child,
    child_map,
    children,
    extension_base,
    is_collection,
    mixed,
    simple_with_attributes,
)


@dataclass(frozen=True)
class TypeDefinition:
    """An XSD complex type with its definition in the generated schema, and the facts about it
    more than one rule needs."""

    xsd_type: Any
    key: str
    where: str  # the definition's pointer, ``/$defs/<key>``
    body: Any
    own: dict[str, Any]  # the properties it declares, its allOf/anyOf members' included
    children: list[Child]  # element particles (wildcards left out)
    base: Any  # the base of a decision-8 extension, else None
    collection: bool


@dataclass
class SchemaSubject:
    """What the schema-level rules read: the generated schema, the XSD it was generated from,
    and the converter's loss report as ``(construct, location)`` pairs."""

    schema: dict[str, Any]
    xsd: Any
    losses: tuple[tuple[str, str], ...] = field(default=())

    @cached_property
    def keyword(self) -> str:
        return facts.definitions(self.schema)[0]

    @cached_property
    def defs(self) -> dict[str, Any]:
        return facts.definitions(self.schema)[1]

    @cached_property
    def types(self) -> list[TypeDefinition]:
        out = []
        for xsd_type, key in facts.compiled_types(self.xsd, self.defs):
            body = self.defs[key]
            out.append(TypeDefinition(
                xsd_type, key, f"/{self.keyword}/{key}", body,
                facts.own_properties(self.schema, body),
                [c for c in children(xsd_type) if c is not None],
                extension_base(xsd_type), is_collection(xsd_type)))
        return out

    @cached_property
    def properties(self) -> list[tuple[str, str, Any]]:
        return list(facts.properties(self.schema))


def _name(decl: Any) -> str:
    return str(etree.QName(decl.name).localname)


def bag_names(subject: SchemaSubject) -> Iterator[Finding]:
    """Decision 1: a Bag element's property keeps the Bag name (the items of a collection have
    none)."""
    for t in subject.types:
        for child in t.children if not t.collection else []:
            name = _name(child.decl)
            if not name.endswith("Bag"):
                continue
            if any(local(n) == name.lower() and str(n).endswith("Bag") for n in t.own):
                yield Finding.passed(t.where)
                continue
            other = facts.nested_property(subject.schema, t.body, name)
            if other is None and mixed(t.xsd_type):
                continue  # mixed content: inline elements may live in a content array
            if other is not None and other.endswith("Bag"):
                yield Finding.passed(t.where)  # kept, below a wrapper (decision 5's business)
                continue
            yield Finding.failed(t.where, f"{t.where}: {name} has no property named …Bag"
                                 + (f" (found {other!r} nested)" if other else ""))


def arrays(subject: SchemaSubject) -> Iterator[Finding]:
    """Decision 4: a collection is an array; an element that may repeat is an array."""
    for t in subject.types:
        if t.collection:
            if facts.is_array(subject.schema, t.body):
                yield Finding.passed(t.where)
            else:
                yield Finding.failed(
                    t.where, f"{t.where} is a collection wrapped in an object, not an array")
            continue
        if mixed(t.xsd_type):
            continue
        for child in t.children:
            name = _name(child.decl)
            prop = next((p for n, p in t.own.items() if local(n) == name.lower()), None)
            if child.max == 1 or prop is None:
                continue
            here = f"{t.where}/properties/{name}"
            if facts.is_array(subject.schema, prop):
                yield Finding.passed(here)
            else:
                yield Finding.failed(here, f"{here} (maxOccurs > 1) is not an array")


def choices(subject: SchemaSubject) -> Iterator[Finding]:
    """Decision 5: the alternatives of a choice inside a longer sequence are arrays with
    ``minItems`` 1 and a top-level ``anyOf`` requires one of them; no ``…ChoiceN`` wrapper
    remains. A choice the type inherits is checked on its base's definition, where the anyOf
    is."""
    for t in subject.types:
        inherited = set(child_map(t.base)) if t.base is not None else set()
        counts = Counter(c.decl.name for c in t.children)  # merged particles: undecidable
        alternatives = [c for c in t.children if c.alternative and c.decl.name not in inherited
                        and counts[c.decl.name] == 1]
        if alternatives and not mixed(t.xsd_type):
            yield _choice(subject.schema, t, alternatives)
    for pointer, name, _ in subject.properties:
        if CHOICE.search(name):
            yield Finding.failed(pointer, f"{pointer} is a choice wrapper")
    choice_def = next((k for k in subject.defs if CHOICE.search(k)), None)
    if choice_def:
        pointer = f"/{subject.keyword}/{choice_def}"
        yield Finding.failed(pointer, f"{pointer} is a choice wrapper")


def _choice(schema: dict[str, Any], t: TypeDefinition, alternatives: list[Child]) -> Finding:
    """One finding for the choice of a type: its first wrong alternative, else its anyOf."""
    names: list[str] = []
    for child in alternatives:
        name = _name(child.decl)
        prop_name = next((n for n in t.own if local(n) == name.lower()), None)
        if prop_name is None:
            return Finding.failed(
                t.where, f"{t.where}: alternative {name} is not a property of the type")
        prop = facts.resolve(schema, t.own[prop_name])
        if not (facts.is_array(schema, prop) and isinstance(prop, dict)
                and int(prop.get("minItems", 0)) >= 1):
            here = f"{t.where}/properties/{prop_name}"
            return Finding.failed(here, f"{here}: an alternative, not an array with minItems 1")
        names.append(str(prop_name))
    resolved = facts.resolve(schema, t.body)
    parts = [resolved] + [p for p in resolved.get("allOf", []) if isinstance(p, dict)] \
        if isinstance(resolved, dict) else []
    required = [{r for r in (m.get("required") or [])} for part in parts
                for m in part.get("anyOf", []) if isinstance(m, dict)]
    if not all(c.required for c in alternatives) or all(
            any(name in r for r in required) for name in names):
        return Finding.passed(t.where)
    other = next((k for part in parts for k in ("oneOf",) if k in part), None)
    return Finding.failed(t.where, f"{t.where}: no top-level anyOf requiring one of "
                          f"{', '.join(names)}" + (f" ({other} instead)" if other else ""))


def text_values(subject: SchemaSubject) -> Iterator[Finding]:
    """Decision 7: simple content with attributes keeps its text under ``value``; no
    pre-decision text key (``$``, ``#text``…) names a property."""
    for t in subject.types:
        if simple_with_attributes(t.xsd_type):
            if VALUE_KEY in t.own:
                yield Finding.passed(t.where)
            else:
                yield Finding.failed(
                    t.where, f"{t.where}: simple content without a {VALUE_KEY!r} property")
    for pointer, name, _ in subject.properties:
        if name in TEXT_KEYS:
            yield Finding.failed(pointer, f"{pointer} is a pre-decision text key")


def extensions(subject: SchemaSubject) -> Iterator[Finding]:
    """Decision 8: an extension of a complex base is ``allOf [$ref base, added]``. An extension
    the converter could not express and reported as a loss (of mixed content) is ``n/a`` there,
    counted as a reported loss."""
    for t in subject.types:
        if t.base is None:
            continue
        resolved = facts.resolve(subject.schema, t.body)
        base_key = facts.def_key(subject.defs, t.base.name)
        refs = [p.get("$ref", "") for p in (resolved.get("allOf") or [])
                if isinstance(p, dict)] if isinstance(resolved, dict) else []
        if any(base_key and ref.endswith(f"/{base_key}") for ref in refs) or (
                base_key is None and refs):
            yield Finding.passed(t.where)
            continue
        construct = facts.loss_at(t.xsd_type, subject.losses)
        if construct is not None and (mixed(t.xsd_type) or mixed(t.base)):
            yield Finding.lost(t.where, f"{_name(t.xsd_type)}: {construct}")
            continue
        yield Finding.failed(t.where, f"{t.where} extends {_name(t.base)} without "
                             "allOf [$ref base, …]"
                             + (f" (reported: {construct})" if construct else ""))


def _rules() -> Iterable[Rule[SchemaSubject]]:
    table = [
        ("1", bag_names, "Bag properties", "no Bag element among the compiled types"),
        ("4", arrays, "collections and repeated elements as arrays",
         "no collection or repeated element"),
        ("5", choices, "choices as alternative arrays + anyOf",
         "no choice inside a longer sequence"),
        ("7", text_values, "simple-content types with value",
         "no simple content with attributes"),
        ("8", extensions, "extensions as allOf", "no extension of a complex type"),
    ]
    for rule_id, check, counts, absent in table:
        yield Rule(rule_id, DECISIONS[rule_id], Level.SCHEMA, check, counts, absent)


#: the register's decisions on a generated JSON Schema, in the register's order
SCHEMA_RULES: Catalogue[SchemaSubject] = Catalogue("st97-register/schema", _rules())
