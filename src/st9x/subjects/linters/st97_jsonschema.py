"""``st97-jsonschema``: the ST.97 design rules and register decisions
(:data:`st9x.rules.st97.RULES`) on JSON Schema files, ours and any converter's.

The file is read strictly (:func:`st9x.jsonload.load_json`: UTF-8, no duplicate key, no NaN);
its ``$schema`` must name a dialect st9x knows, since the rules (which keywords exist, which
regex flavour patterns follow) depend on it. Rules locate a finding by JSON Pointer; one scan
of the file's text then gives every pointer its line and column.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

from st9x.errors import SchemaError
from st9x.jsonload import load_json
from st9x.rules import st97
from st9x.rules.lint import JsonSchemaDocument, LintCatalogue, LintRule
from st9x.rules.model import Finding as RuleFinding
from st9x.rules.model import Status
from st9x.subjects.linters.base import Finding, LinterInfo, SchemaKind
from st9x.subjects.linters.table import plain_findings, run_table, table_info
from st9x.subjects.validators.jsondialect import DIALECTS
from st9x.subjects.validators.jsonpositions import line_columns, value_offsets


def known_dialect(uri: str) -> bool:
    """Whether ``$schema`` names a published dialect (with or without the empty fragment, and
    the drafts' ``http``/``https`` spellings alike)."""
    key = uri.rstrip("#").replace(
        "https://json-schema.org/draft-0", "http://json-schema.org/draft-0"
    )
    return key in DIALECTS


class St97JsonSchemaLinter:
    """The ST.97 design rules on one JSON Schema file. ``catalogue`` replaces the project's
    table (a test's own rules)."""

    name = "st97-jsonschema"
    schema_kind: SchemaKind = "json-schema"
    suffixes: tuple[str, ...] = (".json",)  # ``*.schema.json`` among them

    def __init__(self, catalogue: LintCatalogue[JsonSchemaDocument] | None = None) -> None:
        self._catalogue = catalogue

    @property
    def catalogue(self) -> LintCatalogue[JsonSchemaDocument]:
        return self._catalogue if self._catalogue is not None else st97.RULES

    def info(self) -> LinterInfo:
        return table_info(self.name, self.catalogue, "ST.97 design rules on JSON Schema files")

    def rules(self) -> list[LintRule[Any]]:
        return self.catalogue.lint_rules()

    def load(self, target: Path) -> JsonSchemaDocument:
        """The document the rules read; SchemaError for a file that is not JSON, or whose
        ``$schema`` names no dialect st9x knows (naming the line)."""
        document = load_json(target, error=SchemaError)
        text = target.read_bytes().decode("utf-8")  # load_json has checked it is UTF-8
        if not isinstance(document, dict | bool):
            raise SchemaError(f"not a JSON Schema: the document is a JSON "
                              f"{type(document).__name__}, not an object", path=target)
        dialect = document.get("$schema") if isinstance(document, dict) else None
        if dialect is not None and (not isinstance(dialect, str) or not known_dialect(dialect)):
            line, column = _position(text, "/$schema")
            raise SchemaError(f"unknown $schema {dialect!r}: not a JSON Schema dialect st9x "
                              "knows (draft-04, -06, -07, 2019-09, 2020-12)",
                              path=target, line=line, column=column)
        return JsonSchemaDocument(target, document, text, dialect)

    def check(
        self, target: Path, rules: Collection[str] | None = None, *,
        bounds: tuple[Path, ...] = (),
    ) -> dict[str, list[RuleFinding]]:
        document = self.load(target)
        return locate(document.text, run_table(self.catalogue, document, rules))

    def lint(self, target: Path) -> Iterable[Finding]:
        return plain_findings(self.catalogue, self.check(target))


def locate(text: str, results: dict[str, list[RuleFinding]]) -> dict[str, list[RuleFinding]]:
    """Every finding whose pointer leads to a value given that value's line and column (one
    scan of the text for all of them); a finding a rule located itself keeps its place."""
    pointers = {f.location for found in results.values() for f in found
                if _unplaced(f) and (f.location == "" or f.location.startswith("/"))}
    if not pointers:
        return results
    try:
        offsets = value_offsets(text, pointers)
    except (ValueError, IndexError):
        return results
    positions = line_columns(text, set(offsets.values()))
    located: dict[str, list[RuleFinding]] = {}
    for rule_id, found in results.items():
        out = []
        for finding in found:
            offset = offsets.get(finding.location)
            if _unplaced(finding) and offset is not None:
                line, column = positions[offset]
                finding = dataclasses.replace(finding, line=line, column=column)
            out.append(finding)
        located[rule_id] = out
    return located


def _unplaced(finding: RuleFinding) -> bool:
    """A failure (what a reader must find in the file) that has no place yet."""
    return finding.line is None and finding.status is Status.FAIL


def _position(text: str, pointer: str) -> tuple[int | None, int | None]:
    try:
        offset = value_offsets(text, {pointer}).get(pointer)
    except (ValueError, IndexError):
        return None, None
    if offset is None:
        return None, None
    return line_columns(text, {offset})[offset]
