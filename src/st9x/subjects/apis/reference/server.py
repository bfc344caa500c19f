"""Running the reference API: uvicorn in a background thread, on a socket st9x binds itself.

Tests and demos need the API on a real loopback port, started and stopped within one process.
:class:`RunningServer` binds the listening socket itself from a numeric address (port 0: the
system picks a free port, read back from the socket, so nothing races for it) and hands it to
uvicorn, which serves it from a daemon thread. Binding it here also means no name look-up is
ever made, so ``st9x serve-reference`` serves while the rest of the command stays under
:func:`st9x.offline.offline` (a bind and the accepts that follow are not what it refuses:
outgoing connections and look-ups).

:func:`serving` is the context manager tests use: it returns only once the API answers a
request, and stops the server on exit, also when the block raises, so the port is closed
afterwards.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import uvicorn
from starlette.applications import Starlette

from st9x.subjects.apis.reference.app import create_app

LOOPBACK = "127.0.0.1"
START_TIMEOUT = 30.0  # seconds; generous for a loaded machine
STOP_TIMEOUT = 10.0


class ServerError(RuntimeError):
    """The server could not be started (bad address, port in use, no answer in time)."""


def numeric_host(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """``host`` as an IP address (``localhost`` is 127.0.0.1): a name would need a look-up."""
    if host.lower() == "localhost":
        host = LOOPBACK
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError as exc:
        raise ServerError(f"{host!r} is not a numeric IP address") from exc


class RunningServer:
    """uvicorn serving ``app`` on ``host:port`` from a daemon thread, until :meth:`stop`."""

    def __init__(self, app: Starlette, host: str = LOOPBACK, port: int = 0) -> None:
        address = numeric_host(host)
        family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
        self.socket = socket.socket(family, socket.SOCK_STREAM)
        try:
            self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.socket.bind((str(address), port))
            self.socket.listen(128)
        except OSError as exc:
            self.socket.close()
            raise ServerError(f"cannot listen on {address}:{port}: {exc.strerror or exc}") \
                from exc
        self.host = f"[{address}]" if address.version == 6 else str(address)
        self.port: int = self.socket.getsockname()[1]
        # log_config=None: the process's logging set-up stays as it was (a test run, a checker)
        config = uvicorn.Config(app, lifespan="off", log_level="warning", access_log=False,
                                log_config=None, timeout_graceful_shutdown=int(STOP_TIMEOUT // 2))
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]},
            name=f"st9x-reference-api-{self.port}", daemon=True,
        )

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = START_TIMEOUT) -> RunningServer:
        """Start serving; return once uvicorn listens (ServerError if it does not in time)."""
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise ServerError(f"the reference API did not start on {self.url}")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        """Stop serving and close the port (idempotent)."""
        self.server.should_exit = True
        if self.thread.is_alive():
            self.thread.join(STOP_TIMEOUT)
            if self.thread.is_alive():
                self.server.force_exit = True
                self.thread.join(STOP_TIMEOUT)
        self.socket.close()


def wait_until_answers(url: str, timeout: float = START_TIMEOUT) -> None:
    """Return once ``url`` answers an HTTP request (any status), ServerError if not in time."""
    deadline = time.monotonic() + timeout
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: no proxy
    while True:
        try:
            with opener.open(url, timeout=2.0) as response:
                response.read()
            return
        except urllib.request.HTTPError:
            return  # an HTTP answer, whatever its status
        except OSError as exc:
            if time.monotonic() > deadline:
                raise ServerError(f"{url} does not answer: {exc}") from exc
            time.sleep(0.05)


@contextmanager
def serving(faults: Iterable[str] = frozenset(), port: int = 0) -> Iterator[str]:
    """The reference API with ``faults`` on 127.0.0.1 for the block; yields its base URL
    (``http://127.0.0.1:PORT``; port 0: a free port). Stopped on exit, also on an exception."""
    server = RunningServer(create_app(frozenset(faults)), LOOPBACK, port).start()
    try:
        wait_until_answers(server.url + "/openapi.json")
        yield server.url
    finally:
        server.stop()
