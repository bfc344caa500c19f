"""No network, whatever a reference's scheme and whatever proxy variable is set.

A library that does not know a URI scheme may hand it to ``urllib``, which turns any scheme into
a request through the matching ``<scheme>_proxy`` variable (``all_proxy`` for ``all://``):
fastjsonschema did exactly that with a ``$ref``. Here every proxy variable points at the test's
loopback server, and every reference (a ``$ref``, an ``$id`` base, an ``xsd:include``/``import``/
``redefine`` location, an ``xsi:schemaLocation`` hint) names that server under a dozen schemes.
Each adapter's resolver must refuse them all with one line before its library can fetch, the
libraries' own loaders must fetch nothing even with st9x's gate out of the way, and st9x's
processes refuse a socket besides (:mod:`st9x.offline`). The server counts connections:
every test ends with 0.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import fastjsonschema
import pytest
from lxml import etree

from st9x.corpus.load import load_corpus
from st9x.corpus.model import DataFormat, SchemaSpec
from st9x.engine.isolation import ProcessExecutor
from st9x.engine.tasks import plan
from st9x.errors import St9xError
from st9x.offline import NetworkRefused, is_offline, offline
from st9x.subjects.registry import select_converters
from st9x.subjects.validators.base import Adapter, AdapterInfo, Outcome, Unsupported
from st9x.xmlsafe import parse_xml
from st9x.xsdload import load_xmlschema

from .helpers import ST9X, empty_ledger, one_line, relocate_hostile, results

PROXY_VARIABLES = (
    "ALL_PROXY", "all_proxy", "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY",
    "ftp_proxy", "FTP_PROXY", "gopher_proxy", "foo_proxy", "jar_proxy", "urn_proxy",
    "data_proxy", "file_proxy", "unknown+scheme_proxy",
)  # fmt: skip
JSON_ADAPTERS = ("jsonschema", "fastjsonschema", "jsonschema-rs")
XML_ADAPTERS = ("lxml", "xmlschema-1.0", "xmlschema-1.1")


def references(netloc: str) -> dict[str, str]:
    """One reference per scheme, each naming the loopback server where it names a host."""
    return {
        "all": f"all://{netloc}/x.json",
        "foo": f"foo://{netloc}/x.json",
        "http": f"http://{netloc}/x.json",
        "https": f"https://{netloc}/x.json",
        "ftp": f"ftp://{netloc}/x.json",
        "file-host": f"file://{netloc}/x.json",
        "network-path": f"//{netloc}/x.json",
        "urn": "urn:st9x:part",
        "data": "data:application/json,%7B%7D",
        "jar": f"jar:http://{netloc}/x.jar!/x.json",
        "gopher": f"gopher://{netloc}/x",
        "unknown+scheme": f"unknown+scheme://{netloc}/x.json",
    }


SCHEMES = tuple(references("h"))


@pytest.fixture
def proxied(monkeypatch: pytest.MonkeyPatch, loopback: Any) -> str:
    """Every proxy variable pointed at the loopback server (this process and its children);
    returns the server's ``host:port``."""
    for name in PROXY_VARIABLES:
        monkeypatch.setenv(name, loopback.url)
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.setattr(urllib.request, "_opener", None)  # urlopen reads the variables anew
    return f"127.0.0.1:{loopback.port}"


def _json_schema(path: Path, ref: str, *, base: str | None = None) -> SchemaSpec:
    document: dict[str, Any] = {"$schema": "http://json-schema.org/draft-07/schema#"}
    if base:
        document["$id"] = base
    document["properties"] = {"s": {"$ref": ref}}
    path.write_text(json.dumps(document), encoding="utf-8")
    return SchemaSpec("t", path.stem, path.resolve(), "json-schema")


def _xsd(path: Path, location: str, tag: str = "include") -> SchemaSpec:
    namespace = ' namespace="urn:st9x:other"' if tag == "import" else ""
    path.write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t"'
        ' xmlns="urn:t" elementFormDefault="qualified">'
        f'<xs:{tag}{namespace} schemaLocation="{location}"/>'
        '<xs:element name="Doc" type="xs:string"/></xs:schema>',
        encoding="utf-8",
    )
    return SchemaSpec("t", path.stem, path.resolve(), "xsd")


def _compile_and_validate(adapter: Adapter, spec: SchemaSpec, instance: Path) -> None:
    compiled = adapter.compile(spec)
    compiled.validate(instance)  # python-jsonschema resolves $refs lazily, while validating


# --- each adapter's resolver, on its own (no st9x.offline here) ---------------------------------


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("where", ["ref", "id"])
def test_json_resolvers_refuse_every_scheme(
    scheme: str, where: str, tmp_path: Path, proxied: str, loopback: Any,
    adapters: dict[str, Adapter],
) -> None:  # fmt: skip
    """Straight through each adapter, not a worker: the refusal is the resolver's, not the
    socket guard's. ``id``: a relative ``$ref`` under an ``$id`` with that scheme."""
    ref = references(proxied)[scheme]
    if where == "ref":
        spec = _json_schema(tmp_path / "s.schema.json", ref)
    elif "/" in ref.split(":", 1)[-1]:
        base = ref.rsplit("/", 1)[0] + "/"
        spec = _json_schema(tmp_path / "s.schema.json", "part.json", base=base)
    else:
        pytest.skip(f"{ref} has no path to resolve a relative reference against")
    instance = tmp_path / "i.json"
    instance.write_text('{"s": 1}', encoding="utf-8")
    assert not is_offline()
    for name in JSON_ADAPTERS:
        with pytest.raises(St9xError) as info:
            _compile_and_validate(adapters[name], spec, instance)
        message = str(info.value)
        assert one_line(message), message
        if where == "ref":
            assert "refusing remote $ref" in message, (name, message)
            assert str(spec.path) in message, (name, message)
        else:  # urljoin knows no base of an unknown scheme: some read part.json beside the schema
            assert "refusing remote $ref" in message or str(tmp_path) in message, (name, message)
    assert loopback.close() == 0


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("tag", ["include", "import", "redefine"])
def test_xsd_schema_locations_are_refused_for_every_scheme(
    scheme: str, tag: str, tmp_path: Path, proxied: str, loopback: Any,
    adapters: dict[str, Adapter],
) -> None:  # fmt: skip
    location = references(proxied)[scheme].replace(".json", ".xsd")
    spec = _xsd(tmp_path / "s.xsd", location, tag)
    instance = tmp_path / "i.xml"
    instance.write_text('<Doc xmlns="urn:t">x</Doc>', encoding="utf-8")
    for name in XML_ADAPTERS:
        with pytest.raises(St9xError) as info:
            _compile_and_validate(adapters[name], spec, instance)
        message = str(info.value)
        assert one_line(message) and "refusing remote schemaLocation" in message, (name, message)
    assert loopback.close() == 0


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_xml_libraries_fetch_nothing_even_past_the_gate(
    scheme: str, tmp_path: Path, proxied: str, loopback: Any
) -> None:
    """With st9x's include check out of the way, libxml2 (``no_network`` and st9x's resolver)
    and xmlschema (``allow="local"``) still fetch nothing: their own loaders are closed too."""
    spec = _xsd(tmp_path / "s.xsd", references(proxied)[scheme].replace(".json", ".xsd"))
    with pytest.raises(etree.XMLSchemaParseError):
        etree.XMLSchema(parse_xml(spec.path))
    try:
        load_xmlschema(spec.path)
    except Exception as exc:  # refused (XMLResourceBlocked) or not found locally: both fine
        assert "Traceback" not in str(exc)
    assert loopback.close() == 0


def test_converters_fetch_nothing(tmp_path: Path, proxied: str, loopback: Any) -> None:
    """The converters load schemas through xmlschema (``allow="local"``): a remote include is
    refused by the library (xmlschema reports it as a warning and goes on without it), or by
    st9x's gate where the command runs one; never fetched."""
    converters = select_converters(["st97-v2", "xmlschema"])
    for scheme in SCHEMES:
        location = references(proxied)[scheme].replace(".json", ".xsd")
        spec = _xsd(tmp_path / f"{len(location)}-{scheme}.xsd", location)
        for name, converter in converters.items():
            try:
                converter.prepare(spec.path, None).schema()
            except Unsupported:
                pass  # xmlschema's converters map instances only: the load was the point
            except St9xError as exc:
                assert one_line(str(exc)), (name, str(exc))
    assert loopback.close() == 0


# --- the command line and pytest, with every proxy variable set ---------------------------------


def _odd_scheme_corpus(root: Path, loopback: Any, tmp_path: Path) -> Path:
    """The hostile corpus's odd-scheme cases alone, pointed at the loopback server."""
    from .helpers import make_outside

    relocate_hostile(root, url=loopback.url, outside=make_outside(tmp_path / "outside"))
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    manifest["cases"] = [c for c in manifest["cases"] if "odd-scheme" in c.get("tags", ())]
    used = {c["schema"] for c in manifest["cases"]}
    manifest["schemas"] = [s for s in manifest["schemas"] if s["id"] in used]
    (root / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return root


def _st9x(*args: str | Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ST9X, *map(str, args)], capture_output=True, text=True, timeout=timeout, check=False,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip


def test_st9x_run_refuses_every_odd_scheme(tmp_path: Path, proxied: str, loopback: Any) -> None:
    root = _odd_scheme_corpus(tmp_path / "hostile", loopback, tmp_path)
    out = tmp_path / "out"
    done = _st9x("run", "--corpus", root, "--out", out, "--quiet", "--converter", "all",
                 "--ledger", empty_ledger(tmp_path / "l.json"))  # fmt: skip
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    # exit 1: a converter suite counts a schema it could not convert as a broken expectation
    assert done.returncode == 1, done.stdout[-2000:] + done.stderr[-2000:]
    assert "broken expectations: 0;" in done.stdout.splitlines()[0], done.stdout[-2000:]
    _, records, _ = results(out)
    corpus = load_corpus(root)
    assert len(records) == 3 * len(corpus.cases) > 0
    for record in records:
        if record["case"].startswith("xsi-"):
            assert record["verdict"] == "valid", record  # hints are never followed
            continue
        assert record["verdict"] == "errored", record
        message = record["errors"][0]["message"]
        assert one_line(message) and str(root) in message, (record["adapter"], message)
        if record["case"] != "schema-id-all-scheme":  # see test_json_resolvers_refuse_every_scheme
            assert "refusing remote" in message, (record["adapter"], message)
    lines = (out / "conversions.jsonl").read_text(encoding="utf-8").splitlines()
    schemas = [r for r in map(json.loads, lines) if r.get("type") == "schema"]
    assert schemas
    for record in schemas:
        if "schemas/doc.xsd" in json.dumps(record):
            continue  # the target of the hints case: a plain schema, converted
        assert record["status"] == "errored", record
        assert one_line(record["message"]) and "refusing remote" in record["message"], record
    assert loopback.close() == 0


@pytest.mark.parametrize("scheme", ["all", "unknown+scheme", "gopher", "file-host"])
def test_st9x_validate_refuses_with_one_line(
    scheme: str, tmp_path: Path, proxied: str, loopback: Any
) -> None:
    ref = references(proxied)[scheme]
    schema = _json_schema(tmp_path / "s.schema.json", ref).path
    instance = tmp_path / "i.json"
    instance.write_text('{"s": 1}', encoding="utf-8")
    done = _st9x("validate", "--schema", schema, instance, "--format", "json")
    assert "Traceback" not in done.stderr
    report = json.loads(done.stdout)
    verdicts = {v["adapter"]: v for v in report["verdicts"]} if "verdicts" in report else report
    text = json.dumps(verdicts)
    for name in JSON_ADAPTERS:
        assert name in text
    assert text.count("refusing remote $ref") >= len(JSON_ADAPTERS), text[:2000]

    xsd = _xsd(tmp_path / "s.xsd", ref.replace(".json", ".xsd")).path
    xml = tmp_path / "i.xml"
    xml.write_text(
        '<Doc xmlns="urn:t" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
        f' xsi:schemaLocation="urn:t {ref}">x</Doc>',
        encoding="utf-8",
    )
    done = _st9x("validate", "--schema", xsd, xml)
    assert "Traceback" not in done.stderr and done.returncode != 0
    assert "refusing remote schemaLocation" in done.stdout + done.stderr
    assert loopback.close() == 0


def test_st9x_convert_refuses_and_ignores_hints(
    tmp_path: Path, proxied: str, loopback: Any
) -> None:
    netloc = proxied
    bad = _xsd(tmp_path / "bad.xsd", f"all://{netloc}/x.xsd").path
    done = _st9x("convert", "xsd", bad, "--out", tmp_path / "bad.schema.json")
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    good = tmp_path / "good.xsd"
    good.write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t"'
        ' xmlns="urn:t" elementFormDefault="qualified">'
        '<xs:element name="Doc" type="xs:string"/></xs:schema>',
        encoding="utf-8",
    )
    hints = " ".join(f"urn:t{i} {r.replace('.json', '.xsd')}"
                     for i, r in enumerate(references(netloc).values()))  # fmt: skip
    xml = tmp_path / "i.xml"
    xml.write_text(
        '<Doc xmlns="urn:t" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
        f' xsi:schemaLocation="{hints}" xsi:noNamespaceSchemaLocation="all://{netloc}/n.xsd"'
        ">x</Doc>",
        encoding="utf-8",
    )
    done = _st9x("convert", "xml", xml, "--schema", good, "--out", tmp_path / "i.json")
    assert "Traceback" not in done.stderr, done.stderr
    assert loopback.close() == 0


def test_pytest_items_refuse_every_odd_scheme(tmp_path: Path, proxied: str, loopback: Any) -> None:
    root = _odd_scheme_corpus(tmp_path / "hostile", loopback, tmp_path)
    suite = tmp_path / "odd.suite.toml"
    suite.write_text(f'corpora = ["{root}"]\n', encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", str(suite), "-q", "-p", "no:cacheprovider", "-rA",
         "--ledger", str(empty_ledger(tmp_path / "l.json")), "--rootdir", str(tmp_path)],
        capture_output=True, text=True, timeout=600, cwd=tmp_path, check=False,
    )  # fmt: skip
    cases = len(load_corpus(root).cases)
    assert f"{3 * cases} passed" in done.stdout, done.stdout[-3000:] + done.stderr[-1500:]
    assert loopback.close() == 0


# --- st9x's own processes refuse the network (st9x.offline) -------------------------------------


def test_the_proxy_attack_is_real_outside_st9x(proxied: str, loopback: Any) -> None:
    """The control: fastjsonschema left to its own fetcher does reach the server through
    ``all_proxy``; this is what every other test here shows does not happen."""
    with pytest.raises(Exception):  # noqa: B017 - whatever the server's silence makes of it
        fastjsonschema.compile({"$ref": f"all://{proxied}/x.json"})
    assert loopback.close() >= 1


def test_offline_refuses_what_a_library_would_fetch(proxied: str, loopback: Any) -> None:
    with offline(), pytest.raises(NetworkRefused) as info:
        fastjsonschema.compile({"$ref": f"all://{proxied}/x.json"})
    assert one_line(str(info.value)) and "st9x reads local files only" in str(info.value)
    with offline():
        for attempt in (
            lambda: socket.create_connection(("127.0.0.1", 9), timeout=5),
            lambda: socket.getaddrinfo("example.invalid", 80),
            lambda: urllib.request.urlopen(f"http://{proxied}/x", timeout=5),
        ):
            with pytest.raises(NetworkRefused):
                attempt()
        left, right = socket.socketpair()  # a Unix socket: not the network
        left.close()
        right.close()
    assert not is_offline()
    with socket.create_connection(("127.0.0.1", loopback.port), timeout=5):
        pass  # outside st9x's blocks the process may connect again
    assert loopback.close() == 1


class _Fetches:
    """An adapter whose library forgot its resolver: fastjsonschema with its own defaults."""

    name: ClassVar[str] = "fetches"
    format: ClassVar[DataFormat] = "json"
    target: ClassVar[str] = ""

    def info(self) -> AdapterInfo:
        return AdapterInfo(self.name, self.format, "tests", "0", ("draft7",), "fetches")

    def compile(self, schema: SchemaSpec) -> _Fetches:
        fastjsonschema.compile({"$ref": self.target})
        return self

    def validate(self, instance: Path) -> Outcome:
        return Outcome.from_problems([])


def test_worker_processes_refuse_the_network(
    tmp_path: Path, proxied: str, loopback: Any
) -> None:
    root = _odd_scheme_corpus(tmp_path / "hostile", loopback, tmp_path)
    corpus = load_corpus(root)
    corpus.cases = [c for c in corpus.cases if c.id == "schema-ref-all-scheme"]
    _Fetches.target = f"all://{proxied}/x.json"
    chosen = {"fetches": _Fetches()}
    executor = ProcessExecutor(chosen, jobs=1, timeout=600, memory_mb=None)
    (record,) = executor.map(plan([corpus], chosen))
    assert record["verdict"] == "errored"
    message = record["errors"][0]["message"]
    assert one_line(message) and "refusing network access" in message, message
    assert loopback.close() == 0


@pytest.fixture(autouse=True)
def _no_leftover_offline() -> Iterator[None]:
    yield
    assert not is_offline(), "an offline block leaked out of the test"
