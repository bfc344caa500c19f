"""The conversion steps: a converter on a schema (``convert-schema``) and on a case
(``convert-case``), each giving one record, with the converted artefacts written where a user
can open them.

What a converter's output goes through (:class:`~st9x.subjects.converters.base.Check`):

- ``schema``: the XSD converts to a JSON Schema, with the loss report counted by construct, and
  every JSON validator compiles it;
- ``validity``: converted valid instances validate against the converted schema under every
  JSON validator that supports its dialect (the real adapters, on the written files);
- ``roundtrip``: XML → JSON → XML equals the original under C14N 2.0: ``exact``,
  ``normalised`` (equal after the counted normalisations of :func:`st9x.st97.compare_xml`) or
  ``lossy`` (with the first difference, where it is and the reported losses that explain it,
  :mod:`st9x.engine.roundtrip_losses`);
- ``agreement``: the XSD verdict of every case, valid or invalid, against each JSON Schema
  verdict on its conversion; a case the converter cannot convert is ``not-convertible``;
- ``decisions``: register decisions 1, 4, 5, 7, 8 on the generated schema and the converted
  instances (the rule catalogue :mod:`st9x.rules.st97_register`);

plus the hand-written twin where a corpus pairs one with the case (:mod:`st9x.engine.twins`).

:class:`ConverterSuite` computes one converter's records and caches the prepared schema, so a
worker prepares each schema once. Whatever a converter or validator raises becomes a recorded
error, never the end of the run. The records are judged by :mod:`st9x.engine.judge`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import orjson
from lxml import etree

from st9x.corpus.model import Case, Corpus, SchemaSpec
from st9x.engine.budget import CONVERTED_SCHEMA_BUDGET, BudgetExceeded, cpu_budget
from st9x.engine.records import (
    CaseConversionRecord,
    ConversionRecord,
    SchemaConversionRecord,
)
from st9x.engine.roundtrip_losses import explain_lossy
from st9x.engine.twins import all_differences, explain_twin, twin_index, twin_reasons
from st9x.errors import St9xError, crash_message, one_line
from st9x.outfiles import write_atomically
from st9x.rules.st97_register import instance_checks, schema_checks
from st9x.st97 import compare_xml, jsonio, load_xsd
from st9x.st97.errors import ConversionError
from st9x.subjects.converters.base import DIALECT_URIS, Converter, Prepared, SchemaResult
from st9x.subjects.converters.jsondiff import first_difference
from st9x.subjects.validators.base import Adapter, CompiledSchema, Unsupported
from st9x.xmlsafe import schema_files

ARTEFACTS_DIR = "conversions"
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def artefact_path(out_dir: Path, converter: str, corpus: str, key: str, suffix: str) -> Path:
    """``conversions/<converter>/<corpus>/<key><suffix>``; ids with ``/`` become subfolders,
    every part made safe (no ``..``, no separators) so an id cannot write outside the tree."""
    parts = [(_SAFE.sub("_", p) or "_").lstrip(".") or "_" for p in key.split("/")]
    parts[-1] += suffix
    return out_dir.joinpath(ARTEFACTS_DIR, _SAFE.sub("_", converter), _SAFE.sub("_", corpus),
                            *parts)


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
                compiled = crash_message(self.adapter.name, exc)
            self.compiled[spec.path] = compiled
        if isinstance(compiled, str):
            return "errored", compiled
        try:
            outcome = compiled.validate(instance)
        except Exception as exc:
            return "errored", crash_message(self.adapter.name, exc)
        first = outcome.errors[0].message if outcome.errors else None
        return str(outcome.verdict), first


@dataclass
class _SchemaState:
    """One converter prepared for one XSD: the prepared form, its JSON Schema and the JSON
    validators compiled on it (or why not)."""

    record: SchemaConversionRecord
    prepared: Prepared | None = None
    result: SchemaResult | None = None
    validators: dict[str, CompiledSchema | tuple[str, str]] = field(default_factory=dict)


# The JSON validators whose verdicts decide a converter's validity and agreement checks, as
# xmlschema-1.0 gives the reference XSD verdict. python-jsonschema is measured beside them but
# does not judge converters: its known faults (no \p{..} classes in patterns, float multipleOf;
# docs/findings.md) would be charged to the converter.
JSON_JUDGES = ("jsonschema-rs", "fastjsonschema")
METASCHEMA_CHECKER = "jsonschema-rs"  # checks a schema against its metaschema as it compiles


@dataclass
class ConversionContext:
    """What every converter suite of a run shares: the out dir, the JSON validators (and which
    of them judge), the XSD verdicts, the loaded XSDs (for the decision checks) and the
    hand-written twins."""

    out_dir: Path
    json_adapters: Mapping[str, Adapter]
    xsd: _XsdVerdicts
    twins: dict[str, Path] = field(default_factory=dict)
    twin_reasons: list[dict[str, Any]] = field(default_factory=list)
    json_judges: tuple[str, ...] = ()
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
    json_judges: Iterable[str] = JSON_JUDGES,
) -> ConversionContext:
    """A context from the run's adapters: the JSON ones validate conversions, ``json_judges``
    among them (all of them when none of those is selected) decide the checks, and
    ``xsd_adapter`` (or any XML adapter when that one is absent) gives the reference XSD
    verdict."""
    json_adapters = {n: a for n, a in sorted(adapters.items()) if a.format == "json"}
    judges = tuple(n for n in json_judges if n in json_adapters) or tuple(json_adapters)
    xml = {n: a for n, a in adapters.items() if a.format == "xml"}
    reference = xml.get(xsd_adapter) or next(iter(sorted(xml.items())), (None, None))[1]
    twin_corpora = list(twin_corpora)
    return ConversionContext(out_dir, json_adapters, _XsdVerdicts(reference),
                             twin_index(twin_corpora), twin_reasons(twin_corpora), judges)


class ConverterSuite:
    """One converter's checks, computed on demand and cached (a schema is prepared once)."""

    def __init__(self, name: str, converter: Converter, context: ConversionContext) -> None:
        self.name = name
        self.converter = converter
        self.ctx = context
        self.claims = converter_claims(converter)
        self._schemas: dict[tuple[str, str], _SchemaState] = {}
        self._cases: dict[str, CaseConversionRecord] = {}

    # -- schemas ---------------------------------------------------------------------------------
    def schema_state(self, spec: SchemaSpec) -> _SchemaState:
        key = (spec.corpus, spec.id)
        if key not in self._schemas:
            self._schemas[key] = self._prepare(spec)
        return self._schemas[key]

    def schema_record(self, spec: SchemaSpec) -> SchemaConversionRecord:
        return self.schema_state(spec).record

    def _prepare(self, spec: SchemaSpec) -> _SchemaState:
        record = schema_base(self.name, self.claims, spec)
        record["json_judges"] = list(self.ctx.json_judges)
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
            record.update(status="errored", message=crash_message(self.name, exc))
            return state
        record["seconds"]["prepare"] = round(time.perf_counter() - start, 6)
        start = time.perf_counter()
        try:
            state.result = state.prepared.schema()
        except Unsupported as exc:
            record.update(status="unsupported", message=one_line(str(exc)))
            return state
        except Exception as exc:
            record.update(status="errored", message=crash_message(self.name, exc))
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
                                                 "detail": crash_message("decision checks", exc)}}
        return state

    def _write_schema(self, spec: SchemaSpec, state: _SchemaState) -> None:
        assert state.result is not None
        out = self.ctx.out_dir
        schema_path = artefact_path(out, self.name, spec.corpus, spec.id, ".schema.json")
        losses_path = artefact_path(out, self.name, spec.corpus, spec.id, ".losses.json")
        write_atomically(schema_path, jsonio.dumps(state.result.schema, indent=True))
        # the compact size (no indentation) is what options are compared on: the written file is
        # indented for a reader, which would weigh a deeply nested shape for its whitespace
        state.record["sizes"] = {"schema": len(jsonio.dumps(state.result.schema))}
        write_atomically(losses_path, orjson.dumps(
            [loss.as_json() for loss in state.result.losses], option=orjson.OPT_INDENT_2))
        state.record["artefacts"] = {"schema": _rel(schema_path, out),
                                     "losses": _rel(losses_path, out)}
        dialect = state.result.dialect
        json_spec = SchemaSpec(f"{self.name}/{spec.corpus}", spec.id, schema_path.resolve(),
                               "json-schema", dialect=DIALECT_URIS.get(dialect or "", dialect))
        # the judges first: when jsonschema-rs, which checks a schema against its metaschema as
        # it compiles, has accepted it, the validators that only measure may skip that check
        order = sorted(self.ctx.json_adapters, key=lambda n: n not in self.ctx.json_judges)
        for adapter_name in order:
            adapter = self.ctx.json_adapters[adapter_name]
            checked = state.record["validators"].get(METASCHEMA_CHECKER, {}).get("status")
            spec = json_spec
            if adapter_name not in self.ctx.json_judges and checked == "compiled":
                spec = replace(json_spec, metaschema_checked=True)
            try:
                with cpu_budget(CONVERTED_SCHEMA_BUDGET):
                    state.validators[adapter_name] = adapter.compile(spec)
                state.record["validators"][adapter_name] = {"status": "compiled",
                                                            "message": None}
            except BudgetExceeded as exc:
                message = f"{adapter_name}: {exc} compiling this schema"
                state.validators[adapter_name] = ("errored", message)
                state.record["validators"][adapter_name] = {"status": "errored",
                                                            "message": message}
            except Unsupported as exc:
                state.validators[adapter_name] = ("skipped", one_line(str(exc)))
                state.record["validators"][adapter_name] = {"status": "skipped",
                                                            "message": one_line(str(exc))}
            except Exception as exc:
                state.validators[adapter_name] = ("errored", crash_message(adapter_name, exc))
                state.record["validators"][adapter_name] = {
                    "status": "errored", "message": crash_message(adapter_name, exc)}
        # listed by name again, as before the judges went first
        state.validators = dict(sorted(state.validators.items()))
        state.record["validators"] = dict(sorted(state.record["validators"].items()))

    # -- cases -----------------------------------------------------------------------------------
    def case_record(self, case: Case) -> CaseConversionRecord:
        if case.key not in self._cases:
            self._cases[case.key] = self._run_case(case)
        return self._cases[case.key]

    def _run_case(self, case: Case) -> CaseConversionRecord:
        assert case.schema is not None
        xsd_verdict, xsd_error = self.ctx.xsd.verdict(case)
        record = case_base(self.name, self.claims, case, xsd_verdict, xsd_error)
        record["json_judges"] = list(self.ctx.json_judges)
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
            record["conversion"].update(status=status, line=line,
                                        message=crash_message(self.name, exc))
            return record
        record["conversion"].update(status="ok", seconds=round(time.perf_counter() - start, 6))
        try:
            data = jsonio.dumps(document, indent=True)
        except Exception as exc:
            why = crash_message(self.name, exc)
            record["conversion"].update(status="errored", message=f"not JSON-serialisable: {why}")
            return record
        json_path = artefact_path(self.ctx.out_dir, self.name, case.corpus, case.id, ".json")
        write_atomically(json_path, data)
        record["sizes"] = _instance_sizes(case.instance, document)
        record["artefacts"]["json"] = _rel(json_path, self.ctx.out_dir)
        reread = jsonio.loads(data)  # what the next tool would read, not our Python objects
        self._validate(state, json_path, record)
        self._roundtrip(state, case, reread, record)
        self._decisions(case, reread, record)
        self._twin(case, reread, record)
        return record

    def _validate(self, state: _SchemaState, json_path: Path, record: CaseConversionRecord) -> None:
        if state.result is None:
            return
        for adapter_name, compiled in state.validators.items():
            if isinstance(compiled, tuple):
                record["json_verdicts"][adapter_name] = {"verdict": compiled[0],
                                                         "error": compiled[1]}
                continue
            try:
                start = time.perf_counter()
                outcome = compiled.validate(json_path)
                seconds = round(time.perf_counter() - start, 6)
                first = outcome.errors[0] if outcome.errors else None
                error = None if first is None else (
                    f"{first.location}: {first.message}" if first.location else first.message)
                record["json_verdicts"][adapter_name] = {"verdict": str(outcome.verdict),
                                                         "error": error, "seconds": seconds}
            except Unsupported as exc:
                record["json_verdicts"][adapter_name] = {"verdict": "skipped",
                                                         "error": one_line(str(exc))}
            except Exception as exc:
                record["json_verdicts"][adapter_name] = {"verdict": "errored",
                                                         "error": crash_message(adapter_name, exc)}

    def _roundtrip(self, state: _SchemaState, case: Case, document: Any,
                   record: CaseConversionRecord) -> None:
        assert state.prepared is not None
        trip = record["roundtrip"]
        start = time.perf_counter()
        try:
            xml = state.prepared.to_xml(document)
        except Unsupported as exc:
            trip.update(status="unsupported", difference=one_line(str(exc)))
            return
        except Exception as exc:
            trip.update(status="errored", difference=crash_message(self.name, exc))
            return
        trip["seconds"] = round(time.perf_counter() - start, 6)
        xml_path = artefact_path(self.ctx.out_dir, self.name, case.corpus, case.id,
                                 ".roundtrip.xml")
        write_atomically(xml_path, xml)
        record["artefacts"]["roundtrip"] = _rel(xml_path, self.ctx.out_dir)
        try:
            result = compare_xml(case.instance.read_bytes(), xml)
        except Exception as exc:
            why = crash_message("lxml", exc)
            trip.update(status="errored", difference=f"cannot compare: {why}")
            return
        status = "exact" if result.exact else "normalised" if result.equal else "lossy"
        trip.update(status=status, normalised=dict(sorted(result.normalised.items())),
                    difference=result.difference, where=result.where, losses=[])
        if status == "lossy":
            assert case.schema is not None
            reported = state.result.losses if state.result is not None else ()
            trip["losses"] = explain_lossy(case.instance, result,
                                           self.ctx.loaded_xsd(case.schema), reported)

    def _decisions(self, case: Case, document: Any, record: CaseConversionRecord) -> None:
        try:
            parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
            root = etree.parse(str(case.instance), parser).getroot()
            assert case.schema is not None
            record["decisions"] = instance_checks(document, root,
                                                  self.ctx.loaded_xsd(case.schema))
        except Exception as exc:
            record["decisions"] = {"error": {"status": "errored",
                                             "detail": crash_message("decision checks", exc)}}

    def _twin(self, case: Case, document: Any, record: CaseConversionRecord) -> None:
        twin = self.ctx.twins.get(case.key)
        if twin is None:
            return
        try:
            expected = jsonio.loads(twin.read_bytes())
        except (OSError, ValueError) as exc:
            record["twin"] = {"status": "errored", "difference": f"{twin}: {exc}"}
            return
        difference = first_difference(document, expected)
        if not difference:
            record["twin"] = {"status": "equal", "difference": None, "path": str(twin)}
            return
        pointers = list(all_differences(document, expected))
        reasons = explain_twin(self.ctx.twin_reasons, self.name, case.key, pointers)
        if reasons:  # every difference has a declared reason: counted apart, with them
            record["twin"] = {"status": "explained", "reasons": reasons, "path": str(twin),
                              "difference": f"{len(pointers)} difference(s), first {difference}"}
            return
        record["twin"] = {"status": "different", "difference": difference, "path": str(twin)}


def _instance_sizes(instance: Path, document: Any) -> dict[str, int]:
    """The XML file's bytes and the converted JSON's, compact (no indentation), so that an
    option's instance size is compared on content, not on how the artefact is laid out."""
    try:
        return {"xml": instance.stat().st_size, "json": len(jsonio.dumps(document))}
    except (OSError, ConversionError):
        return {}


def converter_claims(converter: Converter) -> list[str]:
    """The checks the converter claims, as recorded; a converter whose ``info()`` fails claims
    nothing (its failure shows in the header)."""
    try:
        return [str(c) for c in converter.info().claims]
    except Exception:
        return []


def schema_base(name: str, claims: list[str], spec: SchemaSpec) -> SchemaConversionRecord:
    return {
        "type": "schema", "converter": name, "claims": list(claims), "corpus": spec.corpus,
        "schema": spec.id, "xsd": str(spec.path), "root": spec.root, "status": None,
        "message": None, "seconds": {"prepare": None, "schema": None}, "losses": {},
        "loss_total": 0, "artefacts": {}, "validators": {}, "json_judges": [], "decisions": {},
    }


def case_base(name: str, claims: list[str], case: Case, xsd_verdict: str,
              xsd_error: str | None) -> CaseConversionRecord:
    assert case.schema is not None
    return {
        "type": "case", "converter": name, "claims": list(claims), "corpus": case.corpus,
        "case": case.id, "schema": case.schema.id, "expected": case.expected,
        "constraint": case.constraint, "tags": list(case.tags),
        "xsd_verdict": xsd_verdict, "xsd_error": xsd_error,
        "conversion": {"status": None, "message": None, "line": None, "seconds": None},
        "artefacts": {}, "json_verdicts": {}, "json_judges": [],
        "roundtrip": {"status": "skipped", "normalised": {}, "difference": None,
                      "seconds": None, "where": None, "losses": []},
        "decisions": {}, "twin": {"status": "absent", "difference": None},
    }


def lost_conversion(name: str, claims: list[str], item: Case | SchemaSpec,
                    message: str) -> ConversionRecord:
    """The record of a conversion step whose process was killed (time-out) or died: errored,
    saying why."""
    if isinstance(item, SchemaSpec):
        record = schema_base(name, claims, item)
        record.update(status="errored", message=message)
        return record
    case_record = case_base(name, claims, item, "skipped", None)
    case_record["conversion"].update(status="errored", message=message)
    return case_record


def _rel(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return str(path)
