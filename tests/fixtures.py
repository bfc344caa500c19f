"""Small schemas, instances and corpora for the harness's own tests.

Everything is written into a test's ``tmp_path`` so that each test sees real files on disk, read
by the real validators, and nothing depends on the embedded corpora (which other people edit) or
on ``../shared`` (which a user's machine may not have). The schemas are tiny on purpose: they
compile in milliseconds, so the whole suite stays fast while still exercising every adapter.
``Loopback`` is the counting TCP server the network tests point every remote location at.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

from st9x.corpus.model import Case, SchemaSpec
from st9x.engine.records import ValidationRecord as Record
from st9x.engine.tasks import Task
from st9x.engine.worker import Worker

TNS = "urn:st9x:test"

# Doc: Name (string) then one or more Count (integer). A second global element, Other, exists so
# that "a global element that is not the manifest's document root" can be tested.
DOC_XSD = f"""<?xml version="1.0" encoding="UTF-8"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="{TNS}"
    xmlns="{TNS}" elementFormDefault="qualified">
  <xsd:element name="Doc">
    <xsd:complexType>
      <xsd:sequence>
        <xsd:element name="Name" type="xsd:string"/>
        <xsd:element name="Count" type="xsd:integer" maxOccurs="unbounded"/>
      </xsd:sequence>
    </xsd:complexType>
  </xsd:element>
  <xsd:element name="Other" type="xsd:string"/>
</xsd:schema>
"""

VALID_XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<Doc xmlns="{TNS}"><Name>x</Name><Count>1</Count></Doc>
"""

# The second Count is not an integer: every XSD validator must say invalid, at /Doc/Count[2].
INVALID_XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<Doc xmlns="{TNS}">
  <Name>x</Name>
  <Count>1</Count>
  <Count>abc</Count>
</Doc>
"""



def many_errors_xml(count: int) -> tuple[str, list[tuple[int, int]]]:
    """A document for DOC_XSD with ``count`` Counts that are not integers, laid out the ways a
    real file is: one per line, two on a line after non-ASCII text, and last a start tag spread
    over two lines (libxml2's own line is the second); returned with the (line, column) of each
    bad Count's ``<``, counted here by hand."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<Doc xmlns="{TNS}">', "  <Name>x</Name>"]
    places: list[tuple[int, int]] = []
    n = 0
    while n < count - 1:
        if n % 3 == 0 or n + 2 == count:
            lines.append(f"  <Count>bad{n}</Count>")
            places.append((len(lines), 3))
            n += 1
        else:
            first = f"    <Count>é{n}</Count>"  # é: one character, two bytes
            lines.append(first + f"<Count>ü{n + 1}</Count>")
            places += [(len(lines), 5), (len(lines), len(first) + 1)]
            n += 2
    lines.append("  <Count")
    places.append((len(lines), 3))
    lines += [f"    >last{n}</Count>", "</Doc>"]
    return "\n".join(lines) + "\n", places


# Valid against the XSD as a document (Other is a global element) but not the manifest's root.
WRONG_ROOT_XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<Other xmlns="{TNS}">text</Other>
"""

# draft-07 so that all three JSON adapters (fastjsonschema stops at draft 7) take part.
JSON_SCHEMA_07: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "required": ["a"],
    "properties": {
        "a": {
            "type": "array",
            "items": {"type": "object", "properties": {"b": {"type": "integer"}}},
        }
    },
}
JSON_SCHEMA_2020: dict[str, Any] = {
    **JSON_SCHEMA_07,
    "$schema": "https://json-schema.org/draft/2020-12/schema",
}
VALID_JSON = '{"a": [{"b": 1}]}\n'
INVALID_JSON = '{"a": [{"b": "x"}]}\n'  # the error is at /a/0/b

XML_ADAPTERS = ("lxml", "xmlschema-1.0", "xmlschema-1.1")
JSON_ADAPTERS = ("fastjsonschema", "jsonschema", "jsonschema-rs")
ALL_ADAPTERS = XML_ADAPTERS + JSON_ADAPTERS


def write(path: Path, content: str | bytes | dict[str, Any] | list[Any]) -> Path:
    """Write ``content`` (text as UTF-8, bytes as they are, dicts/lists as JSON) to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_text(json.dumps(content, indent=2), encoding="utf-8")
    return path


def default_cases() -> list[dict[str, Any]]:
    """The cases of :func:`make_corpus`: each expectation holds under every real adapter."""
    return [
        {
            "id": "xml-valid",
            "instance": "instances/valid.xml",
            "schema": "doc",
            "expected": "valid",
            "tags": ["smoke", "xml"],
        },
        {
            "id": "xml-invalid",
            "instance": "instances/invalid.xml",
            "schema": "doc",
            "expected": "invalid",
            "constraint": "datatype",
            "tags": ["xml"],
        },
        {
            "id": "xml-wrong-root",
            "instance": "instances/wrong-root.xml",
            "schema": "doc",
            "expected": "invalid",
            "constraint": "unexpected-element",
            "tags": ["xml"],
        },
        {
            "id": "json-valid",
            "instance": "instances/valid.json",
            "schema": "doc-json",
            "expected": "valid",
            "tags": ["smoke", "json"],
        },
        {
            "id": "json-invalid",
            "instance": "instances/invalid.json",
            "schema": "doc-json",
            "expected": "invalid",
            "constraint": "json-type",
            "tags": ["json"],
        },
    ]


def manifest_document(
    corpus_id: str = "mini",
    cases: list[dict[str, Any]] | None = None,
    schemas: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A manifest following ``st9x/formats/manifest.schema.json``."""
    return {
        "format": "st9x-corpus/1",
        "id": corpus_id,
        "title": f"test corpus {corpus_id}",
        "provenance": {"source": "written by tests/fixtures.py", "licence": "Apache-2.0"},
        "schemas": schemas
        if schemas is not None
        else [
            {"id": "doc", "path": "schemas/doc.xsd", "root": f"{{{TNS}}}Doc"},
            {"id": "doc-json", "path": "schemas/doc.json", "kind": "json-schema"},
        ],
        "cases": cases if cases is not None else default_cases(),
        **extra,
    }


def make_corpus(
    root: Path,
    corpus_id: str = "mini",
    cases: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> Path:
    """Write a small corpus (schemas, instances, manifest) under ``root``; return the manifest.

    Extra manifest fields (``pairs``, ``description``) pass through ``extra``."""
    write(root / "schemas" / "doc.xsd", DOC_XSD)
    write(root / "schemas" / "doc.json", JSON_SCHEMA_07)
    write(root / "instances" / "valid.xml", VALID_XML)
    write(root / "instances" / "invalid.xml", INVALID_XML)
    write(root / "instances" / "wrong-root.xml", WRONG_ROOT_XML)
    write(root / "instances" / "valid.json", VALID_JSON)
    write(root / "instances" / "invalid.json", INVALID_JSON)
    return write(root / "manifest.json", manifest_document(corpus_id, cases, **extra))


def xsd_spec(path: Path, root: str | None = None) -> SchemaSpec:
    return SchemaSpec("t", path.stem, path.resolve(), "xsd", root=root)


def json_spec(path: Path) -> SchemaSpec:
    return SchemaSpec("t", path.stem, path.resolve(), "json-schema")


def run_one(worker: Worker, adapter: str, spec: SchemaSpec, instance: Path) -> Record:
    """One real record: ``instance`` validated against ``spec`` by ``adapter``."""
    case = Case("t", instance.stem, instance.resolve(), spec.format, spec, source=instance.name)
    return worker.run(Task(case, adapter))


def assert_one_line(message: str, *fragments: str) -> None:
    """A user-facing error is one line and says what it is about."""
    assert message, "empty message"
    assert "\n" not in message and "\r" not in message, f"not one line: {message!r}"
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"


PYTHON = sys.executable


class Loopback:
    """A real TCP server on 127.0.0.1 that only counts the connections it receives.

    Anything that tries to fetch a schema, DTD or ``$ref`` from ``http://127.0.0.1:PORT/`` has to
    connect here first, so "zero connections" proves that nothing went to the network, without
    relying on the machine having no network at all. The accept loop is bounded in time so a
    forgotten server cannot hang the session.
    """

    LIFETIME = 60.0  # seconds; far longer than any test using it

    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.05)
        self.port: int = self._server.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._count = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="loopback", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        deadline = time.monotonic() + self.LIFETIME
        while not self._stop.is_set() and time.monotonic() < deadline:
            try:
                connection, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._count += 1
            connection.close()  # answer nothing: a client that connected gets an error

    def close(self) -> int:
        """Stop serving and return the number of connections ever made (including any still
        waiting in the listen backlog)."""
        if not self._stop.is_set():
            self._stop.set()
            self._thread.join(timeout=5)
            self._server.setblocking(False)
            while True:
                try:
                    connection, _ = self._server.accept()
                except OSError:
                    break
                self._count += 1
                connection.close()
            self._server.close()
        return self._count
