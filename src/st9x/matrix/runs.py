"""One earlier run, read back from its output folder as data: the front ends of the report
(the static site, ``st9x diff``, badges, history) all start here, so that every one of them
reads a results folder the same way and refuses the same bad input.

A results folder is untrusted (it may come from another machine, an office, a CI artefact):
every line is checked against its format, every record must be the only one of its task and
name a corpus and subject its header lists, and a bad line is refused naming the file and the
line (:class:`~st9x.errors.FormatError`). The summaries are folded again from the records with
the ledger the run used (``ledger.json``, which ``st9x run`` writes beside its results), never
taken from ``summary.json`` on trust, so the matrices a report shows are the records' own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from st9x import formats
from st9x.corpus.manifest import read_json_file
from st9x.engine.judge import Judged, Judgement, judge, judge_conversions
from st9x.engine.recorded import check_records, in_header, record_key
from st9x.engine.records import Header, Record
from st9x.engine.results import CONVERSIONS_NAME, LINT_NAME, RESULTS_NAME, read_numbered
from st9x.errors import FormatError
from st9x.ledger import Entry, Ledger, ledger_from_document
from st9x.matrix.conversion import fold_conversions
from st9x.matrix.fold import fold
from st9x.matrix.lint import fold_lint

#: the copy of the ledger a run was judged with, written beside its results
LEDGER_SNAPSHOT = "ledger.json"


def _by_converter(record: Record) -> tuple[str, ...]:
    return (record["converter"], *record_key(record))


@dataclass
class Run:
    """A run's results, checked, with its summaries folded again and every record judged.

    ``label`` names the run in a report (the folder's name unless given), ``ledger_source`` says
    where the ledger came from (the run's snapshot, a file the user named, or none)."""

    directory: Path
    label: str
    header: Header
    footer: Mapping[str, Any] | None
    records: list[Record]
    ledger: Ledger
    ledger_source: str
    conversion_header: Header | None = None
    conversion_footer: Mapping[str, Any] | None = None
    conversion_records: list[Record] = field(default_factory=list)
    lint_header: Header | None = None
    lint_footer: Mapping[str, Any] | None = None
    lint_records: list[Record] = field(default_factory=list)

    @cached_property
    def summary(self) -> dict[str, Any]:
        return fold(self.header, self.records, self.ledger)

    @cached_property
    def conversion_summary(self) -> dict[str, Any] | None:
        if self.conversion_header is None:
            return None
        return fold_conversions(self.conversion_header, self.conversion_records, self.ledger)

    @cached_property
    def lint_summary(self) -> dict[str, Any] | None:
        """The compliance matrix folded again from the lint records (None: nothing linted)."""
        if self.lint_header is None:
            return None
        return fold_lint(self.lint_header, self.lint_records, self.ledger)

    @cached_property
    def judgements(self) -> dict[tuple[str, str], tuple[Judgement, Entry | None]]:
        """``(corpus/case, adapter)`` -> the judgement of its validation record and the ledger
        entry behind it."""
        return {
            (f"{r['corpus']}/{r['case']}", r["adapter"]): judge(r, self.ledger)
            for r in self.records
        }

    @cached_property
    def conversion_judgements(self) -> list[Judged]:
        """Every converter check of the run (``converter:check`` subjects), judged."""
        return judge_conversions(self.conversion_records, self.ledger)

    @property
    def started(self) -> str:
        return str(self.header.get("started", ""))

    @property
    def finished(self) -> str | None:
        return None if self.footer is None else str(self.footer.get("finished", ""))

    @property
    def interrupted(self) -> bool:
        """A run without a footer, or whose footer says so, was cut short."""
        return self.footer is None or bool(self.footer.get("interrupted"))

    @property
    def libraries(self) -> dict[str, str]:
        return dict(self.header.get("libraries") or {})


def read_ledger_snapshot(directory: Path) -> Ledger | None:
    """The ledger a run wrote beside its results, checked as any ledger; None when absent."""
    path = directory / LEDGER_SNAPSHOT
    if not path.is_file():
        return None
    document = read_json_file(path, error=FormatError)
    formats.check("ledger", document, path=path)
    return ledger_from_document(document, path)


def load_run(directory: Path, *, ledger: Ledger | None = None, label: str | None = None) -> Run:
    """Read the output folder of ``st9x run``: ``results.jsonl`` (required) and, when present,
    ``conversions.jsonl`` and ``lint.jsonl``. ``ledger`` overrides the run's own snapshot;
    without either, nothing is an expected failure and the report says so."""
    directory = Path(directory)
    results = directory / RESULTS_NAME
    if not directory.is_dir():
        raise FormatError("not a folder: give the output folder of st9x run", path=directory)
    if not results.is_file():
        raise FormatError("no results file here: not the output of st9x run", path=results)
    header, numbered, footer = read_numbered(results)
    records = sorted(check_records(results, numbered, in_header(header)), key=record_key)
    if ledger is not None:
        source = str(ledger.path) if ledger.path else "given"
    else:
        ledger = read_ledger_snapshot(directory)
        source = LEDGER_SNAPSHOT if ledger is not None else "none"
        ledger = ledger or Ledger()
    run = Run(directory, label or directory.resolve().name, header, footer, records, ledger,
              source)
    conversions = directory / CONVERSIONS_NAME
    if conversions.is_file():
        c_header, numbered, c_footer = read_numbered(conversions, "conversions")
        run.conversion_header = c_header
        run.conversion_footer = c_footer
        run.conversion_records = sorted(
            check_records(conversions, numbered, in_header(c_header, "conversions")),
            key=_by_converter,
        )
    lint = directory / LINT_NAME
    if lint.is_file():
        l_header, numbered, l_footer = read_numbered(lint, "lint")
        run.lint_header, run.lint_footer = l_header, l_footer
        run.lint_records = sorted(check_records(lint, numbered, in_header(l_header, "lint")),
                                  key=record_key)
    return run
