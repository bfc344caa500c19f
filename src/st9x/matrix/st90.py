"""The ST.90 compatibility matrix: API × ST.90 chapter (``st90-matrix.json``).

ST.90's task force asks offices to evaluate their APIs chapter by chapter. This folds the lint
records of the ST.90 linters (``st90-*``: the OpenAPI rules, and the live checks of a running
API, whose rules use the same chapter keys) into one row per API and one cell per chapter of
:data:`st9x.rules.st90.chapters.CHAPTERS`:

- ``pass`` / ``fail`` with the counts of checked places (``fail`` outweighs everything);
- ``not-applicable``: the API leaves the chapter out by choice, with the reason (lint
  configuration or corpus manifest, carried in the lint header); failures found there anyway
  are kept in the counts and listed apart, never hidden;
- ``nothing-to-check``: the chapter's rules ran and found nothing of their kind in the API;
- ``unchecked``: no rule of the chapter ran; ``gated``: the document failed the gate, so no
  chapter past it was checked; ``errored``: the API could not be read or checked at all.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from st9x.engine.judge import lint_item
from st9x.engine.lint import LINT_COUNTS
from st9x.rules.st90.chapters import CHAPTERS

MATRIX_FORMAT = "st9x-st90-matrix/1"
LINTER_PREFIX = "st90-"
GATE = "gate"
STATES = ("pass", "fail", "not-applicable", "nothing-to-check", "unchecked", "gated",
          "errored")


def is_st90(record: Mapping[str, Any]) -> bool:
    """Whether a lint record comes from an ST.90 linter (an API subject)."""
    return str(record.get("linter", "")).startswith(LINTER_PREFIX)


@dataclass(frozen=True)
class Choice:
    """A chapter chosen not applicable: covering ``path`` (a pattern), with its reason and the
    file and line it is written on."""

    path: str
    chapter: str
    reason: str
    source: str = ""
    line: int | None = None


@dataclass
class Cell:
    """One API × chapter: its state, the places counted by status, the failing rules, and
    the reason when the chapter was chosen not applicable."""

    state: str = "unchecked"
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LINT_COUNTS, 0))
    failing_rules: list[str] = field(default_factory=list)
    reason: str | None = None

    def add(self, rule: str, counts: Mapping[str, Any]) -> None:
        for key in LINT_COUNTS:
            self.counts[key] += int(counts.get(key, 0))
        if counts.get("fail") and rule not in self.failing_rules:
            self.failing_rules.append(rule)

    @property
    def checked(self) -> bool:
        return any(self.counts.values())


@dataclass
class ApiRow:
    """One API: its item key, the file or URL it was read from, the ST.90 linters that
    checked it, whether every record could be made, and its cells by chapter key."""

    api: str
    path: str
    linters: list[str] = field(default_factory=list)
    status: str = "ok"
    message: str | None = None
    cells: dict[str, Cell] = field(default_factory=dict)


@dataclass
class St90Matrix:
    chapters: list[tuple[str, str]]
    apis: list[ApiRow]
    unused_choices: list[Choice]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": MATRIX_FORMAT,
            "chapters": [{"key": k, "title": t} for k, t in self.chapters],
            "apis": [{"api": r.api, "path": r.path, "linters": r.linters, "status": r.status,
                      "message": r.message,
                      "cells": {k: asdict(c) for k, c in r.cells.items()}}
                     for r in self.apis],
            "unused_not_applicable": [asdict(c) for c in self.unused_choices],
        }


def choices_of(header: Mapping[str, Any]) -> list[Choice]:
    """The not-applicable choices a lint header carries (none in a header written before st9x
    knew them)."""
    config = header.get("config") or {}
    return [Choice(c["path"], c["chapter"], c["reason"], c.get("source", ""), c.get("line"))
            for c in config.get("not_applicable", [])]


def _names(record: Mapping[str, Any]) -> list[str]:
    """Every name a choice's ``path`` pattern is matched against: the item key, the file's
    path, and that path relative to the working folder when inside it."""
    path = str(record.get("path") or "")
    names = [lint_item(record), path]
    with contextlib.suppress(ValueError, OSError):
        names.append(Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix())
    return names


def _state(cell: Cell, gate_failed: bool, chapter: str) -> str:
    if cell.counts["fail"]:
        return "fail"
    if cell.counts["errored"]:
        return "errored"
    if cell.counts["pass"] or cell.counts["suppressed"]:
        return "pass"
    if gate_failed and chapter != GATE:
        return "gated"
    return "nothing-to-check" if cell.counts["n/a"] else "unchecked"


def fold_st90(header: Mapping[str, Any], records: Iterable[Mapping[str, Any]]) -> St90Matrix:
    """The matrix of every ST.90 lint record, one row per API in the order of their keys."""
    records = sorted((r for r in records if is_st90(r)),
                     key=lambda r: (lint_item(r), r["linter"]))
    seen = {key for rec in records for c in rec.get("rules", {}).values()
            if (key := c.get("category")) and key not in CHAPTERS}
    chapters = [*CHAPTERS.items(), *((k, k) for k in sorted(seen))]
    choices = choices_of(header)
    used: set[int] = set()
    rows: dict[str, ApiRow] = {}
    names: dict[str, list[str]] = {}
    for record in records:
        item = lint_item(record)
        row = rows.setdefault(item, ApiRow(item, str(record.get("path") or "")))
        names.setdefault(item, _names(record))
        row.linters.append(record["linter"])
        if record["status"] != "ok":
            row.status = "errored"
            row.message = row.message or record.get("message")
            continue
        for rule, counts in record["rules"].items():
            key = counts.get("category") or ""
            row.cells.setdefault(key, Cell()).add(rule, counts)
    for item, row in rows.items():
        gate_failed = bool(row.cells.get(GATE, Cell()).counts["fail"])
        for key, _title in chapters:
            cell = row.cells.setdefault(key, Cell())
            cell.state = "errored" if row.status != "ok" else _state(cell, gate_failed, key)
            for index, choice in enumerate(choices):
                if choice.chapter == key and _matches(choice, names[item]):
                    used.add(index)
                    if cell.state != "errored":
                        cell.state, cell.reason = "not-applicable", choice.reason
                    break
        row.cells = {key: row.cells[key] for key, _title in chapters}
    unused = [c for i, c in enumerate(choices) if i not in used]
    return St90Matrix(chapters, list(rows.values()), unused)


def _matches(choice: Choice, names: Sequence[str]) -> bool:
    return any(fnmatchcase(name, choice.path) for name in names)
