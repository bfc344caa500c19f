"""Reading XML without ever touching the network or files we were not given.

Every XML file st9x reads (instances, schemas, corpus discovery) goes through here: DTDs are not
loaded, external entities are not resolved, network access is refused by libxml2, and schema
``include``/``import``/``redefine``/``override`` locations are checked to be local files before any
validator is allowed to follow them. Validators get the same guarantees whichever library they
use, and a refused location is one clear error instead of a time-out or a silent fetch.
"""

from __future__ import annotations

import codecs
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse

from lxml import etree

from st9x.errors import InstanceError, SchemaError
from st9x.filelimit import oversize, read_limited
from st9x.fileserve import Served, ServeOnly
from st9x.locations import LocationRefused, name_problem, readings, resolve_location

XSD_NS = "http://www.w3.org/2001/XMLSchema"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
_IMPORT = f"{{{XSD_NS}}}import"
_REFERENCE_TAGS = {f"{{{XSD_NS}}}{name}" for name in ("include", "import", "redefine", "override")}


class _RefuseRemote(etree.Resolver):
    """Whatever libxml2 still asks for over the network (a DTD, an entity, a schema) is answered
    with nothing; local files (schema includes already checked by :func:`schema_files`) load as
    usual."""

    def resolve(self, system_url, public_id, context):  # type: ignore[no-untyped-def]
        if system_url and is_remote(system_url):
            return self.resolve_string("", context)
        return None


def safe_parser(
    *, remove_blank_text: bool = False, served: Served | None = None
) -> etree.XMLParser:
    """A parser that loads no DTD, resolves no entity and never opens a connection. With
    ``served``, whatever libxml2 asks for later (a schema compiled from the parsed document
    loading its includes) is answered from those files only (:class:`st9x.fileserve.ServeOnly`)
    instead of by libxml2's own reading of the location."""
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=remove_blank_text,
    )
    parser.resolvers.add(_RefuseRemote() if served is None else ServeOnly(served))
    return parser


# UTF-32 first: its little-endian BOM begins with UTF-16's
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF8, "utf-8", "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
)
_DECLARED = re.compile(r"""^<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z][A-Za-z0-9._-]*)["']""")


def _encoding_conflict(data: bytes) -> str | None:
    """A byte order mark and an XML declaration that disagree (XML 1.0, 4.3.3 and Appendix F:
    a fatal error). libxml2 silently believes the mark; other parsers refuse the file, so the
    validators would judge different documents. st9x refuses it for all of them."""
    for bom, codec, family in _BOMS:
        if data.startswith(bom):
            head = data[len(bom) : len(bom) + 400].decode(codec, "replace")
            match = _DECLARED.match(head)
            if not match:
                return None
            try:
                declared = codecs.lookup(match[1]).name
            except LookupError:
                return None  # the parser reports an unknown encoding itself
            if declared.startswith(family):
                return None
            return (
                f"the byte order mark says {family.upper()} but the XML declaration says {match[1]}"
            )
    return None


def check_encoding(
    path: Path, error: type[InstanceError] | type[SchemaError] = InstanceError
) -> None:
    """Refuse a file whose byte order mark and XML declaration disagree, for validators that
    read files themselves (xmlschema) rather than through :func:`parse_xml`: the refusal must
    be the same whichever validator reads the file. Only the start of the file is read; a
    file over st9x's size limit is refused as :func:`parse_xml` refuses it."""
    big = oversize(path)
    if big:
        raise error(big, path=path)
    try:
        with path.open("rb") as handle:
            head = handle.read(512)
    except OSError as exc:
        raise error(f"cannot read: {exc.strerror or exc}", path=path) from None
    conflict = _encoding_conflict(head)
    if conflict:
        raise error(f"wrongly encoded: {conflict}", path=path, line=1)


def parse_xml(
    path: Path,
    error: type[InstanceError] | type[SchemaError] = InstanceError,
    served: Served | None = None,
) -> etree._ElementTree:
    """Parse an XML file safely; a syntax or encoding problem becomes one line naming the file
    and line, and so does a file over st9x's size limit (it is refused before it is read).
    ``served``: see :func:`safe_parser` (then check :func:`refused_loads` after compiling)."""
    try:
        data = read_limited(path, error)
    except OSError as exc:
        raise error(f"cannot read: {exc.strerror or exc}", path=path) from None
    conflict = _encoding_conflict(data)
    if conflict:
        raise error(f"wrongly encoded: {conflict}", path=path, line=1)
    try:
        base_url = path.absolute().as_uri()  # as_uri() refuses a relative path
        root = etree.fromstring(data, safe_parser(served=served), base_url=base_url)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno and exc.lineno > 0 else None
        raise error(f"not well-formed XML: {exc.msg}", path=path, line=line) from None
    except ValueError as exc:  # e.g. "Unicode strings with encoding declaration are not supported"
        raise error(f"cannot parse XML: {exc}", path=path) from None
    for entity in root.iter(etree.Entity):
        # an entity left unexpanded (external, or declared in a DTD we did not load) would reach
        # the validators as a node libxml2's schema validator cannot handle ("internal error")
        raise error(
            f"refusing entity reference {entity.text}: st9x does not expand DTD entities",
            path=path,
            line=entity.sourceline,
        )
    return etree.ElementTree(root)


def is_remote(location: str) -> bool:
    """True for a URL that would need the network: any scheme other than file, and any host
    other than this one (``file://host/x``, ``//host/x``: a UNC share, read over SMB where the
    platform can, whatever a library on Linux makes of it)."""
    try:
        parsed = urlparse(location)
    except ValueError:  # e.g. "//[": not a URL anything could open locally
        return True
    scheme = parsed.scheme.lower()
    if scheme and scheme != "file" and len(scheme) > 1:  # "C:" is a drive, not a scheme
        return True
    return parsed.netloc.lower() not in ("", "localhost")


def local_target(base: Path, location: str) -> Path:
    """Where a relative or file: schemaLocation points as st9x reads it, from the file that
    names it (for indexing; whether every library reads it the same way is the gate's
    question: :func:`st9x.locations.resolve_location`)."""
    reading = readings(base, location)[0]
    if reading.path is None:
        raise LocationRefused(f"schemaLocation {location!r}: {reading.why}")
    return reading.path.resolve()


def served_schema(entry: Path) -> Served:
    """What a library compiling the schema at ``entry`` may load: the files the gate approved
    for it (run first), and nothing else."""
    return Served(approved_files(entry) or (entry,))


def refused_loads(served: Served, path: Path) -> None:
    """Raise SchemaError, naming the schema, if a library asked for a file st9x did not serve:
    the library would otherwise go on without it (a missing import is not an error to
    xmlschema) and judge with a schema other than the one checked."""
    if served.refused:
        raise SchemaError(
            f"refusing to load {served.refused[0]!r}: it is not a file the schema's "
            "references were checked to lead to",
            path=path,
        )


_APPROVED: dict[Path, frozenset[Path]] = {}


def approved_files(entry: Path) -> frozenset[Path] | None:
    """Every file :func:`schema_files` has let ``entry`` reach in this process (under any
    roots it was asked with), or None if the gate never ran for it: what the loaders of
    :mod:`st9x.fileserve` may hand the libraries."""
    return _APPROVED.get(Path(entry).resolve())


@lru_cache(maxsize=1024)
def schema_files(entry: Path, roots: tuple[Path, ...] | None = None) -> tuple[Path, ...]:
    """Every local file a schema reaches through include/import/redefine/override, entry first.

    Raises SchemaError, naming the file and line that asks for it, for a remote location, a
    missing file, or a file outside ``roots`` (resolved directories: the corpus, see
    ``SchemaSpec.allowed_roots``; None: the entry's own directory), because validators would
    otherwise fetch it, hang, read a file they were not given (``/etc/passwd``: F3), or fail
    with a message that does not say which file was at fault. Both libxml2 and xmlschema load
    the includes themselves, so this check, run before either compiles, is the gate.
    """
    problem = name_problem(str(entry.absolute()))
    if problem:
        raise SchemaError(f"refusing the schema file name: {problem}", path=entry)
    entry = entry.resolve()
    if roots is None:
        roots = (entry.parent,)
    seen: dict[Path, None] = {}
    pending = [entry]
    while pending:
        current = pending.pop()
        if current in seen:
            continue  # circular includes are legal in XSD; visit each file once
        seen[current] = None
        if not current.is_file():
            raise SchemaError("schema file not found", path=current)
        tree = parse_xml(current, error=SchemaError)
        for node in tree.getroot():
            if not isinstance(node.tag, str) or node.tag not in _REFERENCE_TAGS:
                continue
            location = node.get("schemaLocation")
            if not location and node.tag == _IMPORT:
                continue  # an import by namespace only: nothing to load
            if location is None:
                continue  # an include without a location: the schema is invalid, not a read
            if not location:
                # xmlschema takes the empty location for the schema's own folder
                raise SchemaError(
                    "empty schemaLocation: st9x does not follow it",
                    path=current,
                    line=node.sourceline,
                )
            if is_remote(location):
                raise SchemaError(
                    f"refusing remote schemaLocation {location!r}: st9x resolves schemas "
                    "from local files only",
                    path=current,
                    line=node.sourceline,
                )
            try:
                target = resolve_location(current, location, roots)
            except LocationRefused as exc:
                raise SchemaError(
                    f"schemaLocation {location!r} {exc}", path=current, line=node.sourceline
                ) from None
            if not target.is_file():
                raise SchemaError(
                    f"schemaLocation {location!r} names a missing file {target}",
                    path=current,
                    line=node.sourceline,
                )
            pending.append(target)
    _APPROVED[entry] = _APPROVED.get(entry, frozenset()) | frozenset(seen)
    return tuple(seen)
