"""A whole run: the engine's records, folded into matrices and written as reports.

``st9x run`` and the tests call :func:`run`; ``st9x report DIR`` calls :func:`rebuild`, which
folds and writes the matrices again from the results files of an earlier run without running
anything. Both go through :func:`write_reports`, so a rebuilt matrix is the same file the run
wrote (given the same ledger).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from st9x import formats
from st9x.corpus.load import embedded_corpora_dir, load_corpus
from st9x.corpus.model import Corpus
from st9x.engine.executors import Executor
from st9x.engine.recorded import record_key
from st9x.engine.records import Header, Record
from st9x.engine.results import CONVERSIONS_NAME, LINT_NAME, RESULTS_NAME
from st9x.engine.run import execute
from st9x.engine.tasks import CONVERSION_STEPS, Step, Task
from st9x.engine.worker import Worker
from st9x.errors import St9xError
from st9x.ledger import Ledger, ledger_document
from st9x.matrix.conversion import fold_conversions
from st9x.matrix.fold import fold
from st9x.matrix.lint import fold_lint
from st9x.matrix.runs import LEDGER_SNAPSHOT, load_run
from st9x.matrix.st90 import fold_st90, is_st90
from st9x.outfiles import write_atomically
from st9x.report.conversion import render_conversions
from st9x.report.lint import render_lint
from st9x.report.st90 import render_st90
from st9x.report.validation import render_markdown
from st9x.subjects.converters.base import Converter
from st9x.subjects.linters.base import RuleLinter
from st9x.subjects.validators.base import Adapter

SUMMARY_NAME = "summary.json"
MATRIX_NAME = "matrix.md"
CONVERSION_SUMMARY_NAME = "conversion-summary.json"
CONVERSION_MATRIX_NAME = "conversion-matrix.md"
LINT_SUMMARY_NAME = "lint-summary.json"
LINT_MATRIX_NAME = "lint-matrix.md"
ST90_MATRIX_JSON = "st90-matrix.json"
ST90_MATRIX_NAME = "st90-matrix.md"


@dataclass
class RunOutput:
    out_dir: Path
    tasks: int
    summary: dict[str, Any]
    conversion_summary: dict[str, Any] | None = None
    interrupted: bool = False
    resumed_records: int = 0
    resumed_conversions: int = 0
    records: list[Record] = field(default_factory=list)
    conversion_records: list[Record] = field(default_factory=list)
    paths: dict[str, Path] = field(default_factory=dict)
    lint_summary: dict[str, Any] | None = None
    lint_records: list[Record] = field(default_factory=list)

    @property
    def broken(self) -> int:
        """Broken expectations of every kind: validations, converter checks, design rules."""
        converted = self.conversion_summary["broken"] if self.conversion_summary else 0
        linted = self.lint_summary["broken"] if self.lint_summary else 0
        return int(self.summary["broken"]) + int(converted) + int(linted)


def twin_corpora(corpora: Sequence[Corpus]) -> list[Corpus]:
    """Corpora holding JSON twins of the run's XML cases: the run's own, plus the embedded
    ``st97-core`` when the run did not load it (so ``--corpus st96-core`` still compares)."""
    extra = []
    candidate = embedded_corpora_dir() / "st97-core"
    if "st97-core" not in {c.id for c in corpora} and candidate.is_dir():
        try:
            extra.append(load_corpus(candidate))
        except St9xError:  # no twins then: the comparison is evidence, not a requirement
            return list(corpora)
    return [*corpora, *extra]


def _by_converter(record: Record) -> tuple[str, ...]:
    """Converter records by converter, then schemas before cases, as the matrices list them."""
    step, item, converter = record_key(record)
    return (converter, (step != "convert-schema" and "1") or "0", item)


def write_reports(
    out_dir: Path,
    header: Header,
    records: Sequence[Record],
    ledger: Ledger,
    conversion_header: Header | None = None,
    conversion_records: Sequence[Record] = (),
) -> tuple[dict[str, Any], dict[str, Any] | None, dict[str, Path]]:
    """Fold the records into the summaries and write them with their Markdown matrices.

    Records arrive in the order tasks finished, which depends on the executor; they are folded
    in the order of their keys, so that the same results give the same files, byte for byte."""
    records = sorted(records, key=record_key)
    conversion_records = sorted(conversion_records, key=_by_converter)
    summary = fold(header, records, ledger)
    formats.check("summary", summary, path=out_dir / SUMMARY_NAME)
    paths = {"summary": out_dir / SUMMARY_NAME, "matrix": out_dir / MATRIX_NAME,
             "ledger": out_dir / LEDGER_SNAPSHOT}
    write_atomically(paths["summary"], orjson.dumps(summary, option=orjson.OPT_INDENT_2) + b"\n")
    # the ledger this run was judged with, so that a report of these results judges them alike
    write_atomically(paths["ledger"],
                     orjson.dumps(ledger_document(ledger), option=orjson.OPT_INDENT_2) + b"\n")
    write_atomically(paths["matrix"], render_markdown(summary).encode())
    conversion_summary = None
    if conversion_header is not None:
        conversion_summary = fold_conversions(conversion_header, conversion_records, ledger)
        summary_path = out_dir / CONVERSION_SUMMARY_NAME
        formats.check("conversion-summary", conversion_summary, path=summary_path)
        paths["conversion_summary"] = summary_path
        paths["conversion_matrix"] = out_dir / CONVERSION_MATRIX_NAME
        write_atomically(summary_path,
                         orjson.dumps(conversion_summary, option=orjson.OPT_INDENT_2) + b"\n")
        write_atomically(paths["conversion_matrix"],
                         render_conversions(conversion_summary).encode())
    return summary, conversion_summary, paths


def write_lint_reports(
    out_dir: Path, header: Header, records: Sequence[Record], ledger: Ledger
) -> tuple[dict[str, Any], dict[str, Path]]:
    """Fold the lint records into ``lint-summary.json`` and ``lint-matrix.md``, and, when an
    ST.90 linter checked an API, into ``st90-matrix.json`` and ``st90-matrix.md``."""
    summary = fold_lint(header, records, ledger)
    paths = {"lint_summary": out_dir / LINT_SUMMARY_NAME,
             "lint_matrix": out_dir / LINT_MATRIX_NAME}
    formats.check("lint-summary", summary, path=paths["lint_summary"])
    write_atomically(paths["lint_summary"],
                     orjson.dumps(summary, option=orjson.OPT_INDENT_2) + b"\n")
    write_atomically(paths["lint_matrix"], render_lint(summary).encode())
    if any(is_st90(record) for record in records):  # an API subject ran
        matrix = fold_st90(header, records).to_json()
        paths.update(st90_matrix_json=out_dir / ST90_MATRIX_JSON,
                     st90_matrix=out_dir / ST90_MATRIX_NAME)
        formats.check("st90-matrix", matrix, path=paths["st90_matrix_json"])
        write_atomically(paths["st90_matrix_json"],
                         orjson.dumps(matrix, option=orjson.OPT_INDENT_2) + b"\n")
        write_atomically(paths["st90_matrix"], render_st90(matrix).encode())
    return summary, paths


def run(
    corpora: Sequence[Corpus],
    adapters: Mapping[str, Adapter],
    out_dir: Path,
    *,
    ledger: Ledger,
    converters: Mapping[str, Converter] | None = None,
    tags: Sequence[str] = (),
    executor: Executor | None = None,
    worker: Worker | None = None,
    selection: Mapping[str, Any] | None = None,
    resume: bool = False,
    on_record: Callable[[Task, Record], None] | None = None,
    on_plan: Callable[[int], None] | None = None,
    steps: Sequence[Step] = tuple(Step),
    require_tasks: bool = False,
    linters: Mapping[str, RuleLinter] | None = None,
    lint_scope: Mapping[str, Collection[str]] | None = None,
) -> RunOutput:
    """Run every selected task and write ``results.jsonl``, ``summary.json`` and ``matrix.md``
    (and, when converters run, ``conversions.jsonl``, ``conversion-summary.json`` and
    ``conversion-matrix.md``; when linters run, ``lint.jsonl``, ``lint-summary.json`` and
    ``lint-matrix.md``) into ``out_dir``."""
    done = execute(
        corpora, adapters, out_dir, converters=converters, tags=tags, executor=executor,
        worker=worker, selection=selection, resume=resume, on_record=on_record, on_plan=on_plan,
        steps=steps, require_tasks=require_tasks, linters=linters, lint_scope=lint_scope,
    )
    summary, conversion_summary, paths = write_reports(
        out_dir, done.header, done.records, ledger, done.conversion_header,
        done.conversion_records,
    )
    lint_summary = None
    if done.lint_header is not None:
        lint_summary, lint_paths = write_lint_reports(out_dir, done.lint_header,
                                                      done.lint_records, ledger)
        paths.update(lint_paths)
    return RunOutput(
        out_dir, done.tasks, summary, conversion_summary, done.interrupted,
        done.resumed_records, done.resumed_conversions, done.records, done.conversion_records,
        {**done.paths, **paths}, lint_summary, done.lint_records,
    )


def run_conversions(
    corpora: Sequence[Corpus],
    converters: Mapping[str, Converter],
    out_dir: Path,
    adapters: Mapping[str, Adapter],
    *,
    ledger: Ledger | None = None,
    executor: Executor | None = None,
) -> RunOutput:
    """The converter suites alone (the validators only give the XSD verdicts and judge the
    converted instances); twins come from the corpora given."""
    worker = Worker(adapters, converters, conversion_out=out_dir, twin_corpora=corpora)
    return run(corpora, adapters, out_dir, ledger=ledger or Ledger(), converters=converters,
               worker=worker, executor=executor, steps=tuple(CONVERSION_STEPS))


def rebuild(out_dir: Path, ledger: Ledger) -> RunOutput:
    """The matrices of an earlier run, folded again from its results files with ``ledger``;
    nothing runs. Every line is checked against its format, and every record must be the only
    one of its task and name a corpus and subject its file's header lists: a file that breaks
    a rule is refused (naming the line) before anything is written."""
    loaded = load_run(out_dir, ledger=ledger)
    header, records = loaded.header, loaded.records
    conversion_header, conversion_records = loaded.conversion_header, loaded.conversion_records
    results, conversions = out_dir / RESULTS_NAME, out_dir / CONVERSIONS_NAME
    summary, conversion_summary, paths = write_reports(
        out_dir, header, records, ledger, conversion_header, conversion_records
    )
    if conversion_header is not None:
        paths["conversions"] = conversions
    lint_summary = None
    if loaded.lint_header is not None:
        lint_summary, lint_paths = write_lint_reports(out_dir, loaded.lint_header,
                                                      loaded.lint_records, ledger)
        paths.update(lint_paths, lint=out_dir / LINT_NAME)
    return RunOutput(out_dir, 0, summary, conversion_summary, records=records,
                     conversion_records=conversion_records,
                     paths={"results": results, **paths}, lint_summary=lint_summary,
                     lint_records=loaded.lint_records)
