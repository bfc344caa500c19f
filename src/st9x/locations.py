"""What a schema location or a file name means to each library that will read it.

st9x checks where a schema reference leads before any validator follows it, but the validators
do not read the location st9x checked: they read their own interpretation of the same string.
xmlschema (through ``urllib``) strips surrounding whitespace, drops TAB, CR and LF anywhere,
takes ``\\`` for ``/``, drops a ``#fragment`` and percent-decodes; libxml2 collapses whitespace,
refuses a location it cannot make a URI of and percent-decodes too. A location that is harmless
as st9x reads it (``" /abs/s.xsd"``: a file below the corpus) can then be a file outside the
corpus as a library reads it (``/abs/s.xsd``). The same holds for file names: a directory named
``..<TAB>`` inside the corpus is ``..`` once xmlschema has dropped the TAB.

So every location is read the way each library reads it (:func:`readings`), and it is accepted
only when every reading names the same file, inside the allowed roots
(:func:`resolve_location`). File names found by indexing or named by a manifest must not
contain what any library reads differently (:func:`name_problem`). The libraries are then
handed only what st9x resolved (:mod:`st9x.fileserve`), so a reading this module did not
foresee is refused when it happens instead of being followed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import Request, url2pathname

_PERCENT_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
# what libxml2 can make a URI reference of (RFC 3986 without "[" and "]", which it takes for
# an IP literal only): anything else, non-ASCII letters included, makes it give up
_LIBXML2_URI = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#]|%[0-9A-Fa-f]{2})*")
_LOCAL_HOSTS = ("", "localhost")


class LocationRefused(ValueError):
    """A location or name st9x will not let any library follow; the message says why, in one
    line, for the caller to place at the file and line that names it."""


def _control(text: str) -> str | None:
    for char in text:
        code = ord(char)
        if code < 0x20 or code == 0x7F or 0x80 <= code <= 0x9F:
            return char
    return None


def name_problem(name: str, *, url: bool = False) -> str | None:
    """Why a path (a location, or a file name below a corpus) would be read differently by one
    of the libraries, or None. Checked: control characters (xmlschema drops TAB/CR/LF, libxml2
    refuses them), a backslash (a separator to xmlschema, a plain character to the file
    system), whitespace at either end of a path component (stripped by xmlschema, refused by
    libxml2) and a percent-escape (decoded by both libraries, not by the file system), unless
    ``url``: in a ``file:`` URL every reader decodes it."""
    control = _control(name)
    if control is not None:
        return f"it contains the control character {control!r}"
    if "\\" in name:
        return "it contains a backslash (a path separator to xmlschema)"
    for part in name.split("/"):
        if part and (part[0].isspace() or part[-1].isspace()):
            return f"the part {part!r} begins or ends with whitespace"
    escape = None if url else _PERCENT_ESCAPE.search(name)
    if escape:
        return f"it contains the percent-escape {escape[0]!r} (decoded by the XML libraries)"
    return None


@dataclass(frozen=True)
class Reading:
    """One reader's interpretation of a location: the file it would open, or None when that
    reader cannot open anything for it (``why`` then says so)."""

    reader: str
    path: Path | None
    why: str = ""


def _file_url_path(url: str) -> Path | None:
    """The local file ``urllib.request.urlopen`` opens for ``url``, or None if it opens none:
    urllib's own clean-up (whitespace and TAB/CR/LF removal, the fragment) then its file
    handler's ``url2pathname``."""
    try:
        request = Request(url)
    except ValueError:
        return None
    if request.type != "file" or (request.host or "").lower() not in _LOCAL_HOSTS:
        return None
    return Path(url2pathname(request.selector))


def _st9x(base: Path, location: str) -> Reading:
    try:
        parts = urlsplit(location)
    except ValueError as exc:
        return Reading("st9x", None, f"cannot make a URL of it ({exc})")
    if parts.scheme.lower() == "file":
        if parts.netloc.lower() not in _LOCAL_HOSTS or not parts.path.startswith("/"):
            return Reading("st9x", None, "a file: URL must be absolute and local")
        return Reading("st9x", Path(unquote(parts.path)))
    return Reading("st9x", base.parent / location)


def _xmlschema(base: Path, location: str) -> Reading:
    from xmlschema.utils.urls import normalize_url

    try:
        url = normalize_url(location.strip(), base.parent.absolute().as_uri())
    except (ValueError, TypeError) as exc:
        return Reading("xmlschema", None, f"cannot make a URL of it ({exc})")
    path = _file_url_path(url)
    return Reading("xmlschema", path, "" if path else f"reads it as {url!r}")


def _libxml2(base: Path, location: str) -> Reading:
    if not _LIBXML2_URI.fullmatch(location):
        return Reading("libxml2", None, "cannot make a URI of it")
    if "?" in location or "#" in location:
        # against the file: URL st9x gives as the base, a query or fragment of the URL
        return Reading("libxml2", None, "takes '?' or '#' for a URL query or fragment")
    try:
        parts = urlsplit(location)
    except ValueError as exc:
        return Reading("libxml2", None, f"cannot make a URI of it ({exc})")
    if parts.scheme.lower() == "file":
        if parts.netloc.lower() not in _LOCAL_HOSTS or not parts.path.startswith("/"):
            return Reading("libxml2", None, "cannot open a relative or remote file: URL")
        return Reading("libxml2", Path(unquote(parts.path)))
    return Reading("libxml2", base.parent / unquote(location))


def readings(base: Path, location: str) -> tuple[Reading, ...]:
    """How st9x, xmlschema and libxml2 read ``location`` written in the file ``base``."""
    return (_st9x(base, location), _xmlschema(base, location), _libxml2(base, location))


def _show(path: Path) -> str:
    return repr(str(path))


def resolve_location(base: Path, location: str, roots: tuple[Path, ...]) -> Path:
    """The one resolved file every library reads for ``location`` (written in ``base``), if
    it lies under one of the resolved ``roots``; LocationRefused otherwise, saying which
    reading differs or leads outside."""
    try:
        scheme = urlsplit(location).scheme.lower()
    except ValueError as exc:  # "//[": no library can open it as a file
        raise LocationRefused(f"is not a URL or path any library reads as a file ({exc})") from None
    problem = name_problem(location, url=scheme == "file")
    if problem:
        raise LocationRefused(f"is read differently by the XML libraries: {problem}")
    resolved: list[tuple[str, Path]] = []
    for reading in readings(base, location):
        if reading.path is None:
            raise LocationRefused(f"cannot be followed: {reading.reader} {reading.why}")
        try:
            resolved.append((reading.reader, reading.path.resolve()))
        except (OSError, RuntimeError, ValueError) as exc:
            raise LocationRefused(f"cannot be resolved: {exc}") from None
    for reader, path in resolved:
        if not within(path, roots):
            how = "" if len({p for _r, p in resolved}) == 1 else f" as {reader} reads it"
            raise LocationRefused(f"leads outside the corpus{how} ({_show(path)})")
    if len({path for _reader, path in resolved}) > 1:
        shown = ", ".join(f"{reader} reads {_show(path)}" for reader, path in resolved)
        raise LocationRefused(f"is read differently by the XML libraries: {shown}")
    return resolved[0][1]


def file_url(path: str | Path) -> str:
    """The ``file:`` URL that every URL-reading library reads as exactly ``path`` (every
    character that could be reinterpreted is percent-encoded); hand xmlschema this, never the
    bare path string, which it would clean up into another path."""
    return Path(path).absolute().as_uri()


def within(path: Path, roots: tuple[Path, ...]) -> bool:
    """True if the resolved ``path`` lies under one of the resolved ``roots``."""
    return any(path == r or r in path.parents for r in roots)
