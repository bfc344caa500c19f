"""A converter that is any command line, such as the USPTO XSD2JSON tool.

Described in a TOML file so a user can plug one in without writing Python. Each step is a
command template; a step without a template is unsupported (``skipped`` in the matrices):

.. code-block:: toml

    [converter.xsd2json]
    schema = "java -jar xsd2json.jar {xsd} {root} -o {out}"     # writes the JSON Schema to {out}
    to-json = "java -jar xsd2json.jar --instance {xml} -o {out}"   # optional
    to-xml = "java -jar xsd2json.jar --reverse {json} -o {out}"    # optional
    losses = "{out}.losses.json"   # optional: a JSON list of {construct, location, reason}
    dialect = "2020-12"            # optional; default: the schema's $schema
    timeout = 120
    description = "USPTO XSD2JSON 2025"

Placeholders: ``{xsd}`` the schema file, ``{root}`` the document root (``{ns}Local``, or empty),
``{xml}`` / ``{json}`` the input instance, ``{out}`` the file the command must write. The command
succeeds when it exits 0 and wrote ``{out}``; anything else is a recorded error with the
command's own output, never the end of the run.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from st9x.errors import SchemaError, UsageError, one_line
from st9x.st97 import jsonio
from st9x.st97.errors import ConversionError
from st9x.subjects.converters.base import (
    Check,
    ConverterInfo,
    LossItem,
    SchemaResult,
    Unsupported,
)
from st9x.subjects.external import load_subjects

STEPS = ("schema", "to-json", "to-xml")
_NEEDS = {"schema": "{xsd}", "to-json": "{xml}", "to-xml": "{json}"}


def _run(name: str, argv: list[str], values: dict[str, str], timeout: float, out: Path) -> None:
    command = [part.format_map(_Keep(values)) for part in argv]
    try:
        done = subprocess.run(command, capture_output=True, timeout=timeout, check=False,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise ConversionError(f"{name}: no answer within {timeout:g} s") from None
    except OSError as exc:
        raise ConversionError(f"{name}: cannot start {command[0]!r}: {exc.strerror or exc}") \
            from None
    if done.returncode != 0 or not out.is_file():
        output = one_line((done.stderr + done.stdout).decode("utf-8", "replace")) or "no output"
        what = f"exited with {done.returncode}" if done.returncode else f"did not write {out.name}"
        raise ConversionError(f"{name} {what}: {output}")


class _Keep(dict[str, str]):
    """format_map that leaves unknown ``{...}`` (e.g. JSON in an argument) untouched."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass
class _Prepared:
    converter: ExternalConverter
    xsd: Path
    root: str | None
    workdir: Path

    def _out(self, suffix: str) -> Path:
        fd, name = tempfile.mkstemp(dir=self.workdir, suffix=suffix)
        os.close(fd)
        path = Path(name)
        path.unlink()  # the command must create it: a missing file is a failure
        return path

    def schema(self) -> SchemaResult:
        argv = self.converter.argv.get("schema")
        if argv is None:
            raise Unsupported(f"{self.converter.name}: no schema command configured")
        out = self._out(".schema.json")
        values = {"xsd": str(self.xsd), "root": self.root or "", "out": str(out)}
        try:
            _run(self.converter.name, argv, values, self.converter.timeout, out)
        except ConversionError as exc:
            raise SchemaError(exc.message, path=self.xsd) from None
        try:
            schema = jsonio.loads(out.read_bytes())
        except ValueError as exc:
            raise SchemaError(f"{self.converter.name} wrote invalid JSON: {exc}", path=out) \
                from None
        losses: tuple[LossItem, ...] = ()
        if self.converter.losses:
            losses = _read_losses(Path(self.converter.losses.format_map(_Keep(values))))
        return SchemaResult(schema, losses, self.converter.dialect)

    def to_json(self, xml_path: Path) -> Any:
        argv = self.converter.argv.get("to-json")
        if argv is None:
            raise Unsupported(f"{self.converter.name}: no to-json command configured")
        out = self._out(".json")
        values = {"xsd": str(self.xsd), "root": self.root or "", "xml": str(xml_path),
                  "out": str(out)}
        _run(self.converter.name, argv, values, self.converter.timeout, out)
        try:
            return jsonio.loads(out.read_bytes())
        except ValueError as exc:
            raise ConversionError(f"{self.converter.name} wrote invalid JSON: {exc}",
                                  path=str(out)) from None
        finally:
            out.unlink(missing_ok=True)

    def to_xml(self, json_doc: Any) -> bytes:
        argv = self.converter.argv.get("to-xml")
        if argv is None:
            raise Unsupported(f"{self.converter.name}: no to-xml command configured")
        source = self._out(".json")
        source.write_bytes(jsonio.dumps(json_doc))
        out = self._out(".xml")
        values = {"xsd": str(self.xsd), "root": self.root or "", "json": str(source),
                  "out": str(out)}
        try:
            _run(self.converter.name, argv, values, self.converter.timeout, out)
            return out.read_bytes()
        finally:
            source.unlink(missing_ok=True)
            out.unlink(missing_ok=True)


def _read_losses(path: Path) -> tuple[LossItem, ...]:
    if not path.is_file():
        return ()
    try:
        document = jsonio.loads(path.read_bytes())
    except ValueError as exc:
        raise SchemaError(f"losses file is not JSON: {exc}", path=path) from None
    if not isinstance(document, list):
        raise SchemaError("losses file must hold a list of {construct, location, reason}",
                          path=path)
    return tuple(
        LossItem(str(i.get("construct", "?")), str(i.get("location", "")),
                 str(i.get("reason", "")))
        for i in document if isinstance(i, dict)
    )


@dataclass
class ExternalConverter:
    """A converter made from command templates rather than a Python class."""

    name: str
    commands: dict[str, str]
    timeout: float = 120.0
    dialect: str | None = None
    losses: str | None = None
    description: str = ""
    claims: tuple[Check, ...] = ()
    argv: dict[str, list[str]] = field(init=False)

    def __post_init__(self) -> None:
        self.argv = {}
        for step, command in self.commands.items():
            argv = shlex.split(command)
            if not argv:
                raise UsageError(f"external converter {self.name!r}: empty {step} command")
            if not any(_NEEDS[step] in part for part in argv) or not any(
                "{out}" in part for part in argv
            ):
                raise UsageError(f"external converter {self.name!r}: the {step} command must "
                                 f"contain {_NEEDS[step]} and {{out}}")
            self.argv[step] = argv
        if not self.argv:
            raise UsageError(f"external converter {self.name!r}: no command configured")

    def info(self) -> ConverterInfo:
        first = next(iter(self.argv.values()))[0]
        program = shutil.which(first) or first
        return ConverterInfo(
            self.name, f"external: {Path(program).name}", "n/a",
            self.description or "external command: " + "; ".join(
                f"{k}: {v}" for k, v in self.commands.items()),
            generates_schema="schema" in self.argv,
            claims=self.claims,
        )

    def prepare(self, xsd_path: Path, root: str | None) -> _Prepared:
        if not Path(xsd_path).is_file():
            raise SchemaError("schema file not found", path=xsd_path)
        workdir = Path(tempfile.mkdtemp(prefix=f"st9x-{self.name}-"))
        return _Prepared(self, Path(xsd_path), root, workdir)


def _converter(name: str, table: dict[str, Any]) -> ExternalConverter:
    """One ``[converter.NAME]`` table, already checked against the ``external`` format."""
    return ExternalConverter(
        name,
        {step: table[step] for step in STEPS if step in table},
        float(table.get("timeout", 120)),
        table.get("dialect"),
        table.get("losses"),
        table.get("description", ""),
        tuple(Check(c) for c in table.get("claims", [])),
    )


def load_external_converters(path: Path) -> list[ExternalConverter]:
    """Read external converters from a TOML file (``[converter.NAME]`` tables)."""
    return load_subjects(path, "converter", _converter)
