"""The ST.90 behaviour probes judged: unknown resources answer 404, a method the path does not
offer 405 with ``Allow``, an ``Accept`` the API cannot serve 406, and paging parameters are
honoured. Each rule reads only the exchanges of its own probes; a request that got no answer
is judged by ``st90.live.answers`` alone."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from st9x.rules.model import Finding
from st9x.rules.st90_live.exchanges import NOT_JSON, Exchange, LiveApi, Probe


def _status(api: LiveApi, probes: tuple[Probe, ...], expected: int, what: str
            ) -> Iterator[Finding]:
    found = False
    for exchange in api.answered(*probes):
        found = True
        assert exchange.response is not None
        if exchange.response.status == expected:
            yield Finding.passed(exchange.where)
        else:
            yield Finding.failed(exchange.where, f"{exchange.where} ({exchange.note}): "
                                 f"{exchange.got()}, where {expected} was expected")
    if not found:
        yield Finding.not_applicable(f"no {what} was probed with an answer")


def unknown_resource(api: LiveApi) -> Iterator[Finding]:
    yield from _status(api, (Probe.UNKNOWN_ID, Probe.UNKNOWN_PATH), 404, "unknown resource")


def method_not_allowed(api: LiveApi) -> Iterator[Finding]:
    yield from _status(api, (Probe.WRONG_METHOD,), 405, "undeclared method")


def not_acceptable(api: LiveApi) -> Iterator[Finding]:
    yield from _status(api, (Probe.UNSUPPORTED_ACCEPT,), 406, "unsupported Accept")


def allow_header(api: LiveApi) -> Iterator[Finding]:
    found = False
    for exchange in api.answered(Probe.WRONG_METHOD):
        assert exchange.response is not None
        if exchange.response.status != 405:
            continue  # judged by st90.live.method-not-allowed-405
        found = True
        allow = exchange.response.header("allow")
        offered = {m.strip().upper() for m in (allow or "").split(",") if m.strip()}
        expected = set(exchange.declared_methods)
        missing = sorted(expected - offered)
        if allow is None:
            yield Finding.failed(exchange.where, f"{exchange.where}: 405 without an Allow "
                                 "header")
        elif missing:
            yield Finding.failed(exchange.where, f"{exchange.where}: 405 with Allow: {allow}, "
                                 f"which leaves out {', '.join(missing)} the document declares")
        else:
            yield Finding.passed(exchange.where)
    if not found:
        yield Finding.not_applicable("no 405 answer to judge")


def items_of(exchange: Exchange) -> list[Any] | None:
    """The items of a paging probe's answer, or None when they cannot be found."""
    body = exchange.json()
    paging = exchange.paging
    if body is NOT_JSON or paging is None:
        return None
    if paging.items_property:
        body = body.get(paging.items_property) if isinstance(body, dict) else None
    return body if isinstance(body, list) else None


def _success(exchange: Exchange) -> Finding | None:
    """A failure when the paging probe was refused (not 2xx); ``n/a`` when its answer holds
    no list of items where the schema says (a schema break, judged by its own rule)."""
    assert exchange.response is not None
    if not 200 <= exchange.response.status < 300:
        return Finding.failed(exchange.where, f"{exchange.where} ({exchange.note}): "
                              f"{exchange.got()}: the paging parameters were refused")
    if items_of(exchange) is None:  # the body breaks its schema: st90.live.response-schema
        where = exchange.paging.items_property if exchange.paging else ""
        return Finding.not_applicable(f"{exchange.where}: no list of items "
                                      f"{'in ' + repr(where) if where else 'as the body'}, "
                                      "so paging cannot be judged", exchange.where)
    return None


def paging_limit(api: LiveApi) -> Iterator[Finding]:
    found = False
    for exchange in api.answered(Probe.PAGING_LIMIT):
        found = True
        problem = _success(exchange)
        if problem is not None:
            yield problem
            continue
        items = items_of(exchange) or []
        limit = exchange.paging.limit if exchange.paging else 1
        if len(items) <= limit:
            yield Finding.passed(exchange.where)
        else:
            yield Finding.failed(exchange.where, f"{exchange.where}: {len(items)} items came "
                                 f"back where at most {limit} were asked for")
    if not found:
        yield Finding.not_applicable("no collection with a limit parameter was probed")


def paging_offset(api: LiveApi) -> Iterator[Finding]:
    bases = {e.operation: e for e in api.answered(Probe.PAGING_BASE)}
    found = False
    for exchange in api.answered(Probe.PAGING_OFFSET):
        base = bases.get(exchange.operation)
        if base is None:
            continue
        found = True
        problem = _success(base) or _success(exchange)
        if problem is not None:
            yield problem
            continue
        first, shifted = items_of(base) or [], items_of(exchange) or []
        if len(first) < 2:
            yield Finding.not_applicable(f"{base.where}: fewer than two items, so an offset "
                                         "cannot be seen", exchange.where)
        elif shifted[:1] == first[1:2]:
            yield Finding.passed(exchange.where)
        else:
            yield Finding.failed(exchange.where, f"{exchange.where}: the first item is not the "
                                 f"second item of {base.where}: the offset was not applied")
    if not found:
        yield Finding.not_applicable("no collection with limit and offset parameters was "
                                     "probed")
