"""``st90-live``: the live ST.90 rules (:data:`st9x.rules.st90_live.RULES`) on a running API.

Unlike the other linters, its target is two things: the OpenAPI document (the file
:meth:`check` is given) and the base URL of the API that serves it (given to the constructor,
with the bounds). :meth:`check` loads the document as untrusted data, refuses one that fails
the ST.90 gate (one line naming the file), probes the API (:func:`st9x.subjects.apis.live.
prober.probe_api`: only the base URL's host and port are reached) and runs the live table on
the recorded exchanges. It is not an entry point: it needs a base URL.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

from st9x.errors import SchemaError
from st9x.openapiload import OpenApiDocument, load_openapi
from st9x.rules import st90, st90_live
from st9x.rules.lint import LintCatalogue, LintRule
from st9x.rules.model import Finding as RuleFinding
from st9x.rules.model import Status
from st9x.rules.st90_live.exchanges import LiveApi
from st9x.subjects.apis.live.client import LiveBounds
from st9x.subjects.apis.live.prober import Progress, probe_api
from st9x.subjects.linters.base import Finding, LinterInfo, SchemaKind
from st9x.subjects.linters.table import plain_findings, run_table, table_info


class St90LiveLinter:
    """The live ST.90 rules on the API at ``base_url``, described by the OpenAPI document
    :meth:`check` is given."""

    name = "st90-live"
    schema_kind: SchemaKind = "openapi"
    suffixes: tuple[str, ...] = (".yaml", ".yml", ".json")

    def __init__(self, base_url: str, bounds: LiveBounds | None = None,
                 progress: Progress | None = None,
                 catalogue: LintCatalogue[LiveApi] | None = None) -> None:
        self.base_url = base_url
        self.bounds = bounds or LiveBounds()
        self.progress = progress
        self.catalogue = catalogue if catalogue is not None else st90_live.RULES
        self.last: LiveApi | None = None  # the exchanges of the latest check

    def info(self) -> LinterInfo:
        return table_info(self.name, self.catalogue, "live ST.90 conformance of a running "
                          f"API ({self.base_url})")

    def rules(self) -> list[LintRule[Any]]:
        return self.catalogue.lint_rules()

    def load(self, target: Path, bounds: tuple[Path, ...] = ()) -> OpenApiDocument:
        """The document, or ``SchemaError`` naming the file (and line) when it is not usable
        OpenAPI: a document that fails the gate has no operations worth probing."""
        document = load_openapi(target, bounds)
        for finding in st90.RULES.run_rule(st90.GATE, document):
            if finding.status in (Status.FAIL, Status.ERRORED):
                line = finding.line or document.position(finding.location)[0]
                raise SchemaError(f"not usable OpenAPI: {finding.detail}", path=target,
                                  line=line)
        return document

    def probe(self, document: OpenApiDocument) -> LiveApi:
        self.last = probe_api(document, self.base_url, self.bounds, self.progress)
        return self.last

    def judge(self, api: LiveApi, rules: Collection[str] | None = None
              ) -> dict[str, list[RuleFinding]]:
        return run_table(self.catalogue, api, rules)

    def check(
        self, target: Path, rules: Collection[str] | None = None, *,
        bounds: tuple[Path, ...] = (),
    ) -> dict[str, list[RuleFinding]]:
        return self.judge(self.probe(self.load(target, bounds)), rules)

    def lint(self, target: Path) -> Iterable[Finding]:
        return plain_findings(self.catalogue, self.check(target))
