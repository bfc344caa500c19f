"""Servers the live checker's tests start on 127.0.0.1 and stop: a tiny Starlette API that
follows the mini OpenAPI document (switchable breakages), and raw asyncio servers that
misbehave at the transport (hang, reset, invalid JSON, a huge body)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

FIXTURES = Path(__file__).parent / "fixtures" / "apicheck"
MINI = FIXTURES / "mini.yaml"
ITEMS = [{"id": f"item-{n}", "name": f"Item {n}"} for n in range(1, 6)]
MINI_BREAKS = ("wrong-status", "no-405", "no-406", "error-body", "paging-ignored",
               "response-off-schema", "st97-break")


def mini_app(breaks: frozenset[str] = frozenset()) -> Starlette:
    """The mini API; each name in ``breaks`` turns one ST.90 behaviour wrong."""

    def error(status: int, title: str, allow: str | None = None) -> Response:
        body = ({"message": title} if "error-body" in breaks
                else {"status": status, "title": title})
        headers = {"Allow": allow} if allow else None
        return JSONResponse(body, status, headers=headers)

    def negotiate(request: Request) -> Response | None:
        accept = request.headers.get("accept", "*/*")
        if "no-406" in breaks or any(m.strip().split(";")[0] in ("*/*", "application/json",
                                                                   "application/*")
                                     for m in accept.split(",")):
            return None
        return error(406, "Not Acceptable")

    async def search(request: Request) -> Response:
        if request.method != "GET":
            return error(200 if "no-405" in breaks else 405, "Method Not Allowed",
                         None if "no-405" in breaks else "GET")
        refused = negotiate(request)
        if refused is not None:
            return refused
        try:
            limit = int(request.query_params.get("limit", 10))
            offset = int(request.query_params.get("offset", 0))
        except ValueError:
            return error(400, "Bad Request")
        items = ITEMS if "paging-ignored" in breaks else ITEMS[offset:offset + limit]
        body: dict[str, object] = {"total": len(ITEMS), "items": items}
        if "response-off-schema" in breaks:
            body = {"total": "five", "results": items}
        return JSONResponse(body)

    async def item(request: Request) -> Response:
        if request.method != "GET":
            return error(404 if "no-405" in breaks else 405, "Method Not Allowed",
                         None if "no-405" in breaks else "GET")
        refused = negotiate(request)
        if refused is not None:
            return refused
        found = next((i for i in ITEMS if i["id"] == request.path_params["id"]), None)
        if found is None:
            if "wrong-status" in breaks:
                return JSONResponse({"id": request.path_params["id"], "name": "?"})
            return error(404, "Not Found")
        if "st97-break" in breaks:
            return JSONResponse({**found, "extra": True})
        return JSONResponse(found)

    async def not_found(request: Request, exc: Exception) -> Response:
        return error(404, "Not Found")

    methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]
    return Starlette(routes=[Route("/v1/items", search, methods=methods),
                             Route("/v1/items/{id}", item, methods=methods)],
                     exception_handlers={404: not_found})


@contextlib.contextmanager
def serving(app: Starlette) -> Iterator[str]:
    """``app`` under uvicorn on a free loopback port; yields its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(500):
        if server.started:
            break
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@contextlib.contextmanager
def raw_server(handler: Handler) -> Iterator[str]:
    """An asyncio TCP server on a free loopback port answering every connection with
    ``handler``; yields its base URL, stops (and closes every connection) on exit."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    holder: dict[str, object] = {}

    async def start() -> None:
        server = await asyncio.start_server(handler, "127.0.0.1", 0)
        holder["server"] = server
        holder["port"] = server.sockets[0].getsockname()[1]
        ready.set()

    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(start(), loop).result(10)
    ready.wait(10)
    try:
        yield f"http://127.0.0.1:{holder['port']}"
    finally:
        async def stop() -> None:
            server = holder["server"]
            server.close()  # type: ignore[attr-defined]
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

        asyncio.run_coroutine_threadsafe(stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


async def _read_request(reader: asyncio.StreamReader) -> None:
    with contextlib.suppress(Exception):
        await reader.readuntil(b"\r\n\r\n")


async def hang(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Accepts, reads the request, never answers."""
    await _read_request(reader)
    await asyncio.sleep(3600)


async def reset(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Reads the request, then resets the connection (SO_LINGER 0: an RST, not a FIN)."""
    await _read_request(reader)
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


async def invalid_json(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Answers 200 application/json with a body that is not JSON."""
    await _read_request(reader)
    body = b'{"total": 1, "items": [tru'
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                 + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
    await writer.drain()
    writer.close()


HUGE = 50 * 1024 * 1024


async def huge(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Answers 200 application/json with a 50 MiB body, streamed (never held whole)."""
    await _read_request(reader)
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                 + str(HUGE).encode() + b"\r\nConnection: close\r\n\r\n")
    chunk = b" " * (1024 * 1024)
    with contextlib.suppress(Exception):
        for _ in range(HUGE // len(chunk)):
            writer.write(chunk)
            await writer.drain()
    writer.close()


async def redirect_away(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Answers every request with a redirect to another host."""
    await _read_request(reader)
    writer.write(b"HTTP/1.1 302 Found\r\nLocation: http://192.0.2.1/elsewhere\r\n"
                 b"Content-Length: 0\r\nConnection: close\r\n\r\n")
    await writer.drain()
    writer.close()
