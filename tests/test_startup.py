"""Start-up: ``st9x --version`` and every ``--help`` import none of the heavy libraries (the
schema validators, the converter, the engine). Guarded by which modules ``python -X importtime``
reports, never by a timing, so the test does not depend on the machine's speed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = {
    "jsonschema", "rfc3987_syntax", "fastjsonschema", "jsonschema_rs", "xmlschema",
    "elementpath", "lxml.etree", "st9x.st97.compiler", "st9x.st97.mapper", "st9x.engine.worker",
    "st9x.runner", "st9x.corpus.load", "st9x.formats",
}


def _imported(*argv: str) -> set[str]:
    code = f"from st9x.cli import main; raise SystemExit(main({list(argv)!r}))"
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", code],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines()
            if line.startswith("import time:") and "|" in line}


@pytest.mark.parametrize(
    "argv",
    [("--version",), ("--help",), ("run", "--help"), ("convert", "xsd", "--help"),
     ("validate", "--help"), ("corpus", "generate", "--help"), ("report", "--help"),
     ("validate-bulk", "--help"), ("convert-bulk", "--help"), ("bench-gate", "--help"),
     ("corpus", "bag", "--help")],
    ids=lambda argv: " ".join(argv),
)
def test_help_and_version_import_nothing_heavy(argv: tuple[str, ...]) -> None:
    modules = _imported(*argv)
    assert "st9x.cli" in modules  # the measurement itself works
    assert not HEAVY & modules, sorted(HEAVY & modules)


def test_the_peer_kinds_named_in_help_are_the_loaders() -> None:
    from st9x.cli.run import PEER_KINDS
    from st9x.corpus.peer import KINDS

    assert PEER_KINDS == KINDS


def test_validating_xml_imports_no_json_schema_library(tmp_path: Path) -> None:
    """``st9x validate`` of a small XML document: its time goes to compiling the schema, not to
    importing python-jsonschema (whose IRI format checker builds a grammar on import)."""
    (tmp_path / "s.xsd").write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
        '<xs:element name="a" type="xs:int"/></xs:schema>'
    )
    (tmp_path / "a.xml").write_text("<a>1</a>")
    modules = _imported("validate", str(tmp_path / "a.xml"), "--schema", str(tmp_path / "s.xsd"))
    assert {"lxml.etree", "xmlschema"} <= modules  # the measurement itself works
    assert not {"jsonschema", "rfc3987_syntax"} & modules
