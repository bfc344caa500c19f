"""What the two design-rule linters share: running the selected rows of a rule table on one
loaded document, and answering the plain :class:`~st9x.subjects.linters.base.Linter` interface
from those findings.

Each linter only loads its kind of file into the document its rules read; selecting, running and
stamping rules is the table's (:class:`~st9x.rules.lint.LintCatalogue`), so both linters report
rules alike.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import Any

from st9x import __version__
from st9x.rules.lint import LintCatalogue, LintRule, Severity
from st9x.rules.model import Finding as RuleFinding
from st9x.rules.model import Status
from st9x.subjects.linters.base import Finding, LinterInfo, Problem
from st9x.subjects.linters.base import Severity as PlainSeverity


def run_table(
    catalogue: LintCatalogue[Any], document: Any, rules: Collection[str] | None = None
) -> dict[str, list[RuleFinding]]:
    """The findings of every rule of ``catalogue`` (or of those named in ``rules``), in table
    order; a rule that raises gives one ``errored`` finding, never the end of the file."""
    return {
        rule_id: catalogue.run_rule(rule_id, document)
        for rule_id in catalogue
        if rules is None or rule_id in rules
    }


def table_info(name: str, catalogue: LintCatalogue[Any], description: str) -> LinterInfo:
    return LinterInfo(name, "st9x", __version__, tuple(catalogue), description)


def plain_findings(
    catalogue: LintCatalogue[Any], results: Mapping[str, list[RuleFinding]]
) -> Iterator[Finding]:
    """The failures of ``results`` as plain linter findings (essential rules as errors, the
    rest as warnings), for a caller that knows only the :class:`Linter` interface."""
    for rule_id, findings in results.items():
        rule = catalogue[rule_id]
        essential = not isinstance(rule, LintRule) or rule.severity is Severity.ESSENTIAL
        severity = PlainSeverity.ERROR if essential else PlainSeverity.WARNING
        for finding in findings:
            if finding.status in (Status.FAIL, Status.ERRORED):
                problem = Problem(finding.detail, finding.location or None, finding.line,
                                  finding.column)
                yield Finding(rule_id, problem, severity)
