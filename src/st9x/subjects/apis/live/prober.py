"""Probing a running API: the requests planned (documented examples, st9x's ST.90 behaviour
probes, then schemathesis's generated cases to fill what the budget leaves), sent one by one
within the bounds, and recorded as a :class:`~st9x.rules.st90_live.exchanges.LiveApi` for the
live rules to judge.

Only the base URL's host and port are ever reached: the whole probing runs inside
:func:`st9x.offline.reaching` for that endpoint, which keeps every other address refused even
inside an st9x command.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from st9x.errors import St9xError
from st9x.offline import reaching
from st9x.openapiload import OpenApiDocument
from st9x.rules.st90_live.exchanges import Exchange, LiveApi, SentRequest
from st9x.subjects.apis.live.client import Endpoint, LiveBounds, reachable, send
from st9x.subjects.apis.live.generated import generate
from st9x.subjects.apis.live.plan import (
    Planned,
    listed_values,
    plan_listed,
    plan_listings,
    plan_probes,
)
from st9x.subjects.apis.live.st97 import St97Validator

USER_AGENT = "st9x-api-check"
MAX_PER_OPERATION = 25  # generated cases of one operation, at most
#: called after each request with (requests sent, the request's METHOD path)
Progress = Callable[[int, str], None]


class ApiUnreachable(St9xError):
    """The API does not accept a connection at all: nothing to check."""


def probe_api(doc: OpenApiDocument, base_url: str, bounds: LiveBounds,
              progress: Progress | None = None) -> LiveApi:
    """Every planned request sent to the API at ``base_url`` within ``bounds``, recorded.
    Raises :class:`ApiUnreachable` (one line naming the URL) when no connection opens."""
    endpoint = Endpoint.parse(base_url)
    start = time.monotonic()
    deadline = start + bounds.time_limit
    api = LiveApi(base_url, doc, st97=St97Validator(Path(doc.path).parent))
    try:
        with reaching(endpoint.host, endpoint.port):
            problem = reachable(endpoint, bounds)
            if problem is not None:
                raise ApiUnreachable(f"{base_url}: cannot connect: {problem}")
            operations = sum(1 for _ in doc.operations()) or 1
            per_operation = min(MAX_PER_OPERATION, max(1, bounds.max_requests // operations))
            generated = generate(doc, per_operation, deadline)
            api.notes.extend(generated.notes)
            first = [*generated.examples, *plan_listings(doc)]
            if not _send_all(api, endpoint, first, bounds, deadline, progress):
                return api
            known = {**listed_values(doc, api.exchanges), **generated.known}
            plan = plan_probes(doc, known)
            api.notes.extend(plan.notes)
            ordered: list[Planned] = [*plan_listed(listed_values(doc, api.exchanges)),
                                      *plan.requests,
                                      *_interleave(list(generated.cases.values()))]
            _send_all(api, endpoint, ordered, bounds, deadline, progress)
    except OSError as exc:  # the host name does not resolve
        raise ApiUnreachable(f"{base_url}: cannot connect: {exc.strerror or exc}") from None
    return api


def _interleave(groups: list[list[Planned]]) -> list[Planned]:
    """Round-robin over the operations, so a small budget still reaches each one."""
    out: list[Planned] = []
    for index in range(max((len(g) for g in groups), default=0)):
        out.extend(g[index] for g in groups if index < len(g))
    return out


def _send_all(api: LiveApi, endpoint: Endpoint, planned: list[Planned], bounds: LiveBounds,
              deadline: float, progress: Progress | None) -> bool:
    """Send ``planned`` in order (a request already sent is not sent again); False when a
    bound stopped it (said in a note)."""
    seen = {(e.request.method, e.request.target, e.request.headers) for e in api.exchanges}
    for index, item in enumerate(planned):
        key = (item.method, endpoint.path + item.path, _headers(item))
        if key in seen and item.paging is None:
            continue
        seen.add(key)
        if len(api.exchanges) >= bounds.max_requests:
            api.notes.append(f"stopped after {bounds.max_requests} requests (--max-requests); "
                             f"{len(planned) - index} planned requests not sent")
            return False
        if time.monotonic() >= deadline:
            api.notes.append(f"stopped at the time limit of {bounds.time_limit:g} s "
                             f"(--time-limit) after {len(api.exchanges)} requests")
            return False
        request = SentRequest(item.method, endpoint.url(item.path), _headers(item))
        sent = send(endpoint, request, bounds)
        api.exchanges.append(Exchange(item.probe, request, sent.response, sent.elapsed,
                                      sent.error, item.operation, item.paging, item.note,
                                      item.declared_methods))
        if progress is not None:
            progress(len(api.exchanges), f"{item.method} {item.path}")
    return True


def _headers(item: Planned) -> tuple[tuple[str, str], ...]:
    headers = dict(item.headers)
    headers.setdefault("Accept", "application/json")
    headers["User-Agent"] = USER_AGENT
    headers["Accept-Encoding"] = "identity"  # the cap counts the bytes as sent
    return tuple(headers.items())
