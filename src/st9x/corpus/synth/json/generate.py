"""Generate valid JSON instances from a JSON Schema, reproducibly for a seed.

Entry point: :func:`write_json_corpus` (``st9x corpus generate-json``).

The engine is a seeded ``random.Random`` walker over the schema (:class:`JsonGenerator`), not
hypothesis: a corpus must be a pure function of its seed so two machines benchmark the same
bytes. It is deliberately simple -- it only emits declared properties (so closed objects stay
closed), picks one ``oneOf``/``anyOf`` branch, samples patterns with the XML generator's
regex sampler, and keeps a scalar only if no ``if``/``then``/``else`` surely rejects it (compiled
XSD dates: the pattern alone draws ``2023-02-30``, which the ``then`` format rejects). Every
document is then checked with jsonschema-rs and python ``jsonschema``; only documents both
accept are written as cases, after a few retries. Anything else (a
generator limit or a validator disagreement) is listed in ``report.json`` and kept under
``problems/``: never dropped silently.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import shutil
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson

from st9x.corpus.synth.json.check import DualJsonValidator, float_multiple_ok
from st9x.corpus.synth.json.schema import (
    SchemaView,
    conditional_fits,
    load_schema_file,
    merge_branches,
)
from st9x.corpus.synth.records import Document
from st9x.corpus.synth.regex import FRIENDLY, RegexSampler
from st9x.corpus.synth.report import Report
from st9x.corpus.synth.writer import CorpusWriter, make_id

#: Beyond this depth only required properties and minimum array lengths are emitted, so
#: recursive types (mixed content: PhraseType -> b -> PhraseType) terminate.
MAX_DEPTH = 12
#: Longest array the generator makes when the schema sets no maxItems.
DEFAULT_MAX_ITEMS = 3
#: Attempts per document before the index is reported as a generator failure.
ATTEMPTS = 25
_WORD_CHARS = FRIENDLY[:62]
#: Formats :func:`_format_value` draws values of.
_DRAWN_FORMATS = ("date", "date-time", "time")


class GenerationError(Exception):
    """The walker met a schema it cannot satisfy (reported, and the attempt retried)."""


def dump_instance(instance: Any) -> bytes:
    """The on-disk bytes of an instance: stable (insertion order, orjson) so seeds reproduce."""
    return orjson.dumps(instance, option=orjson.OPT_INDENT_2) + b"\n"


class JsonGenerator:
    """Draws one instance of a JSON Schema per call to :meth:`instance`."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema
        self.view = SchemaView(schema)
        self._samplers: dict[str, RegexSampler] = {}

    def instance(self, rng: random.Random) -> Any:
        return self.value(self.schema, rng, 0)

    # -- dispatch -----------------------------------------------------------------------------

    def value(self, node: Any, rng: random.Random, depth: int) -> Any:
        """A value satisfying ``node`` (flattened through ``$ref``/``allOf``)."""
        flat = self.view.flat(node)
        if "not" in flat and flat["not"] == {}:
            raise GenerationError("schema 'false' (or not: {}) has no instance")
        if flat["_choices"]:
            flat = self._with_branches(flat, flat["_choices"], rng)
        if "const" in flat:
            return flat["const"]
        if "enum" in flat:
            allowed = [v for v in flat["enum"] if self._conditions_hold(flat, v)]
            return rng.choice(allowed or flat["enum"])
        kind = self._type(flat, rng)
        if kind == "object":
            return self._object(self._assume_conditions(flat), rng, depth)
        if kind == "array":
            return self._array(self._assume_conditions(flat), rng, depth)
        if kind == "string":
            return self._string(flat, rng)
        for _ in range(40):
            if kind in ("integer", "number"):
                scalar: Any = self._number(flat, rng, integer=kind == "integer")
            elif kind == "boolean":
                scalar = rng.random() < 0.5
            else:
                return None
            if self._conditions_hold(flat, scalar):
                return scalar
        raise GenerationError(f"no {kind} satisfies the if/then/else of the schema")

    def _conditions_hold(self, flat: dict[str, Any], value: Any) -> bool:
        """Whether no ``if``/``then``/``else`` of ``flat`` surely rejects the scalar ``value``.

        Scalars are drawn from the other keywords and then filtered here: a value the ``if``
        accepts must satisfy ``then`` (an XSD date pattern draws ``2023-02-30``, which the
        compiled ``then: {format: date}`` rejects). Unknown answers pass: the validators judge
        every document, and a rejected one is retried and counted, never written.
        """
        return all(
            conditional_fits(self.view, conditional, value) is not False
            for conditional in flat["_conditionals"]
        )

    def _assume_conditions(self, flat: dict[str, Any]) -> dict[str, Any]:
        """``flat`` with the ``if`` and ``then`` of every conditional merged in, for objects and
        arrays: a value built to satisfy both satisfies the conditional. Only the ``then`` side
        is exercised (building a value the ``if`` rejects would need negation); the validators
        still judge the result."""
        if not flat["_conditionals"]:
            return flat
        parts = [
            ("allOf", [side])
            for condition, then, _otherwise in flat["_conditionals"]
            for side in (condition, then)
            if side is not None
        ]
        merged = merge_branches(self.view, {**flat, "_choices": parts}, lambda _k, _b: 0)
        merged["_conditionals"] = []
        return merged

    def _with_branches(
        self, flat: dict[str, Any], choices: list[tuple[str, list[Any]]], rng: random.Random
    ) -> dict[str, Any]:
        """Merge one randomly chosen branch of every oneOf/anyOf into ``flat``."""
        return merge_branches(
            self.view, flat, lambda _keyword, branches: rng.randrange(len(branches))
        )

    def _type(self, flat: dict[str, Any], rng: random.Random) -> str:
        declared = flat.get("type")
        if isinstance(declared, list):
            return str(rng.choice(declared))
        if isinstance(declared, str):
            return declared
        if "properties" in flat or "required" in flat:
            return "object"
        if "items" in flat or "prefixItems" in flat:
            return "array"
        if {"pattern", "format", "minLength", "maxLength"} & flat.keys():
            return "string"
        if {"minimum", "maximum", "multipleOf", "exclusiveMinimum"} & flat.keys():
            return "number"
        return "string"

    # -- containers ---------------------------------------------------------------------------

    def _object(self, flat: dict[str, Any], rng: random.Random, depth: int) -> dict[str, Any]:
        properties: dict[str, Any] = flat.get("properties", {})
        required = [n for n in flat.get("required", ()) if n in properties or not flat["_closed"]]
        missing = [n for n in flat.get("required", ()) if n not in required]
        if missing:
            raise GenerationError(f"required but not allowed: {', '.join(missing)}")
        out: dict[str, Any] = {}
        # optional properties get rarer with depth: bags of bags of mixed content grow
        # geometrically, and a benchmark corpus of 100 kB documents was not what we asked for
        optional_rate = 0.0 if depth >= MAX_DEPTH else max(0.1, 0.6 - depth * 0.08)
        for name, sub in properties.items():
            if name in required or rng.random() < optional_rate:
                out[name] = self.value(sub, rng, depth + 1)
        for name in required:
            if name not in out:
                out[name] = "x"  # required outside 'properties' of an open object
        min_props = int(flat.get("minProperties", 0))
        for name, sub in properties.items():
            if len(out) >= min_props:
                break
            out.setdefault(name, self.value(sub, rng, depth + 1))
        return out

    def _array(self, flat: dict[str, Any], rng: random.Random, depth: int) -> list[Any]:
        low = int(flat.get("minItems", 0))
        # a large maxItems (designBag: 100) is a limit, not a typical size: stay near minItems
        high = min(int(flat.get("maxItems", low + DEFAULT_MAX_ITEMS)), low + DEFAULT_MAX_ITEMS)
        if depth >= MAX_DEPTH:
            high = low
        elif depth > 4:
            high = min(high, max(low, 1))
        if low == 0 and high > 0 and depth < 4:
            low = 1  # an empty optional bag exercises nothing
        count = rng.randint(low, max(low, high))
        prefix = flat.get("prefixItems", [])
        items = flat.get("items", {})
        out = [
            self.value(prefix[i] if i < len(prefix) else items, rng, depth + 1)
            for i in range(count)
        ]
        if flat.get("uniqueItems") and len({orjson.dumps(v) for v in out}) != len(out):
            raise GenerationError("uniqueItems: drew duplicate items")
        return out

    # -- scalars ------------------------------------------------------------------------------

    def _string(self, flat: dict[str, Any], rng: random.Random) -> str:
        low = int(flat.get("minLength", 0))
        fmt = flat.get("format")
        pattern = python_pattern(flat["pattern"]) if "pattern" in flat else None
        high = int(flat.get("maxLength", 10_000 if pattern or fmt else max(low, 12)))
        # a format under 'then' (compiled XSD dates) is drawn from half the time: realistic
        # RFC 3339 values, which satisfy the 'if' and so must satisfy the format too
        then_formats = [
            self.view.flat(then)["format"]
            for _if, then, _else in flat["_conditionals"]
            if then is not None and self.view.flat(then).get("format") in _DRAWN_FORMATS
        ]
        for _ in range(40):
            if fmt in _DRAWN_FORMATS:
                text = _format_value(fmt, rng)
            elif then_formats and rng.random() < 0.5:
                text = _format_value(rng.choice(then_formats), rng)
            elif pattern is not None:
                text = self._sampler(pattern).sample(rng, repeat_slack=min(8, max(2, high - low)))
            else:
                length = rng.randint(max(low, min(1, high)), min(high, low + 16))
                text = "".join(rng.choice(_WORD_CHARS) for _ in range(length))
            if (
                low <= len(text) <= high
                and (pattern is None or re.search(pattern, text))
                and self._conditions_hold(flat, text)
            ):
                return text
        raise GenerationError(f"no string for pattern={pattern!r} length {low}..{high}")

    def _sampler(self, pattern: str) -> RegexSampler:
        sampler = self._samplers.get(pattern)
        if sampler is None:
            sampler = self._samplers[pattern] = RegexSampler(pattern)
        return sampler

    def _number(self, flat: dict[str, Any], rng: random.Random, *, integer: bool) -> int | float:
        low = Decimal(str(flat.get("minimum", -1000 if "maximum" not in flat else 0)))
        high = Decimal(str(flat.get("maximum", low + 1000)))
        if "exclusiveMinimum" in flat and not isinstance(flat["exclusiveMinimum"], bool):
            bound = Decimal(str(flat["exclusiveMinimum"]))
            low = max(low, bound) if "minimum" in flat else bound
            low_open = True
        else:
            low_open = flat.get("exclusiveMinimum") is True
        high_open = "exclusiveMaximum" in flat
        if high_open and not isinstance(flat["exclusiveMaximum"], bool):
            high = Decimal(str(flat["exclusiveMaximum"]))
        step = Decimal(str(flat.get("multipleOf", 1 if integer else "0.01")))
        first = (low / step).to_integral_value(rounding="ROUND_CEILING")
        last = (high / step).to_integral_value(rounding="ROUND_FLOOR")
        if low_open and first * step == low:
            first += 1
        if high_open and last * step == high:
            last -= 1
        if first > last:
            raise GenerationError(f"empty numeric range {low}..{high} step {step}")
        span = int(last - first)
        for _ in range(20):
            # favour small values: long tails look nothing like real data and only test floats
            k = first + rng.randint(0, min(span, 10_000) if rng.random() < 0.9 else span)
            value = k * step
            if integer or value == value.to_integral_value():
                return int(value)
            as_float = float(value)
            if "multipleOf" not in flat or float_multiple_ok(as_float, float(step)):
                return as_float
        raise GenerationError(f"no float multiple of {step} that every validator accepts")


#: ECMA-262 ``\\p{..}`` classes Python's ``re`` lacks, replaced by an ASCII *subset* for sampling:
#: a string matching the subset pattern matches the original, so generated strings stay valid
#: (they are less varied; the real validators still judge every document).
_UNICODE_CLASSES = {
    r"\p{Lu}": "A-Z",
    r"\p{Lt}": "",
    r"\p{Lo}": "",
    r"\p{Ll}": "a-z",
    r"\p{L}": "A-Za-z",
    r"\p{M}": "",
    r"\p{N}": "0-9",
    r"\p{Nd}": "0-9",
}


def python_pattern(pattern: str) -> str:
    """A Python ``re`` pattern whose matches all match the ECMA-262 ``pattern``."""
    for escape, subset in _UNICODE_CLASSES.items():
        pattern = pattern.replace(escape, subset)
    try:
        re.compile(pattern)
    except re.error as exc:
        raise GenerationError(f"pattern {pattern!r} is not usable by the sampler: {exc}") from exc
    return pattern


def _format_value(fmt: str, rng: random.Random) -> str:
    day = dt.date(1990, 1, 1) + dt.timedelta(days=rng.randrange(16_000))
    if fmt == "date":
        return day.isoformat()
    clock = f"{rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}"
    if fmt == "time":
        return f"{clock}Z"
    return f"{day.isoformat()}T{clock}{rng.choice(['Z', '+01:00', '-05:00'])}"


def write_json_corpus(
    schema_path: str | Path,
    count: int,
    seed: int,
    out_dir: str | Path,
    *,
    corpus_id: str | None = None,
    schema_id: str | None = None,
) -> Report:
    """Write ``count`` valid instances of the JSON Schema at ``schema_path`` as a corpus.

    Instance ``i`` is drawn from ``random.Random(f"{seed}:{i}:{attempt}")``, so a document does
    not depend on how many attempts earlier documents needed, and the same seed gives the same
    bytes. A draw both validators reject is retried (and counted); one they disagree on is kept
    under ``problems/`` and listed, then retried too.
    """
    source = Path(schema_path)
    out = Path(out_dir)
    schema = load_schema_file(source)
    generator = JsonGenerator(schema)
    checker = DualJsonValidator(schema)
    report = Report(
        "st9x.corpus.jsongen",
        {"schema": str(source), "seed": seed},
        requested=count,
        attempts=0,
        validators={
            "python_jsonschema": checker.python_skipped or "used",
            "python_jsonschema_formats_not_asserted": checker.python_formats_unasserted,
        },
    )
    sid = schema_id or make_id(source.name.removesuffix(".json").removesuffix(".schema"))
    (out / "schemas").mkdir(parents=True, exist_ok=True)
    writer = CorpusWriter(out, ".json")
    shutil.copyfile(source, out / "schemas" / source.name)
    started = time.perf_counter()
    check_time = 0.0
    attempts = 0
    for index in range(count):
        case_id = f"{sid}-{seed}-{index:05d}"
        last_reason = ""
        for attempt in range(ATTEMPTS):
            rng = random.Random(f"{seed}:{index}:{attempt}")
            attempts += 1
            try:
                instance = generator.instance(rng)
            except (GenerationError, RecursionError) as exc:
                last_reason = f"generator: {exc}"
                _count(report.rejected_attempts, last_reason[:120])
                continue
            t0 = time.perf_counter()
            verdicts = checker.check(instance)
            check_time += time.perf_counter() - t0
            document = Document(index, dump_instance(instance), verdicts, attempt=attempt)
            if document.status == "disagreement":
                report.documents.append(document)
                writer.add_problem(f"{case_id}-{attempt}", document.data)
                continue
            if document.status != "valid":
                last_reason = f"invalid: {verdicts.rs_error}"
                _count(report.rejected_attempts, re.sub(r"\d+", "N", last_reason)[:160])
                continue
            report.documents.append(document)
            writer.add_case(
                case_id, document.data, make_id(case_id), sid, "valid", tags=["generated", "json"]
            )
            break
        else:
            report.failures.append(
                {"index": index, "status": "generator-failure", "last_reason": last_reason[:300]}
            )
    report.attempts = attempts
    report.timings = {"total": time.perf_counter() - started, "check": check_time}
    schema_entry: dict[str, Any] = {
        "id": sid,
        "path": f"schemas/{source.name}",
        "kind": "json-schema",
    }
    if isinstance(schema.get("$schema"), str):
        schema_entry["dialect"] = schema["$schema"]
    writer.finish(
        report,
        corpus_id=corpus_id or make_id(f"{sid}-json-generated-{seed}"),
        title=f"Generated JSON instances of {source.name}",
        description=f"Valid JSON instances drawn by st9x.corpus.jsongen (seed {seed}); each is "
        "accepted by jsonschema-rs and python jsonschema with format assertion on.",
        source=f"generated from {source.name}",
        schemas=[schema_entry],
    )
    return report


def _count(table: dict[str, int], reason: str) -> None:
    table[reason] = table.get(reason, 0) + 1
