"""Property tests (Hypothesis): whatever bytes arrive, st9x answers with its own errors or a
well-formed record, never with a traceback.

- The manifest loader, given arbitrary bytes, arbitrary JSON, or manifest-shaped documents with
  hostile field values, returns a corpus or raises an ``St9xError``; a corpus it returns never
  holds a runnable case or a schema outside its root.
- Every adapter, given arbitrary bytes as an XML or JSON instance (random, mutated from the
  hostile corpus, or generated documents), gives through ``Worker.run`` a record that follows
  the results format, can be written as JSON, has one-line messages, and is not a crash
  ("<adapter> raised ..."): each adapter maps its library's errors to st9x's own.
- A schema location or a file name made of whitespace, control characters, backslashes,
  percent-escapes, odd schemes and plain text, with a harmless decoy at its literal reading,
  never makes any XML validator open a file outside the corpus (the guard for Python, inotify
  for libxml2's C code) and never ends in a traceback.

The examples per property are few, so tests/ stays fast. For a longer, time-boxed campaign (CI):

    ST9X_FUZZ_SECONDS=300 pytest tests/hostile/test_fuzz.py -k campaign -p no:cacheprovider

runs every property with more examples until the time is up. A failing input is shrunk by
Hypothesis and saved under ``tests/hostile/regressions/`` (``xml-<sha>.xml``,
``json-<sha>.json``, ``manifest-<sha>.json``, ``location-<sha>.txt``, ``name-<sha>.txt``),
where :func:`test_regressions` replays it in every ordinary run from then on.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import itertools
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from st9x import formats
from st9x.corpus.discover import discover
from st9x.corpus.manifest import load_manifest
from st9x.corpus.model import Case, SchemaSpec
from st9x.engine.tasks import Task
from st9x.engine.worker import Worker
from st9x.errors import St9xError
from st9x.locations import name_problem
from st9x.subjects.registry import select_adapters
from st9x.testing.guards import Guard, OpenWatch

from .helpers import HOSTILE, SECRET

REGRESSIONS = Path(__file__).resolve().parent / "regressions"
FUZZ_SECONDS = float(os.environ.get("ST9X_FUZZ_SECONDS", "0") or 0)
QUICK = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- the properties ---------------------------------------------------------------------------

_COUNTER = itertools.count()
_CRASH = re.compile(r"^\S+ raised [A-Za-z_.]+(Error|Exception|Exit|Interrupt)\b")


@functools.cache
def _work() -> Path:
    """A scratch directory for the properties' files, made on first use (not at collection)
    and removed at exit; it holds a small corpus tree with a symlink leading out of it."""
    work = Path(tempfile.mkdtemp(prefix="st9x-fuzz-"))
    atexit.register(shutil.rmtree, work, True)
    root = work / "corpus"
    (root / "xml").mkdir(parents=True)
    (root / "schemas").mkdir()
    (root / "xml" / "ok.xml").write_bytes((HOSTILE / "xml" / "minimal.xml").read_bytes())
    (root / "schemas" / "doc.xsd").write_bytes((HOSTILE / "schemas" / "doc.xsd").read_bytes())
    (work / "outside.xml").write_text("<Doc/>")
    (root / "xml" / "link.xml").symlink_to(work / "outside.xml")
    return work


@functools.cache
def _worker() -> Worker:
    """One worker for every example: each schema is compiled once, so examples are fast."""
    return Worker(select_adapters())


_SCHEMAS = {
    "xml": SchemaSpec(
        "fuzz", "doc", (HOSTILE / "schemas" / "doc.xsd").resolve(), "xsd",
        root="{urn:st9x:hostile}Doc",
    ),
    "json": SchemaSpec(
        "fuzz", "doc-json", (HOSTILE / "schemas" / "doc.schema.json").resolve(), "json-schema"
    ),
}  # fmt: skip


def check_instance(fmt: str, data: bytes) -> None:
    """Run ``data`` as an instance through every adapter of ``fmt``; assert each record is a
    proper record, none is a crash, and nothing tried the network or a file elsewhere."""
    worker = _worker()
    path = _work() / f"i{next(_COUNTER)}.{fmt}"  # a fresh name: the worker caches hashes by path
    path.write_bytes(data)
    case = Case("fuzz", path.stem, path, fmt, _SCHEMAS[fmt], source=path.name)  # type: ignore[arg-type]
    try:
        with Guard([_work(), HOSTILE]) as guard:
            records = {
                name: worker.run(Task(case, name))
                for name, adapter in sorted(worker.adapters.items())
                if adapter.format == fmt
            }
    finally:
        path.unlink(missing_ok=True)
    assert guard.attempts == [], [str(a) for a in guard.attempts]
    for name, record in records.items():
        assert record["verdict"] in ("valid", "invalid", "errored"), record
        formats.check("results", record, path=path)
        orjson.dumps(record)  # the results writer must be able to write it
        for error in record["errors"]:
            message = error["message"]
            assert message and "\n" not in message and "\r" not in message, error
            assert not _CRASH.match(message), f"{name} crashed: {message}"


def check_manifest(data: bytes) -> None:
    """Load ``data`` as a corpus manifest: a corpus whose files all stay inside it, or an
    St9xError; nothing else."""
    root = (_work() / "corpus").resolve()
    path = root / "manifest.json"
    path.write_bytes(data)
    try:
        corpus = load_manifest(path)
    except St9xError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    for schema in corpus.schemas.values():
        assert root in schema.path.resolve().parents, schema.path
    for case in corpus.cases:
        if case.problem is None:
            assert root in case.instance.resolve().parents, case.instance


_XML_ADAPTERS = ("lxml", "xmlschema-1.0", "xmlschema-1.1")
_OUTSIDE_MARK = "<OUTSIDE>"


@functools.cache
def _paths_work() -> tuple[Path, Path]:
    """A corpus folder for the location and name properties, and a secret schema outside it
    (beside it, where a misread location or name would lead)."""
    work = Path(tempfile.mkdtemp(prefix="st9x-fuzz-paths-"))
    atexit.register(shutil.rmtree, work, True)
    corpus = work / "corpus"
    (corpus / "schemas").mkdir(parents=True)
    (corpus / "xml").mkdir()
    (corpus / "xml" / "doc.xml").write_text('<Doc xmlns="urn:st9x:hostile"/>', encoding="utf-8")
    (corpus / "schemas" / "doc.xsd").write_bytes((HOSTILE / "schemas" / "doc.xsd").read_bytes())
    secret = work / "outside" / "s.xsd"
    secret.parent.mkdir()
    secret.write_text(_xsd_part(SECRET), encoding="utf-8")
    return corpus, secret


def _xsd_part(name: str) -> str:
    return (
        '<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        f'targetNamespace="urn:st9x:hostile"><xsd:element name="{name}"/></xsd:schema>'
    )


def _attribute(text: str) -> str:
    out = text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    for char in "\t\n\r":
        out = out.replace(char, f"&#{ord(char)};")
    return out


def _run_xml(cases: list[Case], corpus: Path, secret: Path) -> None:
    """Run ``cases`` through every XML validator in this process: no open outside the
    corpus (guard), none of the secret by anyone (inotify), every record a proper one."""
    worker = _worker()
    with OpenWatch([secret.parent]) as watch, Guard([corpus, HOSTILE]) as guard:
        records = [worker.run(Task(case, name)) for case in cases for name in _XML_ADAPTERS]
    assert guard.attempts == [], [str(a) for a in guard.attempts]
    assert [str(o) for o in watch.opened] == []
    for record in records:
        assert record["verdict"] in ("valid", "invalid", "errored"), record
        formats.check("results", record, path=corpus)
        assert SECRET not in orjson.dumps(record).decode()
        for error in record["errors"]:
            assert "\n" not in error["message"] and not _CRASH.match(error["message"]), error


def check_location(data: bytes) -> None:
    """A schema whose include names ``data`` (UTF-8; ``<OUTSIDE>`` stands for the secret's
    absolute path), with a decoy at the location's literal reading when that lies in the
    corpus: the validators compile it or refuse it, and never read outside the corpus."""
    corpus, secret = _paths_work()
    location = data.decode("utf-8", "replace").replace(_OUTSIDE_MARK, str(secret))
    n = next(_COUNTER)
    schemas = corpus / "schemas"
    main = schemas / f"loc-{n}.xsd"
    decoy = schemas / location
    try:
        if corpus.resolve() in decoy.resolve().parents and not decoy.exists():
            decoy.parent.mkdir(parents=True, exist_ok=True)
            decoy.write_text(_xsd_part("Harmless"), encoding="utf-8")
    except (OSError, ValueError):
        pass  # a name this file system cannot hold: nothing for a library to misread either
    main.write_text(
        '<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        'targetNamespace="urn:st9x:hostile" xmlns="urn:st9x:hostile">'
        f'<xsd:include schemaLocation="{_attribute(location)}"/>'
        '<xsd:element name="Doc"/></xsd:schema>',
        encoding="utf-8",
    )
    spec = SchemaSpec("fuzz", f"loc-{n}", main.resolve(), "xsd", bounds=(corpus,))
    case = Case("fuzz", f"loc-{n}", (corpus / "xml" / "doc.xml").resolve(), "xml", spec,
                source="xml/doc.xml")  # fmt: skip
    _run_xml([case], corpus, secret)


def check_name(data: bytes) -> None:
    """A folder named ``data`` (UTF-8) holding an instance and a schema, indexed without a
    manifest: indexing answers with notes and errored cases, never a traceback; every case
    it lets run names a file of the corpus that no library reads as another."""
    corpus, secret = _paths_work()
    name = data.decode("utf-8", "replace")
    root = corpus.parent / f"names-{next(_COUNTER)}"
    root.mkdir()
    (root / "doc.xsd").write_bytes((HOSTILE / "schemas" / "doc.xsd").read_bytes())
    try:
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "doc.xml").write_text('<Doc xmlns="urn:st9x:hostile"/>', encoding="utf-8")
        (folder / "part.xsd").write_text(_xsd_part("Part"), encoding="utf-8")
    except (OSError, ValueError):
        return  # not a name this file system can hold
    try:
        indexed = discover(root)
    except St9xError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    runnable = [c for c in indexed.cases if c.problem is None]
    for case in runnable:
        assert root.resolve() in case.instance.resolve().parents, case.instance
        # the name on disk (case.source is the printable form shown in results)
        on_disk = case.instance.relative_to(root.resolve()).as_posix()
        assert name_problem(on_disk) is None, case.source
    for case in indexed.cases:
        assert case.problem is None or "\n" not in case.problem
    _run_xml(runnable, root, secret)


# --- strategies -------------------------------------------------------------------------------

_XML_TOKENS = [
    b"<", b">", b"&", b"&amp;", b"&#0;", b"&#x110000;", b"]]>", b"<![CDATA[", b"<!--", b"-->",
    b"<!DOCTYPE Doc [", b"<!ENTITY e SYSTEM 'file:///etc/passwd'>", b"&e;", b"]>", b"\x00",
    b"\xff", b"\xef\xbb\xbf", b"\xfe\xff", b'<?xml version="1.1"?>', b' encoding="UTF-16"',
    b' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="xsd:int"',
    b' xsi:nil="true"', b' xml:lang="en"', b"<N>", b"</N>", b"<Text>", b"</Text>",
    "\u202e\ufffe\ud7ff".encode("utf-8", "surrogatepass"), b"\r\n", b"\t",
]  # fmt: skip
_JSON_TOKENS = [
    b"{", b"}", b"[", b"]", b",", b":", b'"', b"\\", b'\\ud800', b'\\u0000', b"NaN",
    b"-Infinity", b"1e400", b"9" * 50, b"-0", b"0.0000001e-999", b"true", b"null", b'"s"',
    b'"n"', b'"deep"', b"\x00", b"\xff", b"\xef\xbb\xbf", b"/*", b"\x7f", b" ",
]  # fmt: skip


def _templates(directory: str, limit: int = 3000) -> list[bytes]:
    return [
        p.read_bytes()
        for p in sorted((HOSTILE / directory).iterdir())
        if p.is_file() and p.stat().st_size <= limit
    ]


def _mutations(templates: list[bytes], tokens: list[bytes]) -> st.SearchStrategy[bytes]:
    edit = st.tuples(
        st.floats(0, 1),
        st.sampled_from(["insert", "delete", "replace", "repeat"]),
        st.one_of(st.sampled_from(tokens), st.binary(max_size=6)),
    )

    def apply(template: bytes, edits: list[tuple[float, str, bytes]]) -> bytes:
        data = template
        for where, kind, payload in edits:
            at = int(where * len(data))
            if kind == "insert":
                data = data[:at] + payload + data[at:]
            elif kind == "delete":
                data = data[:at] + data[at + len(payload) + 1 :]
            elif kind == "replace":
                data = data[:at] + payload + data[at + len(payload) :]
            else:
                data = data[:at] + payload * 50 + data[at:]
        return data

    return st.builds(apply, st.sampled_from(templates), st.lists(edit, min_size=1, max_size=4))


def _xml_documents() -> st.SearchStrategy[bytes]:
    names = st.sampled_from(["Doc", "Text", "N", "x", "xsd:element", "a-b", "é"])
    text = st.text(max_size=12)

    def element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.builds(
            lambda name, attrs, kids: f"<{name}{attrs}>{''.join(kids)}</{name}>",
            names,
            st.sampled_from(["", ' a="1"', ' xmlns="urn:st9x:hostile"', ' xsi:nil="true"']),
            st.lists(children, max_size=3),
        )

    tree = st.recursive(text.map(lambda s: s.replace("<", "&lt;").replace("&", "&amp;")), element,
                        max_leaves=10)  # fmt: skip
    root = st.builds(
        lambda body, ns: f'<Doc xmlns="{ns}">{body}</Doc>',
        tree,
        st.sampled_from(["urn:st9x:hostile", "", "urn:other"]),
    )
    encodings = st.sampled_from(["utf-8", "utf-16", "latin-1"])
    return st.builds(
        lambda doc, enc: f'<?xml version="1.0" encoding="{enc}"?>\n{doc}'.encode(enc, "replace"),
        root,
        encodings,
    )


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.sampled_from(["s", "n", "deep", "x", ""]) | st.text(max_size=4), inner,
                      max_size=4),
    max_leaves=12,
)  # fmt: skip


def _json_documents() -> st.SearchStrategy[bytes]:
    return st.builds(
        lambda value, ascii_only: json.dumps(value, ensure_ascii=ascii_only).encode(
            "utf-8", "surrogatepass"
        ),
        _JSON_VALUES,
        st.booleans(),
    )


def xml_inputs() -> st.SearchStrategy[bytes]:
    return st.one_of(
        st.binary(max_size=200),
        _mutations(_templates("xml"), _XML_TOKENS),
        _xml_documents(),
    )


def json_inputs() -> st.SearchStrategy[bytes]:
    return st.one_of(
        st.binary(max_size=120),
        _mutations(_templates("json"), _JSON_TOKENS),
        _json_documents(),
    )


# Every string a path can be is fair game, NUL and other control characters included (F6).
_PATHS = st.one_of(
    st.sampled_from([
        "xml/ok.xml", "schemas/doc.xsd", "../outside.xml", "/etc/passwd", "xml\\ok.xml",
        "./xml/ok.xml", "xml/../xml/ok.xml", "xml//ok.xml", "xml/link.xml", "xml/ok.json",
        "", ".", "xml", "~/x.xml", "%2e%2e/outside.xml", "file:///etc/passwd", "xml/ok.XML",
    ]),
    st.text(max_size=16).map(lambda s: s + ".xml"),
)  # fmt: skip
_IDS = st.one_of(st.sampled_from(["doc", "c", "x-1", "a.b"]), st.text(max_size=6))
_ANY = _JSON_VALUES


def _manifests() -> st.SearchStrategy[bytes]:
    schema = st.fixed_dictionaries(
        {"id": _IDS, "path": _PATHS},
        optional={
            "kind": st.sampled_from(["xsd", "json-schema", "dtd"]) | _ANY,
            "root": st.text(max_size=8) | _ANY,
            "dialect": st.text(max_size=8),
        },
    )
    case = st.fixed_dictionaries(
        {
            "id": _IDS,
            "instance": _PATHS | _ANY,
            "schema": _IDS,
            "expected": st.sampled_from(["valid", "invalid", "errored", "unknown", "maybe"]),
        },
        optional={
            "constraint": st.sampled_from(["pattern", "enumeration", "nope"]),
            "tags": st.lists(_IDS, max_size=3) | _ANY,
            "description": st.text(max_size=8),
        },
    )
    document = st.fixed_dictionaries(
        {
            "format": st.sampled_from(["st9x-corpus/1", "st9x-corpus/2"]),
            "id": _IDS,
            "title": st.text(max_size=6),
            "provenance": st.fixed_dictionaries(
                {"source": st.just("fuzz"), "licence": st.just("x")}
            )
            | _ANY,
            "schemas": st.lists(schema, max_size=3) | _ANY,
            "cases": st.lists(case, max_size=4),
        },
        optional={
            "default": st.booleans() | _ANY,
            "pairs": st.lists(st.fixed_dictionaries({"xml": _IDS, "json": _IDS}), max_size=2),
            "description": st.text(max_size=6),
        },
    )
    return st.builds(lambda d: json.dumps(d).encode(), document)


def manifest_inputs() -> st.SearchStrategy[bytes]:
    return st.one_of(
        st.binary(max_size=200),
        _JSON_VALUES.map(lambda v: json.dumps(v).encode()),
        _manifests(),
    )


# Pieces each library reads its own way: whitespace and control characters (stripped, dropped
# or refused), backslashes, percent-escapes, schemes, fragments, non-ASCII, and the way out.
_LOCATION_PIECES = [
    " ", "\t", "\n", "\r", "\x0b", "\x0c", "\x85", "\u00a0", "\u2028", "\u3000", "\\", "/",
    "..", "../", "..\t/", ".\r./", ". ./", "..\\", "%2e%2e/", "..%2f", "%2e", "%20", "%", "%00",
    "#", "?", "file:", "file://", "file:///", "FILE://localhost/", "file://localhost",
    "jar:file:", "c:", "C:\\", "\\\\host\\share\\", "//", "~/", "é", "[", "|",
    "http://x.st9x.invalid/", "doc.xsd", "s.xsd", "outside/", _OUTSIDE_MARK,
]  # fmt: skip


def location_inputs() -> st.SearchStrategy[bytes]:
    return st.one_of(
        st.lists(st.sampled_from(_LOCATION_PIECES), min_size=1, max_size=8).map("".join),
        st.lists(st.sampled_from(_LOCATION_PIECES) | st.text(max_size=3), max_size=6).map("".join),
    ).map(lambda s: s.encode("utf-8", "surrogatepass"))


_NAME_PIECES = [
    "..", ".", " ", "\t", "\n", "\r", "\x85", "\u00a0", "\\", "%2e", "%2e%2e", "%2f", "%",
    "~", "é", "file:", "#", "?", "[x]", "a", "doc",
]  # fmt: skip


def name_inputs() -> st.SearchStrategy[bytes]:
    return (
        st.lists(st.sampled_from(_NAME_PIECES) | st.text(max_size=3), min_size=1, max_size=5)
        .map("".join)
        .filter(lambda s: s not in ("", ".", "..") and "/" not in s and "\x00" not in s)
        .map(lambda s: s.encode("utf-8", "surrogatepass"))
    )


# --- the quick tests ---------------------------------------------------------------------------


@QUICK
@given(data=xml_inputs())
def test_any_bytes_as_xml_instance_give_a_record(data: bytes) -> None:
    check_instance("xml", data)


@QUICK
@given(data=json_inputs())
def test_any_bytes_as_json_instance_give_a_record(data: bytes) -> None:
    check_instance("json", data)


@settings(QUICK, max_examples=150)
@given(data=manifest_inputs())
def test_any_manifest_loads_or_is_a_manifest_error(data: bytes) -> None:
    check_manifest(data)


@settings(QUICK, max_examples=30)
@given(data=location_inputs())
def test_no_schema_location_reads_outside_the_corpus(data: bytes) -> None:
    check_location(data)


@settings(QUICK, max_examples=20)
@given(data=name_inputs())
def test_no_file_name_reads_outside_the_corpus(data: bytes) -> None:
    check_name(data)


# --- regressions and the time-boxed campaign ---------------------------------------------------

TARGETS: dict[str, tuple[Callable[[], st.SearchStrategy[bytes]], Callable[[bytes], None], str]] = {
    "xml": (xml_inputs, lambda d: check_instance("xml", d), "xml"),
    "json": (json_inputs, lambda d: check_instance("json", d), "json"),
    "manifest": (manifest_inputs, check_manifest, "json"),
    "location": (location_inputs, check_location, "txt"),
    "name": (name_inputs, check_name, "txt"),
}


def _regression_files() -> list[Path]:
    return sorted(p for p in REGRESSIONS.glob("*-*.*") if p.name.split("-")[0] in TARGETS)


@pytest.mark.parametrize("path", _regression_files(), ids=lambda p: p.name)
def test_regressions(path: Path) -> None:
    """Every input a fuzz campaign ever failed on, replayed."""
    target = path.name.split("-")[0]
    TARGETS[target][1](path.read_bytes())


def save_regression(target: str, data: bytes) -> Path:
    """Keep a failing input as a regression case file (named by its content, so saving the same
    crasher twice keeps one file)."""
    REGRESSIONS.mkdir(exist_ok=True)
    digest = hashlib.sha256(data).hexdigest()[:12]
    path = REGRESSIONS / f"{target}-{digest}.{TARGETS[target][2]}"
    path.write_bytes(data)
    return path


def _recording(check: Callable[[bytes], None], failing: list[bytes]) -> Callable[[bytes], None]:
    """The property, remembering each failing input: Hypothesis runs the shrunk example last."""

    def prop(data: bytes) -> None:
        try:
            check(data)
        except Exception:
            failing.append(data)
            raise

    return prop


@pytest.mark.skipif(not FUZZ_SECONDS, reason="set ST9X_FUZZ_SECONDS to run a fuzz campaign")
def test_fuzz_campaign() -> None:
    """Run every property, many examples at a time, until ST9X_FUZZ_SECONDS are spent. The
    first failure is shrunk by Hypothesis, saved as a regression case, and fails the test."""
    deadline = time.monotonic() + FUZZ_SECONDS
    rounds: dict[str, int] = dict.fromkeys(TARGETS, 0)
    while time.monotonic() < deadline:
        for target, (strategy, check, _ext) in TARGETS.items():
            failing: list[bytes] = []
            campaign = settings(
                max_examples=300,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )(given(data=strategy())(_recording(check, failing)))
            try:
                campaign()
            except Exception as exc:
                path = save_regression(target, failing[-1]) if failing else None
                raise AssertionError(f"{target}: {exc!r}; saved as {path}") from exc
            rounds[target] += 1
            if time.monotonic() >= deadline:
                break
    print(f"fuzz campaign: {FUZZ_SECONDS:g} s, rounds of 300 examples: {rounds}")
