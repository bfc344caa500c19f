"""Rewriting a compiled 2020-12 document into the older dialects (2019-09, draft-07).

Only positions where subschemas sit are rewritten, keyword by keyword; everything else (enum,
const, default, required...) is data. Closing decision 8's extensions for draft-07 is not done
here but by the compiler, which knows each type's property names (see
:mod:`st9x.st97.compiler`).
"""

from __future__ import annotations

from typing import Any

from st9x.st97.profiles import DIALECTS

# Where subschemas sit, by keyword (everything else — enum, const, default, required … — is data
# and must not be rewritten, even if it happened to hold "$ref").
_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SCHEMA_ONE = ("additionalProperties", "additionalItems", "propertyNames", "contains", "not",
               "if", "then", "else", "unevaluatedProperties", "unevaluatedItems")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
#: 2019-09/2020-12 keywords with no draft-07 form; meeting one after rewriting is a bug here.
DRAFT7_UNKNOWN = frozenset({
    "$defs", "$anchor", "$dynamicRef", "$dynamicAnchor", "$recursiveRef", "$recursiveAnchor",
    "$vocabulary", "unevaluatedProperties", "unevaluatedItems", "prefixItems",
    "dependentRequired", "dependentSchemas", "minContains", "maxContains", "contentSchema",
})


def _rewrite(node: Any, fix: Any) -> Any:
    """Apply ``fix`` to every subschema of ``node``, bottom-up, following keyword positions."""
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            value = {name: _rewrite(sub, fix) for name, sub in value.items()}
        elif key in _SCHEMA_ONE:
            value = _rewrite(value, fix)
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            value = [_rewrite(sub, fix) for sub in value]
        elif key == "items":
            value = ([_rewrite(sub, fix) for sub in value] if isinstance(value, list)
                     else _rewrite(value, fix))
        elif key == "dependencies" and isinstance(value, dict):
            value = {name: _rewrite(sub, fix) for name, sub in value.items()}
        out[key] = value
    result: dict[str, Any] = fix(out)
    return result


def _array_items(node: dict[str, Any]) -> dict[str, Any]:
    """``prefixItems`` + ``items`` (2020-12) → ``items`` array + ``additionalItems`` (draft-07
    and 2019-09, which do not know ``prefixItems`` and would apply ``items`` to the head too)."""
    if "prefixItems" not in node:
        return node
    out = {k: v for k, v in node.items() if k not in ("prefixItems", "items")}
    out["items"] = node["prefixItems"]
    if "items" in node:
        out["additionalItems"] = node["items"]
    return out


def items_arrays(doc: dict[str, Any]) -> dict[str, Any]:
    """2019-09 output: only the ``prefixItems`` rewrite (the rest of 2020-12 is 2019-09)."""
    result: dict[str, Any] = _rewrite(doc, _array_items)
    return result


def _draft7_node(node: dict[str, Any]) -> dict[str, Any]:
    node = _array_items(node)
    if "$defs" in node:
        node = {("definitions" if k == "$defs" else k): v for k, v in node.items()}
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        node = {**node, "$ref": "#/definitions/" + ref[len("#/$defs/"):]}
    if "dependentRequired" in node or "dependentSchemas" in node:
        deps = {**node.get("dependentRequired", {}), **node.get("dependentSchemas", {})}
        node = {k: v for k, v in node.items() if k not in ("dependentRequired",
                                                            "dependentSchemas")}
        node["dependencies"] = {**node.get("dependencies", {}), **deps}
    if "$ref" in node and len(node) > 1:  # draft-07 ignores every sibling of $ref
        rest = {k: v for k, v in node.items() if k not in ("$ref", "allOf")}
        node = {"allOf": [{"$ref": node["$ref"]}, *node.get("allOf", [])], **rest}
    unknown = DRAFT7_UNKNOWN.intersection(node)
    if unknown:
        raise AssertionError(f"no draft-07 form for {sorted(unknown)} in {node!r:.200}")
    return node


def to_draft7(doc: dict[str, Any]) -> dict[str, Any]:
    """Rewrite a compiled 2020-12 document into draft-07 (see the module docstring). Closing
    of extensions is not done here but by the compiler (it needs the types' property names)."""
    out: dict[str, Any] = _rewrite(doc, _draft7_node)
    out["$schema"] = DIALECTS["draft-07"]
    return out
