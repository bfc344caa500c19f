"""The reference API's routes: trademark search and retrieval, ST.90 style, as a Starlette app.

Routes: ``GET /v1/trademarks`` (search), ``GET /v1/trademarks/{id}`` (one ST.97 document) and
``GET /openapi.json`` (the document describing them). What ST.90 asks of every answer is done
here once for all routes: an unknown path or id is a 404, a method the path does not offer a 405
with ``Allow``, an ``Accept`` that excludes ``application/json`` a 406, a bad query parameter a
400, an unexpected failure a 500, each with the shared error body of :mod:`.errors`. Paths are
matched exactly (no redirect from a trailing slash: ST.90 paths have none, so such a path is
unknown). The API key the document declares is not checked (see the document's description).

What the faults switch is read from :class:`~.faults.Behaviour` only.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from st9x.subjects.apis.reference.data import ROOT, by_id, trademarks
from st9x.subjects.apis.reference.errors import MEDIA_TYPE, Problem
from st9x.subjects.apis.reference.faults import Behaviour
from st9x.subjects.apis.reference.openapi import openapi_document
from st9x.subjects.apis.reference.query import BadParameter, SearchQuery

_JSON_RANGES = ("application/json", "application/*", "*/*")  # most specific first


def accepts_json(accept: str | None) -> bool:
    """Whether an ``Accept`` header admits ``application/json``: absent, or its most specific
    range that matches has a quality above 0 (``application/json;q=0, */*`` excludes it)."""
    if accept is None or not accept.strip():
        return True
    qualities: dict[str, float] = {}
    for media_range in accept.split(","):
        kind, *params = (part.strip() for part in media_range.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value.strip())
                except ValueError:
                    quality = 0.0
        qualities.setdefault(kind.lower(), quality)
    for media_range in _JSON_RANGES:
        if media_range in qualities:
            return qualities[media_range] > 0
    return False


def _json(body: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type=MEDIA_TYPE)


class ReferenceApi:
    """The endpoints and error handlers of one app, sharing its behaviour."""

    def __init__(self, behaviour: Behaviour, openapi: Mapping[str, Any]) -> None:
        self.behaviour = behaviour
        self.openapi_body = orjson.dumps(openapi)

    def error(self, status: int, detail: str, headers: Mapping[str, str] | None = None) -> Response:
        return Problem(status, detail).response(self.behaviour.shared_error_body, headers)

    def not_acceptable(self, request: Request) -> Response | None:
        """The 406 answer when the request's Accept excludes JSON (None: go on)."""
        accept = request.headers.get("accept")
        if not self.behaviour.negotiate or accepts_json(accept):
            return None
        return self.error(406, f"only application/json is served (Accept: {accept[:200]})")

    async def openapi(self, request: Request) -> Response:
        refused = self.not_acceptable(request)
        if refused is not None:
            return refused
        return Response(self.openapi_body, media_type=MEDIA_TYPE)

    async def search(self, request: Request) -> Response:
        refused = self.not_acceptable(request)
        if refused is not None:
            return refused
        try:
            query = SearchQuery.parse(request.query_params)
        except BadParameter as exc:
            return self.error(400, str(exc))
        matches = query.ordered([t.summary for t in trademarks() if query.matches(t.summary)])
        page = matches
        if self.behaviour.honour_paging:
            page = matches[query.offset : query.offset + query.limit]
        total: int | str = len(matches) if self.behaviour.search_on_schema else str(len(matches))
        return _json({"total": total, "limit": query.limit, "offset": query.offset,
                      "items": [query.item(summary) for summary in page]})

    async def retrieve(self, request: Request) -> Response:
        refused = self.not_acceptable(request)
        if refused is not None:
            return refused
        trademark_id = request.path_params["id"]
        trademark = by_id().get(trademark_id)
        if trademark is None:
            return self.error(self.behaviour.not_found_status,
                              f"no trademark application with id {trademark_id[:100]!r}")
        document: Mapping[str, Any] = trademark.document
        if not self.behaviour.st97_intact:
            document = copy.deepcopy(dict(document))
            document[ROOT].pop("filingDate", None)
        return _json(document)

    async def http_error(self, request: Request, exc: Exception) -> Response:
        """The router's own 404 (no such path) and 405 (no such method), as ST.90 errors."""
        assert isinstance(exc, HTTPException)
        if exc.status_code == 405:
            allow = (exc.headers or {}).get("Allow", "GET, HEAD")
            if self.behaviour.wrong_method_status == 405:
                return self.error(405, f"{request.method} is not offered here; Allow: {allow}",
                                  {"Allow": allow})
            return self.error(self.behaviour.wrong_method_status,
                              f"{request.method} {request.url.path[:200]} is not served")
        if exc.status_code == 404:
            return self.error(self.behaviour.not_found_status,
                              f"no such path: {request.url.path[:200]}")
        return self.error(exc.status_code, str(exc.detail))

    async def server_error(self, request: Request, exc: Exception) -> Response:
        return self.error(500, "the reference API failed to answer this request")


def create_app(faults: Iterable[str] = frozenset()) -> Starlette:
    """The reference API with ``faults`` switched on (unknown fault name: ValueError)."""
    behaviour = Behaviour.of(faults)
    api = ReferenceApi(behaviour, openapi_document(faults))
    trademarks()  # read the corpus now: a broken one fails here, not in the first request
    app = Starlette(
        routes=[
            Route("/openapi.json", api.openapi, methods=["GET"]),
            Route(behaviour.collection, api.search, methods=["GET"]),
            Route(behaviour.collection + "/{id}", api.retrieve, methods=["GET"]),
        ],
        exception_handlers={HTTPException: api.http_error, Exception: api.server_error},
    )
    app.router.redirect_slashes = False
    return app
