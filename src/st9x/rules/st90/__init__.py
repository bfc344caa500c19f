"""The ST.90 design rules, checked on OpenAPI documents
(:class:`~st9x.openapiload.OpenApiDocument`): Swagger 2.0, OpenAPI 3.0 and 3.1.

Each rule has a stable st9x id (``st90.<chapter>.<name>``), the ST.90 chapter it derives from
(:data:`.chapters.CHAPTERS`, the compatibility matrix's columns), and a severity from the
standard's wording (MUST → ``essential``, SHOULD → ``recommended``, the labels WIPO's own API
linting uses). The standard's own rule id is given only where it is known for certain.

The first row is the gate (:mod:`.gate`): a document that is not valid OpenAPI gets no other
finding. The chapters' rules live one module per group: :mod:`.uri` (URI components),
:mod:`.resources` (resource model), :mod:`.methods`, :mod:`.responses` (status codes and error
handling), :mod:`.query` (query patterns), :mod:`.contract` (content negotiation and service
contract), :mod:`.security`, :mod:`.datatypes` and :mod:`.catalog`, with :mod:`.walk` the
reading they share. The WIPO API Catalog's metadata requirements are rules of their own chapter
(``catalog-metadata``).
"""

from __future__ import annotations

from st9x.openapiload import OpenApiDocument
from st9x.rules.lint import LintCatalogue, LintRule
from st9x.rules.st90 import (
    catalog,
    contract,
    datatypes,
    gate,
    methods,
    query,
    resources,
    responses,
    security,
    uri,
)
from st9x.rules.st90.chapters import CHAPTERS

__all__ = ["CHAPTERS", "GATE", "RULES"]

GATE = "st90.gate.valid-openapi"


def _table() -> list[LintRule[OpenApiDocument]]:
    """The gate, then every module's rules sorted by chapter (a stable sort: a module's order
    stands within a chapter), so a module may hold two chapters (status codes and errors)."""
    rules = [*uri.RULES, *resources.RULES, *methods.RULES, *responses.RULES, *query.RULES,
             *contract.RULES, *security.RULES, *datatypes.RULES, *catalog.RULES]
    order = list(CHAPTERS)
    return [*gate.RULES, *sorted(rules, key=lambda rule: order.index(rule.category))]


#: every ST.90 rule, the gate first, then the chapters in the standard's order
RULES: LintCatalogue[OpenApiDocument] = LintCatalogue("st90", _table())
