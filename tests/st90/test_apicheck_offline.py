"""The one exemption from st9x's offline hook: inside ``reaching(host, port)`` exactly that
endpoint may be reached, every other address, port and look-up is still refused, and the
exemption ends with the block."""

from __future__ import annotations

import socket

import pytest

from st9x.offline import NetworkRefused, offline, reaching
from st9x.rules.st90_live.exchanges import SentRequest
from st9x.subjects.apis.live.client import Endpoint, LiveBounds, send

from .apicheck_servers import mini_app, serving


def _connect(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=5):
        pass


def test_only_the_base_urls_endpoint_is_reached() -> None:
    with serving(mini_app()) as url, serving(mini_app()) as other:
        port = int(url.rsplit(":", 1)[1])
        other_port = int(other.rsplit(":", 1)[1])
        with offline():
            with pytest.raises(NetworkRefused):
                _connect(port)  # offline: refused as before
            with reaching("127.0.0.1", port) as addresses:
                assert addresses == ("127.0.0.1",)
                _connect(port)
                with pytest.raises(NetworkRefused):
                    _connect(other_port)  # another port of the same host
                with pytest.raises(NetworkRefused):
                    socket.getaddrinfo("example.org", 80)  # another host's name
                with pytest.raises(NetworkRefused):
                    socket.create_connection(("10.255.255.1", port), timeout=1)
            with pytest.raises(NetworkRefused):
                _connect(port)  # the exemption ended with the block


def test_blocks_do_not_nest() -> None:
    with serving(mini_app()) as url:
        port = int(url.rsplit(":", 1)[1])
        with reaching("127.0.0.1", port), pytest.raises(RuntimeError), \
                reaching("127.0.0.1", port):
            pass


def test_a_url_of_another_host_is_never_sent() -> None:
    endpoint = Endpoint.parse("http://127.0.0.1:9/api")
    sent = send(endpoint, SentRequest("GET", "http://example.org/v1/x"), LiveBounds())
    assert sent.response is None and sent.error is not None and "not sent" in sent.error
