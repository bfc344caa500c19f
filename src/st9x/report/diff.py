"""A :class:`~st9x.matrix.diff.RunDiff` as text (a terminal, a CI log), Markdown (a pull
request comment, a CI step summary) or one JSON document (``formats/diff.schema.json``).

Every list keeps the diff's order (sorted), so the output of two diffs of the same runs is the
same and the output itself diffs cleanly. Ids and messages are data: the text form folds them
to one printable line, the Markdown form escapes them (:mod:`st9x.report.markdown`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from st9x.matrix.diff import CellChange, RunDiff, ThroughputChange, VerdictChange
from st9x.report import markdown as md
from st9x.text import flatten

DIFF_FORMAT = "st9x-diff/1"
#: changes listed one by one in text and Markdown per section (JSON lists every one)
LISTED = 200


def _judgement(value: object) -> str:
    return "absent" if value is None else str(value)


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v:+d}" for k, v in counts.items()) or "reordered"


def _cell_text(cell: CellChange) -> str:
    return _counts(cell.deltas)


def _percent(ratio: float) -> str:
    return f"{(ratio - 1) * 100:+.1f} %"


def _throughput_line(t: ThroughputChange) -> str:
    word = "slower" if t.ratio > 1 else "faster"
    return (f"validation time ×{t.ratio:.3f} ({_percent(t.ratio)}, {word}; noise ±"
            f"{t.noise * 100:.1f} %, {t.cases} cases)")


def headline(diff: RunDiff) -> str:
    """One line: what changed, in numbers."""
    return (f"{len(diff.flips)} flipped, {len(diff.new_failures)} new failure(s), "
            f"{len(diff.fixed)} fixed, {len(diff.cells)} matrix cell(s) changed, "
            f"{len(diff.subjects)} subject/corpus change(s), {len(diff.values)} version/"
            f"content change(s), {sum(t.reported for t in diff.throughput)} throughput "
            f"change(s); {diff.unchanged} judgement(s) unchanged")


# == text =========================================================================================
def _section(lines: list[str], title: str, rows: Sequence[str]) -> None:
    if not rows:
        return
    lines.append("")
    lines.append(f"{title} ({len(rows)}):")
    lines += [f"  {flatten(r)}" for r in rows[:LISTED]]
    if len(rows) > LISTED:
        lines.append(f"  ... and {len(rows) - LISTED} more (--format json lists every one)")


def _change_text(c: VerdictChange) -> str:
    line = f"{c.item} [{c.subject}]: {_judgement(c.before)} -> {_judgement(c.after)}"
    return f"{line}: {c.detail}" if c.detail else line


def render_text(diff: RunDiff) -> str:
    lines = [f"st9x diff: {flatten(diff.old.label)} ({diff.old.started}) -> "
             f"{flatten(diff.new.label)} ({diff.new.started})", headline(diff)]
    for ref in (diff.old, diff.new):
        if ref.interrupted:
            lines.append(f"note: run {flatten(ref.label)} was interrupted: items it did not "
                         "reach count as absent")
    _section(lines, "New failures", [_change_text(c) for c in diff.new_failures])
    _section(lines, "Fixed failures", [_change_text(c) for c in diff.fixed])
    _section(lines, "Other flips", [f"{_change_text(c)} ({c.direction})" for c in diff.flips
                                    if not c.new_failure and not c.fixed])
    _section(lines, "Items only in one run", [
        f"{i.kind} [{i.subject}]: {i.added} added, {i.removed} removed" for i in diff.items])
    _section(lines, "Subjects and corpora", [
        f"{s.what} {s.name}: {'added' if s.added else 'removed'}" for s in diff.subjects])
    _section(lines, "Versions and content", [
        f"{v.what} {v.name}: {v.before} -> {v.after}" for v in diff.values])
    _section(lines, "Matrix cells", [
        f"{c.matrix}: {c.row} / {c.column}: {_cell_text(c)}" for c in diff.cells
        if not c.one_sided])
    lines += [f"{n} matrix cell(s) of {m} counted in one run only (a subject or corpus added "
              "or removed)" for m, n in _one_sided(diff)]
    _section(lines, "Throughput beyond the noise", [
        f"{t.adapter}: {_throughput_line(t)}" for t in diff.throughput if t.reported])
    lines.append(_throughput_note(diff))
    return "\n".join(lines) + "\n"


def _one_sided(diff: RunDiff) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for cell in diff.cells:
        if cell.one_sided:
            counts[cell.matrix] = counts.get(cell.matrix, 0) + 1
    return sorted(counts.items())


def _throughput_note(diff: RunDiff) -> str:
    measured = len(diff.throughput)
    reported = sum(t.reported for t in diff.throughput)
    if not measured:
        return "Throughput: no adapter has enough cases timed in both runs to compare."
    return (f"Throughput: {measured} adapter(s) compared on the cases timed in both runs, "
            f"{reported} changed beyond the noise and the minimum change.")


# == Markdown =====================================================================================
def _md_section(lines: list[str], title: str, header: Sequence[str],
                rows: Sequence[Sequence[object]]) -> None:
    if not rows:
        return
    lines += ["", f"## {title} ({len(rows)})", ""]
    lines += md.table(header, rows[:LISTED])
    if len(rows) > LISTED:
        lines += ["", f"... and {len(rows) - LISTED} more (`st9x diff --format json` lists "
                  "every one)."]


def _change_rows(changes: Iterable[VerdictChange]) -> list[list[object]]:
    return [[c.item, c.subject, _judgement(c.before), _judgement(c.after), c.detail or ""]
            for c in changes]


def render_markdown(diff: RunDiff) -> str:
    lines = [f"# st9x diff: {md.code(diff.old.label)} → {md.code(diff.new.label)}", "",
             md.text(headline(diff)) + "."]
    change_header = ["item", "subject", "before", "after", "detail"]
    _md_section(lines, "New failures", change_header, _change_rows(diff.new_failures))
    _md_section(lines, "Fixed failures", change_header, _change_rows(diff.fixed))
    _md_section(lines, "Other flips", change_header, _change_rows(
        c for c in diff.flips if not c.new_failure and not c.fixed))
    _md_section(lines, "Items only in one run", ["kind", "subject", "added", "removed"],
                [[i.kind, i.subject, i.added, i.removed] for i in diff.items])
    _md_section(lines, "Subjects and corpora", ["what", "name", "change"],
                [[s.what, s.name, "added" if s.added else "removed"] for s in diff.subjects])
    _md_section(lines, "Versions and content", ["what", "name", "before", "after"],
                [[v.what, v.name, v.before, v.after] for v in diff.values])
    _md_section(lines, "Matrix cells", ["matrix", "row", "column", "change"],
                [[c.matrix, c.row, c.column, _cell_text(c)] for c in diff.cells
                 if not c.one_sided])
    one_sided = _one_sided(diff)
    if one_sided:
        lines += [""] + [f"- {n} matrix cell(s) of {md.text(m)} counted in one run only (a "
                         "subject or corpus added or removed)" for m, n in one_sided]
    _md_section(lines, "Throughput beyond the noise", ["adapter", "change"],
                [[t.adapter, _throughput_line(t)] for t in diff.throughput if t.reported])
    lines += ["", md.text(_throughput_note(diff))]
    return "\n".join(lines) + "\n"


# == JSON =========================================================================================
def _change_json(c: VerdictChange) -> dict[str, Any]:
    return {"kind": str(c.kind), "item": c.item, "subject": c.subject,
            "before": None if c.before is None else str(c.before),
            "after": None if c.after is None else str(c.after),
            "direction": c.direction, "new_failure": c.new_failure, "fixed": c.fixed,
            "detail": c.detail}


def to_json(diff: RunDiff) -> dict[str, Any]:
    """The diff as one JSON document of format ``st9x-diff/1``."""
    def ref(r: Any) -> dict[str, Any]:
        return {"label": r.label, "directory": r.directory, "started": r.started,
                "interrupted": r.interrupted}

    return {
        "format": DIFF_FORMAT,
        "old": ref(diff.old),
        "new": ref(diff.new),
        "counts": {
            "flips": len(diff.flips), "new_failures": len(diff.new_failures),
            "fixed": len(diff.fixed), "worse": len(diff.worse), "unchanged": diff.unchanged,
            "cells": len(diff.cells), "subjects": len(diff.subjects),
            "values": len(diff.values),
            "throughput": sum(t.reported for t in diff.throughput),
        },
        "changes": [_change_json(c) for c in diff.changes],
        "items": [{"kind": str(i.kind), "subject": i.subject, "added": i.added,
                   "removed": i.removed} for i in diff.items],
        "cells": [{"matrix": c.matrix, "row": c.row, "column": c.column,
                   "before": dict(c.before), "after": dict(c.after), "deltas": c.deltas}
                  for c in diff.cells],
        "subjects": [{"what": s.what, "name": s.name, "added": s.added} for s in diff.subjects],
        "values": [{"what": v.what, "name": v.name, "before": v.before, "after": v.after}
                   for v in diff.values],
        "throughput": [{"adapter": t.adapter, "cases": t.cases, "ratio": t.ratio,
                        "noise": t.noise, "reported": t.reported} for t in diff.throughput],
    }


RENDERERS: dict[str, Callable[[RunDiff], str]] = {
    "text": render_text,
    "markdown": render_markdown,
}
