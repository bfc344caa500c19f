"""The one registry of subjects: each kind found through its entry-point group, broken plug-ins
kept aside with their reason, selection by name, and external commands merged from TOML.

The linter plug-ins here are real: a distribution written to a temporary directory (a module
and a ``*.dist-info`` with ``entry_points.txt``) put on ``sys.path``, which is how an installed
third-party package is seen by ``importlib.metadata``.
"""

from __future__ import annotations

import shlex
import textwrap
from pathlib import Path

import pytest
from fixtures import PYTHON, assert_one_line, write

from st9x.errors import UsageError
from st9x.subjects.converters.external import ExternalConverter
from st9x.subjects.linters.base import Finding, Linter, LinterInfo
from st9x.subjects.registry import (
    CONVERTERS,
    LINTERS,
    VALIDATORS,
    Unavailable,
    discover_adapters,
    discover_converters,
    discover_linters,
    select_adapters,
    select_converters,
    select_linters,
)
from st9x.subjects.validators.external import ExternalAdapter

LINTER_MODULE = '''
"""A linter that flags every file whose name holds "bad"."""
from st9x.subjects.linters.base import Finding, LinterInfo, Problem


class TinyLinter:
    name = "tiny"

    def info(self):
        return LinterInfo(self.name, "tiny-linter", "1.0", ("TINY-1",), "flags bad names")

    def lint(self, target):
        if "bad" in target.name:
            yield Finding("TINY-1", Problem("the name says bad", "/"))
'''

ENTRY_POINTS = """\
[st9x.linters]
tiny = tiny_linter:TinyLinter
broken = st9x_no_such_module_zz:Linter
"""


@pytest.fixture
def linter_distribution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``tiny-linter`` 1.0 installed into a directory on ``sys.path`` for this test only."""
    site = tmp_path / "site"
    write(site / "tiny_linter.py", LINTER_MODULE)
    info = site / "tiny_linter-1.0.dist-info"
    write(info / "METADATA", "Metadata-Version: 2.1\nName: tiny-linter\nVersion: 1.0\n")
    write(info / "entry_points.txt", ENTRY_POINTS)
    monkeypatch.syspath_prepend(str(site))  # also invalidates the import caches
    return site


def test_each_kind_has_its_group() -> None:
    assert (VALIDATORS.group, VALIDATORS.noun) == ("st9x.validators", "adapter")
    assert (CONVERTERS.group, CONVERTERS.noun) == ("st9x.converters", "converter")
    assert (LINTERS.group, LINTERS.noun) == ("st9x.linters", "linter")


def test_installed_validators_and_converters_are_found() -> None:
    adapters, broken_adapters = discover_adapters()
    converters, broken_converters = discover_converters()
    assert broken_adapters == [] and broken_converters == []
    assert {"lxml", "jsonschema", "jsonschema-rs"} <= set(adapters)
    assert {"st97-v2", "xmlschema", "xmltodict"} <= set(converters)
    assert not set(adapters) & set(converters)  # each kind reads its own group only


def test_a_linter_registered_through_an_entry_point_is_listed(
    linter_distribution: Path, tmp_path: Path
) -> None:
    found, broken = discover_linters()
    assert "tiny" in found  # beside any linter st9x itself installs
    linter = found["tiny"]
    assert isinstance(linter, Linter)
    info = linter.info()
    assert isinstance(info, LinterInfo)
    assert info.as_json()["rules"] == ["TINY-1"]
    assert list(linter.lint(tmp_path / "good.xsd")) == []
    (finding,) = linter.lint(tmp_path / "bad.xsd")
    assert isinstance(finding, Finding)
    assert finding.as_json() == {
        "rule": "TINY-1",
        "severity": "error",
        "message": "the name says bad",
        "location": "/",
    }
    (unavailable,) = [b for b in broken if b.name == "broken"]
    assert isinstance(unavailable, Unavailable)
    assert unavailable.name == "broken"
    assert unavailable.reason.startswith("ModuleNotFoundError: ")
    assert "st9x_no_such_module_zz" in unavailable.reason


def test_linters_are_selected_by_name(linter_distribution: Path) -> None:
    assert "tiny" in select_linters()
    assert list(select_linters(["tiny"])) == ["tiny"]
    with pytest.raises(UsageError) as info:
        select_linters(["broken"])
    assert_one_line(str(info.value), "linter 'broken' is not available: ModuleNotFoundError")
    with pytest.raises(UsageError) as info:
        select_linters(["tiny", "nope"])
    assert_one_line(str(info.value), "linter 'nope' is unknown (known: ", "tiny")


def test_a_linter_is_found_only_while_its_distribution_is_installed() -> None:
    found, broken = discover_linters()
    assert "tiny" not in found and "broken" not in {b.name for b in broken}
    with pytest.raises(UsageError, match="linter 'tiny' is unknown"):
        select_linters(["tiny"])


def test_selection_keeps_the_order_named() -> None:
    assert list(select_adapters(["lxml", "jsonschema"])) == ["lxml", "jsonschema"]
    assert list(select_converters(["xmltodict", "st97-v2"])) == ["xmltodict", "st97-v2"]


def test_none_selects_no_converter_and_stands_alone() -> None:
    assert select_converters(["none"]) == {}
    with pytest.raises(UsageError) as info:
        select_converters(["st97-v2", "none"])
    assert_one_line(str(info.value), "--converter none cannot be combined with other converters")
    with pytest.raises(UsageError, match="adapter 'none' is unknown"):
        select_adapters(["none"])  # only converters have a "none"


def test_one_external_file_serves_both_kinds(tmp_path: Path) -> None:
    python = shlex.quote(PYTHON)
    config = write(
        tmp_path / "external.toml",
        textwrap.dedent(
            f"""\
            [adapter.check]
            format = "json"
            command = '{python} -c pass {{schema}} {{instance}}'

            [converter.convert]
            to-json = '{python} -c pass {{xml}} {{out}}'
            """
        ),
    )
    adapters = select_adapters(["check", "jsonschema"], [config])
    assert isinstance(adapters["check"], ExternalAdapter)
    converters = select_converters(["convert"], [config])
    assert isinstance(converters["convert"], ExternalConverter)
    assert "convert" not in select_adapters(None, [config])


def test_an_external_command_replaces_an_installed_subject_of_its_name(tmp_path: Path) -> None:
    config = write(
        tmp_path / "external.toml",
        '[adapter.lxml]\nformat = "xml"\ncommand = "xmllint --schema {schema} {instance}"\n',
    )
    assert isinstance(select_adapters(["lxml"], [config])["lxml"], ExternalAdapter)


def test_a_kind_without_external_commands_refuses_a_file(tmp_path: Path) -> None:
    config = write(tmp_path / "linters.toml", "[linter.x]\ncommand = 'x'\n")
    with pytest.raises(UsageError) as info:
        LINTERS.select(None, [config])
    assert_one_line(str(info.value), str(config), "linters cannot be external commands")
