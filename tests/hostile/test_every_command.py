"""The totals of docs/reliability.md for every command, not only ``st9x run``: each command that
reads user data, run as a user runs it over the hostile corpus (its references to files outside
pointed at a secret directory, its remote locations at a loopback server, every proxy variable
at that server too), opens nothing in the secret directory (inotify sees opens by any process,
C code included), makes no connection, prints no traceback and never quotes the secret."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from st9x.corpus.load import load_corpus
from st9x.testing.guards import OpenWatch

from .helpers import SECRET, Outside, cli, relocate_hostile

PROXY_VARIABLES = (
    "ALL_PROXY", "all_proxy", "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY",
    "ftp_proxy", "FTP_PROXY", "file_proxy", "gopher_proxy",
)


def _commands(root: Path, out: Path) -> list[list[str | Path]]:
    """One invocation of every command over the corpus: each schema converted and validated
    against (with one of its cases), the corpus listed, mutated, run, reported (matrices,
    formats, the site showing the corpus's instances, the CI summary), diffed and linted (its
    XSDs, and the JSON Schemas its run generated)."""
    corpus = load_corpus(root)
    commands: list[list[str | Path]] = [
        ["corpora", "--corpus", root],
        ["run", "--corpus", root, "--out", out / "run", "--timeout", "5", "--quiet",
         "--converter", "st97-v2", "--adapter", "lxml", "--adapter", "xmlschema-1.0",
         "--adapter", "jsonschema-rs", "--adapter", "fastjsonschema"],
        ["report", out / "run", "--quiet"],
        ["report", "--check", out / "run"],
        ["report", out / "run", "-o", out / "site", "--source", root, "--quiet",
         "--summary-md", out / "summary.md"],
        ["diff", out / "run", out / "run", "--format", "json"],
        ["lint", "xsd", root],
        ["lint", "jsonschema", out / "run" / "conversions"],
        ["corpus", "mutate", "--corpus", root, "-o", out / "mutants", "--timeout", "5"],
    ]
    for schema in corpus.schemas.values():
        if schema.kind == "xsd":
            commands.append(["convert", "xsd", schema.path, "-o", out / f"{schema.id}.json",
                             "--timeout", "5"])
    validated = set()
    for case in corpus.cases:  # one case of each schema: the schema is what reaches out
        if case.schema is None or case.kind != "instance" or case.schema.id in validated:
            continue
        validated.add(case.schema.id)
        commands.append(["validate", case.instance, "--schema", case.schema.path,
                         "--timeout", "5"])
    return commands


def test_no_command_reads_outside_or_reaches_the_network(
    tmp_path: Path, loopback: Any, outside: Outside, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.setenv(name, loopback.url)
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    root = relocate_hostile(tmp_path / "hostile", url=loopback.url, outside=outside)
    out = tmp_path / "out"
    out.mkdir()
    commands = _commands(root, out)
    assert len(commands) > 30  # every schema of the corpus, not a sample
    outputs = []
    with OpenWatch([outside.dir]) as watch:
        for argv in commands:
            done = cli(*argv, timeout=600, converters=True)
            assert "Traceback" not in done.stderr, (argv, done.stderr[-1500:])
            assert done.returncode in (0, 1), (argv, done.returncode, done.stderr[-800:])
            outputs.append(done.stdout + done.stderr)
    assert watch.opened == []
    assert loopback.close() == 0
    written = b"".join(p.read_bytes() for p in out.rglob("*") if p.is_file())
    assert SECRET.encode() not in written
    assert not [o for o in outputs if SECRET in o]
    # and the runs said what they did with the refused references, one line each
    results = [json.loads(line) for line in (out / "run" / "results.jsonl").open()]
    refused = [r for r in results if r.get("case") in ("schema-include-outside",
                                                      "schema-ref-outside")]
    assert refused and all(r["verdict"] == "errored" for r in refused)
