"""The ST.96 design rules, checked on XSD files (:class:`~st9x.rules.lint.XsdDocument`).

One module per category of the compliance matrix, each a table of small rule functions; this
table joins them in the order of ST.96 Annex I (naming, namespaces, versioning, declarations,
documentation). Every rule reports on what is written in the file it reads, with the line and
XPath of each finding; third-party schemas that ST.96 imports unchanged (MathML, OASIS tables)
are not applicable.
"""

from __future__ import annotations

from st9x.rules.lint import LintCatalogue, XsdDocument
from st9x.rules.st96 import declarations, documentation, namespaces, naming, versioning

#: every ST.96 rule, in the order of the standard
RULES: LintCatalogue[XsdDocument] = LintCatalogue("st96", [
    *naming.RULES,
    *namespaces.RULES,
    *versioning.RULES,
    *declarations.RULES,
    *documentation.RULES,
])
