"""``bulk.jsonl``: the one file a bulk validation writes, and the identity of what judged it.

The file is written by one writer in the main process, in record order, a chunk at a time and
flushed after each, so an interrupted run leaves every finished chunk's records (and at worst a
cut last line) for the next run to reuse. Its lines follow the ``bulk`` format
(:mod:`st9x.formats`): a header naming the adapter, the schema's digest and the record element
(the three things a reused result depends on), one line per record, and a footer written only
when the run finished.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import orjson

from st9x import __version__
from st9x.errors import OutputError

FORMAT = "st9x-bulk/1"
RESULTS_NAME = "bulk.jsonl"


@dataclass(frozen=True)
class JobIdentity:
    """What a record's verdict depends on besides its bytes: a result of an earlier run is
    reused only when all of these are the same."""

    adapter: str
    library: str
    version: str
    schema_sha256: str
    record: str | None

    def matches(self, header: dict[str, Any]) -> bool:
        adapter = header["adapter"]
        return (
            adapter["name"], adapter["library"], adapter["version"],
            header["schema"]["sha256"], header["record"],
        ) == (self.adapter, self.library, self.version, self.schema_sha256, self.record)


def schema_digest(files: list[Path]) -> str:
    """SHA-256 over every file the schema reaches (its includes and imports too, in a stable
    order, each with its name), so an edit to any of them invalidates earlier results."""
    digest = hashlib.sha256()
    for path in sorted(files, key=lambda p: (p.name, str(p))):
        digest.update(path.name.encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class Totals:
    """The running counts the footer and the summary report."""

    counts: Counter[str] = field(default_factory=Counter)
    records: int = 0
    kept: int = 0
    bytes: int = 0
    started: float = field(default_factory=time.perf_counter)

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started

    def rates(self) -> tuple[float, float]:
        """Records per second and MB (10^6 bytes of input) per second so far."""
        seconds = max(self.seconds, 1e-9)
        return self.records / seconds, self.bytes / 1e6 / seconds

    def as_footer(self) -> dict[str, Any]:
        records_per_s, mb_per_s = self.rates()
        return {
            "kind": "footer",
            "counts": dict(sorted(self.counts.items())),
            "records": self.records,
            "kept": self.kept,
            "bytes": self.bytes,
            "seconds": round(self.seconds, 3),
            "records_per_s": round(records_per_s, 1),
            "mb_per_s": round(mb_per_s, 2),
            "finished": _now(),
        }


class BulkWriter:
    """Writes ``bulk.jsonl`` line by line; a chunk's lines are flushed together."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._handle: IO[bytes] = path.open("wb")
        except OSError as exc:
            raise OutputError(f"cannot write: {exc.strerror or exc}", path=path) from None

    def header(self, identity: JobIdentity, schema_shown: str, schema_files: int,
               inputs: list[str]) -> None:
        self.line({
            "kind": "header",
            "format": FORMAT,
            "st9x": __version__,
            "adapter": {"name": identity.adapter, "library": identity.library,
                        "version": identity.version},
            "schema": {"path": schema_shown, "sha256": identity.schema_sha256,
                       "files": schema_files},
            "record": identity.record,
            "inputs": inputs,
            "started": _now(),
        })
        self.flush()

    def line(self, document: dict[str, Any]) -> None:
        try:
            self._handle.write(orjson.dumps(document) + b"\n")
        except OSError as exc:
            raise OutputError(f"cannot write: {exc.strerror or exc}", path=self.path) from None

    def flush(self) -> None:
        self._handle.flush()

    def close(self) -> None:
        self._handle.close()
