"""``st90-openapi``: the ST.90 design rules and the WIPO API Catalog's metadata requirements
(:data:`st9x.rules.st90.RULES`) on OpenAPI documents: Swagger 2.0, OpenAPI 3.0 and 3.1, YAML or
JSON.

The document is read as untrusted data by :func:`st9x.openapiload.load_openapi` (size limit,
safe YAML with an alias budget, references followed locally and never fetched). The gate rule
runs first; a document failing it gets the gate's located errors and nothing else. Rules
locate a finding by JSON Pointer; the loader's position map gives each its line and column.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

from st9x.openapiload import OpenApiDocument, load_openapi
from st9x.rules import st90
from st9x.rules.lint import LintCatalogue, LintRule
from st9x.rules.model import Finding as RuleFinding
from st9x.rules.model import Status
from st9x.subjects.linters.base import Finding, LinterInfo, SchemaKind
from st9x.subjects.linters.table import plain_findings, run_table, table_info


class St90OpenApiLinter:
    """The ST.90 rules on one OpenAPI document. ``catalogue`` replaces the project's table (a
    test's own rules)."""

    name = "st90-openapi"
    schema_kind: SchemaKind = "openapi"
    suffixes: tuple[str, ...] = (".yaml", ".yml", ".json")

    def __init__(self, catalogue: LintCatalogue[OpenApiDocument] | None = None) -> None:
        self._catalogue = catalogue

    @property
    def catalogue(self) -> LintCatalogue[OpenApiDocument]:
        return self._catalogue if self._catalogue is not None else st90.RULES

    def info(self) -> LinterInfo:
        return table_info(self.name, self.catalogue, "ST.90 design rules and WIPO API Catalog "
                          "metadata on OpenAPI documents")

    def rules(self) -> list[LintRule[Any]]:
        return self.catalogue.lint_rules()

    def load(self, target: Path, bounds: tuple[Path, ...] = ()) -> OpenApiDocument:
        return load_openapi(target, bounds)

    def check(
        self, target: Path, rules: Collection[str] | None = None, *,
        bounds: tuple[Path, ...] = (),
    ) -> dict[str, list[RuleFinding]]:
        document = self.load(target, bounds)
        gate = self.catalogue.run_rule(st90.GATE, document) if st90.GATE in self.catalogue \
            else []
        if any(f.status in (Status.FAIL, Status.ERRORED) for f in gate):
            return {st90.GATE: locate(document, gate)} if rules is None or st90.GATE in rules \
                else {}
        selected = [r for r in self.catalogue if r != st90.GATE
                    and (rules is None or r in rules)]
        results = run_table(self.catalogue, document, selected)
        if rules is None or st90.GATE in rules:
            results = {st90.GATE: gate, **results}
        return {rule_id: locate(document, found) for rule_id, found in results.items()}

    def lint(self, target: Path) -> Iterable[Finding]:
        return plain_findings(self.catalogue, self.check(target))


def locate(document: OpenApiDocument, findings: list[RuleFinding]) -> list[RuleFinding]:
    """Each failure a rule left without a place given the line and column of its pointer."""
    out = []
    for finding in findings:
        if (finding.status is Status.FAIL and finding.line is None
                and (finding.location == "" or finding.location.startswith("/"))):
            line, column = document.position(finding.location)
            finding = dataclasses.replace(finding, line=line, column=column)
        out.append(finding)
    return out
