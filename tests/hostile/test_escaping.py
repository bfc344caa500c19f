"""Output that a file name or a message cannot break: ids are printable, records hold one line
per message, every Markdown matrix is escaped and the console shows user text as it is.

The hostile names (a line break, ``|``, an ``<img onerror>``, a ``javascript:`` link, a
bidirectional override, terminal escapes, rich markup and emoji codes) are made by the tests in
a temporary directory: a name that Windows or some tools cannot even check out has no place in
the repository. The committed case ``json-markup-in-message`` carries the same text in a value
that validators quote in their messages.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from st9x.corpus.load import load_corpus
from st9x.text import printable, unprintable

from .helpers import HOSTILE, cli, empty_ledger, one_line, results

DOC_XSD = HOSTILE / "schemas" / "doc.xsd"
TOO_LONG = b'<Doc xmlns="urn:st9x:hostile"><Text>longer than 8</Text></Doc>\n'
NOT_XML = b"<Doc xmlns='urn:st9x:hostile'><Text>"

# file names (without .xml) that would end a row, a line or a record, become markup or HTML, or
# show as something else on a terminal, were they written as they are
HOSTILE_NAMES = (
    "line\nbreak",
    "carriage\rreturn",
    "crlf\r\nboth",
    "pipe|cell|row",
    "back`tick`",
    "<img src=x onerror=alert(1)>",
    "[link](javascript:alert(1))",
    "bidi\u202eflipped\u202c",
    "isolate\u2066x\u2069",
    "bell\x07esc\x1b[31mred",
    "nel\x85line\u2028sep\u2029para",
    "rich[bold]markup[italic] :smiley:",
    "_under_ *star* ~~strike~~",
    "# heading",
    "1. listed",
    "amp&lt;entity",
    "no\u00a0break\u200bzero",
    "back\\slash\\x0a",
)
# a malformed instance: its problem message quotes its path
BROKEN_NAME = "<b>broken<b>\n|x|"
DIRECTORY = "dir|<i>sub<i>\n[x]"  # a subdirectory's name is part of the ids below it


def _markdown() -> MarkdownIt:
    """A CommonMark renderer with GitHub's tables and strikethrough, and HTML passed through
    (as GitHub passes some): what a reader of the matrix sees."""
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def _hostile_tree(root: Path) -> dict[str, str]:
    """Write an indexed corpus (no manifest) of hostile names; map each case id expected to
    the file name it must be made from."""
    root.mkdir(parents=True)
    shutil.copy(DOC_XSD, root / "doc.xsd")
    made: dict[str, str] = {}
    for name in HOSTILE_NAMES:
        (root / f"{name}.xml").write_bytes(TOO_LONG)
        made[printable(name)] = name
    (root / f"{BROKEN_NAME}.xml").write_bytes(NOT_XML)
    made[printable(BROKEN_NAME)] = BROKEN_NAME
    (root / DIRECTORY).mkdir()
    (root / DIRECTORY / "pipe|inside.xml").write_bytes(TOO_LONG)
    made[printable(f"{DIRECTORY}/pipe|inside")] = f"{DIRECTORY}/pipe|inside"
    return made


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One ``st9x run`` (validators and one converter suite) over a corpus whose directory and
    file names are hostile; its output directory, console output and the ids it should show."""
    base = tmp_path_factory.mktemp("escaping")
    corpus = base / "corpus|<u>[c]<u>\n:smiley:"  # the corpus id is the directory's name
    made = _hostile_tree(corpus)
    out = base / "out"
    ledger = empty_ledger(base / "ledger.json")
    done = cli(
        "run", "--corpus", corpus, "--adapter", "lxml", "--adapter", "xmlschema-1.0",
        "--converter", "st97-v2", "--ledger", ledger, "--out", out, "--timeout", "60",
        converters=True, timeout=600,
    )
    return {"out": out, "done": done, "made": made, "corpus": corpus}


# --- ids ----------------------------------------------------------------------------------------


def test_ids_are_printable_and_name_their_file(tmp_path: Path) -> None:
    made = _hostile_tree(tmp_path / "c")
    corpus = load_corpus(tmp_path / "c")
    ids = {case.id: case for case in corpus.cases}
    assert set(ids) == set(made)
    for case_id, case in ids.items():
        assert case_id.isprintable(), case_id
        assert unprintable(case_id) == made[case_id]  # reversible: the file can be found
        assert case.source is not None and case.source.isprintable()
        assert unprintable(case.source) == f"{made[case_id]}.xml"
    # no two names share an id, even a name that spells another's escape
    (tmp_path / "c" / "line\\x0abreak.xml").write_bytes(TOO_LONG)
    again = load_corpus(tmp_path / "c")
    assert len({case.id for case in again.cases}) == len(again.cases)


def test_a_corpus_directory_name_becomes_a_printable_id(tmp_path: Path) -> None:
    root = tmp_path / "a\nb|<i>"
    root.mkdir()
    shutil.copy(DOC_XSD, root / "doc.xsd")
    (root / "ok.xml").write_bytes(TOO_LONG)
    corpus = load_corpus(root)
    assert corpus.id == "a\\x0ab|<i>"
    assert all(case.corpus == corpus.id for case in corpus.cases)


# --- st9x run: results, matrices, console ------------------------------------------------------


def test_the_run_ends_with_its_verdicts_and_no_traceback(hostile_run: dict[str, Any]) -> None:
    done = hostile_run["done"]
    assert done.returncode == 1, done.stderr[-3000:]  # broken expectations, nothing else
    assert "Traceback" not in done.stderr


def test_every_record_string_is_one_printable_line(hostile_run: dict[str, Any]) -> None:
    _, records, footer = results(hostile_run["out"])
    assert footer is not None and not footer["interrupted"]
    made = hostile_run["made"]
    assert {r["case"] for r in records} == set(made)
    for record in records:
        for where, value in _strings(record):
            assert value.isprintable(), (where, value)
        for error in record["errors"]:
            assert one_line(error["message"])
    broken = [r for r in records if r["case"] == printable(BROKEN_NAME)]
    assert broken and all(r["verdict"] == "errored" for r in broken)
    # the message names the file as the id does: escaped, on one line
    (lxml,) = [r for r in broken if r["adapter"] == "lxml"]
    message = lxml["errors"][0]["message"]  # refused by name, or not well-formed if read
    assert "<b>broken<b>\\x0a|x|.xml" in message and message.isprintable(), message
    conversions = 0
    for line in (hostile_run["out"] / "conversions.jsonl").read_text("utf-8").splitlines():
        document = json.loads(line)
        if document["type"] in ("schema", "case"):  # the header keeps the corpus's real path
            conversions += 1
            for where, value in _strings(document):
                assert value.isprintable(), (where, value)
    # cases whose names no XML library reads as written are refused before converting
    assert conversions > 0


def test_matrix_rows_keep_their_cells_and_show_no_html(hostile_run: dict[str, Any]) -> None:
    out = hostile_run["out"]
    for name in ("matrix.md", "conversion-matrix.md"):
        text = (out / name).read_text("utf-8")
        for line in text.splitlines():
            assert line.isprintable(), (name, line)
        _assert_tables_are_whole(text, name)
        # no HTML from user data: every tag left is a <code> the renderer wrote
        assert "<" not in re.sub(r"</?code>", "", text), name
        html = _markdown().render(text)
        assert "<img" not in html and "<b>" not in html and "<i>" not in html, name
        assert 'href="javascript' not in html and "<a " not in html, name
        assert "<em>" not in html and "<s>" not in html and html.count("<h1>") == 1, name


def test_matrix_cells_show_the_ids_exactly(hostile_run: dict[str, Any]) -> None:
    """Rendered, the case cell of each broken expectation is the record's id, character for
    character: the escaping hides nothing and adds nothing."""
    out = hostile_run["out"]
    _, records, _ = results(out)
    html = _markdown().render((out / "matrix.md").read_text("utf-8"))
    shown = {_unhtml(c) for c in re.findall(r"<tr>\n<td>(.*?)</td>", html)}
    corpus = records[0]["corpus"]
    assert corpus.isprintable() and "\\x0a" in corpus
    assert {f"{corpus}/{r['case']}" for r in records} <= shown


def test_the_console_shows_user_text_as_it_is(hostile_run: dict[str, Any]) -> None:
    done = hostile_run["done"]
    for line in (done.stdout + done.stderr).splitlines():
        assert line.isprintable(), line  # no terminal escape, no bidirectional override
    assert "\U0001f603" not in done.stdout + done.stderr  # :smiley: stays text
    # the matrix table shows the corpus id, markup and all; each broken line its case id
    assert "corpus|<u>[c]<u>\\x0a:smiley:" in done.stdout
    broken = [line for line in done.stderr.splitlines() if line.startswith("broken: ")]
    assert any("/[link](javascript:alert(1)) [lxml] expected valid" in b for b in broken)
    assert any("/<img src=x onerror=alert(1)> [lxml]" in b for b in broken)


def test_st9x_report_renders_an_untrusted_results_file_escaped(
    hostile_run: dict[str, Any], tmp_path: Path
) -> None:
    """A results file is data: ``st9x report`` over one whose strings were written by hand
    (not by st9x, so not tidied) still writes whole rows and no HTML."""
    out = tmp_path / "report"
    shutil.copytree(hostile_run["out"], out)
    lines = (out / "results.jsonl").read_text("utf-8").splitlines()
    edited = []
    for line in lines:
        document = json.loads(line)
        if document.get("type") == "record" and document["errors"]:
            document["errors"][0]["message"] = "<script>x</script>\n| # [a](javascript:b) `"
        if document.get("type") == "header":
            document["tool"]["version"] = "<img src=x onerror=alert(1)>"
        edited.append(json.dumps(document))
    (out / "results.jsonl").write_text("\n".join(edited) + "\n", "utf-8")
    done = cli("report", out, "--quiet")
    assert done.returncode in (0, 1), done.stderr[-2000:]
    text = (out / "matrix.md").read_text("utf-8")
    _assert_tables_are_whole(text, "matrix.md")
    assert "<" not in re.sub(r"</?code>", "", text)
    assert "&lt;script&gt;x&lt;/script&gt; \\| # \\[a\\](javascript:b) \\`" in text


def test_a_quoted_value_reaches_records_and_console_as_one_printable_line(
    tmp_path: Path,
) -> None:
    """The committed case: validators quote a value holding HTML, Markdown, line breaks, a
    bidirectional override, a terminal escape and rich markup in their messages."""
    out = tmp_path / "out"
    done = cli("run", "--corpus", HOSTILE, "--tag", "escaping", "--ledger",
               empty_ledger(tmp_path / "l.json"), "--out", out)
    assert done.returncode == 0, done.stderr[-2000:]
    _, records, _ = results(out)
    assert {r["adapter"] for r in records} == {"jsonschema", "jsonschema-rs", "fastjsonschema"}
    quoting = 0
    for record in records:
        assert (record["verdict"], record["ok"]) == ("invalid", True), record
        for where, value in _strings(record):
            assert value.isprintable(), (where, value)
        quoting += any("<img src=x onerror=alert(1)>" in e["message"] for e in record["errors"])
    assert quoting >= 2  # jsonschema and jsonschema-rs quote the value
    instance = HOSTILE / "json" / "markup-in-message.json"
    shown = cli("validate", "--schema", HOSTILE / "schemas" / "doc.schema.json", instance)
    assert shown.returncode == 1, shown.stderr[-2000:]
    for line in shown.stdout.splitlines():
        assert line.isprintable(), line
    assert "[bold]rich[/bold] :smiley:" in shown.stdout  # rich markup and emoji stay text


# --- a manifest's paths -------------------------------------------------------------------------


def test_manifest_paths_are_shown_printable(tmp_path: Path) -> None:
    """A manifest's ids are printable by its format; its instance paths may hold any character
    but a C0 control (``|``, HTML, a bidirectional override, NEL, U+2028) and are shown
    escaped in the records and matrices."""
    root = tmp_path / "m"
    (root / "xml").mkdir(parents=True)
    shutil.copy(DOC_XSD, root / "doc.xsd")
    names = ["pipe|<img src=x onerror=alert(1)>", "bidi\u202e`x`", "nel\x85ls\u2028",
             "[l](javascript:x) _u_ *s*"]
    cases = []
    for number, name in enumerate(names):
        (root / "xml" / f"{name}.xml").write_bytes(TOO_LONG)
        cases.append({"id": f"case-{number}", "instance": f"xml/{name}.xml", "schema": "doc",
                      "expected": "valid"})
    manifest = {"format": "st9x-corpus/1", "id": "named", "title": "names",
                "provenance": {"source": "test", "licence": "Apache-2.0"},
                "schemas": [{"id": "doc", "path": "doc.xsd"}], "cases": cases}
    (root / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    corpus = load_corpus(root)
    assert [unprintable(c.source or "") for c in corpus.cases] == [f"xml/{n}.xml" for n in names]
    out = tmp_path / "out"
    done = cli("run", "--corpus", root, "--adapter", "lxml", "--ledger",
               empty_ledger(tmp_path / "l.json"), "--out", out)
    assert done.returncode == 1, done.stderr[-2000:]
    _, records, _ = results(out)
    assert len(records) == len(names)
    for record in records:
        # invalid, or refused by its name where the XML libraries would read another path
        assert record["instance"].isprintable() and record["verdict"] in ("invalid", "errored")
        assert all(e["message"].isprintable() for e in record["errors"])
    assert {unprintable(r["instance"]) for r in records} == {f"xml/{n}.xml" for n in names}
    _assert_tables_are_whole((out / "matrix.md").read_text("utf-8"), "matrix.md")


# --- st9x validate and pytest item names --------------------------------------------------------


def test_validate_prints_a_hostile_file_name_as_itself(tmp_path: Path) -> None:
    name = tmp_path / "v[red]x[blink]\n:smiley:<i>.xml"
    name.write_bytes(TOO_LONG)
    done = cli("validate", "--schema", DOC_XSD, "--adapter", "lxml", name)
    assert done.returncode == 1, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    assert lines[0].split() == ["invalid", "lxml"]
    assert all(line.isprintable() for line in lines)
    assert "v[red]x[blink]\\x0a:smiley:<i>.xml:1:" in lines[1]


def test_pytest_item_names_are_printable(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    made = _hostile_tree(corpus)
    project = tmp_path / "project"
    project.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--collect-only", "-q",
         "--corpus", str(corpus), "--adapter", "lxml"],
        cwd=project, capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    items = [line for line in done.stdout.splitlines() if "::" in line]
    assert len(items) == len(made)
    for item in items:
        assert item.isprintable(), item
    names = {item.split("::", 1)[1] for item in items}
    for case_id in made:
        assert f"{corpus.name}/{case_id}[lxml]" in names


# --- helpers ------------------------------------------------------------------------------------


def _strings(value: Any, where: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield f"{where}/{key}", key
            yield from _strings(item, f"{where}/{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{where}/{index}")


def _cells(line: str) -> list[str]:
    """A table row split as GitHub splits it: at every ``|`` not escaped by a backslash."""
    cells, current, escaped = [], "", False
    for char in line.strip():
        if escaped:
            current += char
            escaped = False
        elif char == "\\":
            current += char
            escaped = True
        elif char == "|":
            cells.append(current)
            current = ""
        else:
            current += char
    cells.append(current)
    return cells[1:-1]  # before the first and after the last pipe: nothing


def _assert_tables_are_whole(text: str, name: str) -> None:
    """Every row of every table has as many cells as its header, in the file and rendered."""
    width = 0
    for line in text.splitlines():
        if not line.startswith("|"):
            width = 0
            continue
        if width == 0:
            width = len(_cells(line))
            continue
        assert len(_cells(line)) == width, (name, line)
    html = _markdown().render(text)
    for table in re.findall(r"<table>.*?</table>", html, flags=re.S):
        heads = len(re.findall(r"<th[ >]", table))
        for row in re.findall(r"<tbody>.*?</tbody>", table, flags=re.S):
            for cells in re.findall(r"<tr>(.*?)</tr>", row, flags=re.S):
                assert len(re.findall(r"<td[ >]", cells)) == heads, (name, cells)


def _unhtml(fragment: str) -> str:
    import html

    return html.unescape(re.sub(r"</?code>", "", fragment))
