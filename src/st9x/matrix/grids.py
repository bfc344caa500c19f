"""Shares by subject × constraint kind, the numbers behind the agreement heatmaps.

Each cell is a :class:`Share` (a count out of a count), never a bare percentage, so a page can
write "5/6" beside "83 %" and a reader sees how much evidence a colour stands on.

- Validation: the share of a validator's judged records on cases breaking one constraint kind
  that pass (met their expectation). Skipped and unchecked records are not judged and are left
  out; xfail (a ledgered known failure) is not a pass.
- Conversion: the share of a converter's cases of one constraint kind on which the JSON Schema
  verdict on the converted instance equals the XSD verdict, counted under each JSON validator
  (rows converter × validator); cases that were not converted, errored or skipped are left out
  of the share and counted beside it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

NOT_JUDGED = frozenset({"skipped", "unchecked"})
DECIDED = ("agree", "gap-accepts", "gap-rejects")  # the agreement kinds that compare verdicts


@dataclass(frozen=True)
class Share:
    count: int
    of: int
    aside: int = 0  # records in the cell left out of the share (not judged, not compared)

    @property
    def value(self) -> float | None:
        return self.count / self.of if self.of else None

    def percent(self) -> str:
        """``83.3 %``, or ``n/a`` for an empty share."""
        value = self.value
        return "n/a" if value is None else f"{100 * value:.1f} %"

    def whole_percent(self) -> int | None:
        """The percentage rounded down, so that 100 means every one and 0 means none."""
        if not self.of:
            return None
        return 100 * self.count // self.of

    def fraction(self) -> str:
        return f"{self.count}/{self.of}"


@dataclass(frozen=True)
class Grid:
    """Rows (subjects) × columns (constraint kinds) of shares; a missing cell is None."""

    title: str
    row_label: str
    column_label: str
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: Mapping[tuple[str, str], Share]

    def cell(self, row: str, column: str) -> Share | None:
        return self.cells.get((row, column))

    def trimmed(self) -> tuple[Grid, tuple[str, ...]]:
        """The grid without the rows and columns that hold no share at all (a converter
        whose JSON validator judged nothing, a kind no case of a format breaks), and the rows
        left out, so a page can name them."""
        rows = tuple(r for r in self.rows
                     if any((s := self.cells.get((r, c))) and s.of for c in self.columns))
        columns = tuple(c for c in self.columns
                        if any((s := self.cells.get((r, c))) and s.of for r in rows))
        cells = {k: v for k, v in self.cells.items() if k[0] in rows and k[1] in columns}
        dropped = tuple(r for r in self.rows if r not in rows)
        return replace(self, rows=rows, columns=columns, cells=cells), dropped

    @property
    def empty(self) -> bool:
        return not any(share.of for share in self.cells.values())


def pass_share(counts: Mapping[str, int]) -> Share:
    """The pass share of one judgement count (``{"pass": 3, "fail": 1, ...}``)."""
    aside = sum(n for j, n in counts.items() if j in NOT_JUDGED)
    judged = sum(n for j, n in counts.items() if j not in NOT_JUDGED)
    return Share(counts.get("pass", 0), judged, aside)


def validation_grid(summary: Mapping[str, Any]) -> Grid:
    """Validator × constraint kind from a summary's ``by_constraint``."""
    by_constraint: Mapping[str, Mapping[str, Mapping[str, int]]] = summary.get(
        "by_constraint") or {}
    columns = tuple(sorted(by_constraint))
    rows = tuple(sorted({a for per in by_constraint.values() for a in per}))
    cells = {(adapter, kind): pass_share(counts)
             for kind, per in by_constraint.items() for adapter, counts in per.items()}
    return Grid("Validators: pass share by constraint kind", "validator", "constraint kind",
                rows, columns, cells)


def agreement_grid(conversion_summary: Mapping[str, Any] | None) -> Grid:
    """Converter under JSON validator × constraint kind from a conversion summary's
    ``agreement`` (``converter -> adapter -> constraint -> kind -> count``)."""
    agreement: Mapping[str, Any] = (conversion_summary or {}).get("agreement") or {}
    cells: dict[tuple[str, str], Share] = {}
    for converter, per_adapter in agreement.items():
        for adapter, per_kind in per_adapter.items():
            for constraint, counts in per_kind.items():
                decided = sum(counts.get(k, 0) for k in DECIDED)
                aside = sum(counts.values()) - decided
                cells[(row_name(converter, adapter), constraint)] = Share(
                    counts.get("agree", 0), decided, aside)
    rows = tuple(sorted({r for r, _ in cells}))
    columns = tuple(sorted({c for _, c in cells}))
    return Grid("Converters: XSD-vs-JSON verdict agreement by constraint kind",
                "converter under JSON validator", "constraint kind", rows, columns, cells)


def row_name(converter: str, adapter: str) -> str:
    return f"{converter} under {adapter}"
