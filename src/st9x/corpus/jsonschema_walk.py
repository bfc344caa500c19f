"""Shared machinery of the JSON generator and mutator: a flattened view of a JSON Schema, and
the two validators every generated document is checked with.

The generator and the mutator both need to know, at any place in a document, which properties
exist, which are required, whether the object is closed, and which string/number/array facets
apply. JSON Schema spreads that over ``$ref``, ``allOf`` and sibling keywords (2020-12 allows
``{"$ref": ..., "unevaluatedProperties": false}``), so :class:`SchemaView` merges them into one
dict per schema node. The merge is deliberately simple (the ST.97 schemas only use ``allOf`` for
type extension); anything it gets wrong is caught by the real validators, never hidden.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs
import orjson

#: Keywords whose values are unioned when ``$ref``/``allOf`` parts are merged.
_UNION_KEYS = ("properties",)


def load_schema_file(path: str | Path) -> dict[str, Any]:
    """Read a JSON Schema document (a dict; boolean root schemas are not useful to generate)."""
    document = orjson.loads(Path(path).read_bytes())
    if not isinstance(document, dict):
        raise ValueError(f"{path}: a JSON Schema document must be an object")
    return document


class SchemaView:
    """Resolves local ``$ref`` pointers and flattens ``$ref`` + ``allOf`` into one dict.

    The flattened dict keeps the ordinary keywords (first occurrence wins, ``properties`` and
    ``required`` are unioned) and adds two private keys: ``_closed`` (some part says
    ``additionalProperties: false`` or ``unevaluatedProperties: false``: emit only declared
    properties) and ``_choices`` (every ``oneOf``/``anyOf`` met, as ``(keyword, branches)``).
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
        out: dict[str, Any] = {"_closed": False, "_choices": []}
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


def _patterns_python_cannot_compile(node: Any) -> list[str]:
    """ECMA-262 patterns (e.g. ``\\p{Lu}``) Python's ``re`` rejects: python jsonschema would
    crash on the first document that reaches them, so such a schema is checked by jsonschema-rs
    alone and the report says so."""
    found: list[str] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            pattern = item.get("pattern")
            if isinstance(pattern, str):
                try:
                    re.compile(pattern)
                except re.error:
                    found.append(pattern)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _formats_used(node: Any) -> set[str]:
    """Every ``format`` value in a schema document."""
    found: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if isinstance(item.get("format"), str):
                found.add(item["format"])
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


@dataclass
class Verdict:
    """The two validators' answers on one document (``python`` is None when not evaluated)."""

    rs: bool
    python: bool | None
    rs_error: str = ""
    python_error: str = ""

    @property
    def valid(self) -> bool:
        return self.rs and self.python is not False

    @property
    def invalid(self) -> bool:
        return not self.rs and self.python is not True

    @property
    def agree(self) -> bool:
        return self.python is None or self.python == self.rs

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"jsonschema-rs": "valid" if self.rs else "invalid"}
        if self.rs_error:
            out["jsonschema-rs-error"] = self.rs_error[:300]
        if self.python is not None:
            out["python-jsonschema"] = "valid" if self.python else "invalid"
            if self.python_error:
                out["python-jsonschema-error"] = self.python_error[:300]
        return out


class DualJsonValidator:
    """jsonschema-rs and python ``jsonschema``, both asserting formats.

    Formats are asserted because ``date``/``date-time`` mutants break only the format; with
    assertion off every validator would (rightly) accept them. Python ``jsonschema`` is used
    whenever it knows the schema's dialect (draft-04 to 2020-12); otherwise only jsonschema-rs.
    """

    def __init__(self, schema: dict[str, Any]) -> None:
        self.rs = jsonschema_rs.validator_for(schema, validate_formats=True)
        self.py: Any = None
        #: Why python jsonschema is not consulted ("" when it is): reported, never silent.
        self.python_skipped = ""
        cls = jsonschema.validators.validator_for(schema, default=None)
        unusable = _patterns_python_cannot_compile(schema)
        if cls is None:
            self.python_skipped = "python jsonschema does not know the schema's dialect"
        elif unusable:
            self.python_skipped = (
                "python jsonschema evaluates 'pattern' with Python re, which cannot compile "
                f"{len(unusable)} pattern(s) of this schema, e.g. {unusable[0][:80]!r}"
            )
        else:
            self.py = cls(schema, format_checker=cls.FORMAT_CHECKER)
        #: Formats the schema uses that python jsonschema cannot assert (its checker for them
        #: needs an optional package that is missing): it then accepts any string there, so a
        #: format mutant shows as a disagreement. Reported, with the reason, never silent.
        self.python_formats_unasserted: list[str] = []
        if self.py is not None:
            known = set(cls.FORMAT_CHECKER.checkers)
            self.python_formats_unasserted = sorted(_formats_used(schema) - known)

    def check(self, instance: Any) -> Verdict:
        rs_error = ""
        try:
            self.rs.validate(instance)
            rs_ok = True
        except jsonschema_rs.ValidationError as exc:
            rs_ok = False
            rs_error = str(exc).splitlines()[0]
        py_ok: bool | None = None
        py_error = ""
        if self.py is not None:
            error = jsonschema.exceptions.best_match(self.py.iter_errors(instance))
            py_ok = error is None
            if error is not None:
                py_error = f"{error.json_path}: {error.message}"
        return Verdict(rs_ok, py_ok, rs_error, py_error)
