"""Tables as typed records: what a matrix page shows, computed here, rendered elsewhere.

A :class:`Table` is rows of :class:`Cell` under column names, with a caption. A cell may name
what it is about (a :class:`Ref`: a subject, a corpus, a case, a page of a corpus' filter) so a
renderer can link it without knowing how the numbers were made, and may carry a judgement word
(``pass``, ``fail``...) that a renderer can colour: the text of the cell already says it, so
colour is never the only signal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

RefKind = Literal["subject", "corpus", "case", "failing", "disagreements", "matrix", "rule"]


@dataclass(frozen=True)
class Ref:
    """What a cell names: ``kind`` and the key of the thing (a subject's name, a corpus id, a
    ``corpus/case`` key, a matrix name, a design rule's id)."""

    kind: RefKind
    key: str


@dataclass(frozen=True)
class Cell:
    text: str
    word: str = ""  # a judgement or status word the text contains, for styling
    ref: Ref | None = None
    numeric: bool = False


@dataclass(frozen=True)
class Table:
    """``rows[i][0]`` is the header of row i (a ``th scope="row"``); ``columns[0]`` names the
    row headers' column."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""

    def __bool__(self) -> bool:
        return bool(self.rows)


def percent(part: int, whole: int) -> str:
    """``97.2 %``, or ``n/a`` when there is nothing to divide by."""
    return f"{100 * part / whole:.1f} %" if whole else "n/a"


def counts_text(counts: Mapping[str, int], order: Sequence[str] = ()) -> str:
    """``pass 12 · fail 1``: the non-zero counts, in ``order`` first, then the rest sorted."""
    keys = [k for k in order if counts.get(k)] + sorted(
        k for k in counts if k not in order and counts[k])
    return " · ".join(f"{k} {counts[k]}" for k in keys) or "—"


def worst_word(counts: Mapping[str, int], bad: Iterable[str] = ("fail", "errored", "xpass")
               ) -> str:
    """``fail`` when any bad status is counted, else ``pass`` when any pass, else empty."""
    for word in bad:
        if counts.get(word):
            return "fail" if word != "errored" else "errored"
    return "pass" if counts.get("pass") else ""


def row_header(text: str, ref: Ref | None = None) -> Cell:
    return Cell(text, ref=ref)


def num(value: int | str, word: str = "", ref: Ref | None = None) -> Cell:
    return Cell(str(value), word, ref, numeric=True)
