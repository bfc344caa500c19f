"""Every command that loads a schema goes through the include gate, and every command that
evaluates user data runs under the time-out and memory limit by default.

``st9x run`` had both; ``validate``, ``convert`` and ``corpus`` had neither (a schema including
``../../elsewhere/s.xsd`` was converted with the outside file's content; the ReDoS cases ran
past any time-out). Time-outs here are small (2 s) and the tests assert on messages and exit
codes, never on how long anything took.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from st9x import xsdload
from st9x.cli import main
from st9x.testing.guards import OpenWatch

from .helpers import HOSTILE, SECRET, Outside, cli, one_line

OUTSIDE_INCLUDE = """<?xml version="1.0"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <xsd:{tag} schemaLocation="{location}"/>
  <xsd:element name="Doc" type="xsd:string"/>
</xsd:schema>
"""
SECRET_XSD = f"""<?xml version="1.0"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <xsd:element name="{SECRET.replace('-', '_')}" type="xsd:string"/>
</xsd:schema>
"""
REDOS_VALUE = "a" * 64 + "b"


def _leaky_schema(tmp_path: Path, outside: Outside, location: str, tag: str = "include") -> Path:
    """``tmp_path/p/q/a.xsd``, whose ``tag`` names ``location`` (a file of ``outside``)."""
    (outside.dir / "s.xsd").write_text(SECRET_XSD, encoding="utf-8")
    schema = tmp_path / "p" / "q" / "a.xsd"
    schema.parent.mkdir(parents=True)
    schema.write_text(OUTSIDE_INCLUDE.format(tag=tag, location=location), encoding="utf-8")
    (schema.parent / "doc.xml").write_text("<Doc>x</Doc>", encoding="utf-8")
    (schema.parent / "doc.json").write_text('{"doc": "x"}', encoding="utf-8")
    return schema


def _locations(tmp_path: Path, outside: Outside) -> list[str]:
    relative = Path("..", "..", *(outside.dir / "s.xsd").relative_to(tmp_path).parts)
    return [relative.as_posix(), (outside.dir / "s.xsd").as_uri()]


def _redos_default(directory: Path) -> Path:
    """The committed XSD ReDoS case made to bite at schema load: the element's default value
    (64 a's and a b) is checked against ``(a+)+`` when xmlschema builds the schema, in Python's
    re, so every command that loads the schema with xmlschema hangs in C code."""
    text = (HOSTILE / "schemas" / "redos-pattern.xsd").read_text(encoding="utf-8")
    tag = '<xsd:element name="Text">'
    assert tag in text
    directory.mkdir(parents=True, exist_ok=True)
    schema = directory / "redos-default.xsd"
    schema.write_text(text.replace(tag, f'<xsd:element name="Text" default="{REDOS_VALUE}">'))
    return schema


def _one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr and one_line(lines[0])
    return lines[0]


# --- the include gate --------------------------------------------------------------------------


@pytest.mark.parametrize("tag", ["include", "redefine", "import"])
@pytest.mark.parametrize("kind", ["xsd", "xml", "json"])
def test_convert_refuses_a_schema_reaching_outside_its_directory(
    tmp_path: Path, outside: Outside, kind: str, tag: str
) -> None:
    for number, location in enumerate(_locations(tmp_path, outside)):
        schema = _leaky_schema(tmp_path / str(number), outside, location, tag)
        source = {"xsd": schema, "xml": schema.parent / "doc.xml"}.get(
            kind, schema.parent / "doc.json"
        )
        target = tmp_path / f"out-{number}"
        schema_arg = [] if kind == "xsd" else ["--schema", schema]
        with OpenWatch([outside.dir]) as watch:
            done = cli("convert", kind, source, *schema_arg, "-o", target)
        assert done.returncode == 1, done.stderr
        line = _one_error_line(done.stderr)
        assert f"{schema}:3: schemaLocation {location!r}" in line and "leads outside" in line
        assert SECRET not in done.stdout + done.stderr
        assert not target.exists() and list(target.parent.glob("out-*")) == []
        assert watch.opened == []


def test_allow_names_the_directories_a_schema_may_read(tmp_path: Path, outside: Outside) -> None:
    """``--allow DIR`` replaces the default bound (the schema's own directory)."""
    location = _locations(tmp_path, outside)[0]
    schema = _leaky_schema(tmp_path, outside, location)
    target = tmp_path / "out.json"
    done = cli("convert", "xsd", schema, "-o", target, "--allow", tmp_path)
    assert done.returncode == 0, done.stderr
    assert SECRET.replace("-", "_") in target.read_text(encoding="utf-8")
    # the other commands that take a schema file take it too
    done = cli("validate", schema.parent / "doc.xml", "--schema", schema, "--allow", tmp_path,
               "--adapter", "lxml")  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    done = cli("validate", schema.parent / "doc.xml", "--schema", schema, "--adapter", "lxml")
    assert done.returncode == 1 and "leads outside" in done.stdout


def test_corpus_generate_refuses_a_schema_reaching_outside(
    tmp_path: Path, outside: Outside
) -> None:
    """The generator copies the schema's include closure into the corpus: the gate runs first,
    so the outside file is neither read nor copied."""
    schema = _leaky_schema(tmp_path, outside, _locations(tmp_path, outside)[0])
    out = tmp_path / "generated"
    with OpenWatch([outside.dir]) as watch:
        done = cli("corpus", "generate", "--schema", schema, "--root", "Doc", "--count", "2",
                   "-o", out)  # fmt: skip
    assert done.returncode == 1
    assert "leads outside" in _one_error_line(done.stderr)
    assert not out.exists() and watch.opened == []


def test_corpus_mutate_refuses_a_corpus_schema_reaching_outside(
    tmp_path: Path, outside: Outside
) -> None:
    """A corpus's schemas are bounded by the corpus, as in ``st9x run``."""
    schema = _leaky_schema(tmp_path, outside, _locations(tmp_path, outside)[0])
    corpus = schema.parent
    manifest = {
        "format": "st9x-corpus/1", "id": "leaky", "title": "leaky", "description": "leaky",
        "provenance": {"source": "test", "licence": "none"},
        "schemas": [{"id": "a", "path": "a.xsd", "kind": "xsd", "root": "Doc"}],
        "cases": [{"id": "one", "instance": "doc.xml", "schema": "a", "expected": "valid"}],
    }  # fmt: skip
    (corpus / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    out = tmp_path / "mutants"
    with OpenWatch([outside.dir]) as watch:
        done = cli("corpus", "mutate", "--corpus", corpus, "-o", out)
    assert done.returncode == 1
    assert "leads outside" in _one_error_line(done.stderr)
    assert SECRET not in done.stderr and watch.opened == []


def test_corpus_generate_json_refuses_a_ref_to_another_file(
    tmp_path: Path, outside: Outside
) -> None:
    schema = tmp_path / "p" / "q" / "j.json"
    schema.parent.mkdir(parents=True)
    ref = Path("..", "..", *outside.json.relative_to(tmp_path).parts).as_posix()
    schema.write_text(json.dumps({"type": "object", "properties": {"x": {"$ref": ref}}}))
    out = tmp_path / "generated"
    done = cli("corpus", "generate-json", "--schema", schema, "--count", "2", "-o", out)
    assert done.returncode == 1
    line = _one_error_line(done.stderr)
    assert f"refusing $ref {ref!r}" in line and str(schema) in line
    assert not out.exists()


# --- the time and memory bound ------------------------------------------------------------------


def test_validate_stops_the_committed_redos_cases_at_the_time_out() -> None:
    for instance, schema, stuck in (
        ("xml/redos-pattern.xml", "schemas/redos-pattern.xsd", ("xmlschema-1.0",)),
        ("json/redos.json", "schemas/redos.schema.json", ("jsonschema", "fastjsonschema")),
    ):
        done = cli("validate", HOSTILE / instance, "--schema", HOSTILE / schema,
                   "--timeout", "2", timeout=300)  # fmt: skip
        assert done.returncode == 1, done.stdout + done.stderr
        assert "Traceback" not in done.stderr
        lines = done.stdout.splitlines()
        for adapter in stuck:
            at = lines.index(f"errored  {adapter}")
            assert lines[at + 1].strip() == f"{HOSTILE / instance}: time-out: no verdict within 2 s"


@pytest.mark.parametrize("kind", ["xsd", "xml", "json"])
def test_convert_stops_at_the_time_out_and_writes_nothing(tmp_path: Path, kind: str) -> None:
    schema = _redos_default(tmp_path / "schemas")
    sources = {"xsd": schema, "xml": tmp_path / "doc.xml", "json": tmp_path / "doc.json"}
    sources["xml"].write_bytes((HOSTILE / "xml" / "redos-pattern.xml").read_bytes())
    sources["json"].write_text(json.dumps({"doc": {"text": "aaa"}}), encoding="utf-8")
    target = tmp_path / "out" / "converted"
    schema_arg = [] if kind == "xsd" else ["--schema", schema]
    done = cli("convert", kind, sources[kind], *schema_arg, "-o", target, "--timeout", "2",
               timeout=300)  # fmt: skip
    assert done.returncode == 1
    line = _one_error_line(done.stderr)
    assert line == f"st9x: error: {sources[kind]}: time-out: no result within 2 s (killed)"
    assert not target.parent.exists()


def test_corpus_generate_stops_at_the_time_out(tmp_path: Path) -> None:
    schema = _redos_default(tmp_path / "schemas")
    done = cli("corpus", "generate", "--schema", schema, "--root", "Doc", "--count", "2",
               "-o", tmp_path / "out", "--timeout", "2", timeout=300)  # fmt: skip
    assert done.returncode == 1
    line = _one_error_line(done.stderr)
    assert line == f"st9x: error: {schema}: time-out: no result within 2 s (killed)"
    assert not (tmp_path / "out" / "manifest.json").exists()


def test_the_memory_limit_bounds_a_conversion(tmp_path: Path) -> None:
    """A limit too small for the interpreter's own work ends as one line, not a traceback."""
    schema = HOSTILE / "schemas" / "redos-pattern.xsd"
    done = cli("convert", "xsd", schema, "-o", tmp_path / "out.json", "--memory-mb", "16")
    assert done.returncode == 1
    line = _one_error_line(done.stderr)
    assert str(schema) in line
    assert not (tmp_path / "out.json").exists()


# --- in-process is the explicit opt-out ---------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["convert", "xsd", "SCHEMA", "-o", "OUT"],
        ["corpus", "generate", "--schema", "SCHEMA", "--root", "Doc", "--count", "1", "-o", "OUT"],
    ],
)
def test_in_process_is_the_explicit_opt_out(tmp_path: Path, argv: list[str]) -> None:
    """A memory limit no interpreter fits in stops the command in its bounded child; with
    ``--in-process`` the same command runs in this process, where no limit applies."""
    schema = tmp_path / "doc.xsd"
    schema.write_bytes((HOSTILE / "schemas" / "doc.xsd").read_bytes())
    names = {"SCHEMA": str(schema)}
    for in_process in (False, True):
        out = tmp_path / f"out-{in_process}"
        command = [names.get(arg, str(out) if arg == "OUT" else arg) for arg in argv]
        flag = ["--in-process"] if in_process else []
        done = cli(*command, "--memory-mb", "16", *flag)
        assert done.returncode == (0 if in_process else 1), (in_process, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr


def test_validate_in_process_loads_the_schema_here(tmp_path: Path) -> None:
    """``validate`` loads the schema's model in a worker process by default (this process's
    model cache stays empty) and in this process with ``--in-process``."""
    schema = tmp_path / "doc.xsd"
    schema.write_bytes((HOSTILE / "schemas" / "doc.xsd").read_bytes())
    instance = tmp_path / "doc.xml"
    instance.write_text('<Doc xmlns="urn:st9x:hostile"><Text>t</Text></Doc>', encoding="utf-8")
    argv = ["validate", str(instance), "--schema", str(schema), "--adapter", "xmlschema-1.0"]
    for in_process, loaded in ((False, 0), (True, 1)):
        xsdload.clear()
        assert main([*argv, *(["--in-process"] if in_process else [])]) == 0
        assert xsdload.load_counts()["loads"] == loaded, in_process


def test_the_default_bound_is_the_corpus_that_lists_the_schema(
    tmp_path: Path, outside: Outside
) -> None:
    """A schema a corpus manifest lists may read the whole corpus (as under ``st9x run``); a
    ``manifest.json`` above it that does not list it widens nothing."""
    schema = _leaky_schema(tmp_path, outside, _locations(tmp_path, outside)[0])
    manifest = tmp_path / "manifest.json"
    target = tmp_path / "out.json"
    for listed, code in (([], 1), ([{"id": "a", "path": "p/q/a.xsd", "kind": "xsd"}], 0)):
        manifest.write_text(json.dumps({"schemas": listed}), encoding="utf-8")
        done = cli("convert", "xsd", schema, "-o", target)
        assert done.returncode == code, done.stderr
        assert target.exists() == (code == 0)
