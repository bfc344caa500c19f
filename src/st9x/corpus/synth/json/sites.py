"""Where a JSON document can break one constraint: the sites of the JSON mutator.

The document is walked together with its schema (:class:`SchemaView` flattens ``$ref``/
``allOf``; the ``oneOf``/``anyOf`` branch the document took is merged in) to list *sites*:
places where one constraint of a manifest ``constraint`` kind can be broken alone (a required
property to drop, a closed object to extend, a date to make impossible -- including a date
whose ``format`` sits under ``then``, as the XSD compiler emits it...). Whether a site really
breaks one constraint is decided by the validators (:mod:`st9x.corpus.synth.mutation`).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from st9x.corpus.synth.json.check import float_multiple_ok
from st9x.corpus.synth.json.schema import (
    SchemaView,
    fits,
    fits_flat,
    format_fits,
    merge_branches,
    pattern_compiles,
    type_fits,
)
from st9x.corpus.synth.records import Site

#: The property name added by ``unexpected-element``: never declared by an ST.97 schema.
UNEXPECTED_NAME = "st9xUnexpectedProperty"

JSON_KINDS: tuple[str, ...] = (
    "missing-required-element",
    "unexpected-element",
    "enumeration",
    "pattern",
    "length",
    "numeric-bound",
    "date-time",
    "json-type",
    "min-occurs",
    "max-occurs",
    "missing-st96-version",
    "choice-none",
    "fixed-value",
)

Path_ = tuple[str | int, ...]


#: Marks a :class:`JsonSite` that does not replace a scalar (it drops, adds or resizes).
NO_VALUE: Any = object()


@dataclass
class JsonSite(Site[Callable[[Any], Any]]):
    """One way to break one constraint: ``apply`` edits a deep copy of the document and returns
    it (the root itself may be replaced), at ``path``, as ``description`` says.

    A scalar site also names the ``keyword`` it breaks and the ``replacement`` value, so that
    under a ``oneOf``/``anyOf`` the mutator can check that no other branch accepts the new
    value (``IQX`` is not in the enum of one branch, but a ``{"type": "string"}`` branch of the
    same union still accepts it: that is no mutant at all).
    """

    path: Path_
    description: str
    keyword: str = ""
    replacement: Any = NO_VALUE


def _pointer(path: Path_) -> str:
    return "/" + "/".join(str(p) for p in path) if path else "(root)"


def _set(document: Any, path: Path_, value: Any) -> Any:
    """Replace the value at ``path`` (the root when empty) and return the document."""
    if not path:
        return value
    parent = document
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = value
    return document


def _get(document: Any, path: Path_) -> Any:
    for part in path:
        document = document[part]
    return document


class SiteFinder:
    """Walks a document with its schema and lists every :class:`JsonSite`."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.view = SchemaView(schema)
        self.schema = schema

    def sites(self, document: Any) -> list[JsonSite]:
        return list(self._walk(self.schema, document, ()))

    def _walk(self, node: Any, value: Any, path: Path_) -> Iterator[JsonSite]:
        base = self.view.flat(node)
        flat = base
        if base["_choices"]:
            flat = merge_branches(self.view, base, lambda _k, b: self._taken(b, value))
        if isinstance(value, dict):
            yield from self._object_sites(base, flat, value, path)
            properties = flat.get("properties", {})
            for name, child in value.items():
                if name in properties:
                    yield from self._walk(properties[name], child, (*path, name))
        elif isinstance(value, list):
            yield from self._array_sites(flat, value, path)
            items = flat.get("items")
            prefix = flat.get("prefixItems", [])
            for index, child in enumerate(value):
                sub = prefix[index] if index < len(prefix) else items
                if sub is not None:
                    yield from self._walk(sub, child, (*path, index))
        else:
            for site in self._scalar_sites(base, flat, value, path):
                if self._breaks(base, site):
                    yield site

    def _breaks(self, base: dict[str, Any], site: JsonSite) -> bool:
        """Whether ``site``'s new value is sure to be rejected, choices considered.

        Without choices, or when the broken keyword sits outside them (it applies whatever
        branch is taken), yes. Otherwise only if some ``oneOf``/``anyOf`` has no branch that
        could accept the new value: a mutant another branch still accepts breaks nothing.
        """
        if not base["_choices"] or site.keyword in base:
            return True
        if site.replacement is NO_VALUE:
            return False
        return any(
            all(self.fits(branch, site.replacement) is False for branch in branches)
            for _keyword, branches in base["_choices"]
        )

    def fits(self, node: Any, value: Any) -> bool | None:
        """Whether the scalar ``value`` satisfies ``node`` (see :func:`fits`)."""
        return fits(self.view, node, value)

    def _taken(self, branches: list[Any], value: Any) -> int:
        """The index of the branch ``value`` most plausibly took: for a scalar, the first branch
        that surely accepts it (else the first that may); for an object, the first whose type
        and required properties fit. The validators have the last word on the mutant anyway."""
        if not isinstance(value, (dict, list)):
            fits = [self.fits(branch, value) for branch in branches]
            for wanted in (True, None):
                if wanted in fits:
                    return fits.index(wanted)
        for index, branch in enumerate(branches):
            flat = self.view.flat(branch)
            declared = flat.get("type")
            if declared is not None and not type_fits(declared, value):
                continue
            if isinstance(value, dict) and not set(flat.get("required", ())) <= value.keys():
                continue
            return index
        return 0

    # -- objects and arrays -------------------------------------------------------------------

    def _object_sites(
        self, base: dict[str, Any], flat: dict[str, Any], value: dict[str, Any], path: Path_
    ) -> Iterator[JsonSite]:
        # only the unconditional 'required': a property a choice branch requires may be
        # replaced by another branch's (anyOf name | organizationName), so dropping it alone
        # need not break anything
        for name in base.get("required", ()):
            if name not in value:
                continue
            kind = "missing-st96-version" if name == "st96Version" else "missing-required-element"
            yield JsonSite(
                kind,
                _deleter(path, [name]),
                path,
                f"removed required property {name!r} at {_pointer(path)}",
            )
        if flat["_closed"] and UNEXPECTED_NAME not in value:
            yield JsonSite(
                "unexpected-element",
                _adder(path, UNEXPECTED_NAME, "unexpected"),
                path,
                f"added undeclared property {UNEXPECTED_NAME!r} to the closed object at "
                f"{_pointer(path)}",
            )
        always = set(base.get("required", ()))
        for keyword, branches in base["_choices"]:
            names: list[str] = []
            for branch in branches:
                branch_flat = self.view.flat(branch)
                required = branch_flat.get("required")
                # a branch that only requires names ('_conditionals' is always present, and
                # counts only when a conditional is there)
                others = {
                    k
                    for k, v in branch_flat.items()
                    if k not in ("required", "_closed", "_choices", "_conditionals")
                    or (k == "_conditionals" and v)
                }
                if not required or others:
                    names = []
                    break
                names += [n for n in required if n not in names]
            present = [n for n in names if n in value]
            if present and not always & set(names):
                yield JsonSite(
                    "choice-none",
                    _deleter(path, present),
                    path,
                    f"removed every alternative of the {keyword} choice "
                    f"({', '.join(names)}) at {_pointer(path)}",
                )

    def _array_sites(
        self, flat: dict[str, Any], value: list[Any], path: Path_
    ) -> Iterator[JsonSite]:
        low = flat.get("minItems")
        if isinstance(low, int) and low > 0 and len(value) >= low:
            yield JsonSite(
                "min-occurs",
                lambda doc: _set(doc, path, _get(doc, path)[: low - 1]),
                path,
                f"cut the array at {_pointer(path)} to {low - 1} item(s) (minItems {low})",
            )
        high = flat.get("maxItems")
        if isinstance(high, int) and value and not flat.get("uniqueItems"):

            def grow(doc: Any, high: int = high) -> Any:
                items = _get(doc, path)
                return _set(doc, path, [items[i % len(items)] for i in range(high + 1)])

            yield JsonSite(
                "max-occurs",
                grow,
                path,
                f"grew the array at {_pointer(path)} to {high + 1} items (maxItems {high})",
            )

    # -- scalars ------------------------------------------------------------------------------

    def _scalar_sites(
        self, base: dict[str, Any], flat: dict[str, Any], value: Any, path: Path_
    ) -> Iterator[JsonSite]:
        if not path:
            return
        where = _pointer(path)
        if "const" in flat:
            changed = _other_value(flat["const"])
            yield JsonSite(
                "fixed-value",
                _replacer(path, changed),
                path,
                f"changed the fixed value at {where} to {changed!r}",
                "const",
                changed,
            )
            return
        if "enum" in flat:
            if "pattern" not in flat:
                changed = _outside_enum(flat["enum"], value)
                if changed is not None:
                    yield JsonSite(
                        "enumeration",
                        _replacer(path, changed),
                        path,
                        f"replaced {value!r} at {where} by {changed!r}, not in the enum",
                        "enum",
                        changed,
                    )
            return
        declared = base.get("type")
        if isinstance(declared, str) and declared in _WRONG_TYPE:
            wrong = _WRONG_TYPE[declared]
            yield JsonSite(
                "json-type",
                _replacer(path, wrong),
                path,
                f"replaced the {declared} at {where} by the {type(wrong).__name__} {wrong!r}",
                "type",
                wrong,
            )
        if isinstance(value, str):
            yield from self._string_sites(flat, value, path)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            yield from self._number_sites(flat, value, path)

    def _string_sites(self, flat: dict[str, Any], value: str, path: Path_) -> Iterator[JsonSite]:
        where = _pointer(path)
        if self._date_formats(flat):
            # a date: break the calendar (the format), not the lexical form (the pattern)
            for fmt, impossible, how in self._format_breaks(flat):
                yield JsonSite(
                    "date-time",
                    _replacer(path, impossible),
                    path,
                    f"replaced the {fmt}{how} at {where} by the impossible {impossible!r}",
                    "format",
                    impossible,
                )
                break
            return
        low = int(flat.get("minLength", 0))
        high = flat.get("maxLength")
        pattern = flat.get("pattern")
        if pattern is not None and pattern_compiles(pattern):
            for candidate in ("!" + value, value + "!", value[:-1], "!"):
                if not re.search(pattern, candidate) and low <= len(candidate) <= (
                    high if isinstance(high, int) else 10**9
                ):
                    yield JsonSite(
                        "pattern",
                        _replacer(path, candidate),
                        path,
                        f"replaced {value!r} at {where} by {candidate!r}, not matching {pattern!r}",
                        "pattern",
                        candidate,
                    )
                    break
        if pattern is None:
            if isinstance(high, int):
                longer = (value + "x" * (high + 1))[: high + 1]
                yield JsonSite(
                    "length",
                    _replacer(path, longer),
                    path,
                    f"made the string at {where} {high + 1} characters long (maxLength {high})",
                    "maxLength",
                    longer,
                )
            elif low > 0:
                yield JsonSite(
                    "length",
                    _replacer(path, value[: low - 1]),
                    path,
                    f"made the string at {where} {low - 1} characters long (minLength {low})",
                    "minLength",
                    value[: low - 1],
                )

    def _date_formats(self, flat: dict[str, Any]) -> list[str]:
        """The ``date``/``date-time`` formats of ``flat``: its own, and those under the ``then``
        or ``else`` of its conditionals (compiled XSD dates)."""
        found = [flat["format"]] if flat.get("format") in _IMPOSSIBLE else []
        for _if, *sides in flat["_conditionals"]:
            for side in sides:
                if side is not None and self.view.flat(side).get("format") in _IMPOSSIBLE:
                    found.append(self.view.flat(side)["format"])
        return found

    def _format_breaks(self, flat: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
        """``(format, impossible value, where the format sits)`` for each date format of
        ``flat`` whose impossible value surely breaks that format and nothing else.

        A top-level format: every other keyword must surely accept the value. A format under
        ``then`` (``else``): the ``if`` must surely accept (reject) the value, so the branch
        applies to it, the branch without its format and everything outside the conditional
        must surely accept it -- ``2023-02-29T10:00:00Z`` matches both the XSD pattern and the
        RFC 3339 form of a compiled ``xsd:dateTime``. Any unknown answer drops the site.
        """
        fmt = flat.get("format")
        if fmt in _IMPOSSIBLE:
            impossible = _IMPOSSIBLE[fmt]
            rest = {k: v for k, v in flat.items() if k != "format"}
            if fits_flat(self.view, rest, impossible) is True:
                yield fmt, impossible, ""
        for conditional in flat["_conditionals"]:
            condition, then, otherwise = conditional
            rest = {**flat, "_conditionals": [c for c in flat["_conditionals"] if c != conditional]}
            sides = ((then, True, " (under then)"), (otherwise, False, " (under else)"))
            for side, wanted, how in sides:
                if side is None:
                    continue
                side_flat = self.view.flat(side)
                fmt = side_flat.get("format")
                if fmt not in _IMPOSSIBLE:
                    continue
                impossible = _IMPOSSIBLE[fmt]
                side_rest = {k: v for k, v in side_flat.items() if k != "format"}
                if (
                    fits(self.view, condition, impossible) is wanted
                    and fits_flat(self.view, side_rest, impossible) is True
                    and fits_flat(self.view, rest, impossible) is True
                    and format_fits(fmt, impossible) is False
                ):
                    yield fmt, impossible, how

    def _number_sites(
        self, flat: dict[str, Any], value: int | float, path: Path_
    ) -> Iterator[JsonSite]:
        integer = flat.get("type") == "integer" or isinstance(value, int)
        step = Decimal(str(flat.get("multipleOf", 1)))
        candidates: list[tuple[str, Decimal]] = []
        for key, sign in (("maximum", 1), ("minimum", -1)):
            if isinstance(flat.get(key), (int, float)) and not isinstance(flat[key], bool):
                candidates.append((key, Decimal(str(flat[key])) + sign * step))
        for key in ("exclusiveMaximum", "exclusiveMinimum"):
            if isinstance(flat.get(key), (int, float)) and not isinstance(flat[key], bool):
                candidates.append((key, Decimal(str(flat[key]))))
        for key, number in candidates:
            out: int | float = (
                int(number) if number == number.to_integral_value() else float(number)
            )
            if integer and not isinstance(out, int):
                continue
            if "multipleOf" in flat and not float_multiple_ok(float(out), float(step)):
                continue
            yield JsonSite(
                "numeric-bound",
                _replacer(path, out),
                path,
                f"replaced {value!r} at {_pointer(path)} by {out!r}, beyond {key} {flat[key]}",
                key,
                out,
            )
            break


#: A value of the format's syntax that no calendar has (2023 is not a leap year).
_IMPOSSIBLE: dict[str, str] = {"date": "2023-02-29", "date-time": "2023-02-29T10:00:00Z"}

_WRONG_TYPE: dict[str, Any] = {
    "string": 12345,
    "integer": "1",
    "number": "1.5",
    "boolean": "true",
}


def _other_value(fixed: Any) -> Any:
    if isinstance(fixed, str):
        return fixed + "X" if fixed else "X"
    if isinstance(fixed, bool):
        return not fixed
    if isinstance(fixed, (int, float)):
        return fixed + 1
    return None


def _outside_enum(values: list[Any], current: Any) -> Any:
    if isinstance(current, str):
        candidate = current + "X"
        while candidate in values:
            candidate += "X"
        return candidate
    if isinstance(current, (int, float)) and not isinstance(current, bool):
        numbers = [v for v in values if isinstance(v, (int, float))]
        return max(numbers) + 1 if numbers else current
    return None


def _replacer(path: Path_, value: Any) -> Callable[[Any], Any]:
    return lambda doc: _set(doc, path, copy.deepcopy(value))


def _deleter(path: Path_, names: list[str]) -> Callable[[Any], Any]:
    def apply(doc: Any) -> Any:
        target = _get(doc, path)
        for name in names:
            target.pop(name, None)
        return doc

    return apply


def _adder(path: Path_, name: str, value: Any) -> Callable[[Any], Any]:
    def apply(doc: Any) -> Any:
        _get(doc, path)[name] = value
        return doc

    return apply
