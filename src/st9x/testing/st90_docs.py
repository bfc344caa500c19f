"""The generated parts of ``docs/st90.md``: the compatibility matrix of the ``st90-apis`` corpus
(the fixtures and the reference API, static and live) and the Spectral comparison on the same
documents, written between markers so the page's figures are the ones a user gets.

``python -m st9x.testing.st90_docs --update docs/st90.md`` rewrites both parts (the Spectral
part only where Spectral is installed; otherwise it is left as it is and said so);
``tests/st90/test_st90_docs.py`` checks the matrix on every run and the Spectral part where
Spectral is found (CI installs it).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import orjson

from st9x.cli import main as st9x_main
from st9x.corpus.load import embedded_corpora_dir
from st9x.report.st90 import render_st90
from st9x.testing.spectral import SpectralError, find_spectral, render, run_comparison

MATRIX = ("<!-- st90-matrix:begin (python -m st9x.testing.st90_docs --update docs/st90.md) -->",
          "<!-- st90-matrix:end -->")
SPECTRAL = ("<!-- st90-spectral:begin (python -m st9x.testing.st90_docs --update docs/st90.md) "
            "-->", "<!-- st90-spectral:end -->")


def corpus() -> Path:
    return embedded_corpora_dir() / "st90-apis"


def matrix_markdown(out: Path | None = None) -> str:
    """The matrix of ``st9x run`` on the st90-apis corpus (run into ``out``, or a temporary
    folder), with the project's ledger."""
    with tempfile.TemporaryDirectory(prefix="st9x-st90-docs-") as scratch:
        folder = out or Path(scratch)
        code = st9x_main(["run", "--quiet", "--converter", "none", "--corpus", str(corpus()),
                          "--out", str(folder)])
        if code != 0:
            raise RuntimeError(f"st9x run on {corpus()} exited {code}")
        document = orjson.loads((folder / "st90-matrix.json").read_bytes())
    return shift_headings(render_st90(document), 2)


def shift_headings(text: str, levels: int) -> str:
    """``text`` with every Markdown heading ``levels`` deeper, to sit inside a page's section."""
    return "\n".join("#" * levels + line if line.startswith("#") else line
                     for line in text.splitlines()) + "\n"


def spectral_markdown() -> str:
    """The comparison on the corpus's documents, named relative to the project."""
    root = corpus().parent.parent
    folder = corpus() / "openapi"
    try:
        shown = folder.relative_to(Path.cwd())
    except ValueError:
        shown = folder
    text = render(run_comparison([shown]))
    return text.replace(str(root) + "/", "")


def between(text: str, marks: tuple[str, str]) -> str:
    """What ``text`` holds between the two markers (ValueError when they are missing)."""
    begin, end = marks
    start = text.index(begin) + len(begin)
    return text[start:text.index(end, start)].strip("\n")


def replace(text: str, marks: tuple[str, str], body: str) -> str:
    begin, end = marks
    start = text.index(begin) + len(begin)
    stop = text.index(end, start)
    return text[:start] + "\n" + body.strip("\n") + "\n" + text[stop:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m st9x.testing.st90_docs",
        description="Rewrite the generated parts of docs/st90.md: the compatibility matrix of "
        "the st90-apis corpus and the Spectral comparison.")
    parser.add_argument("--update", type=Path, required=True, metavar="FILE")
    args = parser.parse_args(argv)
    text = args.update.read_text(encoding="utf-8")
    text = replace(text, MATRIX, matrix_markdown())
    if find_spectral() is None:
        print("st90_docs: Spectral not installed: its comparison is left as it is",
              file=sys.stderr)
    else:
        try:
            text = replace(text, SPECTRAL, spectral_markdown())
        except SpectralError as exc:
            print(f"st90_docs: {exc}", file=sys.stderr)
            return 2
    args.update.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
