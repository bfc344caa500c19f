"""The ST.97 design rules and register decisions, checked on JSON Schema files
(:class:`~st9x.rules.lint.JsonSchemaDocument`): ours and any converter's."""

from __future__ import annotations

from st9x.rules.lint import JsonSchemaDocument, LintCatalogue

#: every ST.97 rule, in the order of the standard
RULES: LintCatalogue[JsonSchemaDocument] = LintCatalogue("st97", [])
