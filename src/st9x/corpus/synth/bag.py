"""Bags made on demand: a few distinct valid records generated from an XSD, streamed over and
over into one long bag document (a ``TrademarkBag`` of 100 MB or 1 GB) for bulk validation and
its benchmarks.

Generating every record would take hours for a gigabyte, and committing such a file is out of
the question, so the expensive part is done once (:func:`make_templates`: ``distinct`` records
from :func:`st9x.corpus.synth.xml.generate.generate`, each checked by lxml and xmlschema) and
the bag is then written by repeating them (:func:`write_bag`), in memory bounded by the
templates. Each written record gets its own identifying element (the element bulk validation
reports as the record's id: the first of :data:`ID_NAMES` present), so results can be told
apart; the replacement keeps the record valid, which is checked on every template before any
byte is written. Every ``invalid_every``-th record can carry one undeclared element, a known
invalid record at a known place. The same schema, record, seed and size give the same bytes.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from st9x.errors import SchemaError, UsageError

#: The elements that identify a record, in order of preference (as bulk validation reads them).
ID_NAMES = (
    "ApplicationNumberText",
    "ST13ApplicationNumber",
    "RegistrationNumber",
    "PublicationNumber",
    "DocumentNumber",
)
#: The element planted in a known-invalid record (declared by no ST.96 schema).
PLANTED = "St9xPlantedUndeclaredElement"

_XMLNS = re.compile(rb'\s+xmlns(?::([\w.-]+))?="([^"]*)"')
_DECL = re.compile(rb"^<\?xml[^>]*\?>\s*")
_SIZE = re.compile(r"^(\d+(?:\.\d+)?)\s*([kmg]?)b?$")
_FACTORS = {"": 1, "k": 10**3, "m": 10**6, "g": 10**9}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def bag_record(root: str, record: str | None) -> str:
    """The record's Clark name: as given, or the root's without its ``Bag`` ending."""
    if record is not None:
        name = etree.QName(record)
    else:
        root_name = etree.QName(root)
        if not root_name.localname.endswith("Bag") or root_name.localname == "Bag":
            raise UsageError(f"cannot tell the records of a {root_name.localname}: --record")
        name = etree.QName(root_name.namespace, root_name.localname[: -len("Bag")])
    return name.text


def parse_bag_size(text: str) -> int:
    """``100m``, ``1g``, ``250k`` or a number of bytes (decimal units, as ``--size`` elsewhere)."""
    match = _SIZE.match(text.strip().lower())
    if match is None or float(match.group(1)) <= 0:
        raise UsageError(f"a size is a number of bytes with k, m or g, not {text!r}")
    return int(float(match.group(1)) * _FACTORS[match.group(2)])


@dataclass(frozen=True)
class Template:
    """One record as written in the bag, cut around its identifying element's text: the
    record is ``head + id + tail``. ``planted`` is the invalid variant's head (or None)."""

    head: bytes
    ident: bytes
    tail: bytes
    planted_head: bytes | None
    id_name: str | None  # None: the record has no identifying element

    def record(self, number: int, planted: bool) -> bytes:
        ident = _unique(self.ident, number) if self.id_name else b""
        return (self.planted_head if planted and self.planted_head else self.head) + (
            ident + self.tail
        )


@dataclass(frozen=True)
class Templates:
    """The records a bag repeats and the namespaces its root declares."""

    record: str  # Clark name
    nsmap: tuple[tuple[str | None, str], ...]
    items: tuple[Template, ...]


def make_templates(schema: Path, record: str, distinct: int, seed: int,
                   plant: bool = False) -> Templates:
    """Generate ``distinct`` valid records of ``record`` (a Clark name) and cut each around its
    identifying element; a template whose record the id replacement (or, with ``plant``, the
    planted element) does not keep valid (or invalid) is a :class:`SchemaError`."""
    from st9x.corpus.synth.xml.generate import generate

    report = generate(schema, record, distinct, seed)
    lxml_schema = etree.XMLSchema(etree.parse(str(schema), _PARSER))
    nsmap: dict[str | None, str] = {}
    items = []
    for document in report.documents:
        if document.status not in ("valid", "unchecked"):
            raise SchemaError(
                f"generated record {document.index} is {document.status}: no bag can repeat it",
                path=schema,
            )
        item = _template(document.data, nsmap, schema, plant)
        _check(item, lxml_schema, nsmap, schema, distinct, plant)
        items.append(item)
    name = etree.QName(record)
    return Templates(f"{{{name.namespace}}}{name.localname}" if name.namespace else
                     name.localname, tuple(sorted(nsmap.items(), key=lambda kv: kv[0] or "")),
                     tuple(items))


def _template(data: bytes, nsmap: dict[str | None, str], schema: Path,
              plant: bool) -> Template:
    """Cut a standalone record document into a template: its namespace declarations move to
    the bag's root (one URI per prefix across records), the XML declaration goes."""
    data = _DECL.sub(b"", data).rstrip()
    end = data.index(b">")
    start_tag = data[:end]
    for prefix, uri in _XMLNS.findall(start_tag):
        key = prefix.decode() or None
        if nsmap.setdefault(key, uri.decode()) != uri.decode():
            raise SchemaError(f"prefix {key} is bound to two namespaces across records",
                              path=schema)
    data = _XMLNS.sub(b"", start_tag) + data[end:]
    root = etree.fromstring(_wrap(data, nsmap, b"x"), _PARSER)[0]
    for name in ID_NAMES:
        found = next(root.iter(f"{{*}}{name}"), None)
        if found is not None and (found.text or "").strip():
            break
    else:  # nothing identifies this record: it is repeated as it is
        return Template(data, b"", b"", None if not plant else _planted(data), None)
    prefix = found.prefix.encode() + b":" if found.prefix else b""
    opening = re.compile(rb"<" + re.escape(prefix + name.encode()) + rb"(?:\s[^>]*)?>")
    match = opening.search(data)
    assert match is not None
    close = data.index(b"</", match.end())
    head = data[: match.end()]
    return Template(head, data[match.end():close], data[close:],
                    _planted(head) if plant else None, name)


def _planted(head: bytes) -> bytes:
    """``head`` with one undeclared element first in the record's content."""
    record_end = head.index(b">") + 1
    return head[:record_end] + b"<" + _record_prefix(head) + PLANTED.encode() + b"/>" + (
        head[record_end:]
    )


def _record_prefix(data: bytes) -> bytes:
    name = re.match(rb"<([^\s>/]+)", data)
    assert name is not None
    qname = name.group(1)
    return qname.split(b":")[0] + b":" if b":" in qname else b""


def _unique(ident: bytes, number: int) -> bytes:
    """The identifying text made unique for record ``number``, keeping its form: the last run
    of digits is replaced by the number (zero-padded to the run's length when it fits), so a
    pattern such as ST.13's digits still holds; a text without digits gets ``-number``."""
    runs = list(re.finditer(rb"\d+", ident))
    digits = str(number).encode()
    if runs and len(runs[-1].group(0)) >= len(digits):
        run = runs[-1]
        return ident[: run.start()] + digits.rjust(len(run.group(0)), b"0") + ident[run.end():]
    if runs:
        run = runs[-1]
        return ident[: run.start()] + digits + ident[run.end():]
    return ident.rstrip() + b"-" + digits


def _wrap(record: bytes, nsmap: dict[str | None, str], root: bytes) -> bytes:
    return _start_tag(root, nsmap) + record + b"</" + root + b">"


def _start_tag(root: bytes, nsmap: dict[str | None, str]) -> bytes:
    decls = b"".join(
        b" xmlns" + (b":" + prefix.encode() if prefix else b"") + b'="' + uri.encode() + b'"'
        for prefix, uri in sorted(nsmap.items(), key=lambda kv: kv[0] or "")
    )
    return b"<" + root + decls + b">"


def _check(item: Template, schema: etree.XMLSchema, nsmap: dict[str | None, str],
           path: Path, distinct: int, plant: bool) -> None:
    """The template's record stays valid with the shortest and a long id, and the planted
    variant is invalid (libxml2 judges the record against its global declaration)."""
    for number, planted in ((0, False), (10**9 + distinct, False), (7, True))[: 2 + plant]:
        element = etree.fromstring(_wrap(item.record(number, planted), nsmap, b"x"), _PARSER)[0]
        if schema.validate(element) == planted:
            what = "the planted record stays valid" if planted else (
                f"a unique {item.id_name} makes the record invalid: {schema.error_log.last_error}"
            )
            raise SchemaError(f"cannot repeat the record: {what}", path=path)


@dataclass(frozen=True)
class BagWritten:
    """What :func:`write_bag` wrote: how many records, how many planted invalid, how big."""

    path: Path
    records: int
    invalid: int
    bytes: int

    def as_dict(self) -> dict[str, object]:
        return {"path": str(self.path), "records": self.records, "invalid": self.invalid,
                "bytes": self.bytes}


def bag_chunks(templates: Templates, root: str, size: int,
               invalid_every: int = 0) -> Iterator[tuple[bytes, bool]]:
    """The bag's bytes piece by piece (each piece: a record and whether it is a planted
    invalid one; the first and last pieces are the prolog and the root's end tag)."""
    name = etree.QName(root)
    prefixes = {uri: prefix for prefix, uri in templates.nsmap}
    if name.namespace not in prefixes:
        raise UsageError(f"the bag root's namespace {name.namespace} is not one of the records'")
    prefix = prefixes[name.namespace]
    if invalid_every and any(item.planted_head is None for item in templates.items):
        raise UsageError("planted invalid records need templates made with plant=True")
    qname = ((prefix + ":") if prefix else "").encode() + name.localname.encode()
    head = b'<?xml version="1.0" encoding="UTF-8"?>\n' + _start_tag(qname, dict(templates.nsmap))
    close = b"\n</" + qname + b">\n"
    yield head, False
    written = len(head) + len(close)
    number = 0
    while written < size or number == 0:
        planted = bool(invalid_every) and number % invalid_every == invalid_every - 1
        item = templates.items[number % len(templates.items)]
        piece = b"\n" + item.record(number, planted)
        yield piece, planted
        written += len(piece)
        number += 1
    yield close, False


def write_bag(templates: Templates, root: str, size: int, out: Path,
              invalid_every: int = 0) -> BagWritten:
    """Stream a bag of about ``size`` bytes (the last record may pass it) to ``out``, through a
    temporary file renamed at the end, so a cut run never leaves a bag that looks whole."""
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.{os.getpid()}.part")
    records = invalid = total = 0
    try:
        with partial.open("wb", buffering=1 << 20) as handle:
            for piece, planted in bag_chunks(templates, root, size, invalid_every):
                handle.write(piece)
                total += len(piece)
                records += piece.startswith(b"\n<") and not piece.startswith(b"\n</")
                invalid += planted
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return BagWritten(out, records, invalid, total)


def bag_cache_dir() -> Path:
    """Where tests and benchmarks keep the bags they make (outside any repository):
    ``$XDG_CACHE_HOME/st9x/bags`` or ``~/.cache/st9x/bags``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "st9x" / "bags"


def cached_bag(schema: Path, root: str, size: int, *, seed: int = 0, distinct: int = 4,
               invalid_every: int = 0, record: str | None = None) -> Path:
    """A bag made once per schema content and parameters and reused after (generation takes
    seconds per distinct record); the file name carries a digest of both."""
    import hashlib

    key = hashlib.sha256(schema.read_bytes())
    key.update(repr((root, record, size, seed, distinct, invalid_every, 1)).encode())
    path = bag_cache_dir() / f"{etree.QName(root).localname}-{size}-{key.hexdigest()[:16]}.xml"
    if not path.is_file():
        templates = make_templates(schema, bag_record(root, record), distinct, seed,
                                   plant=bool(invalid_every))
        write_bag(templates, root, size, path, invalid_every)
    return path
