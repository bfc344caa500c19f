"""Checking a results folder against st9x's shipped formats (``st9x report --check``), without
writing anything: a CI step can refuse a results artefact from elsewhere before anything is
published from it.

Every file of a run that has a format is checked when present: ``results.jsonl`` (required),
``conversions.jsonl`` and ``lint.jsonl`` line by line, through
:func:`~st9x.matrix.runs.load_run` (so a record that is not the only one of its task, or names a
corpus or subject its header lacks, is refused too); ``summary.json``,
``conversion-summary.json``, ``lint-summary.json`` and ``ledger.json`` whole. The first
problem raises :class:`~st9x.errors.FormatError` naming the file (and the line, in a JSON
Lines file).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from st9x import formats
from st9x.corpus.manifest import read_json_file
from st9x.errors import FormatError
from st9x.matrix.runs import LEDGER_SNAPSHOT, load_run

#: the whole-document files of a run and their formats, checked when present
DOCUMENTS: tuple[tuple[str, str], ...] = (
    ("summary.json", "summary"),
    ("conversion-summary.json", "conversion-summary"),
    ("lint-summary.json", "lint-summary"),
    (LEDGER_SNAPSHOT, "ledger"),
)


@dataclass(frozen=True)
class FolderCheck:
    """A results folder that passed: what was checked in it."""

    directory: Path
    records: int
    conversion_records: int | None  # None: no conversions.jsonl
    lint_records: int | None  # None: no lint.jsonl
    documents: tuple[str, ...]  # the whole-document files present (and valid)
    interrupted: bool

    def describe(self) -> str:
        parts = [f"results.jsonl ({self.records} records)"]
        if self.conversion_records is not None:
            parts.append(f"conversions.jsonl ({self.conversion_records} records)")
        if self.lint_records is not None:
            parts.append(f"lint.jsonl ({self.lint_records} records)")
        parts += list(self.documents)
        note = "; the run was interrupted (no footer, or its footer says so)" \
            if self.interrupted else ""
        return f"ok: {self.directory}: {', '.join(parts)}{note}"


def check_folder(directory: Path) -> FolderCheck:
    """Check one results folder; raise :class:`FormatError` on its first problem."""
    directory = Path(directory)
    present = []
    for name, kind in DOCUMENTS:
        path = directory / name
        if path.is_file():
            formats.check(kind, read_json_file(path, error=FormatError), path=path)
            present.append(name)
        elif path.exists():
            raise FormatError("not a regular file", path=path)
    run = load_run(directory)
    return FolderCheck(
        directory,
        len(run.records),
        len(run.conversion_records) if run.conversion_header is not None else None,
        len(run.lint_records) if run.lint_header is not None else None,
        tuple(present),
        run.interrupted,
    )
