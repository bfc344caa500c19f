"""``st90-live`` in ``st9x run``: the live ST.90 rules on st9x's own reference API, served on
the loopback for the length of one check.

A corpus manifest may mark an OpenAPI document as describing the reference API (``"serve":
{"app": "reference", "faults": [...]}``); this linter then starts the reference API with those
faults on 127.0.0.1 (a port the system picks), probes it with
:class:`~st9x.subjects.linters.st90_live.St90LiveLinter` (which reaches that one host and port,
:func:`st9x.offline.reaching`: the worker stays offline otherwise) and stops it, also when the check
fails. A corpus never names a URL, so a run reaches no API a manifest points at; an API of the
user's own is checked with ``st9x api-check --base-url``.

Its schema kind is ``openapi-live``: the run plans it on served documents only.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

from st9x.corpus.model import SchemaSpec
from st9x.rules import st90_live
from st9x.rules.lint import LintRule
from st9x.rules.model import Finding as RuleFinding
from st9x.subjects.apis.live.client import LiveBounds
from st9x.subjects.apis.reference.app import create_app
from st9x.subjects.apis.reference.server import LOOPBACK, RunningServer
from st9x.subjects.linters.base import Finding, LinterInfo, SchemaKind
from st9x.subjects.linters.st90_live import St90LiveLinter
from st9x.subjects.linters.table import plain_findings, table_info

#: the request budget of ``st9x api-check``, with time bounds that a loaded machine cannot reach:
#: the API is st9x's own, in this process, so a slow answer is load, not a finding, and the
#: findings of a run (and the matrix in the docs) must not depend on the machine's speed
SERVED_BOUNDS = LiveBounds(time_limit=600.0, request_timeout=60.0)


class St90ServedLinter:
    """The live ST.90 rules on the reference API, served for each check."""

    name = "st90-live"
    schema_kind: SchemaKind = "openapi-live"
    suffixes: tuple[str, ...] = (".yaml", ".yml", ".json")
    reads_spec = True  # the engine passes the manifest entry: it names the faults

    def __init__(self, bounds: LiveBounds | None = None) -> None:
        self.bounds = bounds or SERVED_BOUNDS

    def info(self) -> LinterInfo:
        return table_info(self.name, st90_live.RULES, "live ST.90 conformance of st9x's "
                          "reference API, served on the loopback for the check")

    def rules(self) -> list[LintRule[Any]]:
        return st90_live.RULES.lint_rules()

    def check(
        self, target: Path, rules: Collection[str] | None = None, *,
        bounds: tuple[Path, ...] = (), spec: SchemaSpec | None = None,
    ) -> dict[str, list[RuleFinding]]:
        faults = frozenset(spec.serve or ()) if spec is not None else frozenset()
        server = RunningServer(create_app(faults), LOOPBACK, 0).start()
        try:  # the prober reaches this one host and port, and nothing else
            return St90LiveLinter(server.url, self.bounds).check(target, rules, bounds=bounds)
        finally:
            server.stop()

    def lint(self, target: Path) -> Iterable[Finding]:
        return plain_findings(st90_live.RULES, self.check(target))
