"""The one small interface every design-rule linter implements.

A linter reads one target (an XSD, a JSON Schema, an API contract) and says where it breaks
the design rules it knows, as findings naming the rule. It only translates: running, timing,
crash handling and folding findings into matrices are the engine's job, so a linter stays
small and a third party can add one through the ``st9x.linters`` entry-point group without
touching st9x.

Modelled on :mod:`st9x.subjects.validators.base`: a Protocol, not a base class to inherit.

A linter that runs a table of design rules (:class:`RuleLinter`: st9x's own ``st96-xsd`` and
``st97-jsonschema``) says more than that: which kind of schema it reads, every rule with its
severity and category, and each rule's findings, passes included, so that the engine can fold
them into a compliance matrix and judge them like any other record. ``st9x lint`` and ``st9x run
--lint`` drive such linters.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

from st9x.rules.lint import LintRule
from st9x.rules.model import Finding as RuleFinding
from st9x.subjects.validators.base import Problem, Unsupported

__all__ = [
    "Finding", "Linter", "LinterInfo", "Problem", "RuleFinding", "RuleLinter", "SchemaKind",
    "Severity", "Unsupported",
]

#: what a design-rule linter reads, in the corpus model's words (:class:`SchemaSpec.kind`)
SchemaKind = Literal["xsd", "json-schema", "openapi", "openapi-live"]


class Severity(StrEnum):
    """How binding the broken rule is: design rules say MUST for some, SHOULD for others."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One place where the target breaks one rule: the rule, and the problem located where
    the user can find it (an XPath in an XSD, a JSON Pointer in a JSON document), in the same
    form a validator reports its errors."""

    rule: str  # the rule's identifier as its standard numbers it
    problem: Problem
    severity: Severity = Severity.ERROR

    def as_json(self) -> dict[str, object]:
        return {"rule": self.rule, "severity": str(self.severity), **self.problem.as_json()}


@dataclass(frozen=True)
class LinterInfo:
    """What a listing of subjects and the results header say about a linter."""

    name: str
    library: str
    version: str
    rules: tuple[str, ...] = ()  # the rules it checks, so a gap shows in the matrix
    description: str = ""

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "library": self.library,
            "version": self.version,
            "rules": list(self.rules),
            "description": self.description,
        }


@runtime_checkable
class Linter(Protocol):
    """A design-rule checker behind st9x's interface."""

    name: str

    def info(self) -> LinterInfo: ...

    def lint(self, target: Path) -> Iterable[Finding]:
        """Every finding on the target file; none when it follows every rule. Raise
        ``st9x.errors.SchemaError`` when the target cannot be read or parsed, ``Unsupported``
        when it is of a kind this linter does not check."""
        ...


@runtime_checkable
class RuleLinter(Linter, Protocol):
    """A linter that runs a table of design rules on one kind of schema file.

    ``schema_kind`` says which files it reads; ``suffixes`` which file names a folder given to
    ``st9x lint`` holds for it. :meth:`rules` is its table, in the standard's order, and
    :meth:`check` the findings of each selected rule on one file: passes, failures (located by
    XPath or JSON Pointer, line and column), ``n/a`` and ``errored`` (a rule that raised), keyed
    by rule id. A file it cannot read raises :class:`st9x.errors.SchemaError`, one line naming
    the file (and line)."""

    schema_kind: SchemaKind
    suffixes: tuple[str, ...]

    def rules(self) -> list[LintRule[Any]]: ...

    def check(
        self, target: Path, rules: Collection[str] | None = None, *,
        bounds: tuple[Path, ...] = (),
    ) -> dict[str, list[RuleFinding]]:
        """``bounds``: the directories the file's references may lead into (an XSD's includes
        and imports, read for the component model); none: the file's own directory."""
        ...
