"""The rules about the transport itself: every request got a whole answer in time, and a body
labelled JSON is JSON. A failure here names the full URL: it is what a person retries."""

from __future__ import annotations

from collections.abc import Iterator

from st9x.rules.model import Finding
from st9x.rules.st90_live.exchanges import NOT_JSON, LiveApi


def answers(api: LiveApi) -> Iterator[Finding]:
    if not api.exchanges:
        yield Finding.not_applicable("no request was sent")
        return
    for exchange in api.exchanges:
        response = exchange.response
        if response is None:
            yield Finding.failed(exchange.where, f"{exchange.request.method} "
                                 f"{exchange.request.url}: {exchange.error}")
        elif response.truncated:
            why = exchange.error or "response body larger than the cap"
            yield Finding.failed(exchange.where, f"{exchange.request.method} "
                                 f"{exchange.request.url}: {why} (connection dropped)")
        else:
            yield Finding.passed(exchange.where)


def json_body(api: LiveApi) -> Iterator[Finding]:
    for exchange in api.answered():
        response = exchange.response
        assert response is not None
        if not response.is_json or response.truncated or exchange.request.method == "HEAD":
            continue
        if exchange.json() is NOT_JSON:
            yield Finding.failed(exchange.where, f"{exchange.request.method} "
                                 f"{exchange.request.url}: Content-Type {response.media_type} "
                                 f"but the body is not JSON ({exchange.got(80)})")
        else:
            yield Finding.passed(exchange.where)
