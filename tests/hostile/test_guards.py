"""The guards themselves: they must see what they claim to see, or "zero attempts" means nothing.

Each test makes a real attempt (a name look-up, a connection, an open outside the allowed roots,
a C library opening a file) and checks that the guard records it, blocks what it should block,
lets through what it should (Unix sockets, loopback when permitted, the Python runtime), and that
worker processes forked under a guard report to it.
"""

from __future__ import annotations

import importlib
import os
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any, ClassVar

import pytest
from lxml import etree

from st9x.corpus.load import load_corpus
from st9x.corpus.model import DataFormat, SchemaSpec
from st9x.engine.isolation import ProcessExecutor
from st9x.ledger import Ledger
from st9x.runner import run
from st9x.subjects.validators.base import AdapterInfo, Outcome
from st9x.testing.guards import Guard, GuardViolation, OpenWatch, read_log

from .helpers import NO_CONVERTERS, PYTHON, SECRET, Outside, empty_ledger, results, xml_corpus


def test_network_attempts_are_recorded_and_blocked() -> None:
    with Guard() as guard:
        with pytest.raises(GuardViolation):
            socket.getaddrinfo("example.invalid", 80)
        raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        with raw, pytest.raises(GuardViolation):
            raw.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed; the guard stops it first
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        with udp, pytest.raises(GuardViolation):
            udp.sendto(b"x", ("192.0.2.1", 9))
        with pytest.raises(GuardViolation):
            urllib.request.urlopen("http://example.invalid/schema.xsd", timeout=1)
        with pytest.raises(GuardViolation):
            socket.gethostbyname("example.invalid")
    events = [(a.event, a.blocked) for a in guard.network]
    assert events == [
        ("socket.getaddrinfo", True),
        ("socket.connect", True),
        ("socket.sendto", True),
        ("urllib.Request", True),
        ("socket.gethostbyname", True),
    ]
    assert guard.network[1].target == "192.0.2.1:9"
    assert all(a.where for a in guard.network), "each attempt says which code made it"


def test_unix_sockets_are_not_network(tmp_path: Path) -> None:
    """Multiprocessing talks over socketpairs and Unix sockets: local IPC, always allowed."""
    address = str(tmp_path / "s.sock")
    with Guard() as guard:
        left, right = socket.socketpair()
        left.close()
        right.close()
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        with server:
            server.bind(address)
            server.listen(1)
            client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            with client:
                client.connect(address)
    assert guard.attempts == []


def test_loopback_only_when_permitted(loopback: Any) -> None:
    with Guard() as strict, pytest.raises(GuardViolation):
        socket.create_connection(("127.0.0.1", loopback.port), timeout=5)
    assert [a.event for a in strict.network] == ["socket.getaddrinfo"]

    with Guard(allow_loopback=True) as lenient:
        with socket.create_connection(("127.0.0.1", loopback.port), timeout=5):
            pass
        with pytest.raises(GuardViolation):
            socket.getaddrinfo("example.invalid", 80)  # loopback only, not the world
    assert [a.target for a in lenient.network] == ["example.invalid"]
    assert loopback.close() == 1  # the permitted connection really happened; the other did not


def test_opens_outside_the_allowed_roots_are_recorded(tmp_path: Path, outside: Outside) -> None:
    inside = tmp_path / "corpus" / "a.xml"
    inside.parent.mkdir()
    inside.write_text("<a/>")
    with Guard([tmp_path / "corpus"]) as guard:
        inside.read_text()
        outside.text.read_text()  # recorded, not blocked (block_files is off by default)
        os.close(os.open(outside.json, os.O_RDONLY))  # os.open is audited too
        sys.modules.pop("wave", None)
        importlib.import_module("wave")  # the Python installation is an allowed root
    assert [(a.kind, a.target, a.blocked) for a in guard.outside] == [
        ("file", str(outside.text), False),
        ("file", str(outside.json), False),
    ]

    with Guard([tmp_path / "corpus"], block_files=True) as blocking, pytest.raises(GuardViolation):
        outside.text.read_text()
    assert [a.blocked for a in blocking.outside] == [True]


def test_symlinks_are_judged_by_where_they_lead(tmp_path: Path, outside: Outside) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "link.txt").symlink_to(outside.text)
    with Guard([corpus]) as guard:
        (corpus / "link.txt").read_text()
    assert [a.target for a in guard.outside] == [str(outside.text)]


def test_guard_is_inert_when_not_active(outside: Outside) -> None:
    """Audit hooks cannot be removed: after the guard, the hook must do nothing."""
    with Guard() as guard:
        pass
    outside.text.read_text()
    socket.getaddrinfo("localhost", 80)  # would be blocked (loopback not permitted) if active
    assert guard.attempts == [] and not guard.active

    with Guard() as outer:
        with Guard() as inner:
            outside.text.read_text()
        outside.json.read_text()
    assert len(inner.outside) == 1 and len(outer.outside) == 2


class _Snoop:
    def __init__(self, secret: Path) -> None:
        self.secret = secret

    def validate(self, instance: Path) -> Outcome:
        self.secret.read_text()
        socket.getaddrinfo("example.invalid", 443)  # raises GuardViolation under the guard
        return Outcome.from_problems([])


class SnoopingAdapter:
    """Reads a file outside the corpus and looks up a host, in the worker process."""

    name: ClassVar[str] = "snoop"
    format: ClassVar[DataFormat] = "xml"
    secret: ClassVar[Path]

    def info(self) -> AdapterInfo:
        return AdapterInfo(self.name, self.format, "tests", "0")

    def compile(self, schema: SchemaSpec) -> _Snoop:
        return _Snoop(self.secret)


def test_forked_workers_report_to_the_parent_guard(tmp_path: Path, outside: Outside) -> None:
    """The ProcessExecutor forks its workers; they inherit the hook, the flag and the log's
    descriptor, so what a worker does shows up in the parent's guard."""
    corpus = load_corpus(xml_corpus(tmp_path / "corpus", 2))
    SnoopingAdapter.secret = outside.text
    adapters = {"snoop": SnoopingAdapter()}
    out = tmp_path / "out"
    with Guard([corpus.root, out]) as guard:
        run(
            [corpus],
            adapters,
            out,
            ledger=Ledger(),
            executor=ProcessExecutor(adapters, jobs=2, timeout=30, memory_mb=None),
        )
    workers = {a.pid for a in guard.attempts}
    assert os.getpid() not in workers and len(workers) >= 1
    assert sorted({(a.kind, a.target) for a in guard.attempts}) == [
        ("file", str(outside.text)),
        ("network", "example.invalid"),
    ]
    _, records, _ = results(out)
    assert {r["verdict"] for r in records} == {"errored"}
    assert all("GuardViolation" in r["errors"][0]["message"] for r in records)


def test_open_watch_sees_c_code_and_other_processes(outside: Outside) -> None:
    """libxml2 opens files with its own C I/O, which no audit hook sees; inotify does. This is
    why the secret-file assertions use OpenWatch and not only the guard."""
    xml = outside.dir / "c-level.xml"
    xml.write_text("<a/>")
    with OpenWatch([outside.dir]) as watch, Guard() as guard:
        etree.parse(str(xml))  # opened by libxml2 in C
        subprocess.run(["cat", str(outside.text)], check=True, capture_output=True)
    assert guard.outside == []  # the audit hook saw neither
    assert {o.path for o in watch.opened} >= {str(xml), str(outside.text)}


def test_open_watch_reports_nothing_when_nothing_is_opened(outside: Outside) -> None:
    with OpenWatch([outside.dir, outside.text]) as watch:
        outside.text.stat()  # metadata only: not an open
        assert outside.text.exists()
    assert watch.opened == []


def test_guards_command_line_wraps_a_real_run(tmp_path: Path, outside: Outside) -> None:
    corpus = xml_corpus(tmp_path / "corpus", 3)
    out = tmp_path / "out"
    ledger = empty_ledger(tmp_path / "ledger.json")
    log = tmp_path / "guard.jsonl"
    argv = [PYTHON, "-m", "st9x.testing.guards", "--log", str(log)]
    argv += ["--allow", str(corpus), "--allow", str(out), "--allow", str(ledger), "--"]
    argv += ["run", "--corpus", str(corpus), "--out", str(out), "--ledger", str(ledger)]
    argv += ["--adapter", "lxml", "--quiet", "--jobs", "2", *NO_CONVERTERS]
    done = subprocess.run(
        argv,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "st9x guards: 0 network attempts, 0 opens outside the allowed roots" in done.stderr
    assert read_log(log) == []
    assert SECRET not in done.stdout + done.stderr
    _, records, _ = results(out)
    assert len(records) == 3
