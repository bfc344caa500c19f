"""The live checker against servers that misbehave at the transport (raw asyncio servers on
127.0.0.1): each misbehaviour is one finding naming the URL, the check ends within its bounds,
and the rest of the rules still run."""

from __future__ import annotations

import time
import tracemalloc

from st9x.rules.model import Status
from st9x.subjects.apis.live.client import MIB, LiveBounds
from st9x.subjects.linters.st90_live import St90LiveLinter

from .apicheck_servers import MINI, hang, huge, invalid_json, raw_server, redirect_away, reset

GENEROUS = 120.0  # seconds: "finishes at all", never a speed claim


def run(url: str, bounds: LiveBounds) -> tuple[dict[str, list], St90LiveLinter]:
    linter = St90LiveLinter(url, bounds)
    return linter.check(MINI), linter


def failures(results: dict[str, list], rule: str) -> list[str]:
    return [f.detail for f in results[rule] if f.status is Status.FAIL]


def test_hanging_server_is_bounded_by_the_request_timeout() -> None:
    bounds = LiveBounds(max_requests=3, time_limit=60.0, request_timeout=1.0)
    with raw_server(hang) as url:
        start = time.monotonic()
        results, linter = run(url, bounds)
        assert time.monotonic() - start < GENEROUS
    found = failures(results, "st90.live.answers")
    assert len(found) == 3
    assert all(url in d and "no response within 1 s" in d for d in found), found
    # the other rules ran, with nothing to judge
    assert all(f.status is not Status.ERRORED for fs in results.values() for f in fs)
    assert linter.last is not None and len(linter.last.exchanges) == 3


def test_connection_reset_is_one_finding_per_request() -> None:
    bounds = LiveBounds(max_requests=2, time_limit=60.0, request_timeout=5.0)
    with raw_server(reset) as url:
        results, _linter = run(url, bounds)
    found = failures(results, "st90.live.answers")
    assert len(found) == 2
    assert all(url in d and ("reset" in d or "closed the connection" in d) for d in found), \
        found


def test_invalid_json_is_named_and_the_rest_goes_on() -> None:
    bounds = LiveBounds(max_requests=4, time_limit=60.0, request_timeout=5.0)
    with raw_server(invalid_json) as url:
        results, _linter = run(url, bounds)
    found = failures(results, "st90.live.json-body")
    assert len(found) == 4
    assert all(url in d and "not JSON" in d for d in found), found
    assert failures(results, "st90.live.answers") == []


def test_huge_body_is_capped_and_memory_stays_bounded() -> None:
    cap = 1 * MIB
    bounds = LiveBounds(max_requests=2, time_limit=60.0, request_timeout=10.0, max_body=cap)
    with raw_server(huge) as url:
        tracemalloc.start()
        try:
            results, linter = run(url, bounds)
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    found = failures(results, "st90.live.answers")
    assert len(found) == 2
    assert all(url in d and "larger than 1 MiB" in d for d in found), found
    assert linter.last is not None
    assert all(e.response is not None and len(e.response.body) <= cap
               for e in linter.last.exchanges)
    assert peak < 40 * MIB  # the 50 MiB body was never held (generous: cap plus overhead)


def test_redirect_to_another_host_is_recorded_not_followed() -> None:
    bounds = LiveBounds(max_requests=3, time_limit=60.0, request_timeout=5.0)
    with raw_server(redirect_away) as url:
        results, linter = run(url, bounds)
    assert linter.last is not None and len(linter.last.exchanges) == 3
    for exchange in linter.last.exchanges:
        assert exchange.response is not None and exchange.response.status == 302
        assert exchange.request.url.startswith(url)
    assert failures(results, "st90.live.answers") == []


def test_time_limit_stops_sending_and_says_so() -> None:
    bounds = LiveBounds(max_requests=50, time_limit=2.0, request_timeout=1.0)
    with raw_server(hang) as url:
        start = time.monotonic()
        _results, linter = run(url, bounds)
        assert time.monotonic() - start < GENEROUS
    assert linter.last is not None
    assert 1 <= len(linter.last.exchanges) < 50
    assert any("time limit" in note for note in linter.last.notes), linter.last.notes
