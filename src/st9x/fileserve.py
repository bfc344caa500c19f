"""Handing the XML libraries only the files st9x resolved and checked.

:func:`st9x.xmlsafe.schema_files` decides which files a schema may read. Both libxml2 and
xmlschema then load the includes themselves, each from its own reading of the location. Here
each library gets a loader st9x controls instead of its own: an lxml resolver for libxml2
(:class:`ServeOnly`) and a urllib opener for xmlschema (:class:`ServingOpener`). Both read the
file with Python themselves and only when it is one of the files the gate approved (or a schema
bundled with xmlschema itself); anything else is refused and remembered, so the caller turns it
into a one-line error instead of letting the library skip a "missing" import silently. Whatever
a library makes of a location, it can no longer read a file st9x did not check.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.error import URLError
from urllib.parse import urlsplit
from urllib.request import OpenerDirector, url2pathname

from lxml import etree

from st9x.locations import file_url


def _path_of(url: str) -> Path | None:
    """The local file a ``file:`` URL or a plain path names, resolved; None otherwise."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
        if parts.scheme.lower() == "file":
            if parts.netloc.lower() not in ("", "localhost") or parts.query or parts.fragment:
                return None
            return Path(url2pathname(parts.path)).resolve()
        if parts.scheme or not url.startswith("/"):
            return None
        return Path(url).resolve()
    except (OSError, RuntimeError, ValueError):
        return None


class Served:
    """The files a library may read: ``files`` exactly, and anything below ``trusted`` (the
    libraries' own bundled schemas). Refused requests are kept in ``refused``."""

    def __init__(self, files: Iterable[Path], trusted: Iterable[Path] = ()) -> None:
        self.files = frozenset(Path(f).resolve() for f in files)
        self.trusted = tuple(Path(t).resolve() for t in trusted)
        self.refused: list[str] = []

    def lookup(self, url: str) -> Path | None:
        """The served file ``url`` names, or None (and the request is remembered)."""
        path = _path_of(url)
        if path is not None and (
            path in self.files or any(t in path.parents for t in self.trusted)
        ):
            return path
        self.refused.append(url)
        return None


class ServeOnly(etree.Resolver):
    """An lxml resolver answering every request libxml2 makes (schema includes and imports,
    DTDs, entities) from :class:`Served` files read by Python; anything else is answered with
    nothing and recorded, never passed on to libxml2's own loader."""

    def __init__(self, served: Served) -> None:
        super().__init__()
        self.served = served

    def resolve(self, system_url, public_id, context):  # type: ignore[no-untyped-def]
        path = self.served.lookup(system_url or "")
        if path is None:
            return self.resolve_string("", context)
        try:
            data = path.read_bytes()
        except OSError:
            self.served.refused.append(system_url)
            return self.resolve_string("", context)
        return self.resolve_string(data, context, base_url=file_url(path))


class ServingOpener(OpenerDirector):
    """A urllib opener for xmlschema's ``opener`` option: it opens :class:`Served` files and
    refuses every other URL (remote ones included) with a URLError, which xmlschema reports
    as a resource it cannot access."""

    def __init__(self, served: Served) -> None:
        super().__init__()
        self.served = served

    def open(self, fullurl: Any, data: Any = None, timeout: Any = None) -> Any:
        url = fullurl if isinstance(fullurl, str) else getattr(fullurl, "full_url", "")
        path = self.served.lookup(url)
        if path is None:
            raise URLError(f"st9x serves only the files it checked, not {url!r}")
        try:
            return io.BytesIO(path.read_bytes())
        except OSError as exc:
            raise URLError(f"cannot read {path}: {exc.strerror or exc}") from None
