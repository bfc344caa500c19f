"""Resuming a bulk validation: what earlier runs in the same output directory already judged.

A rerun moves the existing ``bulk.jsonl`` aside (``bulk.jsonl.previous-N``) and reads it, and
any earlier ones left by interrupted reruns, as untrusted data: each line is checked against
the ``bulk`` format, a cut last line (a run killed mid-write) is dropped, any other broken line
is an error naming the file and line. A file whose header names another adapter, library
version, schema digest or record element is not reused (one note says so) and the run starts
afresh. Only where each record is kept in memory (its digest and the place of its line), never
the lines themselves, so resuming an archive of millions of records stays small; a kept record's
line is read back from its file when the writer reaches it. The old files are removed once a
run finishes.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson

from st9x.engine.bulk import RecordResult
from st9x.engine.bulk_results import RESULTS_NAME, JobIdentity
from st9x.errors import FormatError
from st9x.formats import check

#: A results line longer than this is not read (a record keeps at most --max-errors errors).
MAX_LINE = 64 << 20
_PREVIOUS = re.compile(re.escape(RESULTS_NAME) + r"\.previous-(\d+)$")


@dataclass(frozen=True)
class _Entry:
    digest: str
    file: int
    pos: int
    length: int


@dataclass
class Previous:
    """The records earlier runs judged, by file and byte offset."""

    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    _entries: dict[str, dict[int, _Entry]] = field(default_factory=dict)
    _sorted: dict[str, list[int]] = field(default_factory=dict)
    _handles: dict[int, IO[bytes]] = field(default_factory=dict)

    @property
    def records(self) -> int:
        return sum(len(by_offset) for by_offset in self._entries.values())

    def known(self, source: str, start: int = 0, end: int | None = None) -> dict[int, str]:
        """Offset → digest of the records of ``source`` starting in ``[start, end)``: what one
        chunk's task needs, not the whole index."""
        by_offset = self._entries.get(source)
        if not by_offset:
            return {}
        offsets = self._sorted.get(source)
        if offsets is None:
            offsets = self._sorted[source] = sorted(by_offset)
        lo = bisect.bisect_left(offsets, start)
        hi = len(offsets) if end is None else bisect.bisect_left(offsets, end)
        return {offset: by_offset[offset].digest for offset in offsets[lo:hi]}

    def line_for(self, record: RecordResult) -> dict[str, Any]:
        """The earlier line of a kept record, placed where the record is now (its index and
        line may have moved while its offset and bytes stayed the same)."""
        entry = self._entries[record.source][record.offset]
        handle = self._handles.get(entry.file)
        if handle is None:
            handle = self._handles[entry.file] = self.files[entry.file].open("rb")
        handle.seek(entry.pos)
        document: dict[str, Any] = orjson.loads(handle.read(entry.length))
        shift = record.line - document["line"]
        document["index"], document["line"] = record.index, record.line
        for error in document["errors"]:
            if "line" in error:
                error["line"] += shift
        return document

    def close(self) -> None:
        for handle in self._handles.values():
            handle.close()
        self._handles.clear()

    def remove(self) -> None:
        """Delete the earlier files once a run has written every record again."""
        self.close()
        for path in self.files:
            path.unlink(missing_ok=True)

    def _read(self, path: Path, identity: JobIdentity) -> None:
        number = len(self.files)
        self.files.append(path)
        with path.open("rb") as handle:
            header = None
            for line_number, pos, raw in _lines(handle):
                try:
                    document = orjson.loads(raw)
                    check("bulk", document, path=path)
                except (orjson.JSONDecodeError, FormatError) as exc:
                    if not raw.endswith(b"\n") and _at_end(handle):
                        return  # the cut last line of an interrupted run
                    message = exc.message if isinstance(exc, FormatError) else "not JSON"
                    raise FormatError(
                        f"{message} (remove the file to start afresh)", path=path,
                        line=line_number,
                    ) from None
                kind = document.get("kind")
                if header is None:
                    if kind != "header":
                        raise FormatError("the first line is not a bulk results header",
                                          path=path, line=line_number)
                    if not identity.matches(document):
                        self.notes.append(
                            f"{path}: judged with another adapter, schema or record element; "
                            "not reused, every record is judged afresh"
                        )
                        return
                    header = document
                elif kind is None:
                    self._entries.setdefault(document["source"], {})[document["offset"]] = (
                        _Entry(document["digest"], number, pos, len(raw))
                    )


def _lines(handle: IO[bytes]) -> Any:
    number, pos = 0, 0
    while True:
        raw = handle.readline(MAX_LINE)
        if not raw:
            return
        number += 1
        yield number, pos, raw
        pos += len(raw)


def _at_end(handle: IO[bytes]) -> bool:
    return handle.read(1) == b""


def load_previous(out: Path, identity: JobIdentity) -> Previous:
    """Move ``out/bulk.jsonl`` aside and index it with any files left by interrupted reruns
    (later files win for the same record)."""
    previous = Previous()
    numbered = sorted(
        (int(match.group(1)), path)
        for path in (out.iterdir() if out.is_dir() else ())
        if (match := _PREVIOUS.match(path.name))
    )
    for _, path in numbered:
        previous._read(path, identity)
    current = out / RESULTS_NAME
    if current.is_file():
        previous._read(current, identity)  # read in place: an error names the file as it was
        moved = out / f"{RESULTS_NAME}.previous-{(numbered[-1][0] + 1) if numbered else 1}"
        current.replace(moved)
        previous.files[-1] = moved
    return previous
