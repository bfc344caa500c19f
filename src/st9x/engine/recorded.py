"""Records read back from a results file are data, checked before any of them is used.

``st9x run --resume`` keeps the records of an interrupted run and ``st9x report`` folds those of
an earlier one; either way the file may have been edited, copied from elsewhere or written by
someone else. A record that no task of the run could have written (a corpus, case, adapter or
converter the run does not have) or a second record of one task would be counted in the
matrices as if it had run, so each is refused with one line naming the file and the line, before
anything is written. Only what a run can show for itself is taken: a results file never supplies
a command, a file to load or a plug-in.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from st9x.engine.records import Record
from st9x.engine.tasks import Step
from st9x.errors import FormatError

#: says what is wrong with a record (or None when it may be there)
Rule = Callable[[Record], str | None]


def record_key(record: Mapping[str, Any]) -> tuple[str, ...]:
    """The key of the task that produced ``record`` (as :attr:`Task.key`)."""
    kind = record["type"]
    if kind == "record":
        return (f"{record['corpus']}/{record['case']}", record["adapter"])
    if kind == "lint":
        if record["converter"]:
            return (str(Step.LINT_CONVERTED), f"{record['corpus']}/{record['schema']}",
                    f"{record['converter']}:{record['linter']}")
        return (str(Step.LINT), f"{record['corpus']}/{record['schema']}", record["linter"])
    step = Step.CONVERT_SCHEMA if kind == "schema" else Step.CONVERT_CASE
    item = record["schema"] if kind == "schema" else record["case"]
    return (str(step), f"{record['corpus']}/{item}", record["converter"])


def describe(key: Sequence[str]) -> str:
    """A task key as the user reads it: ``corpus/case [subject]`` (with the step if any)."""
    if len(key) == 2:
        return f"{key[0]} [{key[1]}]"
    return f"{key[1]} [{key[2]}, {key[0]}]"


def check_records(
    path: Path, records: Iterable[tuple[int, Record]], rule: Rule
) -> list[Record]:
    """The records (each with the line it stands on) in file order, once every one has passed:
    a second record of a task, or one that ``rule`` refuses, raises :class:`FormatError` naming
    ``path`` and its line."""
    first: dict[tuple[str, ...], int] = {}
    kept: list[Record] = []
    for line, record in records:
        key = record_key(record)
        if key in first:
            raise FormatError(
                f"a second record of {describe(key)} (the first is on line {first[key]}); a "
                "results file holds one record per task: refused",
                path=path,
                line=line,
            )
        problem = rule(record)
        if problem:
            raise FormatError(f"{problem}: refused", path=path, line=line)
        first[key] = line
        kept.append(record)
    return kept


def in_plan(wanted: Collection[tuple[str, ...]]) -> Rule:
    """A resumed run keeps only records of tasks it plans itself."""

    def rule(record: Record) -> str | None:
        key = record_key(record)
        if key in wanted:
            return None
        return f"a record of {describe(key)}, which this run does not plan"

    return rule


def in_header(header: Mapping[str, Any], kind: str = "results") -> Rule:
    """An earlier run's records may name only the corpora and subjects (adapters, or
    converters) that its header says it ran."""
    corpora = {c.get("id") for c in header.get("corpora", []) if isinstance(c, Mapping)}
    listed, field = {"results": ("adapters", "adapter"), "lint": ("linters", "linter")}.get(
        kind, ("converters", "converter"))
    subjects = {s.get("name") for s in header.get(listed, []) if isinstance(s, Mapping)}

    def rule(record: Record) -> str | None:
        key = describe(record_key(record))
        if record["corpus"] not in corpora:
            return f"a record of {key}: corpus {record['corpus']!r} is not in the header"
        if record[field] not in subjects:
            return f"a record of {key}: {field} {record[field]!r} is not in the header"
        return None

    return rule


def check_resumed_header(
    path: Path,
    header: Mapping[str, Any],
    corpora: Iterable[str],
    adapters: Iterable[str],
    line: int = 1,
) -> None:
    """The header of a results file being resumed must describe the run that resumes it: the
    same corpora and adapters. Its lists are folded into the matrices, so a corpus or adapter
    the run does not have would show up there."""
    recorded = {c.get("id") for c in header.get("corpora", []) if isinstance(c, Mapping)}
    named = {a.get("name") for a in header.get("adapters", []) if isinstance(a, Mapping)}
    for what, had, has in (("corpora", recorded, set(corpora)), ("adapters", named, set(adapters))):
        if had != has:
            extra = ", ".join(sorted(map(str, had - has))) or "none"
            missing = ", ".join(sorted(map(str, has - had))) or "none"
            raise FormatError(
                f"the header's {what} are not this run's (only in the header: {extra}; only in "
                f"this run: {missing}): refused",
                path=path,
                line=line,
            )
