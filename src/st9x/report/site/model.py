"""The typed records of the site: what a page builder is given and what it yields."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from st9x.matrix.runs import Run


@dataclass(frozen=True)
class Page:
    """One HTML page: where it goes (a relative POSIX path under the site), its title, the
    template that renders it and what the template is given. ``section`` is the top navigation
    entry it belongs to."""

    path: str
    title: str
    template: str
    context: Mapping[str, Any] = field(default_factory=dict)
    section: str = ""


@dataclass(frozen=True)
class Asset:
    """A file that is not a rendered page: a plot (SVG), a badge, a shields.io endpoint JSON."""

    path: str
    content: bytes


@dataclass
class SiteContext:
    """What every page builder is given: the runs in the order given (the last is the one the
    site is about; earlier ones make the history and the diff) and the site's options."""

    runs: list[Run]
    options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def latest(self) -> Run:
        return self.runs[-1]

    @property
    def previous(self) -> Run | None:
        return self.runs[-2] if len(self.runs) > 1 else None


_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")


def slug(name: str) -> str:
    """A file name for a case id, subject or corpus (data, possibly hostile): safe characters
    kept, the rest (``/``, ``<``, spaces, non-ASCII...) as ``_`` followed, when anything was
    replaced or the name could be read as a path, by a short digest of the whole name, so two
    names never share a page and no name leaves its folder."""
    import hashlib

    kept = "".join(c if c in _SAFE else "_" for c in name)[:80]
    if kept == name and name not in {"", ".", ".."} and not name.startswith("."):
        return name
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{kept.strip('.') or 'x'}-{digest}"
