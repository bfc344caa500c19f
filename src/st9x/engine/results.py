"""Results as JSON Lines: a header, one record per case × adapter, a footer.

Each record is written and flushed as soon as it is known, so an interrupted run still leaves
every finished record on disk in a file any JSON Lines reader can take. The format is described
by ``st9x/formats/results.schema.json``; :func:`read_results` checks files against it.
"""

from __future__ import annotations

import hashlib
import platform
import sys
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import orjson
from lxml import etree

from st9x import __version__, formats
from st9x.adapters.base import Adapter
from st9x.corpus.model import Corpus
from st9x.errors import FormatError

RESULTS_FORMAT = "st9x-results/1"
LIBRARIES = (
    "lxml",
    "xmlschema",
    "elementpath",
    "jsonschema",
    "referencing",
    "fastjsonschema",
    "jsonschema-rs",
    "orjson",
)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def library_versions() -> dict[str, str]:
    out = {}
    for name in LIBRARIES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    out["libxml2"] = ".".join(map(str, etree.LIBXML_VERSION))
    return out


def corpus_fingerprint(corpus: Corpus) -> dict[str, Any]:
    """The corpus's identity in the header: its manifest hash and a hash over every file's
    relative path and content, so two result files can be told to come from the same data."""
    digest = hashlib.sha256()
    files = 0
    for path in sorted(p for p in corpus.root.rglob("*") if p.is_file()):
        rel = path.relative_to(corpus.root).as_posix()
        digest.update(rel.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
        files += 1
    manifest_sha = (
        hashlib.sha256(corpus.manifest.read_bytes()).hexdigest() if corpus.manifest else None
    )
    return {
        "id": corpus.id,
        "path": str(corpus.root),
        "title": corpus.title,
        "manifest_sha256": manifest_sha,
        "tree_sha256": digest.hexdigest(),
        "files": files,
        "cases": len(corpus.cases),
        "notes": list(corpus.notes),
    }


def make_header(
    corpora: Iterable[Corpus], adapters: Mapping[str, Adapter], selection: Mapping[str, Any]
) -> dict[str, Any]:
    return {
        "type": "header",
        "format": RESULTS_FORMAT,
        "tool": {"name": "st9x", "version": __version__},
        "started": now(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "libraries": library_versions(),
        "adapters": [adapters[name].info().as_json() for name in sorted(adapters)],
        "corpora": [corpus_fingerprint(c) for c in corpora],
        "selection": dict(selection),
    }


class ResultsWriter:
    """Appends records to a JSON Lines file, flushing each, and closes it with a footer."""

    def __init__(self, path: Path, header: Mapping[str, Any]) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file: IO[bytes] = path.open("wb")
        self._count = 0
        self._write(header)

    def _write(self, document: Mapping[str, Any]) -> None:
        self._file.write(orjson.dumps(document) + b"\n")
        self._file.flush()

    def write(self, record: Mapping[str, Any]) -> None:
        self._write(record)
        self._count += 1

    def close(self, *, interrupted: bool = False, seconds: float | None = None) -> None:
        if self._file.closed:
            return
        self._write(
            {
                "type": "footer",
                "finished": now(),
                "records": self._count,
                "interrupted": interrupted,
                "seconds": seconds,
            }
        )
        self._file.close()

    def __enter__(self) -> ResultsWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close(interrupted=kind is not None)


def iter_results(path: Path, *, check: bool = True) -> Iterator[dict[str, Any]]:
    """Read a results file line by line, checking each line against the results format."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise FormatError(f"cannot read: {exc.strerror or exc}", path=path) from None
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                document = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise FormatError(f"not valid JSON: {exc.msg}", path=path, line=number) from None
            if check:
                try:
                    formats.check("results", document, path=path)
                except FormatError as exc:
                    raise FormatError(exc.message, path=path, line=number) from None
            yield document


def read_results(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any] | None]:
    header: dict[str, Any] | None = None
    footer = None
    records = []
    for document in iter_results(path):
        kind = document["type"]
        if kind == "header":
            header = document
        elif kind == "footer":
            footer = document
        else:
            records.append(document)
    if header is None:
        raise FormatError("no header line", path=path)
    return header, records, footer
