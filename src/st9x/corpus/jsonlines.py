"""JSON Lines files cut into byte-range chunks at line boundaries, in one streaming pass.

A JSON Lines file (one JSON document per line) is the bulk form of converted records. Workers
convert it chunk by chunk; every chunk starts just after a line feed, so no line is split, and
carries the number of its first line, so every worker reports lines exactly as one reader would.
The pass reads the file in blocks and only counts line feeds: memory stays at one block however
long the file or its lines are. A line longer than ``max_line`` bytes is refused, because a
worker holds its whole chunk in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from st9x.errors import InstanceError

#: Bytes read at a time by the planner.
READ_SIZE = 1 << 20
#: The longest line a chunk may hold (bytes); a longer one stops the plan with one error.
MAX_LINE = 64 << 20


@dataclass(frozen=True)
class LineChunk:
    """Lines ``first_line``… of a file, bytes ``start`` to ``end`` (``end`` is just after a line
    feed, or the end of the file)."""

    number: int
    start: int
    end: int
    first_line: int

    @property
    def size(self) -> int:
        return self.end - self.start


def plan_line_chunks(path: Path, chunk_bytes: int = 8 << 20,
                     max_line: int = MAX_LINE) -> Iterator[LineChunk]:
    """Chunks of about ``chunk_bytes`` (at least one line each), yielded as soon as known."""
    if chunk_bytes < 1:
        raise ValueError("chunk_bytes must be at least 1")
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InstanceError(f"cannot read: {exc.strerror or exc}", path=path) from None
    with handle:
        number, start, first_line = 0, 0, 1
        line = 1  # the line number at file offset ``counted``
        counted = 0
        pos = 0  # file offset of block[0]
        while block := handle.read(READ_SIZE):
            while True:
                nl = block.find(b"\n", max(start + chunk_bytes - 1 - pos, 0))
                if nl < 0:
                    break
                cut = pos + nl + 1
                line += block.count(b"\n", counted - pos, nl + 1)
                counted = cut
                _check_size(path, start, cut, first_line, chunk_bytes, max_line)
                yield LineChunk(number, start, cut, first_line)
                number, start, first_line = number + 1, cut, line
            line += block.count(b"\n", counted - pos)
            pos += len(block)
            counted = pos
            _check_size(path, start, pos, first_line, chunk_bytes, max_line)
        if pos > start:
            yield LineChunk(number, start, pos, first_line)


def _check_size(path: Path, start: int, end: int, first_line: int, chunk_bytes: int,
                max_line: int) -> None:
    """A chunk can only outgrow its target by its last line: past ``max_line`` more, that line
    is too long to hold."""
    if end - start > chunk_bytes + max_line:
        raise InstanceError(
            f"a line longer than the {max_line:,}-byte bound on a line starts at or after "
            f"byte {start}", path=path, line=first_line,
        )


def iter_lines(path: Path, chunk: LineChunk) -> Iterator[tuple[int, int, bytes]]:
    """``(line number, byte offset, line)`` for every non-blank line of the chunk (the line
    without its line feed)."""
    with path.open("rb") as handle:
        handle.seek(chunk.start)
        data = handle.read(chunk.size)
    line, offset = chunk.first_line, chunk.start
    for text in data.split(b"\n"):
        if text.strip():
            yield line, offset, text
        offset += len(text) + 1
        line += 1
