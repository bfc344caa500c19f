"""What the JSON generator and mutator know of a JSON Schema: a flattened view of it, and a small
three-valued evaluator of scalars against it.

The generator and the mutator both need to know, at any place in a document, which properties
exist, which are required, whether the object is closed, and which string/number/array facets
apply. JSON Schema spreads that over ``$ref``, ``allOf`` and sibling keywords (2020-12 allows
``{"$ref": ..., "unevaluatedProperties": false}``), so :class:`SchemaView` merges them into one
dict per schema node. The merge is deliberately simple (the ST.97 schemas only use ``allOf`` for
type extension); anything it gets wrong is caught by the real validators, never hidden.

``if``/``then``/``else`` cannot be merged like the other keywords (a ``format`` under ``then``
applies only to the values ``if`` accepts), so every part's triple is kept, as written, in
``_conditionals``; :func:`fits` evaluates them for scalars. The compiled XSD date/time types
rely on this: ``{"pattern": <XSD lexical space>, "if": {"pattern": <RFC 3339 form>},
"then": {"format": "date-time"}}``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import orjson

from st9x.errors import SchemaError

#: Keywords whose values are unioned when ``$ref``/``allOf`` parts are merged.
_UNION_KEYS = ("properties",)


def load_schema_file(path: str | Path) -> dict[str, Any]:
    """Read a JSON Schema document (a dict; boolean root schemas are not useful to generate).

    A ``$ref`` to anything but this document (``#...``) is refused before any library sees the
    schema: the generator and the mutator follow local pointers only, and a validator given
    the schema would otherwise go looking for the other file (on the disk, outside what the
    command was given, or on the network)."""
    document = orjson.loads(Path(path).read_bytes())
    if not isinstance(document, dict):
        raise ValueError(f"{path}: a JSON Schema document must be an object")
    outside = next(_foreign_refs(document), None)
    if outside is not None:
        raise SchemaError(
            f"refusing $ref {outside!r}: st9x generates and mutates from one schema document "
            "and follows only references into it ('#...')",
            path=path,
        )
    return document


_DATA_KEYS = ("enum", "const", "default", "examples")  # instances, not schemas


def _foreign_refs(node: Any) -> Iterable[str]:
    """Every ``$ref``/``$dynamicRef``/``$recursiveRef`` value that leaves the document."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key in ("$ref", "$dynamicRef", "$recursiveRef"):
                ref = item.get(key)
                if isinstance(ref, str) and not ref.startswith("#"):
                    yield ref
            stack.extend(v for k, v in item.items() if k not in _DATA_KEYS)
        elif isinstance(item, list):
            stack.extend(item)


class SchemaView:
    """Resolves local ``$ref`` pointers and flattens ``$ref`` + ``allOf`` into one dict.

    The flattened dict keeps the ordinary keywords (first occurrence wins, ``properties`` and
    ``required`` are unioned) and adds three private keys: ``_closed`` (some part says
    ``additionalProperties: false`` or ``unevaluatedProperties: false``: emit only declared
    properties), ``_choices`` (every ``oneOf``/``anyOf`` met, as ``(keyword, branches)``) and
    ``_conditionals`` (every ``if`` met, as ``(if, then, else)``, ``None`` for a missing part).
    """

    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self._cache: dict[int, dict[str, Any]] = {}

    def deref(self, ref: str) -> Any:
        """Follow a local JSON pointer (``#/$defs/X`` or ``#/definitions/X``)."""
        if not ref.startswith("#"):
            raise ValueError(f"only local $ref is supported, got {ref!r}")
        node: Any = self.root
        for part in ref[1:].split("/")[1:]:
            part = part.replace("~1", "/").replace("~0", "~")
            node = node[int(part)] if isinstance(node, list) else node[part]
        return node

    def flat(self, node: Any) -> dict[str, Any]:
        """The merged view of ``node`` (``True``/``{}`` give an empty dict: anything goes)."""
        if not isinstance(node, dict):
            return {} if node is True else {"not": {}}
        key = id(node)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        out: dict[str, Any] = {"_closed": False, "_choices": [], "_conditionals": []}
        self._cache[key] = out  # recursion guard: a cycle through $ref sees a partial view
        parts: list[dict[str, Any]] = [node]
        if "$ref" in node:
            parts.append(self.flat(self.deref(node["$ref"])))
        parts.extend(self.flat(sub) for sub in node.get("allOf", ()))
        for part in parts:
            _merge_into(out, part)
        return out


def _merge_into(out: dict[str, Any], part: dict[str, Any]) -> None:
    for key, value in part.items():
        if key in ("$ref", "allOf", "$defs", "definitions", "$schema", "$id", "description"):
            continue
        if key == "_closed":
            out["_closed"] = out["_closed"] or value
        elif key == "_choices":
            out["_choices"].extend(c for c in value if c not in out["_choices"])
        elif key == "_conditionals":
            out["_conditionals"].extend(c for c in value if c not in out["_conditionals"])
        elif key == "if":
            conditional = (value, part.get("then"), part.get("else"))
            if conditional not in out["_conditionals"]:
                out["_conditionals"].append(conditional)
        elif key in ("then", "else"):
            continue  # meaningless without 'if' (JSON Schema ignores them), kept with it above
        elif key in ("oneOf", "anyOf"):
            choice = (key, value)
            if choice not in out["_choices"]:
                out["_choices"].append(choice)
        elif key in ("additionalProperties", "unevaluatedProperties") and value is False:
            out["_closed"] = True
            out.setdefault(key, value)
        elif key == "required":
            have = out.setdefault("required", [])
            have.extend(name for name in value if name not in have)
        elif key in _UNION_KEYS:
            merged = dict(out.get(key, {}))
            for name, sub in value.items():
                merged[name] = {"allOf": [merged[name], sub]} if name in merged else sub
            out[key] = merged
        else:
            out.setdefault(key, value)


def type_fits(declared: Any, value: Any) -> bool:
    """Whether ``value`` is of the JSON type (or one of the types) ``declared``."""
    names = declared if isinstance(declared, list) else [declared]
    for name in names:
        if name == "object" and isinstance(value, dict):
            return True
        if name == "array" and isinstance(value, list):
            return True
        if name == "string" and isinstance(value, str):
            return True
        if name == "boolean" and isinstance(value, bool):
            return True
        if name in ("number", "integer") and isinstance(value, (int, float)):
            return not isinstance(value, bool)
        if name == "null" and value is None:
            return True
    return False


#: Keywords that never reject a scalar: annotations, and the object/array keywords (they apply
#: only to instances of their type).
_SCALAR_VACUOUS = frozenset(
    {
        "_closed",
        "title",
        "description",
        "$comment",
        "examples",
        "default",
        "deprecated",
        "readOnly",
        "writeOnly",
        "$anchor",
        "$dynamicAnchor",
        "contentEncoding",
        "contentMediaType",
        "properties",
        "patternProperties",
        "additionalProperties",
        "unevaluatedProperties",
        "propertyNames",
        "required",
        "dependentRequired",
        "dependentSchemas",
        "dependencies",
        "minProperties",
        "maxProperties",
        "items",
        "prefixItems",
        "additionalItems",
        "unevaluatedItems",
        "contains",
        "minContains",
        "maxContains",
        "minItems",
        "maxItems",
        "uniqueItems",
    }
)

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATE_TIME = re.compile(
    r"([0-9]{4}-[0-9]{2}-[0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?"
    r"([Zz]|[+-]([0-9]{2}):([0-9]{2}))"
)


def _all3(answers: Iterable[bool | None]) -> bool | None:
    """Three-valued AND: False wins, then None (unknown), else True."""
    seen = list(answers)
    if False in seen:
        return False
    return None if None in seen else True


def _any3(answers: Iterable[bool | None]) -> bool | None:
    """Three-valued OR: True wins, then None (unknown), else False."""
    seen = list(answers)
    if True in seen:
        return True
    return None if None in seen else False


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _date_ok(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def format_fits(fmt: Any, value: Any) -> bool | None:
    """``date`` and ``date-time`` (RFC 3339) only; other formats are unknown (None)."""
    if not isinstance(value, str):
        return True
    if fmt == "date":
        return bool(_DATE.fullmatch(value)) and _date_ok(value)
    if fmt == "date-time":
        match = _DATE_TIME.fullmatch(value)
        if match is None or not _date_ok(match[1]):
            return False
        hour, minute, second = int(match[2]), int(match[3]), int(match[4])
        offset_ok = match[7] is None or (int(match[7]) < 24 and int(match[8]) < 60)
        return hour < 24 and minute < 60 and second < 61 and offset_ok
    return None


def _scalar_keyword_fits(key: str, expected: Any, value: Any) -> bool | None:
    """One keyword of a flattened schema against a scalar (None: not modelled here)."""
    if key == "type":
        names = expected if isinstance(expected, list) else [expected]
        if "integer" in names and _is_number(value) and float(value).is_integer():
            return True
        return type_fits(expected, value)
    if key == "enum":
        return any(value == v and type(value) is type(v) for v in expected) or (
            _is_number(value) and any(_is_number(v) and v == value for v in expected)
        )
    if key == "const":
        return _scalar_keyword_fits("enum", [expected], value)
    if key == "format":
        return format_fits(expected, value)
    if key in ("pattern", "minLength", "maxLength"):
        if not isinstance(value, str):
            return True
        if key == "minLength":
            return len(value) >= expected
        if key == "maxLength":
            return len(value) <= expected
        return bool(re.search(expected, value)) if pattern_compiles(expected) else None
    if key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"):
        if not _is_number(value) or not _is_number(expected):
            return True if not _is_number(value) else None  # draft-04 boolean exclusives
        if key == "minimum":
            return value >= expected
        if key == "maximum":
            return value <= expected
        if key == "exclusiveMinimum":
            return value > expected
        if key == "exclusiveMaximum":
            return value < expected
        return None  # multipleOf: float rounding differs between validators
    return None


def pattern_compiles(pattern: str) -> bool:
    """Whether Python's ``re`` can evaluate ``pattern`` (else its answer is unknown)."""
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


def fits(view: SchemaView, node: Any, value: Any) -> bool | None:
    """Whether the scalar ``value`` satisfies ``node``: True, False, or None when a keyword
    this small evaluator does not model is present (callers then assume it may accept).

    Only used to choose branches, draw conditional values and keep mutants honest, never to
    judge documents: the validators do that. Keywords of objects and arrays do not apply to a
    scalar. ``if``/``then``/``else`` are evaluated as JSON Schema does: ``then`` applies to a
    value ``if`` accepts, ``else`` to one it rejects; when ``if`` is unknown, only the answer
    both sides give is sure.
    """
    return fits_flat(view, view.flat(node), value)


def fits_flat(view: SchemaView, flat: dict[str, Any], value: Any) -> bool | None:
    """:func:`fits` on an already flattened node (a :class:`SchemaView` dict, or one edited by
    the caller: never cached, so a temporary dict is safe here and not in ``view.flat``)."""
    answers: list[bool | None] = []
    for key, expected in flat.items():
        if key in _SCALAR_VACUOUS:
            continue
        if key == "_choices":
            for _keyword, branches in expected:
                answers.append(_any3(fits(view, branch, value) for branch in branches))
        elif key == "_conditionals":
            for condition, then, otherwise in expected:
                answers.append(conditional_fits(view, (condition, then, otherwise), value))
        elif key == "not":
            inner = False if expected == {} else fits(view, expected, value)
            answers.append(None if inner is None else not inner)
        else:
            answers.append(_scalar_keyword_fits(key, expected, value))
    return _all3(answers)


def conditional_fits(
    view: SchemaView, conditional: tuple[Any, Any, Any], value: Any
) -> bool | None:
    """One ``(if, then, else)`` triple against a scalar: ``(if and then) or (not if and else)``,
    three-valued; a missing ``then``/``else`` accepts everything."""
    condition, then, otherwise = conditional
    holds = fits(view, condition, value)
    then_fits = True if then is None else fits(view, then, value)
    else_fits = True if otherwise is None else fits(view, otherwise, value)
    not_holds = None if holds is None else not holds
    return _any3([_all3([holds, then_fits]), _all3([not_holds, else_fits])])


def merge_branches(
    view: SchemaView, flat: dict[str, Any], pick: Callable[[str, list[Any]], int]
) -> dict[str, Any]:
    """A copy of ``flat`` with the branch ``pick`` chooses of every oneOf/anyOf merged in.

    Shared by the generator (random pick) and the mutator (the branch the document took). For a
    ``oneOf`` whose branches name required properties (an xsd:choice), the properties only the
    other branches require are removed, or a second branch would match too.
    """
    merged = {k: v for k, v in flat.items() if k != "_choices"}
    merged["_choices"] = []
    merged["properties"] = dict(flat.get("properties", {}))
    merged["required"] = list(flat.get("required", []))
    merged["_conditionals"] = list(flat.get("_conditionals", []))  # never the cached list
    for keyword, branches in flat["_choices"]:
        index = pick(keyword, branches)
        branch = view.flat(branches[index])
        if keyword == "oneOf":
            mine = set(branch.get("required", ()))
            for other_index, other in enumerate(branches):
                if other_index == index:
                    continue
                for name in view.flat(other).get("required", ()):
                    if name not in mine:
                        merged["properties"].pop(name, None)
        for key, value in branch.items():
            if key == "required":
                merged["required"] += [n for n in value if n not in merged["required"]]
            elif key == "properties":
                for name, sub in value.items():
                    old = merged["properties"].get(name)
                    merged["properties"][name] = sub if old is None else {"allOf": [old, sub]}
            elif key == "_closed":
                merged["_closed"] = merged["_closed"] or value
            elif key == "_choices":
                merged["_choices"] += value
            elif key == "_conditionals":
                merged["_conditionals"] += [c for c in value if c not in merged["_conditionals"]]
            else:
                merged.setdefault(key, value)
    if merged["_choices"]:
        return merge_branches(view, merged, pick)
    return merged
