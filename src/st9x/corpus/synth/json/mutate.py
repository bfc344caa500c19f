"""Derive invalid JSON instances, each breaking exactly one named constraint, from a corpus.

Entry point: :func:`mutate_json_corpus` (the JSON twin of :func:`st9x.corpus.synth.xml.mutate.mutate_corpus`).

The document is walked together with its schema (:class:`SchemaView` flattens ``$ref``/
``allOf``; the ``oneOf``/``anyOf`` branch the document took is merged in) to list *sites*:
places where one constraint of a manifest ``constraint`` kind can be broken alone (a required
property to drop, a closed object to extend, a date to make impossible -- including a date
whose ``format`` sits under ``then``, as the XSD compiler emits it...). Per case the kind
used least so far is chosen, so kinds spread evenly over a corpus. A mutant becomes an
``expected: invalid`` case only when jsonschema-rs rejects it, and python ``jsonschema`` too
where it can evaluate the schema; anything else is a mutation-engine or validator problem,
written to ``problems/`` and listed in ``report.json``.
"""

from __future__ import annotations

import copy
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

from st9x.corpus.synth.writer import MANIFEST_NAME, REPORT_NAME, make_id, manifest, write_json
from st9x.corpus.synth.json.generate import dump_instance, float_multiple_ok, merge_branches
from st9x.corpus.synth.json.schema import (
    DualJsonValidator,
    SchemaView,
    Verdict,
    fits,
    fits_flat,
    format_fits,
    load_schema_file,
    pattern_compiles,
    type_fits,
)
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
        if self._date_formats(flat):
            # a date: break the calendar (the format), not the lexical form (the pattern)
            for fmt, impossible, how in self._format_breaks(flat):
                yield Site(
                    "date-time",
                    path,
                    f"replaced the {fmt}{how} at {where} by the impossible {impossible!r}",
                    _replacer(path, impossible),
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
