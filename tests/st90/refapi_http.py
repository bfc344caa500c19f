"""A small HTTP client for the reference API tests: urllib, no proxy, errors as answers."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from typing import Any

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Message
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "")

    def json(self) -> Any:
        return json.loads(self.body)


def call(url: str, method: str = "GET", headers: dict[str, str] | None = None) -> Answer:
    """One request; an HTTP error status is an answer like any other."""
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with _OPENER.open(request, timeout=30) as response:
            return Answer(response.status, response.headers, response.read())
    except urllib.error.HTTPError as exc:
        with exc:
            return Answer(exc.code, exc.headers, exc.read())


def port_open(url: str) -> bool:
    """Whether something accepts connections at the host and port of ``url``."""
    host, port = url.removeprefix("http://").split("/")[0].rsplit(":", 1)
    try:
        with socket.create_connection((host, int(port)), timeout=2):
            return True
    except OSError:
        return False


def is_error_body(answer: Answer, status: int) -> bool:
    """Whether ``answer`` is ``status`` with the shared Error body as application/json."""
    if answer.status != status or answer.content_type != "application/json":
        return False
    body = answer.json()
    return (
        isinstance(body, dict)
        and set(body) <= {"type", "status", "title", "detail"}
        and body.get("status") == status
        and isinstance(body.get("title"), str)
        and isinstance(body.get("detail"), str)
    )
