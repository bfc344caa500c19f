"""The one small interface every converter implements.

A converter is prepared once per XSD (``prepare``: load or compile the schema, which is the
expensive part) and then converts many instances with the prepared form. It only translates; the
conversion engine (:mod:`st9x.engine.conversion`) does the timing, the checks, the artefacts and
turns every exception into a recorded error. Third parties add converters through the
``st9x.converters`` entry-point group without touching st9x.

Modelled on :mod:`st9x.subjects.validators.base`: a Protocol, not a base class to inherit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from st9x.subjects.validators.base import Unsupported

__all__ = [
    "Check",
    "Converter",
    "ConverterInfo",
    "LossItem",
    "Prepared",
    "SchemaResult",
    "Unsupported",
]

DIALECT_URIS = {
    "2020-12": "https://json-schema.org/draft/2020-12/schema",
    "2019-09": "https://json-schema.org/draft/2019-09/schema",
    "draft7": "http://json-schema.org/draft-07/schema#",
    "draft-07": "http://json-schema.org/draft-07/schema#",  # st9x.st97's name for it
}


class Check(StrEnum):
    """The checks a converter's output goes through. A converter *claims* the checks it must
    pass (:attr:`ConverterInfo.claims`): a claimed check that fails is a broken expectation
    (unless the ledger lists it); an unclaimed one is measured and shown, never judged (a peer
    converter that makes no ST.97 promise is compared, not failed)."""

    SCHEMA = "schema"  # the XSD converts, and every JSON validator compiles the result
    DECISIONS = "decisions"  # the register decisions hold on the schema and its instances
    ROUNDTRIP = "roundtrip"  # XML -> JSON -> XML is C14N-equal (exact or normalised)
    VALIDITY = "validity"  # a converted valid instance validates against the converted schema
    AGREEMENT = "agreement"  # the JSON Schema verdict equals the XSD verdict


ALL_CHECKS: tuple[Check, ...] = tuple(Check)


@dataclass(frozen=True)
class LossItem:
    """One XSD construct the converter could not express exactly in JSON Schema."""

    construct: str
    location: str = ""
    reason: str = ""

    def as_json(self) -> dict[str, str]:
        return {"construct": self.construct, "location": self.location, "reason": self.reason}


@dataclass(frozen=True)
class SchemaResult:
    """A generated JSON Schema with the converter's own report of what it lost."""

    schema: dict[str, Any]
    losses: tuple[LossItem, ...] = ()
    dialect: str | None = None  # a short name (``2020-12``) or None to read ``$schema``

    def loss_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for loss in self.losses:
            counts[loss.construct] = counts.get(loss.construct, 0) + 1
        return dict(sorted(counts.items()))


@dataclass(frozen=True)
class ConverterInfo:
    """What ``st9x run`` and the conversions header say about a converter."""

    name: str
    library: str
    version: str
    description: str = ""
    profile: str | None = None
    options: dict[str, str] = field(default_factory=dict)
    generates_schema: bool = False
    claims: tuple[Check, ...] = ()

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "library": self.library,
            "version": self.version,
            "description": self.description,
            "profile": self.profile,
            "options": dict(self.options),
            "generates_schema": self.generates_schema,
            "claims": [str(c) for c in self.claims],
        }


@runtime_checkable
class Prepared(Protocol):
    """A converter prepared for one XSD and document root."""

    def schema(self) -> SchemaResult:
        """The JSON Schema of the document, or raise ``Unsupported`` (a converter that only
        maps instances). Raise ``st9x.errors.SchemaError`` when the XSD cannot be converted."""
        ...

    def to_json(self, xml_path: Path) -> Any:
        """The JSON value of one XML document (Decimals allowed: written with exact digits).
        Raise ``st9x.errors.St9xError`` (``ConversionError``) saying where it stopped."""
        ...

    def to_xml(self, json_doc: Any) -> bytes:
        """The XML document of one JSON value, serialised."""
        ...


@runtime_checkable
class Converter(Protocol):
    """An XSD → JSON Schema and XML ↔ JSON converter behind st9x's interface."""

    name: str

    def info(self) -> ConverterInfo: ...

    def prepare(self, xsd_path: Path, root: str | None) -> Prepared:
        """Compile or load once. ``root`` is ``{ns}Local`` (or None: the schema's own roots).
        Raise ``st9x.errors.SchemaError`` for an XSD that cannot be loaded."""
        ...
