"""Shared helpers of the hostile-input tests: the corpus relocated to point at a test's own
server and secret, inputs too large to commit, and the st9x command line as a subprocess.

The committed hostile corpus points its URLs at ``*.st9x.invalid`` (which never resolves) and its
local-file references at ``/etc/passwd``. A test cannot tell from that alone whether anything
tried: a DNS look-up made by libxml2 in C is invisible to Python's audit hooks, and /etc/passwd
is read by many programs. So :func:`relocate_hostile` copies the corpus into the test's
directory with every such URL pointed at the test's loopback server (which counts connections)
and every such file pointed at a secret the test created (which inotify watches).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from st9x.engine.results import read_results

PROJECT = Path(__file__).resolve().parents[2]
HOSTILE = PROJECT / "corpora" / "hostile"
HOSTILE_LEDGER = HOSTILE / "known-failures.json"
PYTHON = sys.executable
ST9X = str(Path(PYTHON).with_name("st9x"))  # the console script installed beside the interpreter

SECRET = "TOPSECRET-c0ffee-7f3a9c"
_REMOTE = re.compile(rb"https?://[a-z0-9.-]*st9x\.invalid")
_OTHER_REMOTE = re.compile(rb"//[a-z0-9.-]*st9x\.invalid")  # all://, file://, //host, jar:...
_ETC_PASSWD = b"file:///etc/passwd"


@dataclass(frozen=True)
class Outside:
    """Files outside the corpus that no case may cause to be read, each holding SECRET."""

    dir: Path
    text: Path  # a plain text file (what file:///etc/passwd stands for)
    json: Path  # a JSON Schema fragment that would put SECRET into error messages
    dtd: Path  # a DTD declaring an entity whose value is SECRET


def make_outside(directory: Path) -> Outside:
    directory.mkdir(parents=True, exist_ok=True)
    text = directory / "secret.txt"
    text.write_text(SECRET + "\n", encoding="utf-8")
    fragment = directory / "secret.json"
    fragment.write_text(json.dumps({"enum": [SECRET]}), encoding="utf-8")
    dtd = directory / "secret.dtd"
    dtd.write_text(f'<!ENTITY leak "{SECRET}">\n', encoding="utf-8")
    return Outside(directory, text, fragment, dtd)


def relocate_hostile(dest: Path, *, url: str, outside: Outside) -> Path:
    """Copy the hostile corpus to ``dest``, pointing its remote URLs at ``url`` (the host of
    those with another scheme at ``url``'s host and port) and its
    references to /etc/passwd at ``outside.text``; return the copy's root."""
    shutil.copytree(HOSTILE, dest)
    for path in dest.rglob("*"):
        if path.is_file() and path.name != "manifest.json":
            data = path.read_bytes()
            changed = _REMOTE.sub(url.encode(), data).replace(
                _ETC_PASSWD, outside.text.as_uri().encode()
            )
            # any other scheme keeps its scheme and gets the server's host and port
            changed = _OTHER_REMOTE.sub(b"//" + urlsplit(url).netloc.encode(), changed)
            if changed != data:
                path.write_bytes(changed)
    return dest


def add_cases(root: Path, cases: list[dict[str, Any]], schemas: list[dict[str, Any]] = ()) -> None:
    """Append cases (and schemas) to the manifest of the corpus at ``root``."""
    manifest = root / "manifest.json"
    document = json.loads(manifest.read_text(encoding="utf-8"))
    document["schemas"].extend(schemas)
    document["cases"].extend(cases)
    manifest.write_text(json.dumps(document, indent=2), encoding="utf-8")


def generated_cases(root: Path, outside: Outside) -> list[dict[str, Any]]:
    """Write the inputs that are too large to commit or that must name this test's secret, and
    return their manifest cases."""
    depth = 100_000
    (root / "xml" / "deep-nesting-100000.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<Doc xmlns="urn:st9x:hostile">'
        + "<N>" * depth
        + "</N>" * depth
        + "</Doc>\n",
        encoding="utf-8",
    )
    (root / "json" / "deep-arrays-100000.json").write_text(
        '{"deep": ' + "[" * depth + "]" * depth + "}\n", encoding="utf-8"
    )
    dtd = outside.dtd.as_uri()
    (root / "xml" / "xxe-secret-dtd.xml").write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE Doc SYSTEM "{dtd}">\n'
        '<Doc xmlns="urn:st9x:hostile"><Text>&leak;</Text></Doc>\n',
        encoding="utf-8",
    )
    (root / "xml" / "xxe-secret-parameter-entity.xml").write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE Doc [\n  <!ENTITY % p SYSTEM "{dtd}">\n  %p;\n]>\n'
        '<Doc xmlns="urn:st9x:hostile"><Text>&leak;</Text></Doc>\n',
        encoding="utf-8",
    )

    def case(cid: str, instance: str, schema: str, description: str) -> dict[str, Any]:
        return {
            "id": cid,
            "instance": instance,
            "schema": schema,
            "expected": "errored",
            "description": description,
            "tags": ["generated"],
        }

    return [
        case(
            "deep-nesting-100000",
            "xml/deep-nesting-100000.xml",
            "doc",
            "100,000 nested elements: refused by the depth limits, in bounded memory and time.",
        ),
        case(
            "json-deep-arrays-100000",
            "json/deep-arrays-100000.json",
            "doc-json",
            "100,000 nested arrays: refused as nested too deep.",
        ),
        case(
            "xxe-secret-dtd",
            "xml/xxe-secret-dtd.xml",
            "doc",
            "A DOCTYPE naming a DTD outside the corpus whose entity holds the secret.",
        ),
        case(
            "xxe-secret-parameter-entity",
            "xml/xxe-secret-parameter-entity.xml",
            "doc",
            "An external parameter entity to the secret DTD, expanded in the internal subset.",
        ),
    ]


# ``st9x run`` also runs converter suites over XML corpora, in a killable worker with the run's
# time-out (F13). These tests are about validation runs; the converter suites' handling of
# hostile input has tests of its own (each converter spends the time-out on the ReDoS case),
# so the other runs switch them off here, in one place, to stay fast.
NO_CONVERTERS = ("--converter", "none")


def _argv(args: tuple[str | os.PathLike[str], ...], converters: bool) -> list[str]:
    argv = [str(a) for a in args]
    if argv and argv[0] == "run" and not converters:
        argv += NO_CONVERTERS
    return argv


def cli(
    *args: str | os.PathLike[str], timeout: float = 120, converters: bool = False, **kwargs: Any
) -> subprocess.CompletedProcess[str]:
    """Run the installed ``st9x`` console script (``run`` without converter suites unless
    ``converters``)."""
    return subprocess.run(
        [ST9X, *_argv(args, converters)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        stdin=subprocess.DEVNULL,
        **kwargs,
    )


def guarded_cli(
    log: Path, allow: list[Path], *args: str | os.PathLike[str], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the st9x command line under ``python -m st9x.testing.guards`` (guards installed in the
    CLI process and inherited by its forked workers)."""
    argv = [PYTHON, "-m", "st9x.testing.guards", "--log", str(log)]
    for path in allow:
        argv += ["--allow", str(path)]
    return subprocess.run(
        [*argv, "--", *_argv(args, False)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def empty_ledger(path: Path) -> Path:
    """A ledger with no entries, so that a CLI run never reads the project's own ledger."""
    path.write_text('{"format": "st9x-ledger/1", "entries": []}\n', encoding="utf-8")
    return path


def results(out: Path) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any] | None]:
    """Header, records and footer of a run, every line checked against the results format."""
    return read_results(out / "results.jsonl")


def record_lines(path: Path) -> int:
    """How many record lines a results file being written holds so far."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return 0
    return data.count(b'"type":"record"')


def wait_for_records(path: Path, count: int, timeout: float = 60) -> int:
    """Poll a results file until it holds ``count`` records; return how many it holds."""
    deadline = time.monotonic() + timeout
    seen = record_lines(path)
    while seen < count and time.monotonic() < deadline:
        time.sleep(0.05)
        seen = record_lines(path)
    return seen


def xml_corpus(root: Path, count: int, corpus_id: str = "many") -> Path:
    """A corpus of ``count`` small valid XML cases against the hostile doc.xsd: enough tasks for
    a run to be interrupted in the middle."""
    (root / "schemas").mkdir(parents=True, exist_ok=True)
    shutil.copy(HOSTILE / "schemas" / "doc.xsd", root / "schemas" / "doc.xsd")
    (root / "xml").mkdir(exist_ok=True)
    cases = []
    for n in range(count):
        name = f"xml/doc-{n:03d}.xml"
        (root / name).write_text(
            f'<Doc xmlns="urn:st9x:hostile"><Text>n{n}</Text></Doc>\n', encoding="utf-8"
        )
        cases.append({"id": f"doc-{n:03d}", "instance": name, "schema": "doc", "expected": "valid"})
    manifest = {
        "format": "st9x-corpus/1",
        "id": corpus_id,
        "title": f"{count} small valid documents",
        "provenance": {"source": "tests/hostile/helpers.py", "licence": "Apache-2.0"},
        "schemas": [{"id": "doc", "path": "schemas/doc.xsd", "root": "{urn:st9x:hostile}Doc"}],
        "cases": cases,
    }
    (root / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return root


def external_toml(
    path: Path, name: str, command: str, *, fmt: str = "xml", timeout: float = 60
) -> Path:
    """A TOML file describing one external-command adapter."""
    path.write_text(
        f"[adapter.{name}]\nformat = {json.dumps(fmt)}\ncommand = {json.dumps(command)}\n"
        f"timeout = {timeout}\n",
        encoding="utf-8",
    )
    return path


def one_line(message: str) -> bool:
    return bool(message) and "\n" not in message and "\r" not in message


def vm_size_mb() -> int:
    """This process's address-space size. A forked worker starts with all of it, so a memory
    limit for workers (RLIMIT_AS) is this plus the headroom one case may use."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) // 1024
    return 1024  # pragma: no cover - not Linux
