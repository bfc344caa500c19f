"""The one small interface every validator adapter implements.

An adapter compiles a schema once and then validates instances against the compiled form. It
only translates: the library's own result becomes an :class:`Outcome` (a verdict plus every error
with a location: an XPath for XML, a JSON Pointer for JSON, and the line and column in the file
where they can be known). Everything else (timing, caching, crash handling, expectations, how
many errors a record keeps) is the engine's job, so an adapter stays a page long and a third party
can add one through the ``st9x.validators`` entry-point group without touching st9x.

Modelled on python-jsonschema's ``protocols.py``: a Protocol, not a base class to inherit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar, Protocol, runtime_checkable

from st9x.corpus.model import DataFormat, SchemaSpec


class Verdict(StrEnum):
    VALID = "valid"
    INVALID = "invalid"
    ERRORED = "errored"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Problem:
    """One error a validator reported, located where the user can find it: ``location`` in the
    document's structure, ``line`` and ``column`` (1-based, in characters) in its text."""

    message: str
    location: str | None = None
    line: int | None = None
    column: int | None = None

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {"message": self.message}
        if self.location is not None:
            out["location"] = self.location
        if self.line is not None:
            out["line"] = self.line
        if self.column is not None:
            out["column"] = self.column
        return out


@dataclass(frozen=True)
class Outcome:
    """What validating one instance gave: ``valid`` or ``invalid`` with the errors.

    An adapter reports every error it finds; the engine keeps as many as the run's error cap
    allows and records how many it left out, so the cap is one setting of the run rather than
    a constant in each adapter. ``error_count`` is the number of errors the validator found (an
    adapter that could only keep some says how many there were in all)."""

    verdict: Verdict
    errors: tuple[Problem, ...] = ()
    error_count: int = 0

    @classmethod
    def from_problems(cls, problems: list[Problem]) -> Outcome:
        if not problems:
            return cls(Verdict.VALID)
        return cls(Verdict.INVALID, tuple(problems), len(problems))


class Unsupported(Exception):
    """The adapter cannot handle this schema or instance at all (a dialect it does not
    implement, say). The engine records ``skipped`` with the message: not a failure of the
    validator, but a gap worth showing in the matrix."""


@dataclass(frozen=True)
class AdapterInfo:
    """What ``st9x adapters`` and the results header say about an adapter."""

    name: str
    format: DataFormat
    library: str
    version: str
    dialects: tuple[str, ...] = ()
    description: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "format": self.format,
            "library": self.library,
            "version": self.version,
            "dialects": list(self.dialects),
            "description": self.description,
        }


@runtime_checkable
class CompiledSchema(Protocol):
    """A schema compiled by one adapter, ready to validate many instances."""

    def validate(self, instance: Path) -> Outcome:
        """Validate the instance file. Raise ``st9x.errors.InstanceError`` when it cannot be read
        or parsed, ``Unsupported`` when the adapter cannot handle it."""
        ...


@runtime_checkable
class RecordSchema(Protocol):
    """A compiled XML schema that can also judge one element of a larger document: a record of
    a bag, validated against its own global declaration. Bulk validation needs it to read a bag
    record by record in bounded memory; an adapter whose library validates whole files only
    does not offer it, and bulk validation says so."""

    def validate_element(self, element: Any) -> Outcome:
        """Validate the lxml element against the global declaration of its name. Lines in the
        problems are those of the element's own parse (the caller places them)."""
        ...


@runtime_checkable
class Adapter(Protocol):
    """A validator behind st9x's interface."""

    name: ClassVar[str]
    format: ClassVar[DataFormat]

    def info(self) -> AdapterInfo: ...

    def compile(self, schema: SchemaSpec) -> CompiledSchema:
        """Compile once. Raise ``st9x.errors.SchemaError`` for a schema that does not compile,
        ``Unsupported`` for one this adapter cannot handle."""
        ...
