"""The ST.96 design rules, checked on XSD files (:class:`~st9x.rules.lint.XsdDocument`)."""

from __future__ import annotations

from st9x.rules.lint import LintCatalogue, XsdDocument

#: every ST.96 rule, in the order of the standard
RULES: LintCatalogue[XsdDocument] = LintCatalogue("st96", [])
