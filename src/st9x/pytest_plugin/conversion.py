"""pytest front end of the converter suites: the checks of :mod:`st9x.engine.conversion` as
pytest items, computed by the same :class:`~st9x.engine.conversion.ConverterSuite` that
``st9x run`` uses.

A conversion suite is a ``*.suite.toml`` with a ``[conversion]`` table (the validation plugin
finds no ``corpora`` key at its top level and collects nothing from it)::

    [conversion]
    corpora = ["../corpora/st96-core"]        # relative to the suite file
    converters = ["st97-v2", "st97-v2-strict"]
    validators = ["jsonschema-rs"]            # JSON validators for validity and agreement
    if-absent = "skip"                        # optional, with absent-reason

Items: ``corpus/schema[converter:schema]`` and ``[converter:decisions]`` (schema-level checks and
the instance-level checks of that schema's cases); per XSD-valid case ``[converter:roundtrip]``
(exact or normalised) and ``[converter:validity]``; per case ``[converter:agreement]`` (the JSON
Schema verdict equals the XSD verdict; an invalid case the converter refuses to convert agrees).
Known gaps are strict xfails from the ledger, with ``adapter`` = ``converter:check``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from st9x.corpus.load import load_corpus
from st9x.corpus.model import Case, Corpus, SchemaSpec
from st9x.engine.conversion import ConversionContext, ConverterSuite, make_context, suite_cases
from st9x.errors import St9xError
from st9x.ledger import Ledger, load_ledger
from st9x.matrix.conversion import agreement
from st9x.subjects.registry import select_adapters, select_converters

SUITE_SUFFIX = ".suite.toml"
_CONTEXTS = pytest.StashKey[dict[str, ConversionContext]]()
_SUITES = pytest.StashKey[dict[tuple[str, str], ConverterSuite]]()


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.name.endswith(SUITE_SUFFIX):
        try:
            document = tomllib.loads(file_path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError):
            return None  # the validation plugin reports the broken file
        if isinstance(document.get("conversion"), dict):
            return ConversionSuiteFile.from_parent(parent, path=file_path)
    return None


class ConversionFailure(Exception):
    """A failed conversion check, shown as a few readable lines instead of a traceback."""


def _suite(config: pytest.Config, suite_file: Path, converter: str,
           validators: list[str], tmp: Path) -> ConverterSuite:
    """One ConverterSuite per (suite file, converter) for the session: schemas prepared once."""
    contexts = config.stash.setdefault(_CONTEXTS, {})
    suites = config.stash.setdefault(_SUITES, {})
    key = (str(suite_file), converter)
    if key not in suites:
        if str(suite_file) not in contexts:
            adapters = select_adapters()
            chosen = {n: a for n, a in adapters.items()
                      if a.format == "xml" or n in validators}
            contexts[str(suite_file)] = make_context(tmp, chosen)
        ctx = contexts[str(suite_file)]
        suites[key] = ConverterSuite(converter, select_converters([converter])[converter], ctx)
    return suites[key]


class ConversionSuiteFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        table: dict[str, Any] = tomllib.loads(self.path.read_text(encoding="utf-8"))["conversion"]
        if self.config.getoption("corpus", default=[]):
            return  # --corpus replaces the suites' own corpora, as for validation suites
        ledger = load_ledger(_ledger_option(self.config))
        for spec in table.get("corpora", []):
            path = (self.path.parent / spec).resolve()
            if not path.exists():
                yield _Skip.from_parent(self, name=f"{path.name}[absent]", message=(
                    f"{path}: {table.get('absent-reason', 'corpus not found')}"),
                    skip=table.get("if-absent") == "skip")
                continue
            try:
                corpus = load_corpus(path)
            except St9xError as exc:
                yield _Skip.from_parent(self, name=f"{path.name}[load]", message=str(exc),
                                        skip=False)
                continue
            for converter in table.get("converters", []):
                yield from self._items(corpus, converter, table, ledger)

    def _items(self, corpus: Corpus, converter: str, table: dict[str, Any],
               ledger: Ledger) -> Iterator[pytest.Item]:
        cases = suite_cases(corpus)
        specs = {c.schema.id: c.schema for c in cases if c.schema is not None}
        common = {"converter": converter, "validators": list(table.get("validators", []))}
        made: list[pytest.Item] = []
        for spec_id in sorted(specs):
            for check in ("schema", "decisions"):
                made.append(ConversionItem.from_parent(
                    self, name=f"{corpus.id}/{spec_id}[{converter}:{check}]", check=check,
                    spec=specs[spec_id], case=None, cases=cases, **common))
        for case in cases:
            checks = ["roundtrip", "validity", "agreement"] if case.expected == "valid" \
                else ["agreement"]
            for check in checks:
                made.append(ConversionItem.from_parent(
                    self, name=f"{case.key}[{converter}:{check}]", check=check,
                    spec=case.schema, case=case, cases=cases, **common))
        for item in made:
            assert isinstance(item, ConversionItem)
            key = item.case.key if item.case else f"{corpus.id}/{item.spec.id}"
            entry = ledger.lookup(key, f"{converter}:{item.check}")
            if entry:
                item.add_marker(pytest.mark.xfail(
                    reason=f"{entry.reason} ({entry.reference})", strict=True))
            yield item


def _ledger_option(config: pytest.Config) -> Path | None:
    value = config.getoption("ledger", default=None)
    return Path(value) if value else None


class ConversionItem(pytest.Item):
    def __init__(self, *, check: str, converter: str, validators: list[str], spec: SchemaSpec,
                 case: Case | None, cases: list[Case], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.check = check
        self.converter = converter
        self.validators = validators
        self.spec = spec
        self.case = case
        self.cases = cases

    def runtest(self) -> None:
        tmp = self.config._tmp_path_factory.getbasetemp() / "conversions"  # type: ignore[attr-defined]
        suite = _suite(self.config, self.path, self.converter, self.validators, tmp)
        problems = getattr(self, f"_check_{self.check}")(suite)
        if problems:
            raise ConversionFailure("\n".join(
                [f"{self.name}: {len(problems)} problem(s)", *(f"  - {p}" for p in problems[:8])]))

    def _check_schema(self, suite: ConverterSuite) -> list[str]:
        record = suite.schema_record(self.spec)
        if record["status"] == "unsupported":
            pytest.skip(record["message"])
        if record["status"] != "ok":
            return [record["message"] or "schema conversion failed"]
        return [f"{a}: {s}" for a, s in record["validators"].items()
                if s != "compiled" and not s.startswith("skipped")]

    def _check_decisions(self, suite: ConverterSuite) -> list[str]:
        problems = [f"schema, decision {d}: {c['detail']}"
                    for d, c in suite.schema_record(self.spec)["decisions"].items()
                    if c["status"] not in ("pass", "n/a")]
        for case in self.cases:
            if case.schema is None or case.schema.id != self.spec.id:
                continue
            record = suite.case_record(case)
            problems += [f"{case.id}, decision {d}: {c['detail']}"
                         for d, c in record["decisions"].items()
                         if c["status"] not in ("pass", "n/a")]
        return problems

    def _record(self, suite: ConverterSuite) -> dict[str, Any]:
        assert self.case is not None
        return suite.case_record(self.case)

    def _check_roundtrip(self, suite: ConverterSuite) -> list[str]:
        record = self._record(suite)
        if record["conversion"]["status"] != "ok":
            return [f"not converted: {record['conversion']['message']}"]
        trip = record["roundtrip"]
        if trip["status"] == "unsupported":
            pytest.skip(trip["difference"] or "to_xml unsupported")
        if trip["status"] in ("exact", "normalised"):
            return []
        return [f"{trip['status']}: {trip['difference']}"]

    def _check_validity(self, suite: ConverterSuite) -> list[str]:
        record = self._record(suite)
        if record["conversion"]["status"] != "ok":
            return [f"not converted: {record['conversion']['message']}"]
        verdicts = {a: v for a, v in record["json_verdicts"].items() if a in self.validators}
        if not verdicts:
            pytest.skip("no JSON Schema from this converter, or no selected JSON validator")
        return [f"{a}: {v['verdict']}: {v['error']}" for a, v in verdicts.items()
                if v["verdict"] not in ("valid", "skipped")]

    def _check_agreement(self, suite: ConverterSuite) -> list[str]:
        record = self._record(suite)
        problems = []
        if record["conversion"]["status"] in ("failed", "errored"):
            if record["xsd_verdict"] == "invalid":
                return []  # refusing invalid data agrees with the XSD
            return [f"XSD {record['xsd_verdict']}, not convertible: "
                    f"{record['conversion']['message']}"]
        for adapter in self.validators:
            kind = agreement(record, adapter)
            if kind == "skipped":
                continue
            if kind != "agree":
                error = record["json_verdicts"].get(adapter, {}).get("error")
                problems.append(f"{adapter}: {kind} (XSD {record['xsd_verdict']}, constraint "
                                f"{record['constraint'] or 'none'}){': ' + error if error else ''}")
        return problems

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ConversionFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)  # type: ignore[arg-type]

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"{self.name}"


class _Skip(pytest.Item):
    """A corpus that could not be collected: a skip with the reason, or a failure."""

    def __init__(self, *, message: str, skip: bool, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.message = message
        self.skip = skip

    def runtest(self) -> None:
        if self.skip:
            pytest.skip(self.message)
        raise ConversionFailure(self.message)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        return str(excinfo.value)
