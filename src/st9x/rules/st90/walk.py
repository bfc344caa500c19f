"""What several ST.90 rules read from an OpenAPI document, whatever its version: path segments,
an operation's parameters (path-level ones merged in, as OpenAPI merges them), its responses,
its media types, the server base paths, and every schema object with its JSON Pointer.

Swagger 2.0 and OpenAPI 3.x say the same things in different places (``produces`` and
``content``, ``basePath`` and ``servers``, a ``body`` parameter and ``requestBody``); the rules
ask these helpers, so each rule is written once for both.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from st9x.openapiload import OpenApiDocument, escape

#: a version segment: ``v`` and the major version alone (``v1``, ``v12``)
VERSION_SEGMENT = re.compile(r"v\d+\Z")
#: the places under which a value is data, not part of the contract (``example: {type: x}``)
_DATA_KEYS = frozenset({"example", "examples", "default", "enum", "const", "x-examples"})


@dataclass(frozen=True)
class Parameter:
    """One parameter an operation takes, after ``$ref`` is followed: its name, where it goes
    (``query``, ``path``, ``header``, ``cookie``, ``body``, ``formData``), the object itself and
    the pointer where it is written (in the operation, or on its path item)."""

    name: str
    where: str
    value: dict[str, Any]
    pointer: str


@dataclass(frozen=True)
class Operation:
    """One operation: its path template, method (lower case), the object and its pointer."""

    template: str
    method: str
    value: dict[str, Any]
    pointer: str


def operations(doc: OpenApiDocument) -> list[Operation]:
    return [Operation(*found) for found in doc.operations()]


def is_parameter(segment: str) -> bool:
    """``{id}``: a path template's parameter, not a resource name."""
    return segment.startswith("{") and segment.endswith("}")


def segments(template: str) -> list[str]:
    """The segments of a path template, without the empty ones of ``/`` and ``//``."""
    return [s for s in template.split("/") if s]


def literal_segments(template: str) -> list[str]:
    return [s for s in segments(template) if not is_parameter(s)]


def words(segment: str) -> list[str]:
    """The words of one segment, lower case: ``getTrademarks``, ``get-trademarks`` and
    ``get_trademarks`` are all ``["get", "trademarks"]``."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", segment)
    return [w.lower() for w in re.split(r"[-_.\s]+", spaced) if w]


def parameters(doc: OpenApiDocument, op: Operation) -> list[Parameter]:
    """The operation's parameters, path-level ones included unless the operation overrides
    them (same name and place), each resolved; a parameter that is not a mapping is left out
    (the gate reports it)."""
    found: dict[tuple[str, str], Parameter] = {}
    item_pointer = op.pointer.rsplit("/", 1)[0]
    item = doc.resolve(doc.document.get("paths", {}).get(op.template))
    levels = [(item.get("parameters") if isinstance(item, dict) else None, item_pointer),
              (op.value.get("parameters"), op.pointer)]
    for listed, pointer in levels:
        if not isinstance(listed, list):
            continue
        for index, raw in enumerate(listed):
            value = doc.resolve(raw)
            if isinstance(value, dict) and isinstance(value.get("name"), str):
                where = str(value.get("in", ""))
                found[(value["name"], where)] = Parameter(
                    value["name"], where, value, f"{pointer}/parameters/{index}")
    return list(found.values())


def query_names(doc: OpenApiDocument, op: Operation) -> dict[str, Parameter]:
    """The operation's query parameters by name."""
    return {p.name: p for p in parameters(doc, op) if p.where == "query"}


def responses(doc: OpenApiDocument, op: Operation) -> Iterator[tuple[str, dict[str, Any], str]]:
    """(status code as written, the resolved response object, its pointer) of an operation."""
    listed = op.value.get("responses")
    if not isinstance(listed, dict):
        return
    for code, raw in listed.items():
        value = doc.resolve(raw)
        if isinstance(value, dict):
            yield str(code), value, f"{op.pointer}/responses/{escape(str(code))}"


def response_schemas(doc: OpenApiDocument, response: dict[str, Any],
                     pointer: str) -> Iterator[tuple[Any, str]]:
    """The body schemas of one response (as written, a ``$ref`` not followed), with their
    pointers: Swagger 2.0's ``schema``, OpenAPI 3's ``content.<media type>.schema``."""
    if doc.swagger:
        if "schema" in response:
            yield response["schema"], f"{pointer}/schema"
        return
    content = response.get("content")
    if isinstance(content, dict):
        for media, entry in content.items():
            entry = doc.resolve(entry)
            if isinstance(entry, dict) and "schema" in entry:
                yield entry["schema"], f"{pointer}/content/{escape(str(media))}/schema"


def base_paths(doc: OpenApiDocument) -> list[tuple[str, str]]:
    """(base path, pointer) of each server (OpenAPI 3) or of ``basePath`` (Swagger 2.0)."""
    if doc.swagger:
        base = doc.document.get("basePath")
        return [(base, "/basePath")] if isinstance(base, str) else []
    servers = doc.document.get("servers")
    if not isinstance(servers, list):
        return []
    found = []
    for index, server in enumerate(servers):
        if isinstance(server, dict) and isinstance(server.get("url"), str):
            found.append((urllib.parse.urlsplit(server["url"]).path,
                          f"/servers/{index}/url"))
    return found


def schema_types(schema: dict[str, Any]) -> list[str]:
    """The ``type`` of a schema as a list (OpenAPI 3.1 allows ``[integer, "null"]``)."""
    kind = schema.get("type")
    if isinstance(kind, str):
        return [kind]
    if isinstance(kind, list):
        return [k for k in kind if isinstance(k, str)]
    return []


def typed_objects(doc: OpenApiDocument) -> Iterator[tuple[str, dict[str, Any]]]:
    """(pointer, object) for every mapping of the root file with a ``type`` that is a string
    or a list of strings: the schemas, and Swagger 2.0's parameters, headers and items, which
    carry ``type`` and ``format`` themselves. Values under ``example``, ``default``, ``enum``
    and extensions are data, not schemas, and are not walked."""
    stack: list[tuple[str, Any]] = [("", doc.document)]
    while stack:
        pointer, value = stack.pop()
        if isinstance(value, dict):
            if schema_types(value):
                yield pointer, value
            children: list[tuple[str, Any]] = []
            for key, child in value.items():
                key = str(key)
                if key in _DATA_KEYS or key.startswith("x-"):
                    continue
                if key == "properties" and isinstance(child, dict):
                    # a property may be called "type"; its schema is walked, not read as one
                    children.extend((f"{pointer}/properties/{escape(str(k))}", v)
                                    for k, v in child.items())
                    continue
                children.append((f"{pointer}/{escape(key)}", child))
            stack.extend(reversed(children))  # popped in the document's order
        elif isinstance(value, list):
            stack.extend(reversed([(f"{pointer}/{i}", v) for i, v in enumerate(value)]))
