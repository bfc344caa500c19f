"""The parts of ST.90 a rule derives from: one category per chapter, in the standard's order.

The compatibility matrix (API × chapter) has one column each; a rule's ``category`` is one of
these keys and its ``source`` names the chapter in the standard's words. ``gate`` is not a
chapter of ST.90: it is the precondition that the document is OpenAPI at all, and
``catalog-metadata`` is the WIPO API Catalog's own requirement on the documents it lists.
"""

from __future__ import annotations

#: category key → the chapter's title, in the standard's order
CHAPTERS: dict[str, str] = {
    "gate": "OpenAPI document (precondition)",
    "uri-components": "URI components",
    "resource-model": "Resource model",
    "http-methods": "HTTP methods",
    "status-codes": "HTTP status codes",
    "query-patterns": "Query patterns (paging, sorting, filtering, field selection)",
    "error-handling": "Error handling",
    "content-negotiation": "Content negotiation and media types",
    "service-contract": "Service contract (documentation)",
    "security": "Security",
    "data-types": "Data type formats",
    "catalog-metadata": "WIPO API Catalog metadata",
}


def chapter(key: str) -> str:
    """The title of chapter ``key``; KeyError for a key the table lacks (a typo in a rule)."""
    return CHAPTERS[key]
