"""The site's plots: SVG from matplotlib (its SVG canvas on a bare Figure: no pyplot, no
display, no global backend to set), made so that the same data gives the same bytes (no date,
fixed ids, text kept as text), so two sites of one run diff cleanly and a plot's change is a
data change.

Every plot carries a ``<title>`` and a ``<desc>`` and writes its numbers on it (beside bars, in
heatmap cells, at line points) so that colour is never the only signal; the pages put the same
numbers in a table below each plot as its text alternative. Labels are data (a subject's name
may be anything): they are drawn as plain text (no mathtext), escaped by the SVG writer, and cut
to a readable length (the table has them whole).
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from xml.sax.saxutils import escape

import matplotlib
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, NullFormatter

from st9x.matrix.grids import Grid
from st9x.matrix.history import Trend
from st9x.matrix.throughput import Throughput

#: what makes the SVG the same bytes for the same data, and keeps data text as text
RC = {
    "svg.hashsalt": "st9x",
    "svg.fonttype": "none",
    "text.parse_math": False,
    "text.usetex": False,
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 10,
    "figure.dpi": 72,
}
LABEL_CHARS = 48
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">")
LINESTYLES = ("-", "--", "-.", ":")


@contextmanager
def _style() -> Iterator[None]:
    with matplotlib.rc_context(RC):
        yield


def short(label: str) -> str:
    """A label cut to :data:`LABEL_CHARS` characters, on one line."""
    one = " ".join(label.split())
    return one if len(one) <= LABEL_CHARS else one[: LABEL_CHARS - 1] + "…"


def to_svg(figure: Figure, title: str, desc: str) -> bytes:
    """The figure as SVG bytes with ``<title>`` and ``<desc>`` as the root's first children
    (what assistive technology and a browser's tooltip read), nothing dated."""
    buffer = io.StringIO()
    with _style():
        FigureCanvasSVG(figure)
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Title": title})
    text = buffer.getvalue()
    start = text.index("<svg")
    end = text.index(">", start) + 1
    head = (f"\n <title>{escape(title)}</title>\n <desc>{escape(desc)}</desc>")
    return (text[:end] + head + text[end:]).encode("utf-8")


def throughput_chart(rows: Sequence[Throughput]) -> bytes:
    """Horizontal bars of documents/s per subject × corpus, each with its parse-only floor
    (hatched) below it and the ratio written at the bar's end; log scale when the figures span
    more than a factor of 30."""
    if not rows:
        return _nothing("Validator throughput per subject and corpus")
    with _style():
        height = 1.2 + 0.55 * len(rows) * 2
        figure = Figure(figsize=(8, height))
        axes = figure.add_subplot()
        labels, values, colours, hatches, notes = [], [], [], [], []
        for row in reversed(rows):
            rate, floor, ratio = (row.documents_per_second, row.floor_documents_per_second,
                                  row.ratio)
            labels.append(f"floor for {short(row.subject)}")
            values.append(floor or 0.0)
            colours.append("#d0d7de")
            hatches.append("//")
            notes.append("no floor" if floor is None else f"{floor:.1f} docs/s")
            labels.append(f"{short(row.subject)} · {short(row.corpus)}")
            values.append(rate or 0.0)
            colours.append("#0969da")
            hatches.append("")
            ratio_text = "" if ratio is None else f", {ratio:.1f}× floor"
            notes.append(f"{rate or 0.0:.1f} docs/s{ratio_text}")
        positions = list(range(len(values)))
        bars = axes.barh(positions, values, color=colours, edgecolor="#57606a", linewidth=0.5)
        for bar, hatch in zip(bars, hatches, strict=True):
            bar.set_hatch(hatch)
        axes.set_yticks(positions, labels)
        positive = [v for v in values if v > 0]
        if positive and max(positive) / min(positive) > 30:
            axes.set_xscale("log")
            # plain numbers, not mathtext (which labels are not parsed as: they are data)
            axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
            axes.xaxis.set_minor_formatter(NullFormatter())
        top = max(positive, default=1.0)
        axes.set_xlim(right=top * (12 if axes.get_xscale() == "log" else 1.6))
        for position, value, note in zip(positions, values, notes, strict=True):
            axes.annotate(note, (value if value > 0 else 0, position), xytext=(4, 0),
                          textcoords="offset points", va="center", fontsize=8)
        axes.set_xlabel("documents validated per second (higher is faster)")
        axes.set_title("Validator throughput and the parse-only floor")
        figure.tight_layout()
    desc = "; ".join(
        f"{r.subject} on {r.corpus}: {_number(r.documents_per_second)} documents/s, "
        f"{_ratio(r.ratio)}" for r in rows)
    return to_svg(figure, "Validator throughput per subject and corpus", desc)


def heatmap(grid: Grid) -> bytes:
    """Rows × columns of shares as a heatmap, each cell with its percentage and its fraction
    written in it ("n/a" for an empty cell)."""
    if not grid.rows or not grid.columns:
        return _nothing(grid.title)
    with _style():
        width = 2.5 + 0.75 * max(len(grid.columns), 1)
        height = 1.8 + 0.45 * max(len(grid.rows), 1) + 0.06 * max(
            (len(short(c)) for c in grid.columns), default=0)
        figure = Figure(figsize=(max(width, 5.0), height))
        axes = figure.add_subplot()
        values = [[_cell_value(grid, r, c) for c in grid.columns] for r in grid.rows]
        cmap = matplotlib.colormaps["viridis"].with_extremes(bad="#ffffff")
        image = axes.imshow(values, cmap=cmap, vmin=0.0, vmax=1.0, aspect="auto")
        axes.set_xticks(range(len(grid.columns)), [short(c) for c in grid.columns],
                        rotation=45, ha="right", rotation_mode="anchor")
        axes.set_yticks(range(len(grid.rows)), [short(r) for r in grid.rows])
        axes.set_xlabel(grid.column_label)
        axes.set_ylabel(grid.row_label)
        for i, row in enumerate(grid.rows):
            for j, column in enumerate(grid.columns):
                share = grid.cell(row, column)
                value = values[i][j]
                if share is None or share.value is None:
                    text, colour = "n/a", "#57606a"
                else:
                    text = f"{share.whole_percent()}%\n{share.fraction()}"
                    colour = "#000000" if value > 0.6 else "#ffffff"
                axes.text(j, i, text, ha="center", va="center", fontsize=7, color=colour)
        figure.colorbar(image, ax=axes, label="share (0 to 1)", fraction=0.04, pad=0.02)
        axes.set_title(short(grid.title))
        figure.tight_layout()
    desc = "; ".join(
        f"{row} × {column}: {share.percent()} ({share.fraction()})"
        for row in grid.rows for column in grid.columns
        if (share := grid.cell(row, column)) is not None)
    return to_svg(figure, grid.title, desc)


def trend_chart(trend: Trend) -> bytes:
    """One line per series across the runs (x: the runs in order, labelled), a gap where a run
    lacks the subject, each point's value written beside it; markers and line styles differ
    per series, so the lines are told apart without colour."""
    if not trend.series:
        return _nothing(f"{trend.title} across runs")
    with _style():
        runs = [p.run for p in trend.series[0].points]
        figure = Figure(figsize=(8, 3.6 + 0.2 * len(trend.series)))
        axes = figure.add_subplot()
        for n, series in enumerate(trend.series):
            ys = [math.nan if p.value is None else p.value for p in series.points]
            axes.plot(range(len(ys)), ys, marker=MARKERS[n % len(MARKERS)],
                      linestyle=LINESTYLES[n % len(LINESTYLES)], label=short(series.name))
            for x, point in enumerate(series.points):
                if point.value is not None:
                    axes.annotate(_number(point.value), (x, point.value), xytext=(3, 3),
                                  textcoords="offset points", fontsize=7)
        axes.set_xticks(range(len(runs)), [short(r) for r in runs], rotation=20, ha="right")
        axes.set_xlabel("run (oldest first)")
        axes.set_ylabel(trend.unit)
        axes.set_title(short(trend.title))
        axes.legend(fontsize=7, loc="best")
        figure.tight_layout()
    desc = "; ".join(
        f"{s.name}: " + ", ".join(f"{p.run} {p.text}" for p in s.points) for s in trend.series)
    return to_svg(figure, f"{trend.title} across runs", desc)


def _nothing(title: str) -> bytes:
    """A plot of no data says so (the pages draw none, but a caller may ask)."""
    with _style():
        figure = Figure(figsize=(4, 1))
        figure.text(0.5, 0.5, "no data", ha="center", va="center")
    return to_svg(figure, title, "no data")


def _cell_value(grid: Grid, row: str, column: str) -> float:
    share = grid.cell(row, column)
    value = None if share is None else share.value
    return math.nan if value is None else value


def _number(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:.1f}" if abs(value) < 1000 else f"{value:,.0f}"


def _ratio(ratio: float | None) -> str:
    return "no parse-only floor" if ratio is None else f"{ratio:.1f}× the parse-only floor"
