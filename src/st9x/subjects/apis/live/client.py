"""One request to the API under test, bounded: a per-request timeout (for the answer and for
the whole body), a body cap read in chunks (a larger body is cut off and the connection
dropped), no redirect followed, and only the base URL's scheme, host and port ever reached.

``http.client`` rather than a session library: it opens one connection per request, follows
nothing, and lets the body be read chunk by chunk, so a server that hangs, resets, drips or
floods costs at most the bounds. Every failure becomes the ``error`` sentence of the exchange
(naming the URL is the caller's finding), never an exception that ends the check.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from st9x.errors import St9xError
from st9x.offline import NetworkRefused
from st9x.rules.st90_live.exchanges import Received, SentRequest

MIB = 1024 * 1024
CHUNK = 64 * 1024


@dataclass(frozen=True)
class LiveBounds:
    """What one check may cost: requests, total seconds, seconds per request (to the answer,
    and again for the body), and bytes of one response body."""

    max_requests: int = 200
    time_limit: float = 60.0
    request_timeout: float = 5.0
    max_body: int = 5 * MIB


class BadBaseUrl(St9xError):
    """The base URL is not an http(s) URL with a host."""


@dataclass(frozen=True)
class Endpoint:
    """The one place requests go: scheme, host and port of the base URL, and its path."""

    scheme: str
    host: str
    port: int
    path: str

    @classmethod
    def parse(cls, base_url: str) -> Endpoint:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise BadBaseUrl(f"{base_url}: the base URL must be http:// or https:// with a "
                             "host")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError as exc:
            raise BadBaseUrl(f"{base_url}: {exc}") from None
        return cls(parts.scheme, parts.hostname, port, parts.path.rstrip("/"))

    @property
    def origin(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"

    def url(self, path: str) -> str:
        """The full URL of an API path (``/v1/x?y=1``) under the base URL."""
        return f"{self.origin}{self.path}{path}"

    def owns(self, url: str) -> bool:
        parts = urlsplit(url)
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            return False
        return (parts.scheme, parts.hostname, port) == (self.scheme, self.host, self.port)


@dataclass(frozen=True)
class Sent:
    """What one :func:`send` gave: the response (None when the transport failed), the
    sentence saying what went wrong (also set for a cut-off body), the seconds it took."""

    response: Received | None
    error: str | None
    elapsed: float


def send(endpoint: Endpoint, request: SentRequest, bounds: LiveBounds) -> Sent:
    """Send ``request`` and read its answer within ``bounds``."""
    start = time.monotonic()
    if not endpoint.owns(request.url):
        return Sent(None, f"not sent: {request.url} is not under the base URL", 0.0)
    parts = urlsplit(request.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    timeout = bounds.request_timeout
    if endpoint.scheme == "https":
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            endpoint.host, endpoint.port, timeout=timeout, context=ssl.create_default_context())
    else:
        connection = http.client.HTTPConnection(endpoint.host, endpoint.port, timeout=timeout)
    try:
        connection.request(request.method, target, body=request.body,
                           headers=dict(request.headers))
        answer = connection.getresponse()
        body, truncated, late = _read_body(answer, bounds, start)
        error = None
        if truncated:
            error = f"response body larger than {_size(bounds.max_body)}"
        elif late:
            error = f"the body took longer than {timeout:g} s"
        received = Received(answer.status, answer.reason, tuple(answer.getheaders()), body,
                            truncated or late)
        return Sent(received, error, time.monotonic() - start)
    except TimeoutError:
        return Sent(None, f"no response within {timeout:g} s", time.monotonic() - start)
    except ConnectionResetError:
        return Sent(None, "connection reset by the server", time.monotonic() - start)
    except ConnectionRefusedError:
        return Sent(None, "connection refused", time.monotonic() - start)
    except http.client.RemoteDisconnected:
        return Sent(None, "the server closed the connection without a response",
                    time.monotonic() - start)
    except http.client.HTTPException as exc:
        return Sent(None, f"malformed HTTP response ({type(exc).__name__}: {exc})"[:300],
                    time.monotonic() - start)
    except NetworkRefused as exc:
        return Sent(None, str(exc), time.monotonic() - start)
    except (OSError, ssl.SSLError) as exc:
        return Sent(None, f"{type(exc).__name__}: {exc}"[:300], time.monotonic() - start)
    finally:
        connection.close()


def _read_body(answer: http.client.HTTPResponse, bounds: LiveBounds, start: float) -> tuple[
        bytes, bool, bool]:
    """The body, at most the cap: (bytes, cut off at the cap, cut off by the time bound)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() - start > 2 * bounds.request_timeout:
            return b"".join(chunks), False, True
        try:
            chunk = answer.read1(CHUNK)
        except TimeoutError:
            return b"".join(chunks), False, True
        if not chunk:
            return b"".join(chunks), False, False
        size += len(chunk)
        if size > bounds.max_body:
            keep = bounds.max_body - (size - len(chunk))
            chunks.append(chunk[:keep])
            return b"".join(chunks), True, False
        chunks.append(chunk)


def _size(count: int) -> str:
    return f"{count / MIB:g} MiB" if count >= MIB else f"{count} bytes"


def reachable(endpoint: Endpoint, bounds: LiveBounds) -> str | None:
    """None when a TCP connection to the endpoint opens, else why not (one sentence)."""
    try:
        with socket.create_connection((endpoint.host, endpoint.port),
                                      timeout=bounds.request_timeout):
            return None
    except TimeoutError:
        return f"no connection within {bounds.request_timeout:g} s"
    except NetworkRefused as exc:
        return str(exc)
    except OSError as exc:
        return exc.strerror or str(exc)
