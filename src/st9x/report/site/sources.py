"""The files a drill-down shows: a case's instance and a converter's artefacts, read only from
folders the user allowed.

A results folder is untrusted data: its header and records name paths (a corpus folder, an
instance, an artefact) that could point anywhere (``/etc/passwd``, ``../../home``, a symlink, a
FIFO). So no file is read because a results file names it, unless:

- an artefact lies inside the results folder itself, reached without a symlink or ``..``;
- an instance lies inside the embedded corpora folder or a folder given with ``--source``,
  reached the same way, is a regular file within the size cap, AND its SHA-256 equals the
  record's ``instance_sha256`` (so what is shown is what was validated).

Otherwise the page says why the file is not shown. What is shown is capped (lines and bytes)
with a note, so one huge instance cannot make a page of megabytes.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from st9x.filelimit import describe_size, open_regular

READ_CAP = 8 * 1024 * 1024  # bytes of a file read to check and show it
SHOW_BYTES = 256 * 1024  # bytes of it shown on a page
SHOW_LINES = 3000  # lines of it shown on a page


@dataclass(frozen=True)
class Shown:
    """A file as a page shows it: its lines (None when not shown), whether they were cut, and a
    sentence saying why it is not shown or what was left out."""

    lines: tuple[str, ...] | None
    note: str = ""
    truncated: bool = False

    @classmethod
    def refused(cls, why: str) -> Shown:
        return cls(None, why)


def _resolved(root: Path) -> Path | None:
    try:
        return root.resolve(strict=True)
    except (OSError, RuntimeError):
        return None


def reach(root: Path, relative: str | PurePosixPath, *, resolved: bool = False
          ) -> Path | str:
    """``root/relative`` if it is a regular file reached without leaving ``root``: no absolute
    path, no ``..``, no symlink on the way; else the reason it is not read. ``resolved``: the
    root is already resolved (saves a walk of the root per file)."""
    rel = PurePosixPath(relative)
    if not rel.parts or rel.is_absolute() or ".." in rel.parts or "\x00" in str(rel):
        return "the path recorded leaves its folder"
    base = root if resolved else _resolved(root)
    if base is None:
        return "its folder does not exist here"
    current = base
    for part in rel.parts:
        current = current / part
        try:
            info = os.lstat(current)
        except (OSError, ValueError):
            return "not found"
        if stat.S_ISLNK(info.st_mode):
            return "the path recorded goes through a symbolic link"
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file"
    return current


def read_capped(path: Path) -> bytes | str:
    """The bytes of a regular file up to :data:`READ_CAP`, or why they are not read."""
    fd = open_regular(path)
    if fd is None:
        return "not a regular file"
    with os.fdopen(fd, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > READ_CAP:
            return f"too large to show ({describe_size(size)}; the report shows files up to " \
                   f"{describe_size(READ_CAP)})"
        data = handle.read(READ_CAP + 1)
    if len(data) > READ_CAP:
        return "too large to show (it grew while being read)"
    return data


def show(data: bytes) -> Shown:
    """Text lines of a file, capped in bytes and lines, with a note when cut."""
    text = data[:SHOW_BYTES].decode("utf-8", errors="replace")
    lines = text.splitlines()
    cut_bytes = len(data) > SHOW_BYTES
    cut_lines = len(lines) > SHOW_LINES
    if not (cut_bytes or cut_lines):
        return Shown(tuple(lines))
    kept = lines[:SHOW_LINES]
    return Shown(tuple(kept), f"only the first {len(kept)} lines shown (the file has "
                 f"{describe_size(len(data))})", truncated=True)


def artefact(results: Path, relative: str | None) -> Shown:
    """An artefact named by a converter record, read from inside the results folder only."""
    if not relative:
        return Shown.refused("no artefact recorded")
    where = reach(results, relative)
    if isinstance(where, str):
        return Shown.refused(f"not shown: {where}")
    data = read_capped(where)
    return Shown.refused(f"not shown: {data}") if isinstance(data, str) else show(data)


@dataclass(frozen=True)
class Sources:
    """The folders instances may be read from: the embedded corpora and ``--source`` folders."""

    roots: tuple[Path, ...]

    @classmethod
    def of(cls, folders: Iterable[Path]) -> Sources:
        return cls(tuple(r for f in folders if (r := _resolved(Path(f))) is not None))

    def candidates(self, corpus_path: str | None, corpus: str, instance: str
                   ) -> list[tuple[Path, PurePosixPath]]:
        """Where the instance may be, as (allowed root, path below it): the corpus folder the
        header names when it lies in an allowed root, then ``root/instance`` and
        ``root/<corpus id>/instance`` for each root."""
        out: list[tuple[Path, PurePosixPath]] = []
        inst = PurePosixPath(instance)
        if corpus_path and os.path.isabs(corpus_path):
            recorded = PurePosixPath(os.path.normpath(corpus_path))
            for root in self.roots:
                try:
                    below = recorded.relative_to(PurePosixPath(root))
                except ValueError:
                    continue
                out.append((root, below / inst))
        for root in self.roots:
            out.append((root, inst))
            out.append((root, PurePosixPath(corpus) / inst))
        return out

    def instance(self, corpus_path: str | None, corpus: str, instance: str,
                 sha256: str | None) -> Shown:
        """The instance a record names, when found in an allowed folder with the record's
        SHA-256; else why it is not shown."""
        if not sha256:
            return Shown.refused("not shown: the record has no SHA-256 of the instance "
                                 "(it could not be read when the run was made)")
        if not instance:
            return Shown.refused("not shown: the record names no instance file")
        if not self.roots:
            return Shown.refused("not shown: no folder to read instances from (give "
                                 "st9x report --source DIR)")
        reasons: list[str] = []
        for root, below in self.candidates(corpus_path, corpus, instance):
            where = reach(root, below, resolved=True)
            if isinstance(where, str):
                reasons.append(where)
                continue
            data = read_capped(where)
            if isinstance(data, str):
                return Shown.refused(f"not shown: {data}")
            if hashlib.sha256(data).hexdigest() != sha256:
                reasons.append("a file with other content")
                continue
            return show(data)
        found = "; ".join(sorted(set(reasons))) or "not found"
        return Shown.refused(
            "not shown: no file with the record's SHA-256 in the folders the report may read "
            f"(the embedded corpora and --source folders): {found}")


def allowed_roots(embedded: Path, sources: Sequence[Path]) -> Sources:
    return Sources.of([embedded, *sources])
