"""Checking a results folder against st9x's shipped formats (``st9x report --check``), without
writing anything: a CI step can refuse a results artefact from elsewhere before anything is
published from it.

Every file of a run that has a format is checked when present: ``results.jsonl`` (required),
``conversions.jsonl`` and ``lint.jsonl`` line by line, through
:func:`~st9x.matrix.runs.load_run` (so a record that is not the only one of its task, or names a
corpus or subject its header lacks, is refused too); ``summary.json``,
``conversion-summary.json``, ``lint-summary.json``, ``st90-matrix.json`` and ``ledger.json``
whole. ``st90-matrix.json`` must also be what the run's lint records fold into (the site never
reads it, it refolds: a file that says otherwise was edited or comes from another run). The
first problem raises :class:`~st9x.errors.FormatError` naming the file (and the line, in a JSON
Lines file).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from st9x import formats
from st9x.corpus.manifest import read_json_file
from st9x.errors import FormatError
from st9x.matrix.runs import LEDGER_SNAPSHOT, Run, load_run
from st9x.matrix.st90 import fold_st90

#: the ST.90 compatibility matrix st9x run writes beside the lint summary
ST90_MATRIX_JSON = "st90-matrix.json"

#: the whole-document files of a run and their formats, checked when present
DOCUMENTS: tuple[tuple[str, str], ...] = (
    ("summary.json", "summary"),
    ("conversion-summary.json", "conversion-summary"),
    ("lint-summary.json", "lint-summary"),
    (ST90_MATRIX_JSON, "st90-matrix"),
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
    if ST90_MATRIX_JSON in present:
        check_st90_matrix(directory / ST90_MATRIX_JSON, run)
    return FolderCheck(
        directory,
        len(run.records),
        len(run.conversion_records) if run.conversion_header is not None else None,
        len(run.lint_records) if run.lint_header is not None else None,
        tuple(present),
        run.interrupted,
    )


def check_st90_matrix(path: Path, run: Run) -> None:
    """Raise :class:`FormatError` naming ``path`` when the ST.90 matrix it holds is not the
    refold of the run's lint records, with the first API and chapter that differ."""
    written = read_json_file(path, error=FormatError)
    refold = orjson.loads(orjson.dumps(fold_st90(run.lint_header or {}, run.lint_records)
                                       .to_json()))
    if written == refold:
        return
    raise FormatError(f"does not match the ST.90 matrix its lint records fold into "
                      f"({first_difference(written, refold)})", path=path)


def first_difference(written: Any, refold: Any, where: str = "") -> str:
    """Where two JSON values first differ, as a readable path (``apis[api=x].cells.security
    .state: 'pass' written, 'fail' in the records``)."""
    if isinstance(written, dict) and isinstance(refold, dict):
        for key in [*refold, *(k for k in written if k not in refold)]:
            if written.get(key, _ABSENT) != refold.get(key, _ABSENT):
                return first_difference(written.get(key, _ABSENT), refold.get(key, _ABSENT),
                                        f"{where}.{key}" if where else str(key))
    elif isinstance(written, list) and isinstance(refold, list) and len(written) == len(refold):
        for index, (a, b) in enumerate(zip(written, refold, strict=True)):
            if a != b:
                label = b.get("api") if isinstance(b, dict) else None
                step = f"[api={label}]" if isinstance(label, str) else f"[{index}]"
                return first_difference(a, b, where + step)
    shown = "absent" if written is _ABSENT else repr(written)[:80]
    wanted = "absent" if refold is _ABSENT else repr(refold)[:80]
    return f"{where or 'the document'}: {shown} written, {wanted} in the records"


_ABSENT = object()
