"""st9x's own ST.97 converter (:mod:`st9x.st97`), one converter per profile/option set, so the
register's resolved decisions and its open questions (#6 ordered choices, #9 mixed content,
#10 version indicator, strict choices) can be compared side by side in one run."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from st9x import __version__
from st9x.st97 import Compilation, Mapper, compile_schema
from st9x.subjects.converters.base import ALL_CHECKS, Check, ConverterInfo, LossItem, SchemaResult

_DESCRIPTIONS = {
    "st97-v2": "ST.97 v2 (register decisions 1, 4, 5, 7, 8), default options",
    "st97-v2-ordered": "ST.97 v2 with choice-unbounded=ordered (open question 6)",
    "st97-v2-strict": "ST.97 v2 with strict-choice=true (oneOf instead of decision 5's anyOf)",
    "st97-v2-jsonml": "ST.97 v2 with mixed=jsonml (open question 9)",
    "st97-v2-text-only": "ST.97 v2 with mixed=text-only (open question 9: inline markup dropped, "
                         "reported as a loss)",
    "st97-v2-version-property": "ST.97 v2 with version=property (open question 10: a required "
                                "schemaVersion at the document's top level)",
    "st97-v2-version-id": "ST.97 v2 with version=id (open question 10: a versioned $id)",
    "st97-v2-portable": "ST.97 v2 with regex-unicode=expand (no \\p{..}: for Python re engines)",
    "st97-v2-draft7": "ST.97 v2 as a draft-07 schema (definitions, allOf-wrapped $ref, "
                      "extensions closed by additionalProperties; regex-unicode=expand), for "
                      "validators without 2019-09/2020-12 such as fastjsonschema",
    "st97-v1-legacy": "the pre-decision shapes ($ text key, ChoiceN wrappers, Bag wrappers)",
}


@dataclass
class _Prepared:
    compilation: Compilation
    mapper: Mapper

    def schema(self) -> SchemaResult:
        losses = tuple(LossItem(x.construct, x.location, x.reason) for x in self.compilation.losses)
        return SchemaResult(self.compilation.schema, losses, self.compilation.settings.dialect)

    def to_json(self, xml_path: Path) -> Any:
        return self.mapper.to_json(Path(xml_path))

    def to_xml(self, json_doc: Any) -> bytes:
        return bytes(etree.tostring(self.mapper.to_xml(json_doc), encoding="utf-8",
                                    xml_declaration=True))


@dataclass
class St97Converter:
    """One profile and option set of :func:`st9x.st97.compile_schema`."""

    name: str
    profile: str = "st97-v2"
    options: Mapping[str, str] = field(default_factory=dict)
    dialect: str = "2020-12"

    def info(self) -> ConverterInfo:
        return ConverterInfo(
            self.name,
            "st9x.st97",
            __version__,
            _DESCRIPTIONS.get(self.name, f"st9x.st97 profile {self.profile}"),
            self.profile,
            dict(self.options),
            generates_schema=True,
            claims=_claims(self.profile, self.options),
        )

    def prepare(self, xsd_path: Path, root: str | None) -> _Prepared:
        compilation = compile_schema(
            Path(xsd_path), root=root or "auto", profile=self.profile,
            options=dict(self.options), dialect=self.dialect,
        )
        return _Prepared(compilation, Mapper(compilation))


def _claims(profile: str, options: Mapping[str, str]) -> tuple[Check, ...]:
    """Every profile promises a schema, a faithful round trip and agreeing verdicts. The
    register decisions are what the v2 profiles implement; the legacy profile predates them, and
    ``strict-choice`` departs from decision 5 on purpose (``oneOf`` for its ``anyOf``)."""
    if profile == "st97-v1-legacy" or options.get("strict-choice") == "true":
        return tuple(c for c in ALL_CHECKS if c is not Check.DECISIONS)
    return ALL_CHECKS


def st97_v2() -> St97Converter:
    return St97Converter("st97-v2")


def st97_v2_ordered() -> St97Converter:
    return St97Converter("st97-v2-ordered", options={"choice-unbounded": "ordered"})


def st97_v2_strict() -> St97Converter:
    return St97Converter("st97-v2-strict", options={"strict-choice": "true"})


def st97_v2_jsonml() -> St97Converter:
    return St97Converter("st97-v2-jsonml", options={"mixed": "jsonml"})


def st97_v2_text_only() -> St97Converter:
    return St97Converter("st97-v2-text-only", options={"mixed": "text-only"})


def st97_v2_version_property() -> St97Converter:
    return St97Converter("st97-v2-version-property", options={"version": "property"})


def st97_v2_version_id() -> St97Converter:
    return St97Converter("st97-v2-version-id", options={"version": "id"})


def st97_v2_portable() -> St97Converter:
    return St97Converter("st97-v2-portable", options={"regex-unicode": "expand"})


def st97_v2_draft7() -> St97Converter:
    """Decision 8 without ``unevaluatedProperties`` is the interesting part: the same verdicts
    as ``st97-v2-portable`` are expected, now also from draft-07-only validators."""
    return St97Converter("st97-v2-draft7", options={"regex-unicode": "expand"},
                         dialect="draft-07")


def st97_v1_legacy() -> St97Converter:
    return St97Converter("st97-v1-legacy", profile="st97-v1-legacy")
