"""Guards that watch what a run touches: the network, and files outside the places it may read.

st9x promises that validating a corpus never uses the network and never reads a file the corpus
does not own (see README, "Safety"). These guards turn that promise into something a test can
count:

- :class:`Guard` installs a :func:`sys.addaudithook` hook (once per process: audit hooks cannot
  be removed, so the hook does nothing unless a guard is active). While a guard is active it
  records, and by default blocks, every ``socket.connect``/``getaddrinfo``/DNS look-up/``sendto``
  that is not a Unix socket (or loopback, when explicitly permitted), and records every ``open``
  of a path outside the allowed roots (the corpus, the output directory, the Python
  installation, ``/proc``, ``/dev/null``...). Attempts are written to a log file as JSON
  lines, one ``os.write`` each, so that worker processes forked while the guard is active (the
  ``ProcessExecutor``'s) report into the same log: a forked child inherits the hook, the flag
  and the log's descriptor.
- :class:`OpenWatch` uses Linux inotify to see every open of given files or directories by
  *any* process, C code included. Audit hooks only see what Python itself opens; libxml2
  resolving an external entity, or an external validator command, opens files in C. inotify
  is what proves that a secret file was never opened by anyone.

``python -m st9x.testing.guards --log FILE [--allow DIR]... -- run ...`` runs the ``st9x`` command
line under a guard and prints a one-line summary: the command the reliability report quotes.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import ctypes.util
import errno
import ipaddress
import json
import os
import socket
import struct
import sys
import sysconfig
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

NETWORK_EVENTS = frozenset(
    {
        "socket.connect",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyaddr",
        "socket.getnameinfo",
        "socket.sendto",
        "socket.sendmsg",
        "http.client.connect",
        "urllib.Request",
    }
)
FILE_EVENTS = frozenset({"open"})
_WATCHED = NETWORK_EVENTS | FILE_EVENTS
_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


class GuardViolation(PermissionError):
    """Raised inside the code that tried something a guard blocks. A PermissionError (an
    OSError), so that libraries treat it as the failed connection it stands for."""


@dataclass(frozen=True)
class Attempt:
    """One thing a guard saw: a network attempt or an open outside the allowed roots."""

    kind: str  # "network" or "file"
    event: str  # the audit event: "socket.connect", "open", ...
    target: str  # the address, host or resolved path
    pid: int
    blocked: bool
    where: tuple[str, ...] = ()  # innermost Python frames that asked for it

    def __str__(self) -> str:
        action = "blocked" if self.blocked else "seen"
        # the innermost frame outside the standard library says who asked (not pathlib's open)
        stdlib = sysconfig.get_paths()["stdlib"]
        asked = next((f for f in self.where if not f.startswith(stdlib)), None)
        origin = f" from {asked or self.where[0]}" if self.where else ""
        return f"{action} {self.kind} {self.event} {self.target} (pid {self.pid}){origin}"


def runtime_roots() -> tuple[Path, ...]:
    """Where the Python runtime and st9x's libraries legitimately read from: the interpreter's
    prefixes, stdlib and site-packages, st9x's own source (an editable install reads its
    metadata there), /proc and /sys, the harmless device files, and the system tables the
    standard library reads."""
    import st9x

    places = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    places.update(p for p in sysconfig.get_paths().values() if p)
    places.add(str(Path(st9x.__file__).resolve().parent.parent))
    # the kernel's views of processes and devices the runtime reads, but not all of /dev:
    # /dev/zero reached through a corpus symlink is exactly the kind of read to catch
    places.update(("/proc", "/sys", "/dev/null", "/dev/urandom", "/dev/random", "/dev/shm"))
    places.update(("/dev/tty", "/dev/pts", "/dev/fd", "/dev/stdin", "/dev/stdout", "/dev/stderr"))
    # system tables the standard library reads on first use: mimetypes (urllib opening a file:
    # URL, as xmlschema does for its meta-schemas) reads these
    import mimetypes

    places.update(mimetypes.knownfiles)
    return tuple(sorted({Path(os.path.realpath(p)) for p in places}))


@dataclass
class _State:
    """What the (single, permanent) audit hook consults. Shared by every guard in the
    process; copied into forked children along with the hook itself."""

    active: list[Guard] = field(default_factory=list)
    installed: bool = False
    logs: set[str] = field(default_factory=set)  # every guard's own log: never an attempt


_STATE = _State()
_LOCAL = threading.local()


def _install_hook() -> None:
    if not _STATE.installed:
        sys.addaudithook(_audit)
        _STATE.installed = True



def _audit(event: str, args: tuple[Any, ...]) -> None:
    """The audit hook. Cheap when no guard is active or the event is not one we watch, since
    the interpreter calls it for every audited event in every thread."""
    if not _STATE.active or event not in _WATCHED:
        return
    if getattr(_LOCAL, "busy", False):
        return  # the guard's own work (resolving a path) must not re-enter it
    _LOCAL.busy = True
    try:
        for guard in list(_STATE.active):
            guard._check(event, args)
    finally:
        _LOCAL.busy = False


# Installed with the module, not with the first guard: hooks run in the order they were added,
# and st9x's own refusal (st9x.offline) would otherwise stop an attempt before a guard that is
# installed later could record it.
_install_hook()


def _is_loopback(host: object) -> bool:
    if host is None:
        return True  # getaddrinfo(None, port): the local wildcard address, no look-up
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    name = host.strip("[]").lower()
    if name in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _host_of(address: object) -> object:
    if isinstance(address, tuple) and address:
        return address[0]
    return address


def _frames() -> tuple[str, ...]:
    """The innermost frames outside this module, for telling who made an attempt."""
    out: list[str] = []
    frame = sys._getframe(2)
    while frame is not None and len(out) < 6:
        filename = frame.f_code.co_filename
        if filename != __file__:
            out.append(f"{filename}:{frame.f_lineno} {frame.f_code.co_name}")
        frame = frame.f_back
    return tuple(out)


class Guard:
    """Record (and block) network use and opens outside ``allowed_roots`` while active.

    Use as a context manager; guards nest, and every active guard sees every event. The
    allowed roots are extended with :func:`runtime_roots` unless ``runtime=False``. Loopback
    addresses are blocked too unless ``allow_loopback`` (a test's own listening socket).
    """

    def __init__(
        self,
        allowed_roots: Iterable[str | os.PathLike[str]] = (),
        *,
        runtime: bool = True,
        allow_loopback: bool = False,
        block_network: bool = True,
        block_files: bool = False,
        log: str | os.PathLike[str] | None = None,
    ) -> None:
        roots = [Path(os.path.realpath(os.fspath(r))) for r in allowed_roots]
        if runtime:
            roots.extend(runtime_roots())
        self.allow_loopback = allow_loopback
        self.block_network = block_network
        self.block_files = block_files
        self._own_log = log is None
        if log is None:  # a private directory: creating it opens nothing another guard sees
            log = os.path.join(tempfile.mkdtemp(prefix="st9x-guard-"), "attempts.jsonl")
        self.log = Path(os.path.realpath(os.fspath(log)))
        _STATE.logs.add(str(self.log))
        self._roots = tuple(sorted({str(r) for r in roots}))
        self._fd: int | None = None
        self._kept: list[Attempt] | None = None

    # -- the context manager ------------------------------------------------------------------

    def __enter__(self) -> Guard:
        _install_hook()
        self._fd = os.open(self.log, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_TRUNC, 0o600)
        self._pid = os.getpid()
        self._kept = None
        _STATE.active.append(self)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        with contextlib.suppress(ValueError):
            _STATE.active.remove(self)
        if self._fd is not None and os.getpid() == self._pid:
            os.close(self._fd)
            self._fd = None
            self._kept = read_log(self.log)
            if self._own_log:
                self.log.unlink(missing_ok=True)
                with contextlib.suppress(OSError):
                    self.log.parent.rmdir()

    @property
    def active(self) -> bool:
        return self in _STATE.active

    # -- what was seen ------------------------------------------------------------------------

    @property
    def attempts(self) -> list[Attempt]:
        """Everything seen so far, by this process and by every process forked from it."""
        if self._kept is not None:
            return list(self._kept)
        return read_log(self.log)

    @property
    def network(self) -> list[Attempt]:
        return [a for a in self.attempts if a.kind == "network"]

    @property
    def outside(self) -> list[Attempt]:
        """Opens of paths outside the allowed roots."""
        return [a for a in self.attempts if a.kind == "file"]

    def allows(self, path: str | os.PathLike[str]) -> bool:
        """Whether ``path`` (resolved) lies under one of the allowed roots."""
        resolved = os.path.realpath(os.fspath(path))
        return any(
            resolved == root or resolved.startswith(root.rstrip("/") + "/") for root in self._roots
        )

    # -- the checks ---------------------------------------------------------------------------

    def _check(self, event: str, args: tuple[Any, ...]) -> None:
        if event in FILE_EVENTS:
            self._check_open(args)
        else:
            self._check_network(event, args)

    def _check_open(self, args: tuple[Any, ...]) -> None:
        path = args[0] if args else None
        if isinstance(path, int) or path is None:
            return  # an already open descriptor
        try:
            name = os.fsdecode(os.fspath(path))
            resolved = os.path.realpath(name)
        except (TypeError, ValueError):
            return  # not a path the open could use either (an embedded NUL): it will fail
        if resolved in _STATE.logs or self.allows(resolved):
            return
        self._record("file", "open", resolved, self.block_files)

    def _check_network(self, event: str, args: tuple[Any, ...]) -> None:
        if event == "socket.connect" or event in ("socket.sendto", "socket.sendmsg"):
            sock, address = (*args, None, None)[:2]
            family = getattr(sock, "family", None)
            if family == socket.AF_UNIX or isinstance(address, (str, bytes)):
                return  # a Unix socket: local inter-process communication, not the network
            if address is None and event == "socket.sendmsg":
                return  # sendmsg on a connected socket: its connect was already checked
            host = _host_of(address)
            target = (
                f"{host}:{address[1]}"
                if isinstance(address, tuple) and len(address) > 1
                else str(host)
            )
        elif event == "urllib.Request":
            url = str(args[0]) if args else ""
            if url.lower().startswith("file:") or "://" not in url:
                return  # a local file read through urllib; the open is checked on its own
            from urllib.parse import urlsplit

            host = urlsplit(url).hostname
            target = url
        elif event == "http.client.connect":
            host = args[1] if len(args) > 1 else None
            target = f"{host}:{args[2] if len(args) > 2 else ''}"
        else:  # name look-ups
            host = args[0] if args else None
            target = str(host)
        if self.allow_loopback and _is_loopback(host):
            return
        self._record("network", event, target, self.block_network)

    def _record(self, kind: str, event: str, target: str, block: bool) -> None:
        attempt = Attempt(kind, event, target, os.getpid(), block, _frames())
        fd = self._fd
        if fd is not None:
            line = json.dumps(attempt.__dict__, default=list).encode("utf-8", "replace") + b"\n"
            with contextlib.suppress(OSError):
                os.write(fd, line)
        if block:
            raise GuardViolation(errno.EACCES, f"st9x guard: {kind} access refused", target)


def read_log(path: str | os.PathLike[str]) -> list[Attempt]:
    """The attempts recorded in a guard's log file (written by any process)."""
    try:
        fd = os.open(os.fspath(path), os.O_RDONLY)
    except FileNotFoundError:
        return []
    try:
        chunks = []
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
    finally:
        os.close(fd)
    out = []
    for line in b"".join(chunks).splitlines():
        if line.strip():
            data = json.loads(line)
            data["where"] = tuple(data.get("where", ()))
            out.append(Attempt(**data))
    return out


# -- inotify: opens by any process, C code included ---------------------------------------------

IN_ACCESS = 0x00000001
IN_OPEN = 0x00000020
IN_ISDIR = 0x40000000
_EVENT = struct.Struct("iIII")


@dataclass(frozen=True)
class Opened:
    """One inotify event on a watched file or directory."""

    path: str
    event: str  # "open" or "read"

    def __str__(self) -> str:
        return f"{self.event} {self.path}"


class OpenWatch:
    """Watch files and directories with inotify: every open or read of them by any process
    (this one, its forked workers, an external command, libxml2's own I/O) is reported.

    A watched directory reports opens of the files directly inside it and of itself (a
    listing). Start watching after the test has written the files, since writing opens them.
    """

    def __init__(self, paths: Iterable[str | os.PathLike[str]]) -> None:
        self.paths = [Path(os.path.realpath(os.fspath(p))) for p in paths]
        self._fd: int | None = None
        self._watches: dict[int, Path] = {}
        self._seen: list[Opened] = []

    @staticmethod
    def available() -> bool:
        """Whether this system offers inotify (Linux with a C library that wraps it)."""
        return _libc() is not None

    def __enter__(self) -> OpenWatch:
        libc = _libc()
        if libc is None:
            raise OSError(errno.ENOSYS, "inotify is not available on this system")
        fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1 failed")
        self._fd = fd
        for path in self.paths:
            wd = libc.inotify_add_watch(fd, os.fsencode(path), IN_OPEN | IN_ACCESS)
            if wd < 0:
                code = ctypes.get_errno()
                os.close(fd)
                self._fd = None
                raise OSError(code, os.strerror(code), str(path))
            self._watches[wd] = path
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            self._drain()
            os.close(self._fd)
            self._fd = None

    def _drain(self) -> None:
        assert self._fd is not None
        while True:
            try:
                data = os.read(self._fd, 1 << 16)
            except BlockingIOError:
                return
            offset = 0
            while offset < len(data):
                wd, mask, _cookie, length = _EVENT.unpack_from(data, offset)
                offset += _EVENT.size
                name = data[offset : offset + length].rstrip(b"\0").decode("utf-8", "replace")
                offset += length
                base = self._watches.get(wd)
                if base is None:
                    continue
                path = str(base / name) if name else str(base)
                kind = "open" if mask & IN_OPEN else "read"
                self._seen.append(Opened(path, kind))

    @property
    def opened(self) -> list[Opened]:
        """Every open or read seen so far."""
        if self._fd is not None:
            self._drain()
        return list(self._seen)


_LIBC: Any = None


def _libc() -> Any:
    global _LIBC
    if _LIBC is None:
        if not sys.platform.startswith("linux"):
            return None
        name = ctypes.util.find_library("c") or "libc.so.6"
        try:
            libc = ctypes.CDLL(name, use_errno=True)
            libc.inotify_init1  # noqa: B018 - present only where inotify exists
        except (OSError, AttributeError):
            return None
        _LIBC = libc
    return _LIBC


# -- running the st9x command line under a guard -----------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m st9x.testing.guards [options] -- ST9X-ARGS...``: run the st9x command line in
    this process under a guard (the worker processes it forks inherit it), then print how many
    network attempts and outside opens were seen, and write them to ``--log``."""
    parser = argparse.ArgumentParser(
        prog="python -m st9x.testing.guards",
        description="Run an st9x command under the network and file-read guards.",
    )
    parser.add_argument("--log", type=Path, required=True, help="JSON Lines file of attempts")
    parser.add_argument(
        "--allow",
        action="append",
        default=[],
        type=Path,
        metavar="DIR",
        help="a directory the run may read (the corpus, the output directory); repeatable",
    )
    parser.add_argument("--allow-loopback", action="store_true")
    parser.add_argument("--block-files", action="store_true")
    parser.add_argument("st9x_args", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    rest = list(args.st9x_args)
    if rest and rest[0] == "--":
        rest = rest[1:]
    from st9x.cli import main as st9x_main

    started = time.monotonic()
    guard = Guard(
        args.allow,
        allow_loopback=args.allow_loopback,
        block_files=args.block_files,
        log=args.log,
    )
    with guard:
        status = st9x_main(rest)
    attempts = guard.attempts
    network = sum(1 for a in attempts if a.kind == "network")
    outside = sum(1 for a in attempts if a.kind == "file")
    print(
        f"st9x guards: {network} network attempts, {outside} opens outside the allowed roots "
        f"({time.monotonic() - started:.1f} s; log: {args.log})",
        file=sys.stderr,
    )
    for attempt in attempts[:20]:
        print(f"st9x guards: {attempt}", file=sys.stderr)
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
