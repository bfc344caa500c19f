"""How large a file st9x reads: one limit per file, checked before anything is read.

Loading a corpus, indexing a directory and fingerprinting it run in the st9x process itself,
before any worker (and so before any time-out or memory limit) exists. A file of a terabyte (a
sparse file costs nothing to make) would be hashed for an hour or read into memory until Python
gives up with ``MemoryError``. So every file st9x reads whole (a schema, an instance, a manifest,
a file it hashes) is first measured: one larger than the limit is refused with one line naming
the file and its size, and the rest of the corpus goes on. The limit is generous for real data
(an ST.96 package's largest schema is well under a megabyte) and can be raised: ``st9x run
--max-file-mb N``, or ``ST9X_MAX_FILE_MB=N`` for every command and the pytest front end.

A read never takes more than the limit even from a file that is not what its size said (one
that grows while being read, a device reached through a symlink): it stops one byte past the
limit and refuses the file.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from st9x.errors import St9xError, UsageError

# MiB of one file st9x reads whole (schema, instance, manifest, a file it hashes): loading and
# indexing run before any worker's limits exist, so a larger file is refused, not read
DEFAULT_MAX_FILE_MB = 256

ENV_VAR = "ST9X_MAX_FILE_MB"
_MB = 1024 * 1024
_CHUNK = _MB  # what is read at a time once a file has held more than its size said
_override: int | None = None  # set by a front end's option for the length of a command


def max_file_mb() -> int:
    """The limit in MiB: a front end's option, else ``$ST9X_MAX_FILE_MB``, else the default."""
    if _override is not None:
        return _override
    value = os.environ.get(ENV_VAR, "").strip()
    if not value:
        return DEFAULT_MAX_FILE_MB
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise UsageError(f"{ENV_VAR} must be a whole number of MiB, at least 1 (got {value!r})")
    return number


def max_file_bytes() -> int:
    return max_file_mb() * _MB


@contextlib.contextmanager
def limited_to(megabytes: int | None) -> Iterator[None]:
    """Use ``megabytes`` as the limit inside the block (None: leave it as it is). Worker
    processes forked inside the block inherit it."""
    global _override
    if megabytes is None:
        yield
        return
    if megabytes < 1:
        raise UsageError(f"--max-file-mb must be at least 1 (got {megabytes})")
    before, _override = _override, megabytes
    try:
        yield
    finally:
        _override = before


def describe_size(size: int) -> str:
    """``1 TiB (1099511627776 bytes)``: readable, and exact for whoever compares."""
    value = float(size)
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if value < 1024 or unit == "PiB":
            shown = f"{value:.0f}" if unit == "bytes" or value >= 100 else f"{value:.3g}"
            return f"{shown} {unit}" + ("" if unit == "bytes" else f" ({size} bytes)")
        value /= 1024
    raise AssertionError("unreachable")


def too_large(size: int | None) -> str:
    """The message for a file of ``size`` bytes (None: more than the limit, size unknown)."""
    what = f"{describe_size(size)}, over" if size is not None else "more than"
    return (
        f"too large: {what} st9x's limit of {max_file_mb()} MiB per file "
        f"(--max-file-mb N or {ENV_VAR}=N raises it)"
    )


def oversize(path: Path) -> str | None:
    """The refusal for a regular file over the limit, else None; only ``stat`` is called (a
    path that cannot be looked up is left for its reader to report)."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    if stat.S_ISREG(info.st_mode) and info.st_size > max_file_bytes():
        return too_large(info.st_size)
    return None


def read_limited(path: Path, error: type[St9xError]) -> bytes:
    """The whole of ``path``, or ``error`` naming the file when it is over the limit. OSError
    is left to the caller, which says ``cannot read`` in its own words."""
    limit = max_file_bytes()
    with open(path, "rb") as handle:
        info = os.fstat(handle.fileno())
        regular = stat.S_ISREG(info.st_mode)
        if regular and info.st_size > limit:
            raise error(too_large(info.st_size), path=path)
        # ask for what the file holds (plus one byte, to see it end), not for the limit: a read
        # allocates what it asks for up front, and a worker's memory limit counts it
        want = info.st_size + 1 if regular else _CHUNK
        parts: list[bytes] = []
        total = 0
        try:
            while total <= limit:
                chunk = handle.read(min(want, limit + 1 - total))
                if not chunk:
                    break
                parts.append(chunk)
                total += len(chunk)
                want = _CHUNK
        except MemoryError:
            raise error(f"cannot read: not enough memory for {total} bytes", path=path) from None
    if total > limit:
        raise error(too_large(None), path=path)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def open_regular(path: str | os.PathLike[str]) -> int | None:
    """A descriptor on ``path`` if it is a regular file, else None (the caller closes it).

    A FIFO would block, a device (``/dev/zero``) never ends and a directory cannot be read: the
    type is checked on the opened descriptor, not before opening, so the file cannot be swapped
    in between, and O_NONBLOCK keeps the open itself from blocking on a FIFO."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except (OSError, ValueError):
        return None
    try:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            return fd
    except OSError:
        pass
    os.close(fd)
    return None
