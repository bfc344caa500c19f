"""Bulk validation: a bag's records (or a tree's files) judged chunk by chunk, in bounded memory.

The unit of work is a :class:`ChunkTask`: one byte range of a bag (:mod:`st9x.corpus.bag`) or
one whole file. :func:`judge_chunk` is a plain top-level function of a picklable task, so the
same work runs in this process, in a process pool or on a Dask cluster
(:mod:`st9x.engine.chunked`), and each process compiles each schema once
(:func:`compiled_schema`). Every record gets a :class:`RecordResult`: where it is (index, byte
offset, line), a digest of its bytes (what resuming a run compares), its identifying element
(the application number, say), the verdict and the located errors. A record that does not
parse is ``errored`` on its own; the records after it are judged as usual.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from st9x.corpus.bag import BagLayout, Chunk, RawRecord, iter_records
from st9x.corpus.model import SchemaSpec
from st9x.errors import InstanceError, St9xError, UsageError, one_line
from st9x.subjects.validators.base import (
    Adapter,
    CompiledSchema,
    Outcome,
    Problem,
    RecordSchema,
    Unsupported,
    Verdict,
)

#: Elements that identify a record, in order of preference (ST.96 names, any namespace).
DEFAULT_ID_NAMES = (
    "ApplicationNumberText",
    "ST13ApplicationNumber",
    "RegistrationNumber",
    "PublicationNumber",
    "DocumentNumber",
)


@dataclass(frozen=True)
class BulkSubject:
    """What every chunk of one bulk job shares: the validator, the schema, how many errors a
    record keeps (0: all) and which elements identify a record."""

    adapter: Adapter
    schema: SchemaSpec
    max_errors: int = 20
    id_names: tuple[str, ...] = DEFAULT_ID_NAMES


@dataclass(frozen=True)
class ChunkTask:
    """One share of the work: a chunk of a bag (``layout`` and ``chunk`` set) or one whole file
    (both None). ``known`` maps the byte offsets of records already judged by an earlier run to
    their digests: a record whose bytes still have that digest is not judged again."""

    subject: BulkSubject
    source: str  # the file as shown in results
    path: Path
    layout: BagLayout | None = None
    chunk: Chunk | None = None
    known: Mapping[int, str] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, int]:
        """Unique within a job: the file and the chunk's number (0 for a whole file)."""
        return (self.source, self.chunk.number if self.chunk else 0)


@dataclass(frozen=True)
class RecordResult:
    """The verdict on one record (or one whole file: index 0, offset 0). ``kept`` marks a
    record an earlier run judged with the same schema and the same bytes: its earlier result
    stands and the caller takes it from there."""

    source: str
    index: int
    offset: int
    line: int
    length: int
    digest: str
    verdict: Verdict
    ident: str | None = None
    errors: tuple[Problem, ...] = ()
    error_count: int = 0
    kept: bool = False

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "source": self.source,
            "index": self.index,
            "offset": self.offset,
            "line": self.line,
            "length": self.length,
            "digest": self.digest,
            "id": self.ident,
            "verdict": str(self.verdict),
            "error_count": self.error_count,
            "errors": [problem.as_json() for problem in self.errors],
        }
        return out


@dataclass(frozen=True)
class ChunkResult:
    """Everything one task gave, in record order."""

    key: tuple[str, int]
    records: tuple[RecordResult, ...]
    bytes: int


def digest(data: bytes) -> str:
    """The digest resuming compares: BLAKE2b, 128 bits (fast, and collisions are not a
    concern for a cache of one's own results)."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


_COMPILED: dict[tuple[str, Path], CompiledSchema] = {}


def compiled_schema(subject: BulkSubject) -> CompiledSchema:
    """The subject's schema compiled by its adapter, once per process (a pool's or a Dask
    cluster's worker compiles each schema the first time it needs it, then reuses it)."""
    key = (subject.adapter.name, subject.schema.path)
    found = _COMPILED.get(key)
    if found is None:
        found = _COMPILED[key] = subject.adapter.compile(subject.schema)
    return found


def judge_chunk(task: ChunkTask) -> ChunkResult:
    """Judge every record of the task; picklable in and out, so any executor can run it."""
    if task.layout is None:
        record = _judge_file(task)
        return ChunkResult(task.key, (record,), record.length)
    records = tuple(_judge_records(task, task.layout))
    return ChunkResult(task.key, records, sum(r.length for r in records))


def _judge_records(task: ChunkTask, layout: BagLayout) -> Iterator[RecordResult]:
    for raw in iter_records(layout, task.chunk):
        sum_ = digest(raw.data)
        if task.known.get(raw.offset) == sum_:
            # kept: no schema is compiled for a chunk whose every record is kept
            yield RecordResult(task.source, raw.index, raw.offset, raw.line, raw.length, sum_,
                               Verdict.VALID, kept=True)
            continue
        compiled = compiled_schema(task.subject)
        if not isinstance(compiled, RecordSchema):
            raise UsageError(
                f"{task.subject.adapter.name} validates whole files only; a bag is validated "
                "record by record with lxml or xmlschema"
            )
        yield _judge_record(task, layout, compiled, raw, sum_)


def _judge_record(
    task: ChunkTask, layout: BagLayout, compiled: RecordSchema, raw: RawRecord, sum_: str
) -> RecordResult:
    where = (task.source, raw.index, raw.offset, raw.line, raw.length, sum_)
    try:
        element = layout.parse(raw)
    except InstanceError as exc:
        return RecordResult(
            *where, Verdict.ERRORED, errors=(Problem(exc.message, line=exc.line),), error_count=1
        )
    ident = _ident(element, task.subject.id_names)
    try:
        outcome = compiled.validate_element(element)
    except Unsupported as exc:
        return _errored(where, ident, f"unsupported: {one_line(str(exc))}")
    except Exception as exc:
        return _errored(where, ident, f"{task.subject.adapter.name} crashed: {exc!r}")
    return _result(where, ident, outcome, task.subject.max_errors, layout, raw)


def _result(
    where: tuple[str, int, int, int, int, str],
    ident: str | None,
    outcome: Outcome,
    max_errors: int,
    layout: BagLayout | None,
    raw: RawRecord | None,
) -> RecordResult:
    errors = outcome.errors if not max_errors else outcome.errors[:max_errors]
    if layout is not None and raw is not None:
        errors = tuple(
            Problem(p.message, p.location, layout.line_in_bag(raw, p.line)) for p in errors
        )
    return RecordResult(
        *where, outcome.verdict, ident, tuple(errors), outcome.error_count or len(errors)
    )


def _errored(where: tuple[str, int, int, int, int, str], ident: str | None,
             message: str, line: int | None = None) -> RecordResult:
    return RecordResult(
        *where, Verdict.ERRORED, ident, (Problem(message, line=line),), 1
    )


def _ident(element: etree._Element, names: tuple[str, ...]) -> str | None:
    for name in names:
        for found in element.iter(f"{{*}}{name}"):
            text = (found.text or "").strip()
            if text:
                return text[:200]
    return None


def _judge_file(task: ChunkTask) -> RecordResult:
    try:
        data = task.path.read_bytes()
    except OSError as exc:
        where = (task.source, 0, 0, 1, 0, "")
        return _errored(where, None, f"cannot read: {exc.strerror or exc}")
    where = (task.source, 0, 0, 1, len(data), digest(data))
    if task.known.get(0) == where[5]:
        return RecordResult(*where, Verdict.VALID, kept=True)
    try:
        outcome = compiled_schema(task.subject).validate(task.path)
    except (InstanceError, Unsupported) as exc:
        line = exc.line if isinstance(exc, St9xError) else None
        message = exc.message if isinstance(exc, St9xError) else f"unsupported: {exc}"
        return _errored(where, None, one_line(message), line)
    except St9xError:
        raise
    except Exception as exc:
        return _errored(where, None, f"{task.subject.adapter.name} crashed: {exc!r}")
    return _result(where, None, outcome, task.subject.max_errors, None, None)
