"""Extension rules (decision 8): an XSD extension is ``allOf [{"$ref": base}, {added}]``, and
such an ``allOf`` must not be closed in a way that rejects the data it describes.

Without the XSD, an extension that ignored decision 8 shows in one of two shapes, one rule each:

* **nested base**: the base type's content under a property named after the base type
  (``{"partyType": {"$ref": "#/$defs/com_PartyType"}, "legalEntityCategory": …}``), which is how
  earlier converters expressed ``xsd:extension``. Caught when a property's name is the
  lowerCamelCase name of a ``…Type`` definition and its schema is a ``$ref`` to it: ST.96
  element names do not end in ``Type``, so an element named like its own type is no false alarm.
* **copied base**: the definition (of an ST.96 ``…Type``) repeats another definition's
  properties and adds more, instead of referring to it. Caught when definition A's own
  ``properties`` hold *all* of definition B's
  (at least :data:`MIN_COPIED` of them), each with the very same schema and the same
  requiredness, plus at least one more, and A's ``allOf`` does not refer to B. Both conditions
  matter because ST.96 reuses global elements everywhere: ``PriorityClaimType`` and
  ``ApplicationNumberType`` both refer to ``com:IPOfficeCode`` and ``com:ApplicationNumberText``
  (identical property schemas) without one extending the other, and there the office code is
  required in one and optional in the other; a copied base keeps its base's requiredness. A
  restriction repeats a *subset* of its base, so it is not caught, and is not an extension.
  Even so, ST.96 has unrelated types that repeat each other (``tmk:ApplicantType`` holds every
  element of ``tmk:AssignorType`` and more, neither extending the other), so this is a note to
  review, not a requirement.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from st9x.rules.lint import JsonSchemaDocument, LintRule, Severity, lint_rule
from st9x.rules.model import Finding
from st9x.rules.st97 import walk

#: fewest properties a copied base must have for the copy to count (one shared property is
#: a coincidence, not an extension)
MIN_COPIED = 2


def _local(key: str) -> str:
    """A definition key without a ``<prefix>_`` namespace prefix (``com_PartyType`` →
    ``PartyType``)."""
    return key.split("_", 1)[1] if "_" in key and key.split("_", 1)[1] else key


def _object_defs(root: Any) -> dict[str, dict[str, Any]]:
    """The definitions named like ST.96 types (``…Type``) that declare properties of their
    own. Vocabularies ST.96 imports (MathML's ``m_cs``, OASIS tables' ``tbl_row``) share whole
    attribute groups between unrelated elements, which looks exactly like a copied base; their
    definitions keep the imported names, without ``Type``, and are left out of the comparison."""
    _, defs = walk.definitions(root)
    return {k: v for k, v in defs.items() if k.endswith("Type")
            and isinstance(v, dict) and isinstance(v.get("properties"), dict)}


def _required(schema: dict[str, Any]) -> set[str]:
    required = schema.get("required")
    return {str(r) for r in required} if isinstance(required, list) else set()


def _allof_refs(schema: dict[str, Any]) -> set[str]:
    members = schema.get("allOf") if isinstance(schema.get("allOf"), list) else []
    return {t for t in (walk.ref_target(m) for m in members) if t}


def _copied_base(key: str, props: dict[str, Any], defs: dict[str, dict[str, Any]],
                 holders: dict[str, list[str]]) -> tuple[str, int] | None:
    """The largest definition whose properties this one repeats, with identical schemas, and
    adds to; None when there is none."""
    hits: dict[str, int] = defaultdict(int)
    required = _required(defs[key])
    for name, sub in props.items():
        for other in holders.get(name, ()):
            if other != key and defs[other]["properties"][name] == sub and (
                    name in required) == (name in _required(defs[other])):
                hits[other] += 1
    best = None
    for other, count in hits.items():
        size = len(defs[other]["properties"])
        if count == size >= MIN_COPIED and len(props) > size and (
                best is None or size > best[1]):
            best = (other, size)
    return best


def allof_extension(doc: JsonSchemaDocument) -> Iterator[Finding]:
    """Decision 8: no definition nests its base under a property named after the base type.
    One finding per definition that declares properties or an ``allOf``."""
    root = doc.document
    keyword, all_defs = walk.definitions(root)
    by_name = {_local(k).lower(): k for k in all_defs if _local(k).lower().endswith("type")}
    for key, body in all_defs.items():
        if not isinstance(body, dict) or not (isinstance(body.get("properties"), dict)
                                              or isinstance(body.get("allOf"), list)):
            continue
        where = f"/{keyword}/{walk.escape(key)}"
        failed = False
        for name, sub in (body.get("properties") or {}).items():
            target = walk.ref_target(sub)
            if target is not None and by_name.get(str(name).lower()) == target:
                failed = True
                here = f"{where}/properties/{walk.escape(name)}"
                yield Finding.failed(here, f"{here}: the base type {target} nested under a "
                                           f"property named after it, not allOf [$ref base, …]")
        if not failed:
            yield Finding.passed(where)


def copied_base(doc: JsonSchemaDocument) -> Iterator[Finding]:
    """Decision 8, the heuristic half: no ``…Type`` definition repeats all the properties of
    another (same schemas, same requiredness) and adds more without referring to it in an
    ``allOf``. A note, not a requirement: from the JSON alone a flattened extension cannot be
    told from two types that share elements in the XSD itself. One finding per ``…Type``
    definition that declares properties."""
    root = doc.document
    keyword, _ = walk.definitions(root)
    defs = _object_defs(root)
    holders: dict[str, list[str]] = defaultdict(list)
    for key, body in defs.items():
        for name in body["properties"]:
            holders[name].append(key)
    for key, body in defs.items():
        where = f"/{keyword}/{walk.escape(key)}"
        copied = _copied_base(key, body["properties"], defs, holders)
        if copied is not None and copied[0] not in _allof_refs(body):
            yield Finding.failed(where, f"{where} repeats all {copied[1]} properties of "
                                        f"{copied[0]} (same schemas, same requiredness) and "
                                        "adds more, instead of allOf [{\"$ref\": base}, …]")
        else:
            yield Finding.passed(where)


def _admits(schema: dict[str, Any], name: str) -> bool:
    """Whether ``additionalProperties`` leaves ``name`` alone in this schema object: it is
    declared in the same object's ``properties`` or matches its ``patternProperties`` (matched
    with Python's ``re``, close enough to ECMA-262 for property-name patterns)."""
    if name in (schema.get("properties") or {}):
        return True
    for pattern in schema.get("patternProperties") or {}:
        try:
            if re.search(pattern, name):
                return True
        except re.error:
            continue
    return False


def closed_allof(doc: JsonSchemaDocument) -> Iterator[Finding]:
    """An ``allOf`` extension closed with ``additionalProperties: false`` rejects valid data:
    ``additionalProperties`` sees only the properties declared beside it, not those of the other
    ``allOf`` members, so a closed base rejects every property the extension adds, and a closed
    extension rejects every base property it does not repeat. ``unevaluatedProperties: false``
    (2019-09+) is the closure that sees through ``allOf``; draft-07 schemas may instead repeat
    every member's names beside the ``additionalProperties`` (``"name": true``), which this
    rule accepts. One finding per ``allOf`` of two or more members one of which is a ``$ref``."""
    root = doc.document
    for node in walk.subschemas(root):
        members = node.schema.get("allOf")
        if not (isinstance(members, list) and len(members) >= 2
                and any(walk.ref_target(m) for m in members)):
            continue
        names = [walk.declared_names(root, m) for m in members]
        problems: list[str] = []
        if node.schema.get("additionalProperties") is False:
            lost = sorted(n for n in set().union(*names) if not _admits(node.schema, n))
            if lost:
                problems.append(f"additionalProperties: false beside the allOf rejects "
                                f"{', '.join(lost[:4])}{'…' if len(lost) > 4 else ''}")
        for i, member in enumerate(members):
            resolved = walk.resolve(root, member)
            if not (isinstance(resolved, dict) and resolved.get("additionalProperties") is False):
                continue
            others = set().union(*(names[:i] + names[i + 1:]))
            lost = sorted(n for n in others if not _admits(resolved, n))
            if lost:
                what = walk.ref_target(member) or f"allOf/{i}"
                problems.append(f"{what} is closed by additionalProperties: false and rejects "
                                f"{', '.join(lost[:4])}{'…' if len(lost) > 4 else ''}")
        if problems:
            yield Finding.failed(node.pointer, f"{node.pointer}: {'; '.join(problems)} "
                                               "(use unevaluatedProperties: false)")
        else:
            yield Finding.passed(node.pointer)


RULES: list[LintRule[JsonSchemaDocument]] = [
    lint_rule(
        "st97.extensions.allof-extension", "Extensions are allOf [$ref base, added]",
        allof_extension, source="ST.97 register, decision 8", severity=Severity.ESSENTIAL,
        category="extensions", counts="definitions", absent="no object definition",
        description="No definition nests its base under a property named after the base "
                    "type ({\"partyType\": {\"$ref\": …PartyType}, …}): the base is an allOf "
                    "member."),
    lint_rule(
        "st97.extensions.copied-base", "No definition copies another's properties instead of "
        "allOf", copied_base, source="ST.97 register, decision 8", severity=Severity.NOTE,
        category="extensions", counts="…Type definitions", absent="no …Type object definition",
        description="A …Type definition that repeats all properties of another (at least two, "
                    "identical schemas and requiredness) plus more may be an extension "
                    "flattened instead of allOf [$ref base, added]; a heuristic to review, "
                    "since ST.96 types also share elements without extending each other."),
    lint_rule(
        "st97.extensions.closed-allof", "No additionalProperties: false around an allOf extension",
        closed_allof,
        source="ST.97 register, decision 8 (allOf) with unevaluatedProperties (JSON Schema "
               "2019-09)",
        severity=Severity.ESSENTIAL, category="extensions", counts="allOf extensions",
        absent="no allOf with a $ref member",
        description="additionalProperties: false on an allOf extension, or on the base it "
                    "refers to, rejects properties declared in the other allOf members, so "
                    "valid data fails; unevaluatedProperties: false closes the extension "
                    "without that."),
]
