"""Bags: long documents of repeated records (a ``TrademarkBag`` of 100,000 trademarks), read
record by record in bounded memory, each record with its exact byte offset and line.

A bag is scanned at the byte level rather than by one ``iterparse`` of the whole document,
because three things come from the same scan: exact byte offsets (for per-record results and
for resuming a run), byte-range chunks (a worker starts reading at a record, not at the start of
the document) and memory bounded by one record. Each record is then parsed on its own by lxml
inside a one-line copy of the bag root's start tag (:meth:`BagLayout.parse`), so its namespace
prefixes resolve exactly as in the bag. The scan skips comments, CDATA sections and processing
instructions, so a record's tag written inside one of them is not taken for a record.

Bags are untrusted: a DOCTYPE is refused (nothing is read through a DTD), only UTF-8 is read, a
record larger than ``max_record`` bytes stops the scan with one error naming the file and offset,
and a record that does not parse is reported on its own while the scan goes on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from xml.sax.saxutils import quoteattr

from lxml import etree

from st9x.errors import InstanceError, one_line

#: Bytes read at a time.
READ_SIZE = 1 << 20
#: The largest record read (bytes); a larger one is refused rather than held in memory.
MAX_RECORD = 64 << 20
#: The bag root's start tag must begin within this many bytes of the file's start.
MAX_PROLOG = 1 << 20

_NAME = rb"[^\s/>=<!?\"']+"
_PROLOG_TOKEN = re.compile(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE|<(" + _NAME + rb")", re.DOTALL)
_TAG_END = re.compile(rb"(?:[^>\"']|\"[^\"]*\"|'[^']*')*>")
_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_SKIP_ENDS = {b"<!--": b"-->", b"<![CDATA[": b"]]>", b"<?": b"?>"}
_UTF8 = {"utf-8", "utf8", "us-ascii", "ascii"}
_BOM = b"\xef\xbb\xbf"


class BagError(InstanceError):
    """A bag that cannot be read record by record at all (not one broken record)."""


@dataclass(frozen=True)
class BagLayout:
    """What record-by-record reading needs to know of a bag: where its records are and how to
    parse one on its own."""

    path: Path
    size: int
    root: str  # Clark name of the bag's root element
    record: str  # Clark name of a record element
    record_names: tuple[bytes, ...]  # the record's qualified names as written in the bag
    wrapper_open: bytes  # the root's start tag on one line, declaring the root's namespaces
    wrapper_close: bytes
    body_offset: int  # the byte just after the root's start tag
    body_line: int  # the line of that byte

    @property
    def token(self) -> re.Pattern[bytes]:
        names = b"|".join(re.escape(name) for name in self.record_names)
        return re.compile(rb"<!--|<!\[CDATA\[|<\?|<(/?)(?:" + names + rb")(?=[\s/>])")

    def parse(self, raw: RawRecord) -> etree._Element:
        """The record as an element (a child of a copy of the bag root). A record that does not
        parse raises :class:`InstanceError` naming the bag and the line in the bag."""
        if raw.problem:
            raise InstanceError(raw.problem, path=self.path, line=raw.line)
        parser = etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
        )
        try:
            wrapper = etree.fromstring(self.wrapper_open + raw.data + self.wrapper_close, parser)
        except etree.XMLSyntaxError as exc:
            line = raw.line + (exc.lineno or 1) - 1
            raise InstanceError(
                f"record {raw.index} does not parse: {one_line(exc.msg)}", path=self.path,
                line=line,
            ) from None
        return wrapper[0]

    def line_in_bag(self, raw: RawRecord, line: int | None) -> int | None:
        """The bag's line of a line reported inside a parsed record (1 = the record's first)."""
        return None if line is None else raw.line + line - 1


@dataclass(frozen=True)
class RawRecord:
    """One record's bytes and where they are in the bag. ``problem`` says why a record cannot
    be parsed at all (it is not closed before the end of the file)."""

    index: int
    offset: int
    line: int
    data: bytes
    problem: str | None = None

    @property
    def length(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class Chunk:
    """A byte range of a bag that starts at a record: a worker's share. ``first_index`` and
    ``first_line`` are those of its first record, so workers number and place records exactly
    as one reader would."""

    number: int
    start: int
    end: int
    first_index: int
    first_line: int
    records: int
    #: The chunk's records as the planner read them, when it hands them on (a runner in this
    #: machine's memory: the worker then need not read and scan the range a second time); empty
    #: when the worker reads the range itself (a cluster reading the file where it lies).
    raw: tuple[RawRecord, ...] = field(default=(), compare=False, repr=False)

    @property
    def size(self) -> int:
        return self.end - self.start

    def without_records(self) -> Chunk:
        return replace(self, raw=())


def read_layout(path: Path, record: str | None = None) -> BagLayout:
    """Read the bag's prolog and root start tag, and decide which elements are its records.

    ``record`` is a Clark name (``{ns}Trademark``), a prefixed name as written in the bag
    (``tmk:Trademark``) or a local name in the root's namespace; by default the root's local name
    without its ``Bag`` ending (``TrademarkBag`` → ``Trademark``)."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(MAX_PROLOG)
    except OSError as exc:
        raise BagError(f"cannot read: {exc.strerror or exc}", path=path) from None
    start = len(_BOM) if head.startswith(_BOM) else 0
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BagError("only UTF-8 bags are read (this one is UTF-16)", path=path)
    declared = _ENCODING.match(head[start:])
    if declared and declared.group(1).decode("ascii").lower() not in _UTF8:
        raise BagError(
            f"only UTF-8 bags are read (this one declares {declared.group(1).decode()})",
            path=path,
        )
    pos = start
    while True:
        match = _PROLOG_TOKEN.search(head, pos)
        if match is None:
            raise BagError(
                f"no root element in the first {MAX_PROLOG >> 20} MiB", path=path,
                line=head.count(b"\n", 0, pos) + 1,
            )
        if match.group(0) == b"<!DOCTYPE":
            raise BagError(
                "a DOCTYPE is refused: bags are read without DTDs",
                path=path, line=head.count(b"\n", 0, match.start()) + 1,
            )
        if match.group(1) is not None:
            break
        pos = match.end()
    tag_start = match.start()
    tag_end = _TAG_END.match(head, match.end())
    if tag_end is None:
        raise BagError("the root's start tag is not closed", path=path,
                       line=head.count(b"\n", 0, tag_start) + 1)
    start_tag = head[tag_start : tag_end.end()]
    self_closed = start_tag.endswith(b"/>")
    probe = start_tag if self_closed else start_tag[:-1] + b"/>"
    try:
        root = etree.fromstring(probe, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise BagError(f"the root's start tag does not parse: {one_line(exc.msg)}", path=path,
                       line=head.count(b"\n", 0, tag_start) + 1) from None
    qname = match.group(1)
    root_ns = etree.QName(root).namespace
    record_ns, record_local = _record_name(record, root, path)
    names = _written_names(record_ns, record_local, root.nsmap, root_ns, path)
    wrapper = b"<" + qname + b"".join(
        (b" xmlns" + (b":" + prefix.encode() if prefix else b"") + b"="
         + quoteattr(uri).encode("utf-8"))
        for prefix, uri in root.nsmap.items()
    ) + b">"
    body = tag_end.end()
    return BagLayout(
        path=path,
        size=size,
        root=root.tag,
        record=f"{{{record_ns}}}{record_local}" if record_ns else record_local,
        record_names=names,
        wrapper_open=wrapper,
        wrapper_close=b"</" + qname + b">",
        body_offset=size if self_closed else body,
        body_line=head.count(b"\n", 0, body) + 1,
    )


def _record_name(record: str | None, root: etree._Element, path: Path) -> tuple[str | None, str]:
    root_name = etree.QName(root)
    if record is None:
        if not root_name.localname.endswith("Bag") or root_name.localname == "Bag":
            raise BagError(
                f"cannot tell the records of a {root_name.localname}: name them (--record)",
                path=path,
            )
        return root_name.namespace, root_name.localname[: -len("Bag")]
    if record.startswith("{"):
        name = etree.QName(record)
        return name.namespace, name.localname
    if ":" in record:
        prefix, local = record.split(":", 1)
        if prefix not in root.nsmap:
            raise BagError(f"the prefix of {record} is not declared on the bag's root", path=path)
        return root.nsmap[prefix], local
    return root_name.namespace, record


def _written_names(
    ns: str | None, local: str, nsmap: dict[str | None, str], root_ns: str | None, path: Path
) -> tuple[bytes, ...]:
    """The qualified names a record can be written with, from the prefixes the root declares
    (records that declare their own prefix are not recognised: say so rather than miss them)."""
    names = [
        (f"{prefix}:{local}" if prefix else local).encode()
        for prefix, uri in nsmap.items()
        if uri == ns
    ]
    if ns is None and None not in nsmap:
        names.append(local.encode())
    if not names:
        raise BagError(
            f"the record namespace {ns} is not declared on the bag's root element", path=path
        )
    return tuple(names)


def iter_records(layout: BagLayout, chunk: Chunk | None = None,
                 max_record: int = MAX_RECORD) -> Iterator[RawRecord]:
    """Every record of the bag (or of one chunk: the records that *start* in its range), in
    order, each with its index, byte offset and line."""
    if chunk is not None and chunk.raw:
        yield from chunk.raw
        return
    start = chunk.start if chunk else layout.body_offset
    end = chunk.end if chunk else layout.size
    index = chunk.first_index if chunk else 0
    line = chunk.first_line if chunk else layout.body_line
    token = layout.token
    with layout.path.open("rb") as handle:
        handle.seek(start)
        buf = handle.read(READ_SIZE)
        eof = len(buf) < READ_SIZE
        base = start  # file offset of buf[0]
        counted = 0  # lines are counted up to buf[counted]
        pos = 0
        record_at: int | None = None  # buffer index of the open record's "<"
        record_line = 0
        depth = 0
        while True:
            match = token.search(buf, pos)
            need_more = match is None
            if match is not None:
                text = match.group(0)
                if text in _SKIP_ENDS:
                    close = buf.find(_SKIP_ENDS[text], match.end())
                    if close < 0:
                        need_more = True
                    else:
                        pos = close + len(_SKIP_ENDS[text])
                        continue
                else:
                    tag_end = _TAG_END.match(buf, match.end())
                    if tag_end is None:
                        need_more = True
                    elif match.group(1):  # an end tag
                        pos = tag_end.end()
                        if depth:
                            depth -= 1
                            if depth == 0:
                                assert record_at is not None
                                if pos - record_at > max_record:
                                    raise _too_large(layout, index, base + record_at,
                                                     record_line, max_record)
                                yield RawRecord(index, base + record_at, record_line,
                                                buf[record_at:pos])
                                index += 1
                                record_at = None
                        continue
                    else:
                        if depth == 0:
                            if base + match.start() >= end:
                                return
                            record_at = match.start()
                            line += buf.count(b"\n", counted, record_at)
                            counted = record_at
                            record_line = line
                        pos = tag_end.end()
                        if buf[pos - 2 : pos] == b"/>":
                            if depth == 0:
                                yield RawRecord(index, base + record_at, record_line,
                                                buf[record_at:pos])  # type: ignore[index]
                                index += 1
                                record_at = None
                        else:
                            depth += 1
                        continue
            if not need_more:
                continue
            if eof:
                if record_at is not None:
                    yield RawRecord(index, base + record_at, record_line, buf[record_at:],
                                    "the record is not closed before the end of the file")
                return
            keep = record_at if record_at is not None else (
                match.start() if match is not None else max(pos, len(buf) - 16)
            )
            if record_at is not None and len(buf) - record_at > max_record:
                raise _too_large(layout, index, base + record_at, record_line, max_record)
            line += buf.count(b"\n", counted, keep) if keep > counted else 0
            counted = max(counted, keep) - keep
            if record_at is not None:
                record_at -= keep
            pos = max(pos - keep, 0)
            base += keep
            more = handle.read(READ_SIZE)
            eof = len(more) < READ_SIZE
            buf = buf[keep:] + more


def _too_large(layout: BagLayout, index: int, offset: int, line: int, bound: int) -> BagError:
    return BagError(
        f"record {index} at byte {offset} is larger than the {bound:,}-byte bound on a record",
        path=layout.path, line=line,
    )


def plan_chunks(layout: BagLayout, chunk_bytes: int = 8 << 20,
                max_record: int = MAX_RECORD, *, keep: bool = False) -> Iterator[Chunk]:
    """Cut the bag into chunks of about ``chunk_bytes`` that each start at a record.

    One sequential pass finds where every record starts (no parsing); chunks are yielded as
    soon as they are known, so workers start before the pass ends. With ``keep`` each chunk
    carries the records the pass read (:attr:`Chunk.raw`), so that a worker on this machine
    does not scan the range again; memory holds the chunks in flight, not the bag."""
    number = 0
    first: RawRecord | None = None
    held: list[RawRecord] = []
    count = 0
    for raw in iter_records(layout, max_record=max_record):
        if first is None:
            first, count = raw, 0
        elif raw.offset - first.offset >= chunk_bytes:
            yield Chunk(number, first.offset, raw.offset, first.index, first.line, count,
                        tuple(held))
            number += 1
            first, count = raw, 0
            held = []
        count += 1
        if keep:
            held.append(raw)
    if first is not None:
        yield Chunk(number, first.offset, layout.size, first.index, first.line, count,
                    tuple(held))
