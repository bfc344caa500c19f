"""Results as JSON Lines: a header, one record per task, a footer. One writer, one reader and
one resume path for every kind of record.

A run writes two such files: ``results.jsonl`` (validation records, format
``st9x/formats/results.schema.json``) and ``conversions.jsonl`` (converter records,
``conversions.schema.json``). Each record is written as soon as it is known, so an interrupted
run still leaves every finished record on disk in a file any JSON Lines reader can take.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import platform
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from types import TracebackType
from typing import Any

import orjson
from lxml import etree

from st9x import __version__, formats
from st9x.corpus.model import Corpus
from st9x.engine.records import Header, Record
from st9x.engine.validation import file_sha256
from st9x.errors import FormatError, OutputError, crash_message
from st9x.filelimit import oversize
from st9x.subjects.converters.base import Converter
from st9x.subjects.validators.base import Adapter
from st9x.text import writable

RESULTS_FORMAT = "st9x-results/1"
CONVERSIONS_FORMAT = "st9x-conversions/1"
RESULTS_NAME = "results.jsonl"
CONVERSIONS_NAME = "conversions.jsonl"
LINT_FORMAT = "st9x-lint/1"
LINT_NAME = "lint.jsonl"
# the record types of each format (its JSON Schema is st9x/formats/<format>.schema.json)
RECORD_TYPES: dict[str, frozenset[str]] = {
    "results": frozenset({"record"}),
    "conversions": frozenset({"schema", "case"}),
    "lint": frozenset({"lint"}),
}
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
    relative path and content, so two result files can be told to come from the same data.

    Symlinked directories are not entered, and only regular files that resolve inside the root
    are read, in chunks: this runs in the parent, which has no memory limit, so a symlink to a
    file outside (or to ``/dev/zero``, or a FIFO) counts by its name only (F4). Names are hashed
    as the bytes they are on disk (surrogate escapes), so a name that is not UTF-8 is no error.

    Nor is there a time-out yet: a file over st9x's size limit (:mod:`st9x.filelimit`) counts by
    its name and size, unread, and a note in the header says so; a terabyte (a sparse file costs
    nothing to make) would otherwise be hashed for an hour before the first case runs.
    """
    digest = hashlib.sha256()
    files = 0
    notes: list[str] = []
    root = corpus.root.resolve()
    found: list[Path] = []
    for directory, _dirs, names in os.walk(corpus.root):
        found += [Path(directory) / name for name in names]
    for path in sorted(found):
        rel = path.relative_to(corpus.root).as_posix().encode("utf-8", "surrogateescape")
        try:
            target = path.resolve()
        except (OSError, RuntimeError):
            target = None
        inside = target is not None and (target == root or root in target.parents)
        big = oversize(path) if inside else None
        if big:
            try:
                size = os.stat(path).st_size
            except OSError:
                size = -1
            digest.update(rel + b"\0size " + str(size).encode())
            notes.append(f"{writable(rel.decode('utf-8', 'surrogateescape'))}: not hashed: {big}")
            files += 1
            continue
        sha = file_sha256(path) if inside else None
        if sha is None and not path.is_symlink():
            continue  # not a regular file (a FIFO, a socket): as before, not part of the tree
        digest.update(rel + b"\0" + (bytes.fromhex(sha) if sha else b"outside"))
        files += 1
    manifest_sha = file_sha256(corpus.manifest) if corpus.manifest else None
    return {
        "id": corpus.id,
        "path": str(corpus.root),
        "title": corpus.title,
        "manifest_sha256": manifest_sha,
        "tree_sha256": digest.hexdigest(),
        "files": files,
        "cases": len(corpus.cases),
        "notes": [*corpus.notes, *notes],
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


def make_conversion_header(
    converters: Mapping[str, Converter],
    corpora: Iterable[Corpus],
    json_adapters: Iterable[str],
    xsd_adapter: str | None,
    json_judges: Iterable[str] = (),
) -> Header:
    infos = []
    for name in sorted(converters):
        try:
            infos.append(converters[name].info().as_json())
        except Exception as exc:
            infos.append({"name": name, "error": crash_message(name, exc)})
    return {
        "type": "header", "format": CONVERSIONS_FORMAT,
        "tool": {"name": "st9x", "version": __version__}, "started": now(),
        "converters": infos,
        "corpora": [{"id": c.id, "path": str(c.root)} for c in corpora],
        "json_adapters": sorted(json_adapters),
        "json_judges": list(json_judges),
        "xsd_adapter": xsd_adapter,
    }


def linter_json(linter: Any) -> dict[str, Any]:
    """A linter as a lint header lists it: its info and every rule of its table with what a
    report says of it, so a report can be built from the results alone."""
    try:
        info = linter.info().as_json()
    except Exception as exc:
        return {"name": linter.name, "error": crash_message(linter.name, exc), "rules": []}
    rules = [{"id": r.id, "title": r.title, "severity": str(r.severity),
              "category": r.category, "source": r.source, "standard_rule": r.standard_rule}
             for r in linter.rules()]
    return {**info, "schema_kind": linter.schema_kind, "rules": rules}


def config_json(config: Any) -> dict[str, Any]:
    """The lint configuration a run applied: its file, rules switched off, suppressions, and the
    ST.90 chapters chosen not applicable (the compatibility matrix is folded from these)."""
    return {
        "path": str(config.path) if config.path else None,
        "disabled": list(config.disabled),
        "suppressions": [
            {"index": s.index, "rule": s.rule, "path": s.path, "location": s.location,
             "reason": s.reason, "line": s.line}
            for s in config.suppressions
        ],
        "not_applicable": [
            {"path": n.path, "chapter": n.chapter, "reason": n.reason, "source": n.source,
             "line": n.line}
            for n in getattr(config, "not_applicable", ())
        ],
    }


def make_lint_header(linters: Mapping[str, Any], corpora: Iterable[Corpus], config: Any,
                     rules: Iterable[str] | None = None) -> Header:
    return {
        "type": "header", "format": LINT_FORMAT,
        "tool": {"name": "st9x", "version": __version__}, "started": now(),
        "linters": [linter_json(linters[name]) for name in sorted(linters)],
        "corpora": [{"id": c.id, "path": str(c.root)} for c in corpora],
        "config": config_json(config),
        "selected_rules": None if rules is None else sorted(rules),
    }


class ResultsWriter:
    """Appends records to a JSON Lines file and closes it with a footer.

    Each line goes to the file in one ``write`` on a descriptor opened for appending, so the
    file holds every finished record at any moment; a write that fails (a full disk) is undone
    back to the last whole line and reported, so what is on disk stays valid JSON Lines.
    """

    def __init__(
        self, path: Path, header: Mapping[str, Any] | None, *, append: bool = False
    ) -> None:
        self.path = path
        self._count = 0
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | (0 if append else os.O_TRUNC)
            self._fd: int | None = os.open(path, flags, 0o644)
        except OSError as exc:
            raise OutputError(f"cannot write results: {exc.strerror or exc}", path=path) from None
        if header is not None:
            self._write(header)

    def _write(self, document: Mapping[str, Any]) -> None:
        assert self._fd is not None, "results file already closed"
        try:
            line = orjson.dumps(document) + b"\n"
        except TypeError:
            # a string orjson refuses (a lone surrogate from a file name that is not UTF-8) must
            # not end the run: write it escaped (F2)
            line = orjson.dumps(writable(document)) + b"\n"
        offset = os.lseek(self._fd, 0, os.SEEK_END)
        try:
            written = os.write(self._fd, line)
            if written != len(line):
                raise OSError(errno.ENOSPC, "short write")
        except OSError as exc:
            os.ftruncate(self._fd, offset)
            raise OutputError(
                f"cannot write results ({exc.strerror or exc}); the {self._count} records "
                "written before are kept",
                path=self.path,
            ) from None

    def write(self, record: Mapping[str, Any]) -> None:
        self._write(record)
        self._count += 1

    @property
    def count(self) -> int:
        return self._count

    def close(
        self, *, interrupted: bool = False, seconds: float | None = None, **extra: Any
    ) -> None:
        if self._fd is None:
            return
        try:
            self._write(
                {
                    "type": "footer",
                    "finished": now(),
                    "records": self._count,
                    "interrupted": interrupted,
                    "seconds": seconds,
                    **extra,
                }
            )
        finally:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> ResultsWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._fd is not None:
            # the error that brought us here is the one to report, not a failing footer
            with contextlib.suppress(OutputError):
                self.close(interrupted=kind is not None)


@dataclass(frozen=True)
class Interrupted:
    """What an interrupted results file holds, read but not yet touched: its header, every whole
    record with the line it stands on, and how many bytes those whole lines take (what
    :func:`cut_to_whole` keeps)."""

    header: dict[str, Any]
    records: list[tuple[int, Record]]
    whole: int
    header_line: int = 1


def read_interrupted(path: Path, kind: str = "results") -> Interrupted:
    """Read an interrupted results file of format ``kind`` (``results`` or ``conversions``) for
    resuming: the header and every whole record, each checked against the format; the footer and
    a last line that was half written are left aside. Nothing is written here, so that a file
    refused later (a foreign or duplicated record) is left as it was."""
    wanted = RECORD_TYPES[kind]
    header: dict[str, Any] | None = None
    header_line = 1
    records: list[tuple[int, Record]] = []
    good = 0
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise OutputError(f"cannot resume: {exc.strerror or exc}", path=path) from None
    offset = 0
    lines = data.split(b"\n")
    for number, line in enumerate(lines, start=1):
        end = offset + len(line) + 1
        if line.strip():
            try:
                document = orjson.loads(line)
            except orjson.JSONDecodeError:
                if any(rest.strip() for rest in lines[number:]):
                    raise FormatError(
                        "not valid JSON in the middle of the file", path=path, line=number
                    ) from None
                break  # a last line cut short by the interruption
            what = document.get("type") if isinstance(document, dict) else None
            if what == "header" and header is None:
                _check_line(kind, document, path, number)
                header, header_line = document, number
                good = end
            elif what in wanted:
                _check_line(kind, document, path, number)
                records.append((number, document))
                good = end
            elif what != "footer":
                raise FormatError(f"unexpected line of type {what!r}", path=path, line=number)
        offset = end
    if header is None:
        raise FormatError("no header line: nothing to resume", path=path)
    return Interrupted(header, records, min(good, len(data)), header_line)


def cut_to_whole(path: Path, interrupted: Interrupted) -> None:
    """Cut the footer and a half-written last line off a file read by
    :func:`read_interrupted`, so that records can be appended after its whole ones."""
    try:
        with path.open("r+b") as handle:
            handle.truncate(interrupted.whole)
    except OSError as exc:
        raise OutputError(f"cannot resume: {exc.strerror or exc}", path=path) from None


def _check_line(kind: str, document: Any, path: Path, number: int) -> None:
    """One line against the format of its file, refused with the line it stands on."""
    try:
        formats.check(kind, document, path=path)
    except FormatError as exc:
        raise FormatError(exc.message, path=path, line=number) from None


def iter_numbered(
    path: Path, *, check: bool = True, kind: str = "results"
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Read a results file line by line, checking each line against its format; each document
    comes with the line it stands on, so that a later check can name it."""
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
                _check_line(kind, document, path, number)
            yield number, document


def iter_results(
    path: Path, *, check: bool = True, kind: str = "results"
) -> Iterator[dict[str, Any]]:
    """Read a results file line by line, checking each line against its format."""
    for _, document in iter_numbered(path, check=check, kind=kind):
        yield document


def read_numbered(
    path: Path, kind: str = "results"
) -> tuple[dict[str, Any], list[tuple[int, Any]], dict[str, Any] | None]:
    """Header, records with their line numbers, and footer (None when the run was cut short)
    of a results file."""
    header: dict[str, Any] | None = None
    footer = None
    records = []
    for number, document in iter_numbered(path, kind=kind):
        what = document["type"]
        if what == "header":
            header = document
        elif what == "footer":
            footer = document
        else:
            records.append((number, document))
    if header is None:
        raise FormatError("no header line", path=path)
    return header, records, footer


def read_results(
    path: Path, kind: str = "results"
) -> tuple[dict[str, Any], list[Any], dict[str, Any] | None]:
    """Header, records and footer (None when the run was cut short) of a results file."""
    header, records, footer = read_numbered(path, kind)
    return header, [record for _, record in records], footer
