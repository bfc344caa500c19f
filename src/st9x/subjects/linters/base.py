"""The one small interface every design-rule linter implements.

A linter reads one target (an XSD, a JSON Schema, an API contract) and says where it breaks
the design rules it knows, as findings naming the rule. It only translates: running, timing,
crash handling and folding findings into matrices are the engine's job, so a linter stays
small and a third party can add one through the ``st9x.linters`` entry-point group without
touching st9x.

Modelled on :mod:`st9x.subjects.validators.base`: a Protocol, not a base class to inherit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Protocol, runtime_checkable

from st9x.subjects.validators.base import Problem, Unsupported

__all__ = ["Finding", "Linter", "LinterInfo", "Problem", "Severity", "Unsupported"]


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
