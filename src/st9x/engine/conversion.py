"""Conversion suites: every converter × corpus through the same checks, one record per schema
and per case, with the converted artefacts written where a user can open them.

Checks (the issue's (a)–(e)):

(a) ``schema``: the XSD converts to a JSON Schema, with the loss report counted by construct;
(b) ``validity``: converted valid instances validate against the converted schema under every
    JSON validator adapter that supports its dialect (the real adapters, on the written files);
(c) ``roundtrip``: XML → JSON → XML equals the original under C14N 2.0: ``exact``,
    ``normalised`` (equal after the counted normalisations of :func:`st9x.st97.compare_xml`) or
    ``lossy`` (with the first difference);
(d) ``agreement``: the XSD verdict of every case, valid or invalid, against each JSON Schema
    verdict on its conversion; a case the converter cannot convert is ``not-convertible``, with
    where it stopped;
(e) ``decisions``: register decisions 1, 4, 5, 7, 8 on the generated schema and the converted
    instances (:mod:`st9x.subjects.converters.decisions`);

plus ``twin``: the converted instance against the hand-written ST.97 twin where a corpus pairs
one with the case.

:class:`ConverterSuite` computes one converter's records on demand and caches them, so that
``st9x run`` (:func:`run_conversions`) and pytest (:mod:`st9x.pytest_plugin.conversion`) share the code.
Whatever a converter or validator raises becomes a recorded error, never the end of the run.
"""

from __future__ import annotations

import contextlib
import fnmatch
import multiprocessing as mp
import os
import re
import resource
import signal
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
from lxml import etree

from st9x import __version__, formats
from st9x.subjects.validators.base import Adapter, CompiledSchema, Unsupported
from st9x.subjects.converters.base import DIALECT_URIS, Converter, Prepared, SchemaResult
from st9x.rules.st97_register import instance_checks, schema_checks
from st9x.subjects.converters.jsondiff import first_difference
from st9x.corpus.model import Case, Corpus, SchemaSpec
from st9x.engine.results import now
from st9x.errors import St9xError, one_line
from st9x.st97 import compare_xml, jsonio, load_xsd
from st9x.st97.errors import ConversionError
from st9x.xmlsafe import schema_files

CONVERSIONS_FORMAT = "st9x-conversions/1"
CONVERSIONS_NAME = "conversions.jsonl"
ARTEFACTS_DIR = "conversions"
Record = dict[str, Any]

# the loss constructs that can explain a verdict gap on a case breaking this constraint kind
EXPLAINING_LOSSES: dict[str, tuple[str, ...]] = {
    "choice-multiple": ("choice-anyof",),
    "choice-none": ("choice-anyof",),
    "wrong-order": ("sequence-order", "choice-order", "merged-particles"),
    "date-time": ("date-calendar",),
    "mixed-content": ("mixed-content", "mixed-extension"),
    "digits": ("digits",),
    "pattern": ("pattern",),
    "length": ("length",),
    "numeric-bound": ("bound",),
    "max-occurs": ("repeated-sequence", "repeated-choice"),
    "min-occurs": ("repeated-sequence", "repeated-choice"),
}
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _crash(who: str, exc: BaseException) -> str:
    if isinstance(exc, St9xError):
        return str(exc)
    return f"{who} raised {type(exc).__name__}: {one_line(str(exc))}"


def artefact_path(out_dir: Path, converter: str, corpus: str, key: str, suffix: str) -> Path:
    """``conversions/<converter>/<corpus>/<key><suffix>``; ids with ``/`` become subfolders,
    every part made safe (no ``..``, no separators) so an id cannot write outside the tree."""
    parts = [(_SAFE.sub("_", p) or "_").lstrip(".") or "_" for p in key.split("/")]
    parts[-1] += suffix
    return out_dir.joinpath(ARTEFACTS_DIR, _SAFE.sub("_", converter), _SAFE.sub("_", corpus),
                            *parts)


def write_atomically(path: Path, data: bytes) -> None:
    """The whole file or nothing (a reader never sees half an artefact)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    os.replace(partial, path)


@dataclass
class _XsdVerdicts:
    """The reference XSD verdict of each case, computed once and shared by every converter."""

    adapter: Adapter | None
    compiled: dict[Path, CompiledSchema | str] = field(default_factory=dict)
    verdicts: dict[tuple[Path, Path], tuple[str, str | None]] = field(default_factory=dict)

    def verdict(self, case: Case) -> tuple[str, str | None]:
        if self.adapter is None or case.schema is None:
            return "skipped", "no XSD validator"
        key = (case.schema.path, case.instance)
        if key not in self.verdicts:
            self.verdicts[key] = self._validate(case.schema, case.instance)
        return self.verdicts[key]

    def _validate(self, spec: SchemaSpec, instance: Path) -> tuple[str, str | None]:
        assert self.adapter is not None
        compiled = self.compiled.get(spec.path)
        if compiled is None:
            try:
                compiled = self.adapter.compile(spec)
            except Exception as exc:
                compiled = _crash(self.adapter.name, exc)
            self.compiled[spec.path] = compiled
        if isinstance(compiled, str):
            return "errored", compiled
        try:
            outcome = compiled.validate(instance)
        except Exception as exc:
            return "errored", _crash(self.adapter.name, exc)
        first = outcome.errors[0].message if outcome.errors else None
        return str(outcome.verdict), first


@dataclass
class _SchemaState:
    """One converter prepared for one XSD: the prepared form, its JSON Schema and the JSON
    validators compiled on it (or why not)."""

    record: Record
    prepared: Prepared | None = None
    result: SchemaResult | None = None
    validators: dict[str, CompiledSchema | tuple[str, str]] = field(default_factory=dict)


@dataclass
class ConversionContext:
    """What every converter suite of a run shares: the out dir, the JSON validators, the XSD
    verdicts, the loaded XSDs (for the decision checks) and the hand-written twins."""

    out_dir: Path
    json_adapters: Mapping[str, Adapter]
    xsd: _XsdVerdicts
    twins: dict[str, Path] = field(default_factory=dict)
    twin_reasons: list[dict[str, Any]] = field(default_factory=list)
    _xsds: dict[Path, Any] = field(default_factory=dict)

    def loaded_xsd(self, spec: SchemaSpec) -> Any:
        path = spec.path
        if path not in self._xsds:
            try:
                schema_files(path, spec.allowed_roots())  # xmlschema follows includes itself (F3)
                self._xsds[path] = load_xsd(path)
            except Exception:
                self._xsds[path] = None
        return self._xsds[path]


def make_context(
    out_dir: Path,
    adapters: Mapping[str, Adapter],
    *,
    xsd_adapter: str = "xmlschema-1.0",
    twin_corpora: Iterable[Corpus] = (),
) -> ConversionContext:
    """A context from the run's adapters: the JSON ones validate conversions, ``xsd_adapter``
    (or any XML adapter when that one is absent) gives the reference XSD verdict."""
    json_adapters = {n: a for n, a in sorted(adapters.items()) if a.format == "json"}
    xml = {n: a for n, a in adapters.items() if a.format == "xml"}
    reference = xml.get(xsd_adapter) or next(iter(sorted(xml.items())), (None, None))[1]
    twin_corpora = list(twin_corpora)
    return ConversionContext(out_dir, json_adapters, _XsdVerdicts(reference),
                             twin_index(twin_corpora), twin_reasons(twin_corpora))


def twin_index(corpora: Iterable[Corpus]) -> dict[str, Path]:
    """``xml corpus/case`` → the JSON instance a corpus pairs with it (first pair wins)."""
    out: dict[str, Path] = {}
    for corpus in corpora:
        by_key = {case.key: case.instance for case in corpus.cases}
        for xml_key, json_key in corpus.pairs:
            if json_key in by_key:
                out.setdefault(xml_key, by_key[json_key])
    return out


TWIN_DIFFERENCES = "twin-differences.json"
EXPLAINED = "explained: "  # how a twin difference with a known reason starts (the matrix counts it)


def twin_reasons(corpora: Iterable[Corpus]) -> list[dict[str, Any]]:
    """The known differences a twin corpus declares in ``twin-differences.json`` beside its
    manifest: ``{"converters": [glob…], "cases": [glob…], "paths": [glob…], "reason": …}``.
    A difference is explained when converter, case and the JSON pointer of *every* difference
    match one entry, so a reason never hides a difference it does not name."""
    out: list[dict[str, Any]] = []
    for corpus in corpora:
        path = corpus.root / TWIN_DIFFERENCES
        if not path.is_file():
            continue
        try:
            entries = orjson.loads(path.read_bytes()).get("differences", [])
        except (OSError, orjson.JSONDecodeError, AttributeError):
            continue  # no reasons then: every difference stays unexplained
        out += [e for e in entries if isinstance(e, dict) and isinstance(e.get("reason"), str)]
    return out


def _number_equal(a: Any, b: Any) -> bool:
    """Two JSON numbers with the same value (``Decimal("1.0") == 1``), as :mod:`jsondiff`."""
    def number(v: Any) -> bool:
        return isinstance(v, int | float | Decimal) and not isinstance(v, bool)
    return number(a) and number(b) and Decimal(str(a)) == Decimal(str(b))


def all_differences(a: Any, b: Any, pointer: str = "") -> Iterable[str]:
    """The JSON pointer of every difference between two documents (numbers by value)."""
    if _number_equal(a, b):
        return
    if type(a) is not type(b):
        yield pointer or "/"
    elif isinstance(a, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                yield f"{pointer}/{key}"
            else:
                yield from all_differences(a[key], b[key], f"{pointer}/{key}")
    elif isinstance(a, list):
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            yield from all_differences(x, y, f"{pointer}/{i}")
        if len(a) != len(b):
            yield pointer or "/"
    elif a != b:
        yield pointer or "/"


def explain_twin(reasons: Sequence[dict[str, Any]], converter: str, case: str,
                 pointers: Sequence[str]) -> list[str]:
    """The reasons that together cover every differing pointer, or ``[]``."""
    matching = [e for e in reasons
                if any(fnmatch.fnmatchcase(converter, g) for g in e.get("converters", ["*"]))
                and any(fnmatch.fnmatchcase(case, g) for g in e.get("cases", ["*"]))]
    used: list[str] = []
    for pointer in pointers:
        entry = next((e for e in matching
                      if any(fnmatch.fnmatchcase(pointer, g) for g in e.get("paths", ["*"]))),
                     None)
        if entry is None:
            return []
        if entry["reason"] not in used:
            used.append(entry["reason"])
    return used


def convertible_corpora(corpora: Iterable[Corpus]) -> list[Corpus]:
    """The corpora a converter suite runs on: XML cases checked against XSD schemas."""
    return [c for c in corpora if any(
        case.format == "xml" and case.kind == "instance" and case.schema is not None
        and case.schema.kind == "xsd" for case in c.cases)]


def suite_cases(corpus: Corpus) -> list[Case]:
    return [case for case in corpus.cases if case.format == "xml" and case.kind == "instance"
            and case.schema is not None and case.schema.kind == "xsd" and not case.problem]


class ConverterSuite:
    """One converter's checks, computed on demand and cached (a schema is prepared once)."""

    def __init__(self, name: str, converter: Converter, context: ConversionContext) -> None:
        self.name = name
        self.converter = converter
        self.ctx = context
        self._schemas: dict[tuple[str, str], _SchemaState] = {}
        self._cases: dict[str, Record] = {}

    # -- schemas ---------------------------------------------------------------------------------
    def schema_state(self, spec: SchemaSpec) -> _SchemaState:
        key = (spec.corpus, spec.id)
        if key not in self._schemas:
            self._schemas[key] = self._prepare(spec)
        return self._schemas[key]

    def schema_record(self, spec: SchemaSpec) -> Record:
        return self.schema_state(spec).record

    def _prepare(self, spec: SchemaSpec) -> _SchemaState:
        record = _schema_base(self.name, spec)
        state = _SchemaState(record)
        try:
            # converters load the XSD (and what it includes) themselves: the same gate as the
            # validators', so a corpus cannot make them read a file outside it (F3, F13)
            schema_files(spec.path, spec.allowed_roots())
        except St9xError as exc:
            record.update(status="errored", message=str(exc))
            return state
        start = time.perf_counter()
        try:
            state.prepared = self.converter.prepare(spec.path, spec.root)
        except Exception as exc:
            record.update(status="errored", message=_crash(self.name, exc))
            return state
        record["seconds"]["prepare"] = round(time.perf_counter() - start, 6)
        start = time.perf_counter()
        try:
            state.result = state.prepared.schema()
        except Unsupported as exc:
            record.update(status="unsupported", message=one_line(str(exc)))
            return state
        except Exception as exc:
            record.update(status="errored", message=_crash(self.name, exc))
            return state
        record["seconds"]["schema"] = round(time.perf_counter() - start, 6)
        record.update(status="ok", losses=state.result.loss_counts(),
                      loss_total=len(state.result.losses))
        self._write_schema(spec, state)
        xsd = self.ctx.loaded_xsd(spec)
        if xsd is not None:
            try:
                record["decisions"] = schema_checks(
                    state.result.schema, xsd,
                    [(loss.construct, loss.location) for loss in state.result.losses])
            except Exception as exc:
                record["decisions"] = {"error": {"status": "errored",
                                                 "detail": _crash("decision checks", exc)}}
        return state

    def _write_schema(self, spec: SchemaSpec, state: _SchemaState) -> None:
        assert state.result is not None
        out = self.ctx.out_dir
        schema_path = artefact_path(out, self.name, spec.corpus, spec.id, ".schema.json")
        losses_path = artefact_path(out, self.name, spec.corpus, spec.id, ".losses.json")
        write_atomically(schema_path, jsonio.dumps(state.result.schema, indent=True))
        write_atomically(losses_path, orjson.dumps(
            [loss.as_json() for loss in state.result.losses], option=orjson.OPT_INDENT_2))
        state.record["artefacts"] = {"schema": _rel(schema_path, out),
                                     "losses": _rel(losses_path, out)}
        dialect = state.result.dialect
        json_spec = SchemaSpec(f"{self.name}/{spec.corpus}", spec.id, schema_path.resolve(),
                               "json-schema", dialect=DIALECT_URIS.get(dialect or "", dialect))
        for adapter_name, adapter in self.ctx.json_adapters.items():
            try:
                state.validators[adapter_name] = adapter.compile(json_spec)
                state.record["validators"][adapter_name] = "compiled"
            except Unsupported as exc:
                state.validators[adapter_name] = ("skipped", one_line(str(exc)))
                state.record["validators"][adapter_name] = f"skipped: {one_line(str(exc))}"
            except Exception as exc:
                state.validators[adapter_name] = ("errored", _crash(adapter_name, exc))
                state.record["validators"][adapter_name] = \
                    f"errored: {_crash(adapter_name, exc)}"

    # -- cases -----------------------------------------------------------------------------------
    def case_record(self, case: Case) -> Record:
        if case.key not in self._cases:
            self._cases[case.key] = self._run_case(case)
        return self._cases[case.key]

    def _run_case(self, case: Case) -> Record:
        assert case.schema is not None
        xsd_verdict, xsd_error = self.ctx.xsd.verdict(case)
        record = _case_base(self.name, case, xsd_verdict, xsd_error)
        state = self.schema_state(case.schema)
        if state.prepared is None:
            record["conversion"].update(status="errored",
                                        message=f"schema not prepared: {state.record['message']}")
            return record
        start = time.perf_counter()
        try:
            document = state.prepared.to_json(case.instance)
        except Unsupported as exc:
            record["conversion"].update(status="unsupported", message=one_line(str(exc)))
            return record
        except Exception as exc:
            line = getattr(exc, "line", None)
            status = "failed" if isinstance(exc, ConversionError) else "errored"
            record["conversion"].update(status=status, message=_crash(self.name, exc), line=line)
            return record
        record["conversion"].update(status="ok", seconds=round(time.perf_counter() - start, 6))
        try:
            data = jsonio.dumps(document, indent=True)
        except Exception as exc:
            record["conversion"].update(status="errored",
                                        message=f"not JSON-serialisable: {_crash(self.name, exc)}")
            return record
        json_path = artefact_path(self.ctx.out_dir, self.name, case.corpus, case.id, ".json")
        write_atomically(json_path, data)
        record["artefacts"]["json"] = _rel(json_path, self.ctx.out_dir)
        reread = jsonio.loads(data)  # what the next tool would read, not our Python objects
        self._validate(state, json_path, record)
        self._roundtrip(state, case, reread, record)
        self._decisions(case, reread, record)
        self._twin(case, reread, record)
        return record

    def _validate(self, state: _SchemaState, json_path: Path, record: Record) -> None:
        if state.result is None:
            return
        for adapter_name, compiled in state.validators.items():
            if isinstance(compiled, tuple):
                record["json_verdicts"][adapter_name] = {"verdict": compiled[0],
                                                         "error": compiled[1]}
                continue
            try:
                outcome = compiled.validate(json_path)
                first = outcome.errors[0] if outcome.errors else None
                error = None if first is None else (
                    f"{first.location}: {first.message}" if first.location else first.message)
                record["json_verdicts"][adapter_name] = {"verdict": str(outcome.verdict),
                                                         "error": error}
            except Unsupported as exc:
                record["json_verdicts"][adapter_name] = {"verdict": "skipped",
                                                         "error": one_line(str(exc))}
            except Exception as exc:
                record["json_verdicts"][adapter_name] = {"verdict": "errored",
                                                         "error": _crash(adapter_name, exc)}

    def _roundtrip(self, state: _SchemaState, case: Case, document: Any,
                   record: Record) -> None:
        assert state.prepared is not None
        trip = record["roundtrip"]
        start = time.perf_counter()
        try:
            xml = state.prepared.to_xml(document)
        except Unsupported as exc:
            trip.update(status="unsupported", difference=one_line(str(exc)))
            return
        except Exception as exc:
            trip.update(status="errored", difference=_crash(self.name, exc))
            return
        trip["seconds"] = round(time.perf_counter() - start, 6)
        xml_path = artefact_path(self.ctx.out_dir, self.name, case.corpus, case.id,
                                 ".roundtrip.xml")
        write_atomically(xml_path, xml)
        record["artefacts"]["roundtrip"] = _rel(xml_path, self.ctx.out_dir)
        try:
            result = compare_xml(case.instance.read_bytes(), xml)
        except Exception as exc:
            trip.update(status="errored", difference=f"cannot compare: {_crash('lxml', exc)}")
            return
        status = "exact" if result.exact else "normalised" if result.equal else "lossy"
        trip.update(status=status, normalised=dict(sorted(result.normalised.items())),
                    difference=result.difference)

    def _decisions(self, case: Case, document: Any, record: Record) -> None:
        try:
            parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
            root = etree.parse(str(case.instance), parser).getroot()
            assert case.schema is not None
            record["decisions"] = instance_checks(document, root,
                                                  self.ctx.loaded_xsd(case.schema))
        except Exception as exc:
            record["decisions"] = {"error": {"status": "errored",
                                             "detail": _crash("decision checks", exc)}}

    def _twin(self, case: Case, document: Any, record: Record) -> None:
        twin = self.ctx.twins.get(case.key)
        if twin is None:
            return
        try:
            expected = jsonio.loads(twin.read_bytes())
        except (OSError, ValueError) as exc:
            record["twin"] = {"status": "errored", "difference": f"{twin}: {exc}"}
            return
        difference = first_difference(document, expected)
        if difference:
            pointers = list(all_differences(document, expected))
            reasons = explain_twin(self.ctx.twin_reasons, self.name, case.key, pointers)
            if reasons:
                difference = (f"{EXPLAINED}{'; '.join(reasons)} ({len(pointers)} "
                              f"difference(s), first {difference})")
        record["twin"] = {"status": "different" if difference else "equal",
                          "difference": difference, "path": str(twin)}


def _schema_base(name: str, spec: SchemaSpec) -> Record:
    return {
        "type": "schema", "converter": name, "corpus": spec.corpus, "schema": spec.id,
        "xsd": str(spec.path), "root": spec.root, "status": None, "message": None,
        "seconds": {"prepare": None, "schema": None}, "losses": {}, "loss_total": 0,
        "artefacts": {}, "validators": {}, "decisions": {},
    }


def _case_base(name: str, case: Case, xsd_verdict: str, xsd_error: str | None) -> Record:
    assert case.schema is not None
    return {
        "type": "case", "converter": name, "corpus": case.corpus, "case": case.id,
        "schema": case.schema.id, "expected": case.expected, "constraint": case.constraint,
        "xsd_verdict": xsd_verdict, "xsd_error": xsd_error,
        "conversion": {"status": None, "message": None, "line": None, "seconds": None},
        "artefacts": {}, "json_verdicts": {},
        "roundtrip": {"status": "skipped", "normalised": {}, "difference": None,
                      "seconds": None},
        "decisions": {}, "twin": {"status": "absent", "difference": None},
    }


def _rel(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return str(path)


# == a whole run ==================================================================================
@dataclass
class ConversionOutput:
    out_dir: Path
    records: list[Record]
    summary: dict[str, Any]
    paths: dict[str, Path]
    resumed_records: int = 0


def conversion_header(converters: Mapping[str, Converter], corpora: Sequence[Corpus],
                      ctx: ConversionContext) -> Record:
    infos = []
    for name in sorted(converters):
        try:
            infos.append(converters[name].info().as_json())
        except Exception as exc:
            infos.append({"name": name, "error": _crash(name, exc)})
    return {
        "type": "header", "format": CONVERSIONS_FORMAT,
        "tool": {"name": "st9x", "version": __version__}, "started": now(),
        "converters": infos,
        "corpora": [{"id": c.id, "path": str(c.root)} for c in corpora],
        "json_adapters": sorted(ctx.json_adapters),
        "xsd_adapter": ctx.xsd.adapter.name if ctx.xsd.adapter is not None else None,
    }


def iter_records(suite: ConverterSuite, corpus: Corpus) -> Iterable[Record]:
    """The schema records, then the case records, of one converter on one corpus."""
    cases = suite_cases(corpus)
    specs = {c.schema.id: c.schema for c in cases if c.schema is not None}
    for spec_id in sorted(specs):
        yield suite.schema_record(specs[spec_id])
    for case in cases:
        yield suite.case_record(case)


# One step of the converter suites: a schema record or a case record of one converter.
_Step = tuple[str, str, "SchemaSpec | Case"]


def _steps(converters: Mapping[str, Converter], chosen: Sequence[Corpus]) -> list[_Step]:
    """Every record to compute, in the order ``iter_records`` gives them."""
    steps: list[_Step] = []
    for name in sorted(converters):
        for corpus in chosen:
            cases = suite_cases(corpus)
            specs = {c.schema.id: c.schema for c in cases if c.schema is not None}
            steps += [(name, "schema", specs[spec_id]) for spec_id in sorted(specs)]
            steps += [(name, "case", case) for case in cases]
    return steps


def _step_key(step: _Step) -> tuple[str, str, str, str]:
    name, kind, item = step
    return (name, item.corpus, kind, item.id)


def _record_key(record: Record) -> tuple[str, str, str, str]:
    kind = record["type"]
    return (record["converter"], record["corpus"], kind,
            record["schema"] if kind == "schema" else record["case"])


def kept_records(path: Path, steps: Sequence[_Step]) -> list[Record]:
    """The records of an interrupted ``conversions.jsonl`` that a resumed run keeps: whole
    lines that follow the format and belong to a step of this run (a line cut short by a kill
    is the last one and is dropped; its step runs again). A record whose step has been timed out
    or lost stays a record: it is a result, as in the validation results."""
    if not path.is_file():
        return []
    wanted = {_step_key(step) for step in steps}
    kept: dict[tuple[str, str, str, str], Record] = {}
    for line in path.read_bytes().splitlines():
        try:
            record = orjson.loads(line)
            formats.check("conversions", record, path=path)
        except (orjson.JSONDecodeError, St9xError):
            continue
        if record.get("type") in ("schema", "case") and _record_key(record) in wanted:
            kept.setdefault(_record_key(record), record)
    return list(kept.values())


def _compute(suites: dict[str, ConverterSuite], step: _Step) -> Record:
    name, kind, item = step
    if kind == "schema":
        assert isinstance(item, SchemaSpec)
        return suites[name].schema_record(item)
    assert isinstance(item, Case)
    return suites[name].case_record(item)


def _lost_step(step: _Step, message: str) -> Record:
    """The record of a step whose process was killed (time-out) or died: errored, saying why."""
    name, kind, item = step
    if kind == "schema":
        assert isinstance(item, SchemaSpec)
        record = _schema_base(name, item)
        record.update(status="errored", message=message)
        return record
    assert isinstance(item, Case)
    record = _case_base(name, item, "skipped", None)
    record["conversion"].update(status="errored", message=message)
    return record


def _serve_steps(
    conn: Any, suites: dict[str, ConverterSuite], steps: list[_Step], first: int,
    memory_mb: int | None, parent: int,
) -> None:
    """The converter worker: compute the steps from ``first`` on, sending each record back.
    It leads its own process group (killed with what it started) and dies with its parent,
    like the validation workers (engine/isolation.py)."""
    from st9x.engine.isolation import die_with_parent

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError):
        os.setpgid(0, 0)
    die_with_parent(parent)
    if memory_mb:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    for index in range(first, len(steps)):
        try:
            record = _compute(suites, steps[index])
        except MemoryError:
            record = _lost_step(steps[index], f"memory limit of {memory_mb} MB exceeded")
        except BaseException as exc:
            record = _lost_step(steps[index], _crash(steps[index][0], exc))
        conn.send((index, record))
    conn.close()


def _isolated_records(
    suites: dict[str, ConverterSuite], steps: list[_Step], timeout: float,
    memory_mb: int | None,
) -> Iterable[Record]:
    """The steps' records, computed in a forked worker process that is killed (with its
    process group) when one step takes longer than ``timeout``: that step becomes an errored
    record and a fresh worker goes on with the next (F13). The worker's caches (prepared
    schemas, XSD verdicts) live as long as it does."""
    context = mp.get_context("fork")
    index = 0
    while index < len(steps):
        parent_end, child_end = context.Pipe(duplex=False)
        process = context.Process(
            target=_serve_steps,
            args=(child_end, suites, steps, index, memory_mb, os.getpid()),
            daemon=True,
        )
        process.start()
        with contextlib.suppress(OSError):
            os.setpgid(process.pid, process.pid)
        child_end.close()
        try:
            while index < len(steps):
                if not parent_end.poll(timeout):
                    message = f"time-out: no result within {timeout:g} s (killed)"
                    break
                try:
                    got, record = parent_end.recv()
                except (EOFError, OSError):
                    process.join(timeout=5)
                    message = f"the converter's process died (exit code {process.exitcode})"
                    break
                assert got == index
                index += 1
                yield record
            else:
                message = ""
        finally:
            with contextlib.suppress(OSError):
                os.killpg(process.pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                process.kill()
            process.join(timeout=5)
            parent_end.close()
        if message:
            yield _lost_step(steps[index], message)
            index += 1


def run_conversions(
    corpora: Sequence[Corpus],
    converters: Mapping[str, Converter],
    out_dir: Path,
    adapters: Mapping[str, Adapter],
    *,
    twin_corpora: Iterable[Corpus] = (),
    on_record: Callable[[Record], None] | None = None,
    timeout: float | None = None,
    memory_mb: int | None = None,
    resume: bool = False,
) -> ConversionOutput:
    """Run every converter on every corpus with XSD cases; write ``conversions.jsonl``, the
    artefacts, ``conversion-summary.json`` and ``conversion-matrix.md`` into ``out_dir``.

    With a ``timeout`` (``st9x run`` passes its ``--timeout`` and ``--memory-mb``), the
    conversions run in a worker process that is killed when one step (a schema or a case of
    one converter) takes longer, as the validations do: converters and the validators they
    call run hostile input (a ReDoS pattern hangs xmlschema's decoder in C). Without one, or
    where fork is not available, they run in this process.

    The file is written as the validation results are: flushed per record, and on Ctrl-C or
    SIGTERM (``KeyboardInterrupt``) closed with a footer saying ``interrupted`` before the
    interruption goes on up. With ``resume``, the whole records of an earlier
    ``conversions.jsonl`` in ``out_dir`` are kept and only the missing steps run."""
    from st9x.matrix.conversion import fold_conversions, render_conversions

    chosen = convertible_corpora(corpora)
    ctx = make_context(out_dir, adapters, twin_corpora=[*corpora, *twin_corpora])
    header = conversion_header(converters, chosen, ctx)
    formats.check("conversions", header, path=out_dir / CONVERSIONS_NAME)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / CONVERSIONS_NAME
    steps = _steps(converters, chosen)
    records: list[Record] = kept_records(path, steps) if resume else []
    resumed = len(records)
    done = {_record_key(record) for record in records}
    steps = [step for step in steps if _step_key(step) not in done]
    started = time.perf_counter()
    partial = path.with_name(path.name + ".partial")
    with partial.open("wb") as stream:  # the kept records first, then what is left to do
        stream.write(orjson.dumps(header) + b"\n")
        for record in records:
            stream.write(orjson.dumps(record) + b"\n")
        stream.flush()
    partial.replace(path)
    interrupted = True
    with path.open("ab") as stream:
        try:
            suites = {name: ConverterSuite(name, converters[name], ctx) for name in converters}
            if timeout is not None and "fork" in mp.get_all_start_methods():
                produced = _isolated_records(suites, steps, timeout, memory_mb)
            else:
                produced = (_compute(suites, step) for step in steps)
            for record in produced:
                formats.check("conversions", record, path=path)
                stream.write(orjson.dumps(record) + b"\n")
                stream.flush()
                records.append(record)
                if on_record:
                    on_record(record)
            interrupted = False
        finally:
            footer = {"type": "footer", "finished": now(), "records": len(records),
                      "seconds": round(time.perf_counter() - started, 3),
                      "interrupted": interrupted, "resumed_records": resumed}
            with contextlib.suppress(OSError):  # a full disk: the records stay whole
                stream.write(orjson.dumps(footer) + b"\n")
                stream.flush()
    summary = fold_conversions(header, records)
    summary_path = out_dir / "conversion-summary.json"
    matrix_path = out_dir / "conversion-matrix.md"
    write_atomically(summary_path, orjson.dumps(summary, option=orjson.OPT_INDENT_2) + b"\n")
    write_atomically(matrix_path, render_conversions(summary).encode())
    return ConversionOutput(out_dir, records, summary,
                            {"records": path, "summary": summary_path, "matrix": matrix_path},
                            resumed_records=resumed)


def read_conversions(path: Path) -> list[Record]:
    """Read a ``conversions.jsonl`` back, every line checked against its format."""
    out = []
    for number, line in enumerate(path.read_bytes().splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            raise St9xError(f"not JSON: {exc}", path=path, line=number) from None
        formats.check("conversions", record, path=f"{path}:{number}")
        out.append(record)
    return out
