"""The escaping functions, property-tested: any text at all (line breaks, controls, surrogates,
bidirectional overrides, Markdown and HTML) comes out printable, on one line, in one table cell,
and rendered back as exactly what went in."""

from __future__ import annotations

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from st9x.errors import St9xError, one_line
from st9x.report.markdown import cell, code, table, text
from st9x.text import flatten, flatten_values, printable, unprintable

# any code point, surrogates included (a file name that is not UTF-8), weighted towards the
# characters that have a meaning somewhere: Markdown, HTML, rich markup, line breaks, escapes
MEANINGFUL = st.sampled_from(list(
    "|\\`*_[]()<>&#~!:-+=.1 \t\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029\x00\x07\x1b\x7f"
    "\u202e\u202d\u2066\u2067\u2068\u2069\u200b\u00a0\u3000\ufeff\udcff\ud800"
))
ANY = st.text(st.one_of(st.characters(codec=None), MEANINGFUL), max_size=40)
NO_SURROGATES = st.text(
    st.one_of(st.characters(blacklist_categories=("Cs",)), MEANINGFUL.filter(
        lambda c: not 0xD800 <= ord(c) <= 0xDFFF)),
    max_size=40,
)


def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def _rendered_cells(lines: list[str]) -> list[list[str]]:
    """The text of every body cell of the one table ``lines`` render to, HTML entities read."""
    out = _markdown().render("\n".join(lines))
    (body,) = re.findall(r"<tbody>(.*?)</tbody>", out, flags=re.S)
    rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    return [[html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", row, flags=re.S)]
            for row in rows]


@given(ANY)
def test_printable_is_printable_reversible_and_leaves_plain_names_alone(name: str) -> None:
    shown = printable(name)
    assert shown.isprintable()
    assert unprintable(shown) == name
    if name.isprintable() and "\\" not in name:
        assert shown == name
    shown.encode("utf-8")  # no lone surrogate is left to refuse (this would raise)


@given(ANY, ANY)
def test_printable_never_gives_two_names_one_id(first: str, second: str) -> None:
    if first != second:
        assert printable(first) != printable(second)


@given(ANY)
def test_flatten_is_one_printable_line_and_stable(value: str) -> None:
    line = flatten(value)
    assert line.isprintable()
    assert len(line.splitlines()) <= 1
    assert flatten(line) == line
    assert one_line(value) == line or one_line(value).endswith("…")


@given(st.recursive(ANY, lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(ANY, inner, max_size=3), max_leaves=8))
def test_flatten_values_leaves_only_printable_lines(value: object) -> None:
    def strings(item: object) -> list[str]:
        if isinstance(item, str):
            return [item]
        if isinstance(item, dict):
            return [s for k, v in item.items() for s in (*strings(k), *strings(v))]
        if isinstance(item, list):
            return [s for v in item for s in strings(v)]
        return []

    tidied = flatten_values(value)
    assert all(s.isprintable() for s in strings(tidied))
    assert flatten_values(tidied) == tidied  # stable: a tidied record passes unchanged


@given(ANY)
def test_an_error_is_one_printable_line_whatever_its_path(path: str) -> None:
    shown = str(St9xError("bad\nthing", path=path or "x"))
    assert shown.isprintable() and "\n" not in shown


@settings(max_examples=300)
@given(st.lists(NO_SURROGATES, min_size=1, max_size=3))
def test_a_cell_never_breaks_its_row_and_shows_exactly_its_value(values: list[str]) -> None:
    header = [f"h{i}" for i in range(len(values))]
    lines = table(header, [values, ["x"] * len(values)])
    assert len(lines) == 4 and all("\n" not in line for line in lines)
    rendered = _rendered_cells(lines)
    assert len(rendered) == 2
    assert rendered[0] == [flatten(v) for v in values]
    assert rendered[1] == ["x"] * len(values)


@settings(max_examples=300)
@given(NO_SURROGATES)
def test_running_text_renders_as_itself_and_makes_no_markup(value: str) -> None:
    out = _markdown().render("Before: " + text(value))
    assert out.startswith("<p>") and out.count("<p>") == 1
    inner = out.strip().removeprefix("<p>").removesuffix("</p>")
    assert not re.search(r"<(?!/?code>)", inner.replace("<br />", ""))
    assert html.unescape(inner) == ("Before: " + flatten(value)).strip()


@settings(max_examples=300)
@given(NO_SURROGATES)
def test_code_renders_as_one_code_span_of_exactly_its_value(value: str) -> None:
    out = _markdown().render("- " + code(value))
    spans = re.findall(r"<code>(.*?)</code>", out, flags=re.S)
    shown = flatten(value)
    if shown:
        assert len(spans) == 1
        assert html.unescape(spans[0]) == shown
        assert not re.search(r"<(?!/?(code|ul|li)>)", out)


@given(NO_SURROGATES)
def test_escaping_is_stable(value: str) -> None:
    """The same value always gives the same text; a cell is the text escaping."""
    assert text(value) == text(value) == cell(value)
    assert code(value) == code(value)
