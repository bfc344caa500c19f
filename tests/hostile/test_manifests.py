"""Hostile and broken corpora: manifests that lead outside the corpus, name missing files or
have the wrong types, and corpus trees holding symlinks, directories and FIFOs.

A bad manifest is one line naming the file and the field, and the other corpora of the run go
on; a bad case is an ``errored`` record naming the file, and the other cases go on. Nothing
outside the corpus is read on the way.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from st9x.corpus.load import load_corpus
from st9x.corpus.manifest import load_manifest
from st9x.engine.isolation import ProcessExecutor
from st9x.errors import ManifestError
from st9x.ledger import Ledger
from st9x.runner import run
from st9x.subjects.validators.base import Adapter
from st9x.testing.guards import Guard, OpenWatch

from .cputime import cpu_seconds
from .helpers import (
    HOSTILE,
    SECRET,
    Outside,
    cli,
    empty_ledger,
    one_line,
    results,
    vm_size_mb,
    xml_corpus,
)

XML_ADAPTERS = ("lxml", "xmlschema-1.0", "xmlschema-1.1")


def _manifest(root: Path, **changes: Any) -> Path:
    """A one-case manifest over the hostile doc.xsd, with ``changes`` applied: top-level keys,
    or ``case``/``schema`` dicts merged into the single case/schema."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "schemas").mkdir(exist_ok=True)
    (root / "schemas" / "doc.xsd").write_bytes((HOSTILE / "schemas" / "doc.xsd").read_bytes())
    (root / "xml").mkdir(exist_ok=True)
    (root / "xml" / "ok.xml").write_bytes((HOSTILE / "xml" / "minimal.xml").read_bytes())
    case = {"id": "c", "instance": "xml/ok.xml", "schema": "doc", "expected": "valid"}
    schema = {"id": "doc", "path": "schemas/doc.xsd"}
    case.update(changes.pop("case", {}))
    schema.update(changes.pop("schema", {}))
    document = {
        "format": "st9x-corpus/1",
        "id": "bad",
        "title": "a hostile manifest",
        "provenance": {"source": "tests/hostile", "licence": "Apache-2.0"},
        "schemas": [schema],
        "cases": [case],
    }
    document.update(changes)
    path = root / "manifest.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


BAD_FIELDS = [
    pytest.param({"case": {"instance": "../../etc/passwd"}}, "/cases/0/instance", id="dotdot"),
    pytest.param({"case": {"instance": "/etc/passwd"}}, "/cases/0/instance", id="absolute"),
    pytest.param({"schema": {"path": "..\\..\\doc.xsd"}}, "/schemas/0/path", id="backslash"),
    pytest.param({"schema": {"path": "/etc/passwd"}}, "/schemas/0/path", id="absolute-schema"),
    pytest.param({"cases": {}}, "/cases", id="cases-not-a-list"),
    pytest.param({"schemas": []}, "/schemas", id="no-schemas"),
    pytest.param({"case": {"expected": "maybe"}}, "/cases/0/expected", id="bad-expected"),
    pytest.param({"case": {"expected": "invalid"}}, "constraint", id="invalid-no-constraint"),
    pytest.param({"case": {"tags": "x"}}, "/cases/0/tags", id="tags-not-a-list"),
    pytest.param({"case": {"id": "Upper Case"}}, "/cases/0/id", id="bad-id"),
    pytest.param({"case": {"instance": 7}}, "/cases/0/instance", id="instance-a-number"),
    pytest.param({"case": {"schema": "nope"}}, "no schema with id 'nope'", id="unknown-schema"),
    pytest.param({"case": {"instance": "xml/ok.txt"}}, "neither .xml nor .json", id="not-xml"),
    pytest.param({"case": {"instance": "x.json"}}, "cannot be checked against", id="wrong-format"),
    pytest.param({"format": "st9x-corpus/2"}, "/format", id="wrong-format-version"),
    pytest.param({"default": "no"}, "/default", id="default-not-boolean"),
    pytest.param({"extra": 1}, "extra", id="unknown-field"),
]


@pytest.mark.parametrize(("changes", "fragment"), BAD_FIELDS)
def test_bad_manifest_is_one_line_naming_file_and_field(
    tmp_path: Path, changes: dict[str, Any], fragment: str
) -> None:
    path = _manifest(tmp_path / "c", **changes)
    with pytest.raises(ManifestError) as info:
        load_manifest(path)
    message = str(info.value)
    assert one_line(message) and message.startswith(f"{path}"), message
    assert fragment in message, message


BAD_FILES = [
    pytest.param(b"", id="empty"),
    pytest.param(b"\x00\xff\xfe garbage \x80", id="garbage"),
    pytest.param(b"[]", id="array"),
    pytest.param(b"42", id="number"),
    pytest.param(b"null", id="null"),
    pytest.param(b'"st9x-corpus/1"', id="string"),
    pytest.param(b'{"format": "st9x-corpus/1", "id": "x"', id="truncated"),
    pytest.param(b"\xef\xbb\xbf{}", id="bom"),
    pytest.param('{"id": "x"}'.encode("utf-16"), id="utf-16"),
    pytest.param(b"[" * 5000 + b"]" * 5000, id="deep"),
    pytest.param(b'{"id": "\\ud800"}', id="lone-surrogate"),
    pytest.param(b'{"id": 1e400}', id="huge-number"),
]


@pytest.mark.parametrize("data", BAD_FILES)
def test_unreadable_manifest_is_one_line_naming_the_file(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "manifest.json"
    path.write_bytes(data)
    with pytest.raises(ManifestError) as info:
        load_manifest(path)
    assert one_line(str(info.value)) and str(info.value).startswith(str(path))


def test_manifest_that_is_a_directory_or_missing(tmp_path: Path) -> None:
    (tmp_path / "dir" / "manifest.json").mkdir(parents=True)
    for path in (tmp_path / "dir" / "manifest.json", tmp_path / "absent" / "manifest.json"):
        with pytest.raises(ManifestError) as info:
            load_manifest(path)
        assert one_line(str(info.value)) and "cannot read" in str(info.value)


@pytest.mark.parametrize("field", ["instance", "schema"])
def test_nul_in_a_path_is_a_manifest_error(tmp_path: Path, field: str) -> None:
    changes = (
        {"case": {"instance": "xml/a\x00b.xml"}}
        if field == "instance"
        else {"schema": {"path": "schemas/a\x00b.xsd"}}
    )
    with pytest.raises(ManifestError):
        load_manifest(_manifest(tmp_path / "c", **changes))


def test_cli_reports_a_bad_manifest_and_runs_the_other_corpus(tmp_path: Path) -> None:
    bad = _manifest(tmp_path / "bad", case={"instance": "../../etc/passwd"})
    good = xml_corpus(tmp_path / "good", 2)
    out = tmp_path / "out"
    done = cli(
        "run", "--corpus", bad.parent, "--corpus", good, "--out", out, "--adapter", "lxml",
        "--ledger", empty_ledger(tmp_path / "l.json"), "--quiet",
    )  # fmt: skip
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    (line,) = [x for x in done.stderr.splitlines() if x.startswith("st9x: error:")]
    assert str(bad) in line and "/cases/0/instance" in line
    _, records, _ = results(out)
    assert [r["verdict"] for r in records] == ["valid", "valid"]


# --- symlinks, missing files, directories, FIFOs ----------------------------------------------


def _link_corpus(root: Path, target: Path) -> Path:
    """A corpus with one good case and one whose instance is a symlink to ``target``."""
    path = _manifest(
        root,
        cases=[
            {"id": "ok", "instance": "xml/ok.xml", "schema": "doc", "expected": "valid"},
            {"id": "link", "instance": "xml/link.xml", "schema": "doc", "expected": "errored"},
        ],
    )
    (root / "xml" / "link.xml").symlink_to(target)
    return path.parent


def test_symlink_out_of_the_corpus_is_an_errored_case(
    tmp_path: Path, outside: Outside, adapters: dict[str, Adapter]
) -> None:
    secret = outside.dir / "secret.xml"
    secret.write_text(f'<Doc xmlns="urn:st9x:hostile"><Text>{SECRET}</Text></Doc>')
    corpus = load_corpus(_link_corpus(tmp_path / "c", secret))
    chosen = {name: adapters[name] for name in XML_ADAPTERS}
    run([corpus], chosen, tmp_path / "out", ledger=Ledger())
    _, records, _ = results(tmp_path / "out")
    for record in records:
        if record["case"] == "link":
            assert record["verdict"] == "errored" and record["ok"] is True
            assert "'xml/link.xml' leads outside the corpus" in record["errors"][0]["message"]
        else:
            assert record["verdict"] == "valid"
    assert SECRET not in (tmp_path / "out" / "results.jsonl").read_text()


@pytest.mark.parametrize("target", ["secret", "dev-zero"])
def test_symlink_out_of_the_corpus_is_never_read(
    tmp_path: Path, outside: Outside, adapters: dict[str, Adapter], target: str
) -> None:
    destination = outside.text if target == "secret" else Path("/dev/zero")
    root = _link_corpus(tmp_path / "c", destination)
    corpus = load_corpus(root)
    chosen = {"lxml": adapters["lxml"]}
    out = tmp_path / "out"
    executor = ProcessExecutor(chosen, jobs=1, timeout=10, memory_mb=vm_size_mb() + 256)
    with OpenWatch([outside.dir]) as watch, Guard([root, out], runtime=True) as guard:
        started = cpu_seconds()
        run([corpus], chosen, out, ledger=Ledger(), executor=executor)
    _, records, _ = results(out)
    link = next(r for r in records if r["case"] == "link")
    assert "leads outside the corpus" in link["errors"][0]["message"]
    assert link["instance_sha256"] is None  # not a hash of the file outside
    # nothing was read from /dev/zero: no time-out, no memory limit, little CPU
    assert not any("time-out" in e["message"] or "memory" in e["message"]
                   for r in records for e in r["errors"])  # fmt: skip
    assert cpu_seconds() - started < 30
    assert watch.opened == [] and guard.outside == []


def test_symlinked_schema_out_of_the_corpus_is_refused(tmp_path: Path, outside: Outside) -> None:
    path = _manifest(tmp_path / "c", schema={"path": "schemas/linked.xsd"})
    (path.parent / "schemas" / "linked.xsd").symlink_to(outside.text)
    with pytest.raises(ManifestError) as info:
        load_manifest(path)
    assert "'schemas/linked.xsd' leads outside the corpus" in str(info.value)


def test_missing_files_directories_and_fifos_are_errored_cases(
    tmp_path: Path, adapters: dict[str, Adapter]
) -> None:
    root = tmp_path / "c"
    _manifest(
        root,
        schemas=[
            {"id": "doc", "path": "schemas/doc.xsd"},
            {"id": "gone", "path": "schemas/gone.xsd"},
        ],
        cases=[
            {"id": "ok", "instance": "xml/ok.xml", "schema": "doc", "expected": "valid"},
            {
                "id": "missing",
                "instance": "xml/missing.xml",
                "schema": "doc",
                "expected": "errored",
            },
            {"id": "dir", "instance": "xml/dir.xml", "schema": "doc", "expected": "errored"},
            {"id": "fifo", "instance": "xml/fifo.xml", "schema": "doc", "expected": "errored"},
            {"id": "no-schema", "instance": "xml/ok.xml", "schema": "gone", "expected": "errored"},
        ],
    )
    (root / "xml" / "dir.xml").mkdir()
    os.mkfifo(root / "xml" / "fifo.xml")  # reading it blocks for ever: only the time-out ends it
    corpus = load_corpus(root)
    chosen = {name: adapters[name] for name in XML_ADAPTERS}
    out = tmp_path / "out"
    executor = ProcessExecutor(chosen, jobs=2, timeout=1.5, memory_mb=None)
    started = cpu_seconds()
    run([corpus], chosen, out, ledger=Ledger(), executor=executor)
    assert cpu_seconds() - started < 60  # the blocked reads cost no CPU, only their time-out
    _, records, footer = results(out)
    assert footer is not None and len(records) == 15
    fragments = {
        "ok": None,
        "missing": f"{root / 'xml' / 'missing.xml'}: cannot read: No such file or directory",
        "dir": f"{root / 'xml' / 'dir.xml'}: cannot read: Is a directory",
        "fifo": "time-out: no verdict within 1.5 s",
        "no-schema": "gone.xsd",
    }
    for record in records:
        fragment = fragments[record["case"]]
        if fragment is None:
            assert record["verdict"] == "valid"
            continue
        assert record["verdict"] == "errored", record
        message = record["errors"][0]["message"]
        assert one_line(message) and fragment in message, (record["adapter"], message)


# --- corpora without a manifest ---------------------------------------------------------------


def test_indexed_directory_does_not_follow_symlinks_out(
    tmp_path: Path, outside: Outside, adapters: dict[str, Adapter]
) -> None:
    root = tmp_path / "indexed"
    root.mkdir()
    (root / "doc.xsd").write_bytes((HOSTILE / "schemas" / "doc.xsd").read_bytes())
    secret = outside.dir / "leak.xml"
    secret.write_text(f'<Doc xmlns="urn:st9x:hostile"><Text>{SECRET}</Text></Doc>')
    (root / "leak.xml").symlink_to(secret)
    out = tmp_path / "out"
    with OpenWatch([outside.dir]) as watch:
        corpus = load_corpus(root)
        run([corpus], {"lxml": adapters["lxml"]}, out, ledger=Ledger())
    assert SECRET not in (out / "results.jsonl").read_text()
    assert watch.opened == []


def test_file_name_that_is_not_utf8_does_not_crash_the_run(tmp_path: Path) -> None:
    root = tmp_path / "indexed"
    root.mkdir()
    (root / "doc.xsd").write_bytes((HOSTILE / "schemas" / "doc.xsd").read_bytes())
    minimal = (HOSTILE / "xml" / "minimal.xml").read_bytes()
    (root / "good.xml").write_bytes(minimal)
    with open(os.path.join(os.fsencode(root), b"bad-\xff.xml"), "wb") as handle:
        handle.write(minimal)
    out = tmp_path / "out"
    done = cli("run", "--corpus", root, "--out", out, "--adapter", "lxml", "--quiet",
               "--ledger", empty_ledger(tmp_path / "l.json"))  # fmt: skip
    assert "Traceback" not in done.stderr, done.stderr[-1500:]
    _, records, _ = results(out)
    assert len(records) == 2
