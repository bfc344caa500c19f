"""External-command adapters: a TOML file turns any command line into a validator.

The command used here is always available: this Python interpreter running a small script that
decides from the instance's content, so valid (exit 0), invalid (exit 3, with ``file:line:
message`` output), errored (any other exit code) and a time-out are all exercised with a real
subprocess. Debian's xmllint is used too when it is installed.
"""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

import pytest
from fixtures import (
    DOC_XSD,
    INVALID_XML,
    PYTHON,
    VALID_XML,
    assert_one_line,
    run_one,
    write,
    xsd_spec,
)

from st9x.engine.worker import Worker
from st9x.errors import UsageError
from st9x.subjects.registry import select_adapters
from st9x.subjects.validators.external import ExternalAdapter, load_external

CHECKER = '''\
"""A stand-in validator: the verdict is written in the instance itself."""
import sys
import time
from pathlib import Path

schema, instance = sys.argv[sys.argv.index("--schema") + 1], sys.argv[-1]
if not Path(schema).is_file():
    print(f"no schema at {schema}", file=sys.stderr)
    sys.exit(7)
text = Path(instance).read_text(encoding="utf-8")
if "SLEEP" in text:
    time.sleep(30)
if "BROKEN" in text:
    print("internal failure: boom", file=sys.stderr)
    sys.exit(5)
if "COLUMNS" in text:
    print(f"{instance}:4:12: element Count: not an integer")
    sys.exit(3)
if "INVALID" in text:
    print(f"{instance}:7: element Count: not an integer")
    print(f"{instance}:9: element Name: too long", file=sys.stderr)
    print(f"{instance} fails to validate", file=sys.stderr)
    sys.exit(3)
print(f"{instance} validates")
'''


def write_config(directory: Path, timeout: float) -> Path:
    """A TOML file with one adapter, ``pycheck``, running CHECKER under this interpreter."""
    script = write(directory / "checker.py", CHECKER)
    command = f"{shlex.quote(PYTHON)} {shlex.quote(str(script))} --schema {{schema}} {{instance}}"
    return write(
        directory / "external.toml",
        f"""
[adapter.pycheck]
format = "xml"
command = '{command}'
invalid-exit-codes = [3]
timeout = {timeout}
description = "a script deciding from the instance text"
""",
    )


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return write_config(tmp_path, timeout=20)  # generous: a loaded CI machine starts Python slowly


@pytest.fixture
def schema(tmp_path: Path) -> Path:
    return write(tmp_path / "doc.xsd", DOC_XSD)


def test_config_is_loaded(config: Path) -> None:
    (adapter,) = load_external(config)
    assert isinstance(adapter, ExternalAdapter)
    assert adapter.name == "pycheck"
    assert adapter.format == "xml"
    assert adapter.invalid_exit_codes == (3,)
    assert adapter.timeout == 20.0
    assert adapter.argv[0] == PYTHON
    info = adapter.info()
    assert info.name == "pycheck" and info.format == "xml"
    assert info.description == "a script deciding from the instance text"


def test_registry_adds_external_adapters(config: Path) -> None:
    chosen = select_adapters(["pycheck", "lxml"], [config])
    assert sorted(chosen) == ["lxml", "pycheck"]
    assert isinstance(chosen["pycheck"], ExternalAdapter)


def test_verdicts_from_exit_codes(tmp_path: Path, config: Path, schema: Path) -> None:
    worker = Worker(select_adapters(["pycheck"], [config]))
    spec = xsd_spec(schema)

    valid = run_one(worker, "pycheck", spec, write(tmp_path / "v.xml", "<ok/>"))
    assert valid["verdict"] == "valid"
    assert valid["errors"] == []

    invalid = run_one(worker, "pycheck", spec, write(tmp_path / "i.xml", "<INVALID/>"))
    assert invalid["verdict"] == "invalid"
    # file:line: message lines become located errors; the summary line is dropped
    assert invalid["errors"] == [
        {"message": "element Count: not an integer", "line": 7},
        {"message": "element Name: too long", "line": 9},
    ]
    assert invalid["error_count"] == 2

    broken = run_one(worker, "pycheck", spec, write(tmp_path / "b.xml", "<BROKEN/>"))
    assert broken["verdict"] == "errored"
    assert_one_line(broken["errors"][0]["message"], "pycheck", "exited with 5", "boom")


def test_a_column_in_the_output_is_kept(tmp_path: Path, config: Path, schema: Path) -> None:
    worker = Worker(select_adapters(["pycheck"], [config]))
    record = run_one(worker, "pycheck", xsd_spec(schema), write(tmp_path / "c.xml", "<COLUMNS/>"))
    assert record["verdict"] == "invalid"
    assert record["errors"] == [
        {"message": "element Count: not an integer", "line": 4, "column": 12}
    ]


def test_schema_placeholder_is_substituted(tmp_path: Path, config: Path) -> None:
    """The script exits 7 if {schema} did not become the schema's path; a schema that vanished
    after compiling shows that the path really is passed."""
    worker = Worker(select_adapters(["pycheck"], [config]))
    schema = write(tmp_path / "gone.xsd", DOC_XSD)
    spec = xsd_spec(schema)
    first = run_one(worker, "pycheck", spec, write(tmp_path / "v.xml", "<ok/>"))
    assert first["verdict"] == "valid"
    schema.unlink()
    second = run_one(worker, "pycheck", spec, write(tmp_path / "w.xml", "<ok/>"))
    assert second["verdict"] == "errored"
    assert_one_line(second["errors"][0]["message"], "exited with 7", str(schema.resolve()))


def test_timeout_gives_errored(tmp_path: Path, schema: Path) -> None:
    worker = Worker(select_adapters(["pycheck"], [write_config(tmp_path, timeout=0.5)]))
    record = run_one(worker, "pycheck", xsd_spec(schema), write(tmp_path / "s.xml", "<SLEEP/>"))
    assert record["verdict"] == "errored"
    assert_one_line(record["errors"][0]["message"], "no answer within 0.5 s")
    assert record["times"]["validate"] < 10  # the child was not waited for


def test_missing_program_gives_errored(tmp_path: Path, schema: Path) -> None:
    config = write(
        tmp_path / "x.toml",
        '[adapter.ghost]\nformat = "xml"\ncommand = "st9x-no-such-program-zz {instance}"\n',
    )
    worker = Worker(select_adapters(["ghost"], [config]))
    record = run_one(worker, "ghost", xsd_spec(schema), write(tmp_path / "v.xml", "<ok/>"))
    assert record["verdict"] == "errored"
    assert_one_line(record["errors"][0]["message"], "'st9x-no-such-program-zz'", "not found")


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        pytest.param('[adapter.x]\nformat = "xml"\n', "lacks 'command'", id="missing-command"),
        pytest.param(
            '[adapter.x]\ncommand = "prog {instance}"\n', "lacks 'format'", id="missing-format"
        ),
        pytest.param(
            '[adapter.x]\nformat = "yaml"\ncommand = "prog {instance}"\n',
            "format must be 'xml' or 'json'",
            id="bad-format",
        ),
        pytest.param(
            '[adapter.x]\nformat = "xml"\ncommand = "prog {schema}"\n',
            "{instance}",
            id="no-instance-placeholder",
        ),
        pytest.param('[adapter.x]\nformat = "xml"\ncommand = ""\n', "empty", id="empty-command"),
        pytest.param("[tool]\nx = 1\n", "no [adapter.NAME]", id="no-adapter-table"),
        pytest.param("[adapter.x\n", "not valid TOML", id="not-toml"),
        pytest.param(
            '[adapter.x]\nformat = "xml"\ncommand = "prog {instance}"\ntimeout = "soon"\n',
            "timeout",
            id="timeout-not-a-number",
        ),
        pytest.param(
            '[adapter.x]\nformat = "xml"\ncommand = ["prog", "{instance}"]\n',
            "command",
            id="command-not-a-string",
        ),
        pytest.param(
            '[adapter.x]\nformat = "xml"\ncommand = "prog {instance}"\ninvalid-exit-codes = 3\n',
            "invalid-exit-codes",
            id="exit-codes-not-a-list",
        ),
    ],
)
def test_bad_config_is_one_line_naming_the_file(tmp_path: Path, body: str, fragment: str) -> None:
    config = write(tmp_path / "bad.toml", body)
    with pytest.raises(UsageError) as info:
        load_external(config)
    assert_one_line(str(info.value), str(config), fragment)


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as info:
        load_external(tmp_path / "absent.toml")
    assert_one_line(str(info.value), str(tmp_path / "absent.toml"), "cannot read")


def test_xmllint(tmp_path: Path, schema: Path) -> None:
    if shutil.which("xmllint") is None:
        pytest.skip("xmllint not installed (Debian package libxml2-utils)")
    config = write(
        tmp_path / "xmllint.toml",
        '[adapter.xmllint]\nformat = "xml"\n'
        'command = "xmllint --noout --nonet --schema {schema} {instance}"\n'
        "invalid-exit-codes = [3]\ntimeout = 30\n",
    )
    worker = Worker(select_adapters(["xmllint"], [config]))
    spec = xsd_spec(schema)
    assert (
        run_one(worker, "xmllint", spec, write(tmp_path / "v.xml", VALID_XML))["verdict"] == "valid"
    )
    invalid = run_one(worker, "xmllint", spec, write(tmp_path / "i.xml", INVALID_XML))
    assert invalid["verdict"] == "invalid"
    assert any(e.get("line") == 5 and "abc" in e["message"] for e in invalid["errors"])
    malformed = run_one(worker, "xmllint", spec, write(tmp_path / "m.xml", "<Doc>\n</Dco>\n"))
    assert malformed["verdict"] == "errored"  # xmllint exits 1 for a parse error
