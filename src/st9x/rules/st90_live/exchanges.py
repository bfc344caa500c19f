"""What a live API check records and what its rules read: the exchanges with a running API.

Probing (sending requests) and judging (the rule table) are two stages, so that a rule is a
small function over data: it never sends anything, and the same recorded exchanges can be
judged again. Each :class:`Exchange` says why the request was sent (:class:`Probe`), which
OpenAPI operation it belongs to (if any), what was sent and what came back (or how the
transport failed). :class:`LiveApi` is the document a rule reads: the exchanges, the OpenAPI
document they were planned from, and the ST.97 check a rule may call on a body.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol
from urllib.parse import urlsplit

import orjson

from st9x.openapiload import OpenApiDocument


class Probe(StrEnum):
    """Why a request was sent: each ST.90 behaviour probe has its own label, so a rule picks
    exactly the exchanges it judges."""

    GENERATED = "generated"  # a request schemathesis generated from the operation
    EXAMPLE = "example"  # the operation's own documented example
    LISTING = "listing"  # a collection, read to learn the ids of existing resources
    LISTED = "listed"  # a resource the collection listed
    UNKNOWN_ID = "unknown-id"  # a retrieval path with an id no resource has
    UNKNOWN_PATH = "unknown-path"  # a path the API does not document
    WRONG_METHOD = "wrong-method"  # a method the path does not offer
    UNSUPPORTED_ACCEPT = "unsupported-accept"  # an Accept the operation does not offer
    PAGING_LIMIT = "paging-limit"  # the collection with limit=1
    PAGING_BASE = "paging-base"  # limit=2, offset=0: the reference for the offset probe
    PAGING_OFFSET = "paging-offset"  # limit=1, offset=1


@dataclass(frozen=True)
class Operation:
    """The OpenAPI operation a request belongs to: path template, method (lower case) and the
    JSON Pointer of the operation object."""

    template: str
    method: str
    pointer: str


@dataclass(frozen=True)
class Paging:
    """What a paging probe asked for: the parameter names the document uses, the values sent,
    and where the items are in the response (``""``: the body is the list)."""

    limit_name: str
    offset_name: str | None
    limit: int
    offset: int
    items_property: str


@dataclass(frozen=True)
class SentRequest:
    method: str
    url: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None

    @property
    def target(self) -> str:
        """Path and query, as a finding names the request."""
        parts = urlsplit(self.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def header(self, name: str) -> str | None:
        return _header(self.headers, name)


@dataclass(frozen=True)
class Received:
    """The response: ``body`` holds at most the cap; ``truncated`` says more was sent (the
    connection was then dropped)."""

    status: int
    reason: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    truncated: bool = False

    def header(self, name: str) -> str | None:
        return _header(self.headers, name)

    @property
    def media_type(self) -> str:
        """The Content-Type without parameters, lower case; ``""`` when none."""
        return (self.header("content-type") or "").split(";", 1)[0].strip().lower()

    @property
    def is_json(self) -> bool:
        media = self.media_type
        return media == "application/json" or media.endswith("+json")


def _header(headers: tuple[tuple[str, str], ...], name: str) -> str | None:
    name = name.lower()
    return next((v for k, v in headers if k.lower() == name), None)


NOT_JSON = object()  # a body that is not JSON, as :meth:`Exchange.json` gives it


@dataclass(frozen=True)
class Exchange:
    """One request and what came of it: ``response`` None means the transport failed
    (``error`` says how: no answer in time, connection reset, refused)."""

    probe: Probe
    request: SentRequest
    response: Received | None
    elapsed: float = 0.0
    error: str | None = None
    operation: Operation | None = None
    paging: Paging | None = None
    note: str = ""  # what the probe expects, for the finding's sentence
    declared_methods: tuple[str, ...] = ()  # a wrong-method probe: what the path offers

    @property
    def where(self) -> str:
        """``METHOD path?query``: the location of a finding about this exchange."""
        return f"{self.request.method} {self.request.target}"

    def json(self) -> Any:
        """The parsed body, or :data:`NOT_JSON` (no response, truncated, or not JSON)."""
        response = self.response
        if response is None or response.truncated:
            return NOT_JSON
        try:
            return orjson.loads(response.body)
        except orjson.JSONDecodeError:
            return NOT_JSON

    def got(self, limit: int = 200) -> str:
        """What came back, in a few words: status and the start of the body."""
        response = self.response
        if response is None:
            return f"no response ({self.error})"
        body = response.body[:limit].decode("utf-8", "replace").replace("\n", " ")
        more = "…" if len(response.body) > limit or response.truncated else ""
        kind = response.media_type or "no Content-Type"
        return f"{response.status} {kind}" + (f": {body}{more}" if body else "")


@dataclass(frozen=True)
class St97Outcome:
    """A body checked against the ST.97 JSON Schema its media type declares: ``problems``
    empty means valid; ``error`` set means the schema could not be used (named)."""

    schema: str
    problems: tuple[str, ...] = ()
    error: str | None = None


class St97Check(Protocol):
    """Validates a body against the ST.97 schema an ``x-st97-schema`` value names (with
    st9x's JSON validators; given by the layer that runs them)."""

    def __call__(self, reference: str, body: bytes) -> St97Outcome: ...


@dataclass
class LiveApi:
    """The document the live rules read: one API's exchanges, its OpenAPI document, and what
    the probing could not do (``notes``: bounds reached, probes skipped and why)."""

    base_url: str
    openapi: OpenApiDocument
    exchanges: list[Exchange] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    st97: St97Check | None = None

    def probed(self, *probes: Probe) -> Iterator[Exchange]:
        return (e for e in self.exchanges if e.probe in probes)

    def answered(self, *probes: Probe) -> Iterator[Exchange]:
        """The exchanges of ``probes`` (all, when none named) that got a response."""
        return (e for e in self.exchanges
                if e.response is not None and (not probes or e.probe in probes))
