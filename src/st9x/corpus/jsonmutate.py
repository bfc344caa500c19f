"""Derive invalid JSON instances, each breaking exactly one named constraint, from a corpus.

Entry point: :func:`mutate_json_corpus` (the JSON twin of :func:`st9x.corpus.mutate.mutate_corpus`).

The document is walked together with its schema (:class:`SchemaView` flattens ``$ref``/
``allOf``; the ``oneOf``/``anyOf`` branch the document took is merged in) to list *sites*:
places where one constraint of a manifest ``constraint`` kind can be broken alone (a required
property to drop, a closed object to extend, a date to make impossible...). Per case the kind
used least so far is chosen, so kinds spread evenly over a corpus. A mutant becomes an
``expected: invalid`` case only when jsonschema-rs rejects it, and python ``jsonschema`` too
where it can evaluate the schema; anything else is a mutation-engine or validator problem,
written to ``problems/`` and listed in ``report.json``.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
import re
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson

from st9x.corpus.gen.corpusfiles import MANIFEST_NAME, REPORT_NAME, make_id, manifest, write_json
from st9x.corpus.jsongen import dump_instance, float_multiple_ok, merge_branches
from st9x.corpus.jsonschema_walk import DualJsonValidator, SchemaView, Verdict, load_schema_file
from st9x.errors import CorpusError

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


#: Marks a :class:`Site` that does not replace a scalar (it drops, adds or resizes).
NO_VALUE: Any = object()


@dataclass
class Site:
    """One way to break one constraint: ``apply`` edits a deep copy of the document.

    A scalar site also names the ``keyword`` it breaks and the ``replacement`` value, so that
    under a ``oneOf``/``anyOf`` the mutator can check that no other branch accepts the new
    value (``IQX`` is not in the enum of one branch, but a ``{"type": "string"}`` branch of the
    same union still accepts it: that is no mutant at all).
    """

    kind: str
    path: Path_
    description: str
    apply: Callable[[Any], Any]
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
    """Walks a document with its schema and lists every :class:`Site`."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.view = SchemaView(schema)
        self.schema = schema

    def sites(self, document: Any) -> list[Site]:
        return list(self._walk(self.schema, document, ()))

    def _walk(self, node: Any, value: Any, path: Path_) -> Iterator[Site]:
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

    def _breaks(self, base: dict[str, Any], site: Site) -> bool:
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
        """Whether the scalar ``value`` satisfies ``node``: True, False, or None when a keyword
        this small evaluator does not model is present (callers then assume it may accept).

        Only used to choose branches and keep mutants honest, never to judge documents: the
        validators do that. Keywords of objects and arrays do not apply to a scalar.
        """
        flat = self.view.flat(node)
        answers: list[bool | None] = []
        for key, expected in flat.items():
            if key in _SCALAR_VACUOUS:
                continue
            if key == "_choices":
                for _keyword, branches in expected:
                    answers.append(_any3(self.fits(branch, value) for branch in branches))
            elif key == "not" and expected == {}:
                answers.append(False)
            else:
                answers.append(_scalar_keyword_fits(key, expected, value))
        return _all3(answers)

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
            if declared is not None and not _type_fits(declared, value):
                continue
            if isinstance(value, dict) and not set(flat.get("required", ())) <= value.keys():
                continue
            return index
        return 0

    # -- objects and arrays -------------------------------------------------------------------

    def _object_sites(
        self, base: dict[str, Any], flat: dict[str, Any], value: dict[str, Any], path: Path_
    ) -> Iterator[Site]:
        # only the unconditional 'required': a property a choice branch requires may be
        # replaced by another branch's (anyOf name | organizationName), so dropping it alone
        # need not break anything
        for name in base.get("required", ()):
            if name not in value:
                continue
            kind = "missing-st96-version" if name == "st96Version" else "missing-required-element"
            yield Site(
                kind,
                path,
                f"removed required property {name!r} at {_pointer(path)}",
                _deleter(path, [name]),
            )
        if flat["_closed"] and UNEXPECTED_NAME not in value:
            yield Site(
                "unexpected-element",
                path,
                f"added undeclared property {UNEXPECTED_NAME!r} to the closed object at "
                f"{_pointer(path)}",
                _adder(path, UNEXPECTED_NAME, "unexpected"),
            )
        always = set(base.get("required", ()))
        for keyword, branches in base["_choices"]:
            names: list[str] = []
            for branch in branches:
                required = self.view.flat(branch).get("required")
                if not required or set(self.view.flat(branch)) - {
                    "required",
                    "_closed",
                    "_choices",
                }:
                    names = []
                    break
                names += [n for n in required if n not in names]
            present = [n for n in names if n in value]
            if present and not always & set(names):
                yield Site(
                    "choice-none",
                    path,
                    f"removed every alternative of the {keyword} choice "
                    f"({', '.join(names)}) at {_pointer(path)}",
                    _deleter(path, present),
                )

    def _array_sites(self, flat: dict[str, Any], value: list[Any], path: Path_) -> Iterator[Site]:
        low = flat.get("minItems")
        if isinstance(low, int) and low > 0 and len(value) >= low:
            yield Site(
                "min-occurs",
                path,
                f"cut the array at {_pointer(path)} to {low - 1} item(s) (minItems {low})",
                lambda doc: _set(doc, path, _get(doc, path)[: low - 1]),
            )
        high = flat.get("maxItems")
        if isinstance(high, int) and value and not flat.get("uniqueItems"):

            def grow(doc: Any, high: int = high) -> Any:
                items = _get(doc, path)
                return _set(doc, path, [items[i % len(items)] for i in range(high + 1)])

            yield Site(
                "max-occurs",
                path,
                f"grew the array at {_pointer(path)} to {high + 1} items (maxItems {high})",
                grow,
            )

    # -- scalars ------------------------------------------------------------------------------

    def _scalar_sites(
        self, base: dict[str, Any], flat: dict[str, Any], value: Any, path: Path_
    ) -> Iterator[Site]:
        if not path:
            return
        where = _pointer(path)
        if "const" in flat:
            changed = _other_value(flat["const"])
            yield Site(
                "fixed-value",
                path,
                f"changed the fixed value at {where} to {changed!r}",
                _replacer(path, changed),
                "const",
                changed,
            )
            return
        if "enum" in flat:
            if "pattern" not in flat:
                changed = _outside_enum(flat["enum"], value)
                if changed is not None:
                    yield Site(
                        "enumeration",
                        path,
                        f"replaced {value!r} at {where} by {changed!r}, not in the enum",
                        _replacer(path, changed),
                        "enum",
                        changed,
                    )
            return
        declared = base.get("type")
        if isinstance(declared, str) and declared in _WRONG_TYPE:
            wrong = _WRONG_TYPE[declared]
            yield Site(
                "json-type",
                path,
                f"replaced the {declared} at {where} by the {type(wrong).__name__} {wrong!r}",
                _replacer(path, wrong),
                "type",
                wrong,
            )
        if isinstance(value, str):
            yield from self._string_sites(flat, value, path)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            yield from self._number_sites(flat, value, path)

    def _string_sites(self, flat: dict[str, Any], value: str, path: Path_) -> Iterator[Site]:
        where = _pointer(path)
        fmt = flat.get("format")
        if fmt in ("date", "date-time"):
            impossible = "2023-02-29" if fmt == "date" else "2023-02-29T10:00:00Z"
            pattern = flat.get("pattern")
            if pattern is None or (_compiles(pattern) and re.search(pattern, impossible)):
                yield Site(
                    "date-time",
                    path,
                    f"replaced the {fmt} at {where} by the impossible {impossible!r}",
                    _replacer(path, impossible),
                    "format",
                    impossible,
                )
            return
        low = int(flat.get("minLength", 0))
        high = flat.get("maxLength")
        pattern = flat.get("pattern")
        if pattern is not None and _compiles(pattern):
            for candidate in ("!" + value, value + "!", value[:-1], "!"):
                if not re.search(pattern, candidate) and low <= len(candidate) <= (
                    high if isinstance(high, int) else 10**9
                ):
                    yield Site(
                        "pattern",
                        path,
                        f"replaced {value!r} at {where} by {candidate!r}, not matching {pattern!r}",
                        _replacer(path, candidate),
                        "pattern",
                        candidate,
                    )
                    break
        if pattern is None:
            if isinstance(high, int):
                longer = (value + "x" * (high + 1))[: high + 1]
                yield Site(
                    "length",
                    path,
                    f"made the string at {where} {high + 1} characters long (maxLength {high})",
                    _replacer(path, longer),
                    "maxLength",
                    longer,
                )
            elif low > 0:
                yield Site(
                    "length",
                    path,
                    f"made the string at {where} {low - 1} characters long (minLength {low})",
                    _replacer(path, value[: low - 1]),
                    "minLength",
                    value[: low - 1],
                )

    def _number_sites(
        self, flat: dict[str, Any], value: int | float, path: Path_
    ) -> Iterator[Site]:
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
            yield Site(
                "numeric-bound",
                path,
                f"replaced {value!r} at {_pointer(path)} by {out!r}, beyond {key} {flat[key]}",
                _replacer(path, out),
                key,
                out,
            )
            break


_WRONG_TYPE: dict[str, Any] = {
    "string": 12345,
    "integer": "1",
    "number": "1.5",
    "boolean": "true",
}


def _type_fits(declared: Any, value: Any) -> bool:
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


def _format_fits(fmt: Any, value: Any) -> bool | None:
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
        return _type_fits(expected, value)
    if key == "enum":
        return any(value == v and type(value) is type(v) for v in expected) or (
            _is_number(value) and any(_is_number(v) and v == value for v in expected)
        )
    if key == "const":
        return _scalar_keyword_fits("enum", [expected], value)
    if key == "format":
        return _format_fits(expected, value)
    if key in ("pattern", "minLength", "maxLength"):
        if not isinstance(value, str):
            return True
        if key == "minLength":
            return len(value) >= expected
        if key == "maxLength":
            return len(value) <= expected
        return bool(re.search(expected, value)) if _compiles(expected) else None
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


def _compiles(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


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


@dataclass
class JsonMutant:
    source_case: str
    kind: str
    description: str
    verdict: Verdict

    @property
    def status(self) -> str:
        """``rejected`` (a good invalid case), ``accepted`` (a mutation bug: the change broke
        nothing) or ``disagreement`` (the validators differ: a validator or mutation bug)."""
        if not self.verdict.agree:
            return "disagreement"
        return "rejected" if self.verdict.invalid else "accepted"


@dataclass
class JsonMutationReport:
    corpus: str
    seed: int
    kinds: list[str]
    mutants: list[JsonMutant] = field(default_factory=list)
    python_skipped: dict[str, str] = field(default_factory=dict)
    python_formats_unasserted: dict[str, list[str]] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    def by_kind(self) -> dict[str, dict[str, int]]:
        table: dict[str, dict[str, int]] = {k: {} for k in self.kinds}
        for m in self.mutants:
            row = table.setdefault(m.kind, {})
            row[m.status] = row.get(m.status, 0) + 1
        return table

    def as_dict(self) -> dict[str, Any]:
        table = self.by_kind()
        return {
            "tool": "st9x.corpus.jsonmutate",
            "source_corpus": self.corpus,
            "seed": self.seed,
            "kinds": self.kinds,
            "mutants": len(self.mutants),
            "by_kind": table,
            "kinds_without_site": sorted(k for k in self.kinds if not table.get(k)),
            "python_jsonschema_skipped": self.python_skipped,
            "python_jsonschema_formats_not_asserted": self.python_formats_unasserted,
            "timings_s": {k: round(v, 3) for k, v in self.timings.items()},
            "problems": [
                {
                    "source_case": m.source_case,
                    "kind": m.kind,
                    "status": m.status,
                    "description": m.description,
                    "verdicts": m.verdict.as_dict(),
                }
                for m in self.mutants
                if m.status != "rejected"
            ],
        }


@dataclass
class _Tools:
    finder: SiteFinder
    checker: DualJsonValidator
    entry: dict[str, Any]


def mutate_json_corpus(
    corpus_dir: str | Path,
    out_dir: str | Path,
    kinds: Iterable[str] | None = None,
    seed: int = 0,
    per_instance: int = 1,
    *,
    corpus_id: str | None = None,
) -> JsonMutationReport:
    """Write a corpus of one-constraint mutants of ``corpus_dir``'s valid JSON cases."""
    source = Path(corpus_dir)
    out = Path(out_dir)
    document = orjson.loads((source / MANIFEST_NAME).read_bytes())
    chosen = list(kinds) if kinds else list(JSON_KINDS)
    unknown = [k for k in chosen if k not in JSON_KINDS]
    if unknown:
        raise CorpusError(f"unknown JSON mutation kinds: {', '.join(unknown)}")
    rng = random.Random(seed)
    report = JsonMutationReport(str(source), seed, chosen)
    started = time.perf_counter()
    schemas = {entry["id"]: entry for entry in document["schemas"]}
    tools: dict[str, _Tools] = {}
    usage = dict.fromkeys(chosen, 0)
    cases: list[dict[str, Any]] = []
    check_time = 0.0
    (out / "instances").mkdir(parents=True, exist_ok=True)
    for case in document["cases"]:
        if case.get("expected") != "valid" or not str(case["instance"]).endswith(".json"):
            continue
        schema_id = case["schema"]
        if schema_id not in tools:
            tools[schema_id] = _tools_for(source, out, schemas[schema_id], report)
        tool = tools[schema_id]
        instance = orjson.loads((source / case["instance"]).read_bytes())
        by_kind: dict[str, list[Site]] = {}
        for site in tool.finder.sites(instance):
            if site.kind in usage:
                by_kind.setdefault(site.kind, []).append(site)
        made = 0
        for kind in sorted(by_kind, key=lambda k: (usage[k], rng.random())):
            if made >= per_instance:
                break
            site = rng.choice(by_kind[kind])
            mutated = site.apply(copy.deepcopy(instance))
            t0 = time.perf_counter()
            verdict = tool.checker.check(mutated)
            check_time += time.perf_counter() - t0
            mutant = JsonMutant(case["id"], kind, site.description, verdict)
            report.mutants.append(mutant)
            usage[kind] += 1  # failed attempts count too, or one bad kind would hog the run
            name = make_id(f"{case['id']}-{kind}")
            if mutant.status != "rejected":
                (out / "problems").mkdir(exist_ok=True)
                (out / "problems" / f"{name}.json").write_bytes(dump_instance(mutated))
                continue
            path = out / "instances" / f"{name}.json"
            path.write_bytes(dump_instance(mutated))
            cases.append(
                {
                    "id": name,
                    "instance": path.relative_to(out).as_posix(),
                    "schema": schema_id,
                    "expected": "invalid",
                    "constraint": kind,
                    "description": site.description,
                    "tags": ["mutant", "json", make_id(kind)],
                }
            )
            made += 1
    report.timings = {"total": time.perf_counter() - started, "check": check_time}
    write_json(
        out / MANIFEST_NAME,
        manifest(
            corpus_id or make_id(f"{document['id']}-json-mutants-{seed}"),
            f"One-constraint JSON mutants of {document['id']}",
            f"Invalid JSON instances derived from the valid cases of {document['id']} by "
            f"st9x.corpus.jsonmutate (seed {seed}); each breaks exactly one constraint, named "
            "in 'constraint', and is rejected by jsonschema-rs (and python jsonschema where it "
            "can evaluate the schema).",
            f"mutants of corpus {document['id']}",
            [t.entry for t in tools.values()] or list(schemas.values())[:1],
            cases,
        ),
    )
    write_json(out / REPORT_NAME, report.as_dict())
    return report


def _tools_for(
    source: Path, out: Path, entry: dict[str, Any], report: JsonMutationReport
) -> _Tools:
    schema_path = source / entry["path"]
    schema = load_schema_file(schema_path)
    target = out / entry["path"]
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(schema_path, target)
    checker = DualJsonValidator(schema)
    if checker.python_skipped:
        report.python_skipped[entry["id"]] = checker.python_skipped
    if checker.python_formats_unasserted:
        report.python_formats_unasserted[entry["id"]] = checker.python_formats_unasserted
    return _Tools(SiteFinder(schema), checker, dict(entry))
