"""The ST.97 design rules and register decisions, checked on JSON Schema files
(:class:`~st9x.rules.lint.JsonSchemaDocument`): ours and any converter's, or one written by
hand, read alone (no XSD), so that every schema is judged by the same table.

The table is split by category, one module each: :mod:`.naming` (lowerCamelCase, decision 1
``Bag``, decision 7 ``value``), :mod:`.structure` (decision 4 arrays without wrappers, decision
5 no choice wrappers), :mod:`.extensions` (decision 8 ``allOf``, and closing it without
rejecting valid data), :mod:`.identification` (``$schema``, ``$id``, open issue 10's version
indicator), :mod:`.patterns` (ECMA-262 and portable). :func:`catalogue` builds the table for
another option of open issue 10 than the default ``none``.
"""

from __future__ import annotations

from st9x.rules.lint import JsonSchemaDocument, LintCatalogue, LintRule
from st9x.rules.st97 import extensions, identification, naming, patterns, structure
from st9x.rules.st97.identification import VERSION_OPTIONS, version_indicator

__all__ = ["RULES", "VERSION_OPTIONS", "catalogue"]


def _table(version: str) -> list[LintRule[JsonSchemaDocument]]:
    rules = [*naming.RULES, *structure.RULES, *extensions.RULES, *identification.RULES,
             *patterns.RULES]
    return [version_indicator(version) if rule.id == "st97.versioning.version-indicator"
            else rule for rule in rules]


def catalogue(version: str = "none") -> LintCatalogue[JsonSchemaDocument]:
    """The ST.97 table with the version-indicator rule for ``version`` (``none``, ``property``
    or ``id``: the option of open issue 10 the schemas are to follow)."""
    return LintCatalogue("st97", _table(version))


#: every ST.97 rule, in the order of the standard (naming, structure, extensions,
#: identification, patterns), with open issue 10 undecided (version option ``none``)
RULES: LintCatalogue[JsonSchemaDocument] = catalogue()
