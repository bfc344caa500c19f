"""Structure rules: the nesting the register removed. Decision 4: a collection is the array
itself, not an object wrapping it. Decision 5: the alternatives of a choice are properties of the
type, not of a ``…Choice1`` wrapper object.

Both read the JSON Schema's shape alone: an object that holds nothing but one array, and an
inline object that holds nothing but a choice's alternatives, are wrappers whatever the XSD was.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from st9x.rules.lint import JsonSchemaDocument, LintRule, Severity, lint_rule
from st9x.rules.model import Finding
from st9x.rules.st97 import walk
from st9x.rules.st97_register.register import CHOICE

_ALLOF_MEMBER = re.compile(r"/allOf/\d+\Z")
#: an alternative of an ordered choice array (open issue 6, ``choice-unbounded=ordered``): each
#: item is an object with exactly one required property naming the alternative
_ORDERED_ALTERNATIVE = re.compile(r"/items/(?:anyOf|oneOf)/\d+\Z")


def no_collection_wrapper(doc: JsonSchemaDocument) -> Iterator[Finding]:
    """Decision 4: an object schema whose only property is an array is the XML collection
    wrapper (``{"applicantBag": {"applicant": [...]}}``); the collection should be the array.
    Arrays of mixed content (strings and inline elements) are not collections (open issue 9),
    and an ``allOf`` member is not an object of its own (an extension adding one repeated
    element is ``allOf [base, {"properties": {"x": array}}]``), nor is an item of an ordered
    choice array (open issue 6): ``{"cpcClassificationBag": [...]}`` there says which
    alternative the item is. An object whose one array is named ``...Bag`` is not a wrapper
    either: the Bag is the collection (decisions 1 and 4), the object is a record owning
    it (``{"figurativeElementClassificationBag": [...]}``). One finding per object
    schema that declares properties."""
    root = doc.document
    for node in walk.subschemas(root):
        if not isinstance(node.schema.get("properties"), dict) or not node.schema["properties"]:
            continue
        if _ALLOF_MEMBER.search(node.pointer):
            continue
        if _ORDERED_ALTERNATIVE.search(node.pointer) and _tags_one(node.schema):
            continue
        inner = walk.only_array_wrapper(root, node.schema)
        if inner is None or inner.endswith("Bag"):
            yield Finding.passed(node.pointer)
        else:
            yield Finding.failed(node.pointer, f"{node.pointer}: an object wrapping only the "
                                               f"array {inner!r}; the collection should be the "
                                               "array itself")


def _tags_one(schema: dict[str, Any]) -> bool:
    """An object with one property, required: an ordered choice's item naming its
    alternative."""
    properties, required = schema.get("properties"), schema.get("required")
    return (isinstance(properties, dict) and len(properties) == 1
            and isinstance(required, list) and list(properties) == required)


def _alternatives(schema: dict[str, Any]) -> set[str] | None:
    """The property names an ``anyOf``/``oneOf`` of bare ``{"required": [name]}`` members
    chooses between, else None."""
    for key in ("anyOf", "oneOf"):
        members = schema.get(key)
        if not isinstance(members, list) or len(members) < 2:
            continue
        names: set[str] = set()
        for member in members:
            required = member.get("required") if isinstance(member, dict) else None
            if not (isinstance(required, list) and len(required) == 1
                    and set(member) <= {"required", "not", "properties"}):
                break
            names.add(str(required[0]))
        else:
            return names
    return None


def is_choice_wrapper(schema: Any) -> bool:
    """An inline object (not a ``$ref`` to a type's definition) that holds nothing but the
    alternatives of its own choice: the wrapper decision 5 removed. A type whose whole content
    is a choice is a definition reached by ``$ref``, and is not a wrapper."""
    if not isinstance(schema, dict) or "$ref" in schema:
        return False
    props = schema.get("properties")
    alternatives = _alternatives(schema)
    return isinstance(props, dict) and alternatives is not None and set(props) == alternatives


def no_choice_wrapper(doc: JsonSchemaDocument) -> Iterator[Finding]:
    """Decision 5: no property or definition is named ``…ChoiceN``, and no property's schema is
    an inline object holding only the alternatives of a choice. One finding per object schema
    that declares properties (passed when none of its properties is a wrapper), one per
    offending property, one per offending definition."""
    root = doc.document
    keyword, defs = walk.definitions(root)
    for name in defs:
        if CHOICE.search(name):
            here = f"/{keyword}/{walk.escape(name)}"
            yield Finding.failed(here, f"{here}: a definition named like a choice wrapper")
    for node in walk.subschemas(root):
        props = node.schema.get("properties")
        if not isinstance(props, dict) or not props:
            continue
        bad = False
        for name, sub in props.items():
            here = f"{node.pointer}/properties/{walk.escape(name)}"
            if CHOICE.search(name):
                bad = True
                yield Finding.failed(here, f"{here}: property {name!r} is a choice wrapper")
            elif is_choice_wrapper(sub):
                bad = True
                yield Finding.failed(here, f"{here}: an object holding only the alternatives "
                                           "of a choice; they belong to the enclosing type")
        if not bad:
            yield Finding.passed(node.pointer)


RULES: list[LintRule[JsonSchemaDocument]] = [
    lint_rule(
        "st97.structure.no-collection-wrapper", "Collections are arrays, without wrapper objects",
        no_collection_wrapper, source="ST.97 register, decision 4",
        severity=Severity.ESSENTIAL, category="structure", counts="object schemas",
        absent="no object schema with properties",
        description="An object whose single property is an array is the wrapper XML "
                    "conversion introduced; an unbounded collection is the array itself."),
    lint_rule(
        "st97.structure.no-choice-wrapper", "No ChoiceN names or choice wrapper objects",
        no_choice_wrapper, source="ST.97 register, decision 5",
        severity=Severity.ESSENTIAL, category="structure", counts="object schemas",
        absent="no object schema with properties",
        description="No property or definition is named …Choice1, …Choice2; no inline object "
                    "holds only the alternatives of an anyOf/oneOf: each alternative is a "
                    "property of the type and an anyOf at the type's top level requires one."),
]
