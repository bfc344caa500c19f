"""Regression tests for the engine fixes that the hostile tests do not cover on their own
(docs/reliability.md, F3, F4, F13): where a schema's local references may lead, the converter
suites' share of that bound and their time-out, and what the worker hashes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from st9x.corpus.load import load_corpus
from st9x.corpus.model import SchemaSpec
from st9x.engine.isolation import ProcessExecutor
from st9x.engine.validation import file_sha256
from st9x.engine.worker import Worker
from st9x.errors import SchemaError
from st9x.runner import run_conversions
from st9x.subjects.registry import select_converters
from st9x.subjects.validators.jsondialect import retrieve_local
from st9x.testing.guards import OpenWatch
from st9x.xmlsafe import schema_files

from .cputime import cpu_seconds
from .helpers import HOSTILE, SECRET, Outside, empty_ledger

XSD = "http://www.w3.org/2001/XMLSchema"
PART = f'<xs:schema xmlns:xs="{XSD}"><xs:element name="Part" type="xs:string"/></xs:schema>'


def _including(path: Path, location: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f'<xs:schema xmlns:xs="{XSD}">\n  <xs:include schemaLocation="{location}"/>\n'
        '  <xs:element name="Doc" type="xs:string"/>\n</xs:schema>\n',
        encoding="utf-8",
    )
    return path


def test_an_ad_hoc_schema_reads_only_below_its_own_directory(tmp_path: Path) -> None:
    """No corpus (``st9x validate``): the schema's own directory tree is the bound, so a
    sibling folder is refused unless a bound says otherwise (the corpus root)."""
    (tmp_path / "common").mkdir()
    (tmp_path / "common" / "part.xsd").write_text(PART, encoding="utf-8")
    entry = _including(tmp_path / "doc" / "doc.xsd", "../common/part.xsd")
    schema_files.cache_clear()
    with pytest.raises(SchemaError) as info:
        schema_files(entry.resolve())
    message = str(info.value)
    assert "leads outside the corpus" in message and f"{entry}:2:" in message
    spec = SchemaSpec("c", "doc", entry.resolve(), "xsd", bounds=(tmp_path,))
    assert len(schema_files(spec.path, spec.allowed_roots())) == 2


def test_a_ref_outside_is_refused_without_reading_it(tmp_path: Path, outside: Outside) -> None:
    base = tmp_path / "corpus" / "schema.json"
    base.parent.mkdir()
    with OpenWatch([outside.dir]) as watch:
        for uri in (outside.json.as_uri(), os.path.relpath(outside.json, base.parent)):
            with pytest.raises(SchemaError, match="leads outside the corpus"):
                retrieve_local(uri, base, (), (base.parent.resolve(),))
    assert watch.opened == []


def test_converter_suites_do_not_read_outside_the_corpus(tmp_path: Path, outside: Outside) -> None:
    """The converters load XSDs through xmlschema, which follows includes itself: the same
    pre-check as the validators' refuses the include before anything opens it."""
    secret = outside.dir / "part.xsd"
    secret.write_text(PART.replace("Part", SECRET.replace("-", "")), encoding="utf-8")
    root = tmp_path / "corpus"
    _including(root / "schemas" / "doc.xsd", secret.as_uri())
    (root / "xml").mkdir()
    (root / "xml" / "doc.xml").write_text("<Doc>x</Doc>", encoding="utf-8")
    (root / "manifest.json").write_text(
        '{"format": "st9x-corpus/1", "id": "leaky", "title": "t",'
        ' "provenance": {"source": "test", "licence": "none"},'
        ' "schemas": [{"id": "doc", "path": "schemas/doc.xsd", "root": "Doc"}],'
        ' "cases": [{"id": "doc", "instance": "xml/doc.xml", "schema": "doc",'
        ' "expected": "errored"}]}',
        encoding="utf-8",
    )
    corpus = load_corpus(root)
    converters = select_converters(["st97-v2", "xmlschema"])
    with OpenWatch([outside.dir]) as watch:
        worker = Worker({}, converters, conversion_out=tmp_path / "out")
        result = run_conversions([corpus], converters, tmp_path / "out", {},
                                 executor=ProcessExecutor(worker, timeout=20, memory_mb=None))
    assert watch.opened == []
    schemas = [r for r in result.conversion_records if r["type"] == "schema"]
    assert {r["converter"] for r in schemas} == {"st97-v2", "xmlschema"}
    for record in schemas:
        assert record["status"] == "errored" and "leads outside the corpus" in record["message"]


def test_only_regular_files_are_hashed(tmp_path: Path) -> None:
    (tmp_path / "file").write_bytes(b"abc")
    os.mkfifo(tmp_path / "fifo")  # opening it without O_NONBLOCK would block
    (tmp_path / "dir").mkdir()
    assert file_sha256(tmp_path / "file") is not None
    for name in ("fifo", "dir", "missing"):
        assert file_sha256(tmp_path / name) is None
    assert file_sha256(Path("/dev/zero")) is None


def test_pytest_bounds_a_hanging_case_by_default(tmp_path: Path) -> None:
    """pytest with no option (F10): the JSON ReDoS case under jsonschema (Python's re, stuck in
    C) fails on the time-out instead of hanging the session."""
    root = tmp_path / "redos"
    (root / "schemas").mkdir(parents=True)
    (root / "json").mkdir()
    for name in ("schemas/redos.schema.json", "json/redos.json"):
        (root / name).write_bytes((HOSTILE / name).read_bytes())
    manifest = json.loads((HOSTILE / "manifest.json").read_text(encoding="utf-8"))
    manifest["schemas"] = [s for s in manifest["schemas"] if s["id"] == "redos"]
    manifest["cases"] = [c for c in manifest["cases"] if c["id"] == "json-redos"]
    (root / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    suite = tmp_path / "one.suite.toml"
    suite.write_text(f'corpora = ["{root}"]\n', encoding="utf-8")
    started = cpu_seconds()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", str(suite), "-q", "-p", "no:cacheprovider",
         "--adapter", "jsonschema", "--case-timeout", "2",
         "--ledger", str(empty_ledger(tmp_path / "l.json")), "--rootdir", str(tmp_path)],
        capture_output=True, text=True, timeout=600, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert cpu_seconds() - started < 40  # CPU: the stuck pattern ran for its 2 s, not on
    assert "1 failed" in done.stdout, done.stdout[-1500:] + done.stderr[-1500:]
    assert "time-out: no verdict within 2 s" in done.stdout
