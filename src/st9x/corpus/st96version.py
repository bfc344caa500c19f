"""Which ST.96 version a document declares and which one a schema package is, read cheaply.

An office's documents are often of an older ST.96 version than the schemas they are checked
against; every validator then reports dozens of errors without a word about versions. Knowing
both versions lets st9x say so once, before the errors, and count documents by version.

What the version marks look like, and what is inferred from them:

- ``com:st96Version`` (an attribute of the ST.96 Common namespace, on document roots; the V6_0
  schemas declare it ``fixed="V6_0"``) is the document's declaration: ``V6_0``, ``V2_2``, ...
  It is read on the root, or, when the root lacks it (an office wrapper around ST.96 content),
  on the first element of the document's head that carries it. ``com:ipoVersion`` is the
  office's own version of its implemented schema: reported, never taken for an ST.96 version.
- Since ST.96 V2_0 the namespaces are unversioned,
  ``http://www.wipo.int/standards/XMLSchema/ST96/<Domain>``, and the version is carried by the
  attributes alone: Annex I version 2.0 (2015) is the first to define ``st96Version`` and
  ``ipoVersion``, and office documents of V2_1 carry the ``ST96/`` namespaces with
  ``st96Version="V2_1"``. Such a namespace alone says only "ST.96, V2_0 or later", so a document
  with it and no ``st96Version`` declares no version.
- Before that, the ST.96 of 2012 (the draft presented to the CWS at its second session, whose
  Annex I has a section "Namespace in schema versioning" and an instance attribute named
  ``schemaVersion``) carried the major version in the namespace:
  ``http://www.wipo.int/standards/XMLSchema/Common/1``, ``.../Trademark/1``, ``.../Patent/1``;
  the USPTO's trademark status documents still use these, and its own tools call them "ST.96
  1_D3". Such a namespace is read as ``V1``: inferred, the major version only, since the minor
  one is not in the document (its ``schemaVersion`` attribute, whose form is not known here, is
  not read). Lower-case ``.../XMLSchema/trademarks`` and ``.../designs`` are ST.66 and ST.86,
  not ST.96, and are not matched.
- A schema's version is the ``version`` attribute of its ``xs:schema`` element when it has the
  ST.96 form (``V6_0``: every V6_0 schema carries it), otherwise the ``_V6_0`` in its file name
  (``TrademarkApplication_V6_0.xsd``), and only for a schema whose target namespace is WIPO's: an
  office's own schema may carry its own version in the same places.

Only the start of a file is read (at most :data:`HEAD_BYTES`), by a parser that loads no DTD,
resolves no entity and opens no connection, and only from a regular file: a FIFO or a device is
never waited on.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from st9x.filelimit import open_regular

WIPO_XMLSCHEMA = "http://www.wipo.int/standards/XMLSchema/"
ST96_NAMESPACE = WIPO_XMLSCHEMA + "ST96/"
ST96_COMMON = ST96_NAMESPACE + "Common"
# namespaces an ST.96 package imports besides WIPO's own: XML Schema instance, MathML, the
# OASIS exchange table model; an element in any of these is no office extension
_STANDARD_PREFIXES = (WIPO_XMLSCHEMA, "http://www.w3.org/", "http://www.oasis-open.org/")
_XSD = "http://www.w3.org/2001/XMLSchema"

HEAD_BYTES = 64 * 1024  # enough for any root's attributes and namespace declarations
HEAD_ELEMENTS = 64  # elements looked at for an st96Version the root does not carry

_VERSION = re.compile(r"^V\d+_\d+$")
_FILE_VERSION = re.compile(r"_(V\d+_\d+)(?:_[A-Za-z]+)?\.xsd$")
_VERSIONED_NAMESPACE = re.compile(
    r"^http://www\.wipo\.int/standards/XMLSchema/[A-Z][A-Za-z]*/(\d+)$"
)
# the element an error is about: Clark notation {uri}Name (libxml2, xmlschema) or Xerces's
# {"uri":Name}; the first one in a message is its subject
_CLARK = re.compile(r"""\{"([^"{}\s]+)":[^{}\s]*\}|\{([^"{}\s]+)\}""")


@dataclass(frozen=True)
class DocumentVersion:
    """What the head of an ST.96 document says about its version.

    ``st96`` is ``None`` when the document declares none; ``namespace`` is set when the version
    was inferred from a versioned (version 1) namespace rather than declared."""

    st96: str | None
    ipo: str | None = None
    namespace: str | None = None


def read_document_version(path: Path) -> DocumentVersion | None:
    """The version the document at ``path`` declares, or ``None`` for a document that is not
    ST.96 (no WIPO ST.96 namespace and no ``st96Version``) or cannot be read."""
    head = _read_head(path)
    if head is None:
        return None
    st96 = ipo = versioned = None
    st96_namespace = False
    seen = 0
    for event, item in _events(head, ("start", "start-ns")):
        if event == "start-ns":
            uri = str(item[1])
            st96_namespace = st96_namespace or uri.startswith(ST96_NAMESPACE)
            if versioned is None and _VERSIONED_NAMESPACE.match(uri):
                versioned = uri
            continue
        seen += 1
        for name, value in item.attrib.items():
            local = str(name).rsplit("}", 1)[-1]  # not etree.QName: it refuses names like ':'
            if local == "st96Version" and st96 is None:
                st96 = str(value).strip()
            elif local == "ipoVersion" and ipo is None:
                ipo = str(value).strip()
        if st96 is not None or seen >= HEAD_ELEMENTS:
            break
    if st96 is not None:
        return DocumentVersion(st96, ipo)
    if versioned is not None:
        major = _VERSIONED_NAMESPACE.match(versioned)
        assert major is not None
        return DocumentVersion(f"V{major[1]}", ipo, versioned)
    if st96_namespace:
        return DocumentVersion(None, ipo)
    return None


def read_schema_version(path: Path) -> str | None:
    """The ST.96 version of the schema at ``path`` (``V6_0``), or ``None`` for a schema that is
    not WIPO's or says nothing about its version."""
    head = _read_head(path)
    if head is None:
        return None
    for _event, element in _events(head, ("start",)):
        if element.tag != f"{{{_XSD}}}schema":
            return None
        target = element.get("targetNamespace") or ""
        if not target.startswith(WIPO_XMLSCHEMA):
            return None
        declared = (element.get("version") or "").strip()
        if _VERSION.match(declared):
            return declared
        named = _FILE_VERSION.search(path.name)
        if named:
            return named[1]
        versioned = _VERSIONED_NAMESPACE.match(target)
        return f"V{versioned[1]}" if versioned else None
    return None


def differs(document: str | None, schema: str | None) -> bool:
    """True when both versions are known and are not the same."""
    return document is not None and schema is not None and document != schema


def version_note(instance: str, st96: Mapping[str, object]) -> str | None:
    """The one line that says a document's version is not its schemas', e.g.
    ``PatentX.xml declares ST.96 V2_2; the schemas are V6_0``; ``None`` when they agree or
    either is unknown. ``st96`` is a record's ``st96`` field."""
    document, schema = st96.get("document"), st96.get("schema")
    if not isinstance(document, str) or not isinstance(schema, str):
        return None
    if not differs(document, schema):
        return None
    namespace = st96.get("namespace")
    if namespace:
        return (
            f"{instance} uses the ST.96 {document} namespace {namespace}; the schemas are {schema}"
        )
    return f"{instance} declares ST.96 {document}; the schemas are {schema}"


def is_extension_namespace(uri: str) -> bool:
    """True for a namespace that is neither WIPO's nor one an ST.96 package imports (W3C,
    OASIS): in an ST.96 document, an office's extension (``urn:us:gov:doc:uspto:trademark``)."""
    return bool(uri) and not uri.startswith(_STANDARD_PREFIXES)


def mark_extension(message: str) -> str:
    """A validator's message about an element in an office extension namespace, with that
    named, so that the reader does not hunt for an ST.96 element of that name; any other
    message unchanged."""
    subject = _CLARK.search(message)
    if subject is None:
        return message
    uri = subject[1] or subject[2]
    if not is_extension_namespace(uri):
        return message
    return f"{message} (an office extension namespace, not ST.96: {uri})"


def _read_head(path: Path) -> bytes | None:
    """The first :data:`HEAD_BYTES` of a regular file (checked on the opened descriptor, and
    opened without blocking, so a FIFO or a device is never waited on or read without end)."""
    fd = open_regular(path)
    if fd is None:
        return None
    try:
        return os.read(fd, HEAD_BYTES)
    except OSError:
        return None
    finally:
        os.close(fd)


def _events(head: bytes, kinds: tuple[str, ...]) -> list[tuple[str, Any]]:
    """The parse events of a document's head, up to the end of what was read or the first
    syntax error (a truncated head is the normal case, not an error)."""
    parser = etree.XMLPullParser(
        events=kinds,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
    )
    events: list[tuple[str, Any]] = []
    try:
        parser.feed(head)
        events.extend(parser.read_events())
    except (etree.XMLSyntaxError, ValueError):
        events.extend(_drain(parser))
    return events


def _drain(parser: etree.XMLPullParser) -> list[tuple[str, Any]]:
    try:
        return list(parser.read_events())
    except (etree.XMLSyntaxError, ValueError):
        return []
