"""The worker: carries out any task, whatever its step, and turns whatever happens into a record.

A worker lives as long as its process (a run, a pytest session, a pool worker) and keeps what
is expensive to make: compiled schemas per validator, prepared schemas per converter, the
reference XSD verdicts. It looks each task's step up in :data:`STEPS`, a table of small step
runners, so a new kind of subject (a linter) is a new step and a new entry, not a second engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from st9x.corpus.model import Corpus, SchemaSpec
from st9x.engine.conversion import (
    ConversionContext,
    ConverterSuite,
    artefact_path,
    converter_claims,
    lost_conversion,
    make_context,
)
from st9x.engine.limits import DEFAULT_MAX_ERRORS
from st9x.engine.lint import lint_base, lint_record, lost_lint
from st9x.engine.records import Record
from st9x.engine.tasks import LINT_STEPS, Step, Task
from st9x.engine.validation import Validation, base_record, finish_record
from st9x.offline import offline
from st9x.subjects.converters.base import Converter
from st9x.subjects.linters.base import RuleLinter
from st9x.subjects.linters.config import LintConfig
from st9x.subjects.validators.base import Adapter, Problem, Verdict
from st9x.text import flatten_values


class Worker:
    """Runs tasks of every step with the subjects of one run.

    ``conversion_out`` is where converter steps write their artefacts (a run's output folder);
    ``twin_corpora`` are corpora whose pairs give the hand-written JSON twin of an XML case;
    ``max_errors`` is how many errors a validation record keeps (0: all); ``linters`` run the
    lint steps with ``lint_config`` (rules switched off, suppressions), limited to
    ``lint_rules`` when given. ``floors``: time each instance's parse alone, the floor its
    validators' times are read against (one more parse per instance).
    """

    def __init__(
        self,
        adapters: Mapping[str, Adapter],
        converters: Mapping[str, Converter] | None = None,
        *,
        conversion_out: Path | None = None,
        twin_corpora: Iterable[Corpus] = (),
        conversion: ConversionContext | None = None,
        max_errors: int = DEFAULT_MAX_ERRORS,
        linters: Mapping[str, RuleLinter] | None = None,
        lint_config: LintConfig | None = None,
        lint_rules: Iterable[str] | None = None,
        floors: bool = True,
    ) -> None:
        self.adapters = dict(adapters)
        self.linters = dict(linters or {})
        self.lint_config = lint_config or LintConfig()
        self.lint_rules = None if lint_rules is None else frozenset(lint_rules)
        self.converters = dict(converters or {})
        self.validation = Validation(self.adapters, max_errors=max_errors, floors=floors)
        self._conversion = conversion
        self._conversion_out = conversion_out
        self._twin_corpora = list(twin_corpora)
        self._suites: dict[str, ConverterSuite] = {}

    def run(self, task: Task) -> Record:
        """The task's record, every string in it one printable line (see :func:`tidy`). A task
        works on user data with third-party libraries: no network while it runs, so a library
        that slips past its local-only resolver is refused at the socket."""
        with offline():
            return tidy(STEPS[task.step](self, task))

    @property
    def conversion(self) -> ConversionContext:
        """What the converter steps share, made when the first one runs."""
        if self._conversion is None:
            out = self._conversion_out or Path("reports/latest")
            self._conversion = make_context(out, self.adapters, twin_corpora=self._twin_corpora)
        return self._conversion

    def suite(self, name: str) -> ConverterSuite:
        if name not in self._suites:
            self._suites[name] = ConverterSuite(name, self.converters[name], self.conversion)
        return self._suites[name]


def _validate(worker: Worker, task: Task) -> Record:
    return worker.validation.run(task)


def _convert_schema(worker: Worker, task: Task) -> Record:
    assert isinstance(task.item, SchemaSpec)
    return worker.suite(task.subject).schema_record(task.item)


def _convert_case(worker: Worker, task: Task) -> Record:
    return worker.suite(task.subject).case_record(task.case)


def _lint(worker: Worker, task: Task) -> Record:
    assert isinstance(task.item, SchemaSpec)
    return lint_record(worker.linters[task.subject], task.item, worker.lint_config,
                       rules=worker.lint_rules)


def _lint_converted(worker: Worker, task: Task) -> Record:
    """The linter on the JSON Schema the converter ``via`` generated from the task's XSD (made
    now when its convert-schema task has not run in this worker)."""
    spec, converter = task.item, task.via
    assert isinstance(spec, SchemaSpec) and converter is not None
    state = worker.suite(converter).schema_state(spec)
    if state.result is None:
        record = lint_base(task.subject, spec, converter)
        status = "skipped" if state.record["status"] == "unsupported" else "errored"
        record.update(status=status,
                      message=f"{converter} generated no schema: {state.record['message']}")
        return record
    path = artefact_path(worker.conversion.out_dir, converter, spec.corpus, spec.id,
                         ".schema.json")
    return lint_record(worker.linters[task.subject], spec, worker.lint_config,
                       rules=worker.lint_rules, converter=converter, path=path)


STEPS: dict[Step, Callable[[Worker, Task], Record]] = {
    Step.VALIDATE: _validate,
    Step.CONVERT_SCHEMA: _convert_schema,
    Step.CONVERT_CASE: _convert_case,
    Step.LINT: _lint,
    Step.LINT_CONVERTED: _lint_converted,
}


def lost_record(worker: Worker, task: Task, message: str) -> Record:
    """The record of a task whose process was killed (time-out) or died: ``errored``, saying
    why, in the shape of the task's step."""
    if task.step is Step.VALIDATE:
        return tidy(finish_record(
            base_record(task.case, task.subject, None), Verdict.ERRORED, [Problem(message)]
        ))
    if task.step in LINT_STEPS:
        assert isinstance(task.item, SchemaSpec)
        return tidy(lost_lint(task.subject, task.item, task.via, message))
    converter = worker.converters.get(task.subject)
    claims = converter_claims(converter) if converter is not None else []
    return tidy(lost_conversion(task.subject, claims, task.item, message))


def tidy(record: Record) -> Record:
    """``record`` with every message (and every other string) on one printable line.

    Every record of every step passes here before anyone writes, shows or judges it, so no
    validator, converter or crash can put a line break, a terminal escape or a bidirectional
    override into ``results.jsonl``, a matrix or a console line; ids are printable where they
    are made, so they pass unchanged and still match their task."""
    tidied: Record = flatten_values(record)
    return tidied
