"""No network from st9x's own work: a refusal at the socket, behind every resolver.

Every adapter hands its library a resolver that serves local files only, and st9x never needs
the network for anything it does: not to validate, not to convert, not to generate a corpus. A
library that finds a way around its resolver anyway (a URI scheme it hands to ``urlopen``, a
proxy variable that turns an unknown scheme into an HTTP request) would still need a socket.
While :func:`offline` is active, an audit hook (:func:`sys.addaudithook`) refuses every name
look-up, every connection or datagram that is not a Unix socket and every ``urlopen`` of
anything but a ``file:`` URL, by raising :class:`NetworkRefused` inside the code that asked, so
the case is ``errored`` with one line naming the address and the run goes on. ``urlopen``
itself is given an opener that reads ``file:`` URLs and asks no proxy (:func:`local_opener`):
with the default one, ``file_proxy`` turns every local schema xmlschema reads into an HTTP
request, and the other ``<scheme>_proxy`` variables any unknown scheme.

The hook is active only inside st9x's commands (:func:`st9x.cli.main`) and while a worker runs a
task (:meth:`st9x.engine.worker.Worker.run`, in worker processes as in-process); a program that
imports st9x, a test process and its loopback servers are not affected outside those.
Audit hooks cannot be removed, so the hook is installed once per process and does nothing while
no ``offline`` block is active (a forked worker inherits both). It sees what Python code does;
C code that opens sockets itself (libxml2) is kept off the network by its own settings
(``no_network``, a resolver), and external commands run in processes of their own.

One command has to talk to a server: the live API check (``st9x api-check``, and the
``St90LiveLinter`` behind it) sends its requests to the one base URL the user gave. Inside
:func:`reaching` the hook lets through exactly that: the name look-up of that host, and
connections to the addresses it resolved to on that port (and ``http.client``'s connect to that
host and port). Every other host, port or look-up is still refused, a redirect to another
host included; the exemption ends with the block.
"""

from __future__ import annotations

import socket
import sys
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from st9x.errors import St9xError

_SOCKET_EVENTS = frozenset({"socket.connect", "socket.sendto", "socket.sendmsg"})
_LOOKUP_EVENTS = frozenset(
    {
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyaddr",
        "socket.getnameinfo",
    }
)
_URL_EVENTS = frozenset({"urllib.Request", "http.client.connect"})
_EVENTS = _SOCKET_EVENTS | _LOOKUP_EVENTS | _URL_EVENTS


class NetworkRefused(St9xError):
    """st9x's own work tried to reach the network; raised where the attempt was made.

    Deliberately not an ``OSError``: a library that retries or falls back on a failed
    connection must not take this for one."""


class _State:
    reach_host: str | None = None  # the one host :func:`reaching` lets through, while active
    reach_port: int | None = None
    reach_addresses: frozenset[tuple[str, int]] = frozenset()
    depth = 0  # nested offline() blocks in this process (threads share it: the process is offline)
    installed = False
    lock = threading.Lock()
    openers = 0  # nested local_urlopen() blocks
    opener: urllib.request.OpenerDirector | None = None  # urlopen's opener before the block


def local_opener() -> urllib.request.OpenerDirector:
    """An opener for ``urlopen`` that opens ``file:`` URLs and nothing else, and never asks a
    proxy: the default opener sends even a ``file:`` URL to ``$file_proxy`` as an HTTP request
    (xmlschema reads every schema, its own meta-schemas included, through ``urlopen``)."""
    opener = urllib.request.OpenerDirector()
    for handler in (urllib.request.FileHandler(), urllib.request.UnknownHandler()):
        opener.add_handler(handler)
    return opener


def _refusal(event: str, args: tuple[Any, ...]) -> str | None:
    """What ``event`` would reach on the network, or None when it stays on this machine."""
    if event in _SOCKET_EVENTS:
        sock, address = (*args, None, None)[:2]
        if getattr(sock, "family", None) == socket.AF_UNIX or isinstance(address, (str, bytes)):
            return None  # a Unix socket: inter-process communication on this machine
        if address is None:
            return None  # sendmsg on a connected socket: its connect was refused already
        if isinstance(address, tuple) and len(address) > 1:
            return f"{address[0]}:{address[1]}"
        return str(address)
    if event in _LOOKUP_EVENTS:
        host = args[0] if args else None
        return None if host is None else f"name look-up of {host!r}"
    if event == "urllib.Request":
        url = str(args[0]) if args else ""
        return None if url.lower().startswith("file:") else url
    host = args[1] if len(args) > 1 else None  # http.client.connect(self, host, port)
    port = args[2] if len(args) > 2 else ""
    return f"{host}:{port}"


def _reachable(event: str, args: tuple[Any, ...]) -> bool:
    """Whether ``event`` goes to the one endpoint of an active :func:`reaching` block."""
    host = _State.reach_host
    if host is None:
        return False
    if event in _LOOKUP_EVENTS:
        return bool(args) and args[0] in (host, host.encode())
    if event in _SOCKET_EVENTS:
        address = args[1] if len(args) > 1 else None
        return (isinstance(address, tuple) and len(address) > 1
                and (str(address[0]), address[1]) in _State.reach_addresses)
    if event == "http.client.connect":
        return len(args) > 2 and args[1] == host and args[2] == _State.reach_port
    return False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    """The hook: called for every audited event of the process, so the cheap test comes first."""
    if not _State.depth or event not in _EVENTS:
        return
    target = _refusal(event, args)
    if target is not None and not _reachable(event, args):
        raise NetworkRefused(
            f"refusing network access ({event} {target}): st9x reads local files only"
        )


def install() -> None:
    """Install the (inactive) hook in this process, once."""
    with _State.lock:
        if not _State.installed:
            sys.addaudithook(_audit)
            _State.installed = True


@contextmanager
def offline() -> Iterator[None]:
    """Refuse the network to this process (every thread) for the duration of the block."""
    install()
    with local_urlopen():
        with _State.lock:
            _State.depth += 1
        try:
            yield
        finally:
            with _State.lock:
                _State.depth -= 1


@contextmanager
def local_urlopen() -> Iterator[None]:
    """``urlopen`` with :func:`local_opener` for the duration of the block (and no audit hook:
    for code that runs before st9x does, such as an import by a pytest plugin)."""
    with _State.lock:
        if _State.openers == 0:
            # urlopen's opener is module state: swapped for the block, put back after it
            _State.opener = urllib.request._opener  # type: ignore[attr-defined]
            urllib.request.install_opener(local_opener())
        _State.openers += 1
    try:
        yield
    finally:
        with _State.lock:
            _State.openers -= 1
            if _State.openers == 0:
                urllib.request.install_opener(_State.opener)  # type: ignore[arg-type]
                _State.opener = None


@contextmanager
def reaching(host: str, port: int) -> Iterator[tuple[str, ...]]:
    """Let this process reach ``host`` on ``port``, and nothing else, for the duration of the
    block, even inside :func:`offline`; yields the addresses ``host`` resolved to (connections
    to any other address, or to these on another port, are still refused). Raises ``OSError``
    when the name does not resolve. One endpoint at a time: blocks do not nest."""
    install()
    with _State.lock:
        if _State.reach_host is not None:
            raise RuntimeError("reaching() blocks do not nest")
        _State.reach_host, _State.reach_port = host, port
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        addresses = tuple(dict.fromkeys(str(info[4][0]) for info in found))
        with _State.lock:
            _State.reach_addresses = frozenset((a, port) for a in addresses)
        yield addresses
    finally:
        with _State.lock:
            _State.reach_host = _State.reach_port = None
            _State.reach_addresses = frozenset()


def is_offline() -> bool:
    """Whether an :func:`offline` block is active in this process."""
    return _State.depth > 0
