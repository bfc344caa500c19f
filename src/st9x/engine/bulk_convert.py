"""Bulk conversion: a bag's records to JSON Lines and JSON Lines back to a bag's records, chunk
by chunk, in bounded memory.

The unit of work is a picklable task (:class:`XmlChunkTask`: a byte range of a bag that starts
at a record; :class:`JsonChunkTask`: a byte range of a JSON Lines file that starts at a line)
and a top-level function of it, so the same work runs in this process, in a process pool or on
a Dask cluster (:mod:`st9x.engine.chunked`), and each process compiles the schema once
(:func:`compiled_mapper`). A chunk's output is the bytes the one writer appends as they are, in
chunk order, so the output is the same whichever runner did the work.

Each record is converted as a document of its own whose root is the record element: every JSON
line stands alone (and converts back alone), and every record written back to a bag is the
record as :meth:`~st9x.st97.mapper.Mapper.to_xml` builds it, without the namespace declarations
the bag's root already makes. A record that cannot be converted becomes a
:class:`RecordFailure` (where it is and why) and the others are converted as usual.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from st9x.corpus.bag import BagLayout, Chunk, iter_records
from st9x.corpus.jsonlines import LineChunk, iter_lines
from st9x.errors import St9xError, UsageError, one_line
from st9x.st97 import jsonio
from st9x.st97.compiler import compile_schema
from st9x.st97.mapper import Mapper

#: The prefix given to the bag root's namespace when the converter declares none for it.
BAG_PREFIX = "bag"


@dataclass(frozen=True)
class ConvertSubject:
    """What every chunk of one job shares: the schema, the record element (the root each
    record is converted as) and the converter's profile, options and dialect."""

    schema: Path
    record: str  # {ns}Local, prefix:Local or Local, as compile_schema reads a root
    profile: str = "st97-v2"
    options: tuple[tuple[str, str], ...] = ()
    dialect: str = "2020-12"


@dataclass(frozen=True)
class RecordFailure:
    """A record (a bag's record or a JSON line) that could not be converted, and where it is:
    its index among the input's records, its byte offset and its line in the input."""

    index: int
    offset: int
    line: int
    message: str

    def as_json(self) -> dict[str, Any]:
        return {"index": self.index, "offset": self.offset, "line": self.line,
                "message": self.message}


@dataclass(frozen=True)
class XmlChunkTask:
    """One chunk of a bag to convert to JSON Lines."""

    subject: ConvertSubject
    layout: BagLayout
    chunk: Chunk


@dataclass(frozen=True)
class JsonChunkTask:
    """One chunk of a JSON Lines file to convert to a bag's records under ``root`` (a Clark
    name, a prefixed name in the converter's prefixes, or a local name in the record's
    namespace)."""

    subject: ConvertSubject
    path: Path
    chunk: LineChunk
    root: str


@dataclass(frozen=True)
class ConvertedChunk:
    """What one chunk gave: the bytes to append (one line per converted record), how many
    records it held and converted, and the failures, in record order. For JSON → XML,
    ``open_tag``/``close_tag`` are the bag root's tags the records were written under (None
    when the chunk converted nothing)."""

    number: int
    data: bytes
    records: int
    size: int
    failures: tuple[RecordFailure, ...] = ()
    open_tag: bytes | None = None
    close_tag: bytes | None = None

    @property
    def converted(self) -> int:
        return self.records - len(self.failures)


_MAPPERS: dict[ConvertSubject, Mapper] = {}


def compiled_mapper(subject: ConvertSubject) -> Mapper:
    """The subject's converter, compiled once per process (a pool's or a cluster's worker
    compiles the schema the first time it needs it and reuses it for every later chunk)."""
    found = _MAPPERS.get(subject)
    if found is None:
        try:
            compilation = compile_schema(
                subject.schema, root=subject.record, profile=subject.profile,
                options=dict(subject.options), dialect=subject.dialect,
            )
        except ValueError as exc:  # an unknown option: the command line's fault
            raise UsageError(one_line(str(exc))) from None
        found = _MAPPERS[subject] = Mapper(compilation)
    return found


def xml_chunk_to_jsonl(task: XmlChunkTask) -> ConvertedChunk:
    """Every record of the chunk as one line of ST.97 JSON; picklable in and out."""
    mapper = compiled_mapper(task.subject)
    layout = task.layout
    lines: list[bytes] = []
    failures: list[RecordFailure] = []
    records = 0
    for raw in iter_records(layout, task.chunk):
        records += 1
        try:
            element = layout.parse(raw)
            lines.append(jsonio.dumps(mapper.to_json(element)))
        except St9xError as exc:
            line = exc.line if exc.path else layout.line_in_bag(raw, exc.line)
            failures.append(RecordFailure(raw.index, raw.offset, line or raw.line,
                                          one_line(exc.message)))
        except Exception as exc:  # a converter bug must not stop the other records
            failures.append(RecordFailure(raw.index, raw.offset, raw.line,
                                          f"the converter crashed: {one_line(repr(exc))}"))
    lines.append(b"")
    return ConvertedChunk(task.chunk.number, b"\n".join(lines), records, task.chunk.size,
                          tuple(failures))


def jsonl_chunk_to_xml(task: JsonChunkTask) -> ConvertedChunk:
    """Every line of the chunk as one record of the bag (one line of XML each). Failures are
    numbered within the chunk (``index`` from 0): the writer, which sees the chunks in order,
    numbers them in the file."""
    mapper = compiled_mapper(task.subject)
    out: list[bytes] = []
    failures: list[RecordFailure] = []
    records = 0
    wrapper: _Wrapper | None = None
    for line, offset, text in iter_lines(task.path, task.chunk):
        records += 1
        try:
            element = mapper.to_xml(_load_line(text))
        except St9xError as exc:
            failures.append(RecordFailure(records - 1, offset, line, one_line(exc.message)))
            continue
        except Exception as exc:
            failures.append(RecordFailure(records - 1, offset, line,
                                          f"the converter crashed: {one_line(repr(exc))}"))
            continue
        if wrapper is None:
            wrapper = _Wrapper.around(element, task.root)
        out.append(wrapper.serialise(element))
    return ConvertedChunk(
        task.chunk.number, b"".join(out), records, task.chunk.size, tuple(failures),
        wrapper.open_tag if wrapper else None, wrapper.close_tag if wrapper else None,
    )


def _load_line(text: bytes) -> Any:
    try:
        return jsonio.loads(text)
    except ValueError as exc:  # JSONDecodeError, or bytes that are not UTF-8
        raise St9xError(f"not JSON: {exc}") from None
    except RecursionError:
        raise St9xError("not JSON st9x can read: nested too deeply") from None


@dataclass(frozen=True)
class _Wrapper:
    """The bag's root element, declaring the converter's prefixes: a record serialised inside
    it leaves out the declarations the root makes, and the root's own tags are cut off."""

    element: Any
    open_tag: bytes
    close_tag: bytes

    @classmethod
    def around(cls, record: Any, root: str) -> _Wrapper:
        nsmap = dict(record.nsmap)  # to_xml declares the converter's prefixes on the record
        tag = _root_tag(root, nsmap, etree.QName(record).namespace)
        element = etree.Element(tag, nsmap=nsmap)
        element.text = "\n"
        whole = etree.tostring(element, encoding="utf-8")
        cut = whole.rindex(b"</")
        return cls(element, whole[:cut], whole[cut:] + b"\n")

    def serialise(self, record: Any) -> bytes:
        self.element.append(record)  # lxml drops the record's declarations the root makes
        whole = etree.tostring(self.element, encoding="utf-8")
        self.element.remove(record)
        return whole[len(self.open_tag) : -len(self.close_tag) + 1] + b"\n"


def _root_tag(root: str, nsmap: dict[str | None, str], record_ns: str | None) -> str:
    """The root's Clark name; a namespace the converter declares no prefix for gets one."""
    if root.startswith("{"):
        namespace, local = etree.QName(root).namespace, etree.QName(root).localname
    elif ":" in root:
        prefix, local = root.split(":", 1)
        if prefix not in nsmap:
            raise UsageError(f"--root {root}: the converter declares no prefix {prefix!r} "
                             f"(it declares {', '.join(sorted(p for p in nsmap if p))})")
        namespace = nsmap[prefix]
    else:
        namespace, local = record_ns, root
    if namespace and namespace not in nsmap.values():
        taken = set(nsmap)
        prefix = next(f"{BAG_PREFIX}{n or ''}" for n in range(len(taken) + 1)
                      if f"{BAG_PREFIX}{n or ''}" not in taken)
        nsmap[prefix] = namespace
    return f"{{{namespace}}}{local}" if namespace else local
