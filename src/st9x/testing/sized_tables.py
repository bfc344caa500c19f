"""The Markdown tables of the size-by-size suites, from a pytest-benchmark JSON document.

Rows carry their own description (:mod:`st9x.testing.bench_rows`): subject, format, size,
bytes and, once the run is over, documents/s, MB/s and the ratio to their group's floor. The
tables put one subject per line and one size per column, so a figure's growth with size and its
distance from the floor read across; compile times get a table of their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from st9x.corpus.synth.xml.generate import parse_size

#: table order and titles of the formats rows name
FORMATS = {
    "xml": "XML validation",
    "xml-v6": "XML validation: the WIPO ST.96 V6_0 examples",
    "json": "JSON validation",
    "xml-to-json": "Conversion XML → JSON",
    "json-to-xml": "Conversion JSON → XML",
    "roundtrip": "Round trip XML → JSON → XML",
}
COMPILE_FORMATS = {"compile-xml": "XSD compile", "compile-json": "JSON Schema compile",
                   "compile-xml-v6": "XSD compile: the WIPO ST.96 V6_0 document schemas"}


@dataclass(frozen=True)
class SizedRow:
    subject: str
    fmt: str
    size: str
    nbytes: int
    median: float  # seconds
    rounds: int
    floor: bool
    mb_per_s: float
    documents_per_s: float
    ratio: float | None
    note: str | None


def sized_rows(document: Mapping[str, Any]) -> list[SizedRow]:
    """The rows of a benchmark document that describe themselves (others are left out)."""
    rows = []
    for bench in document.get("benchmarks", []):
        info = bench.get("extra_info") or {}
        if not {"subject", "format", "size", "bytes"} <= info.keys():
            continue
        median = bench["stats"]["median"]
        rows.append(SizedRow(
            info["subject"], info["format"], info["size"], info["bytes"], median,
            bench["stats"].get("rounds", 0), bool(info.get("floor")),
            info.get("mb_per_s", info["bytes"] / 1e6 / median),
            info.get("documents_per_s", 1.0 / median), info.get("ratio_to_floor"),
            info.get("note"),
        ))
    return rows


def _size_order(label: str) -> tuple[int, str]:
    try:
        return (parse_size(label) or 0, label)
    except ValueError:  # a named example rather than a size
        return (0, label)


def _subjects(rows: Iterable[SizedRow]) -> list[str]:
    """Floors first, then by name."""
    return sorted({r.subject for r in rows}, key=lambda s: (
        not any(r.floor for r in rows if r.subject == s), s))


def _number(value: float) -> str:
    """Three significant digits, without exponents (1,420 rather than 1.42e+03)."""
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"


def _throughput_table(title: str, rows: list[SizedRow]) -> list[str]:
    sizes = sorted({r.size for r in rows}, key=_size_order)
    cell = {(r.subject, r.size): r for r in rows}
    out = [f"### {title}", "", "MB/s, with the factor to the floor's time in parentheses "
           "(1.0×: as fast as the floor); documents/s below.", ""]
    out.append("| subject | " + " | ".join(sizes) + " |")
    out.append("|---" * (len(sizes) + 1) + "|")
    nbytes = {r.size: r.nbytes for r in rows if r.floor}
    out.append("| *input bytes (floor's)* | "
               + " | ".join(f"{nbytes[s]:,}" if s in nbytes else "" for s in sizes) + " |")
    subjects = _subjects(rows)
    notes: list[str] = []
    for subject in subjects:
        cells = []
        for size in sizes:
            row = cell.get((subject, size))
            if row is None:
                cells.append("—")
                continue
            ratio = f" ({row.ratio:.1f}×)" if row.ratio is not None else ""
            mark = ""
            if row.note and row.note not in notes:
                notes.append(row.note)
            if row.note:
                mark = f" [{notes.index(row.note) + 1}]"
            cells.append(f"{row.mb_per_s:.2f}{ratio}{mark}")
        out.append(f"| {subject} | " + " | ".join(cells) + " |")
    out += ["", "| documents/s | " + " | ".join(sizes) + " |", "|---" * (len(sizes) + 1) + "|"]
    for subject in subjects:
        out.append(f"| {subject} | " + " | ".join(
            _number(cell[(subject, s)].documents_per_s) if (subject, s) in cell else "—"
            for s in sizes) + " |")
    out.append("")
    if notes:
        out += [*(f"[{i}] {n}" for i, n in enumerate(notes, 1)), ""]
    return out


def _compile_table(title: str, rows: list[SizedRow]) -> list[str]:
    out = [f"### {title}", "", "| subject | schema | median | rounds | factor to the floor |",
           "|---|---|---|---|---|"]
    for row in sorted(rows, key=lambda r: (r.size, r.median)):
        ratio = f"{row.ratio:.1f}×" if row.ratio is not None else ""
        out.append(f"| {row.subject} | {row.size} | {row.median * 1e3:.1f} ms | {row.rounds} "
                   f"| {ratio} |")
    return [*out, ""]


def markdown(document: Mapping[str, Any]) -> str:
    """Every table the document's rows allow, in :data:`FORMATS` then compile order; an
    empty string when no row describes itself."""
    rows = sized_rows(document)
    parts: list[str] = []
    for fmt, title in FORMATS.items():
        chosen = [r for r in rows if r.fmt == fmt]
        if chosen:
            parts += _throughput_table(title, chosen)
    for fmt, title in COMPILE_FORMATS.items():
        chosen = [r for r in rows if r.fmt == fmt]
        if chosen:
            parts += _compile_table(title, chosen)
    return "\n".join(parts)
