"""A validator that is any command line, such as ``xmllint --schema`` or a vendor's checker.

The command template names ``{schema}`` and ``{instance}``; the verdict comes from the exit code
(``0`` valid, one of ``invalid_exit_codes`` invalid, anything else errored) and the errors from
the command's output, one per line. External adapters are described in a TOML file so that a
user can plug one in without writing Python:

.. code-block:: toml

    [adapter.xmllint]
    format = "xml"
    command = "xmllint --noout --nonet --schema {schema} {instance}"
    invalid-exit-codes = [3]
    timeout = 60
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from st9x.corpus.model import DataFormat, SchemaSpec
from st9x.errors import SchemaError, UsageError, one_line
from st9x.subjects.external import load_subjects
from st9x.subjects.validators.base import AdapterInfo, Outcome, Problem

# "file:line: message" or "file:line:column: message", as xmllint and most checkers print
_LINE = re.compile(r"^(?P<file>[^:\s][^:]*):(?P<line>\d+):(?:(?P<column>\d+):)?\s*(?P<rest>.*)$")


@dataclass
class _Compiled:
    adapter: ExternalAdapter
    schema: SchemaSpec

    def validate(self, instance: Path) -> Outcome:
        argv = [
            part.replace("{schema}", str(self.schema.path)).replace("{instance}", str(instance))
            for part in self.adapter.argv
        ]
        try:
            done = subprocess.run(
                argv,
                capture_output=True,
                timeout=self.adapter.timeout,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            raise TimeoutError(
                f"{self.adapter.name}: no answer within {self.adapter.timeout} s"
            ) from None
        output = (done.stdout + done.stderr).decode("utf-8", "replace")
        if done.returncode == 0:
            return Outcome.from_problems([])
        problems = [
            _problem(line, instance) for line in output.splitlines() if _relevant(line, instance)
        ]
        if done.returncode in self.adapter.invalid_exit_codes:
            return Outcome.from_problems(problems or [Problem(f"exit code {done.returncode}")])
        detail = "; ".join(p.message for p in problems[:3]) or one_line(output) or "no output"
        raise RuntimeError(f"{self.adapter.name} exited with {done.returncode}: {detail}")


def _relevant(line: str, instance: Path) -> bool:
    text = line.strip()
    return bool(text) and not text.endswith(" validates") and not text.endswith("fails to validate")


def _problem(line: str, instance: Path) -> Problem:
    match = _LINE.match(line.strip())
    if match:
        column = int(match["column"]) if match["column"] else None
        return Problem(one_line(match["rest"]), None, int(match["line"]), column or None)
    return Problem(one_line(line))


@dataclass
class ExternalAdapter:
    """An adapter made from a command template rather than a Python class."""

    name: str
    format: DataFormat  # type: ignore[misc]
    command: str
    invalid_exit_codes: tuple[int, ...] = (1,)
    timeout: float = 60.0
    description: str = ""
    argv: list[str] = field(init=False)

    kind: ClassVar[str] = "external"

    def __post_init__(self) -> None:
        self.argv = shlex.split(self.command)
        if not self.argv:
            raise UsageError(f"external adapter {self.name!r}: empty command")
        if not any("{instance}" in part for part in self.argv):
            raise UsageError(
                f"external adapter {self.name!r}: the command must contain {{instance}}"
            )

    def info(self) -> AdapterInfo:
        program = shutil.which(self.argv[0]) or self.argv[0]
        return AdapterInfo(
            self.name,
            self.format,
            f"external: {Path(program).name}",
            "n/a",
            (),
            self.description or f"external command: {self.command}",
        )

    def available(self) -> bool:
        return shutil.which(self.argv[0]) is not None

    def compile(self, schema: SchemaSpec) -> _Compiled:
        if not schema.path.is_file():
            raise SchemaError("schema file not found", path=schema.path)
        if not self.available():
            raise SchemaError(f"{self.name}: command {self.argv[0]!r} not found on PATH")
        return _Compiled(self, schema)


def _external_adapter(name: str, table: dict[str, Any]) -> ExternalAdapter:
    """One ``[adapter.NAME]`` table, already checked against the ``external`` format."""
    return ExternalAdapter(
        name=name,
        format=table["format"],
        command=table["command"],
        invalid_exit_codes=tuple(table.get("invalid-exit-codes", [1])),
        timeout=float(table.get("timeout", 60)),
        description=table.get("description", ""),
    )


def load_external(path: Path) -> list[ExternalAdapter]:
    """Read external adapters from a TOML file (``[adapter.NAME]`` tables)."""
    return load_subjects(path, "adapter", _external_adapter)
