"""Query patterns: the query parameters for paging, sorting, filtering and field selection are
named one way across the API.

Each pattern has a small table of the names APIs use for it. Paging and free-text filtering are
judged on consistency (every operation that pages uses the same set of paging names; every one
that filters by text uses the same name), since ST.90 leaves the choice to the API; sorting and
field selection on the names ST.90 style gives them, ``sort`` and ``fields``. Names are compared
as written, case and all: ``pageSize`` and ``pagesize`` are two names to a client.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from st9x.openapiload import OpenApiDocument
from st9x.rules.lint import LintRule, Severity, lint_rule
from st9x.rules.model import Finding
from st9x.rules.st90.chapters import chapter
from st9x.rules.st90.walk import Parameter, operations, query_names

CATEGORY = "query-patterns"
#: names that page a result (their folded form: lower case, no '-', '_' or '$')
PAGING = frozenset({"limit", "offset", "page", "size", "pagesize", "perpage", "pagenumber",
                    "pageno", "start", "rows", "skip", "top", "maxresults",
                    "startindex", "cursor"})
SORTING = frozenset({"sort", "sortby", "orderby", "order", "sortorder", "sorting", "ordering",
                     "sortfield", "sortkey"})
FIELDS = frozenset({"fields", "field", "fieldlist", "select", "projection", "returnfields",
                    "fieldset", "fieldsets", "attributes", "columns"})
FILTERING = frozenset({"q", "query", "search", "searchtext", "searchterm", "keyword",
                       "keywords", "text", "term", "filter", "querystring"})


def _fold(name: str) -> str:
    return name.lower().replace("-", "").replace("_", "").replace("$", "")


def _matching(doc: OpenApiDocument, names: frozenset[str]) -> Iterator[
        tuple[str, str, list[Parameter]]]:
    """(what the operation is, its pointer, its query parameters in ``names``) for each
    operation that has any."""
    for op in operations(doc):
        found = [p for name, p in query_names(doc, op).items() if _fold(name) in names]
        if found:
            yield f"{op.method.upper()} {op.template}", op.pointer, found


def _consistent(doc: OpenApiDocument, names: frozenset[str], what: str) -> Iterator[Finding]:
    """Every operation using parameters of ``names`` uses the same set of them: the set most
    operations use (the first seen, on a tie)."""
    ops = list(_matching(doc, names))
    if not ops:
        yield Finding.not_applicable(f"no {what} query parameter")
        return
    sets = [tuple(sorted(p.name for p in found)) for _op, _pointer, found in ops]
    counts = Counter(sets)
    usual = max(counts, key=lambda s: (counts[s], -sets.index(s)))
    for (op, pointer, found), names_used in zip(ops, sets, strict=True):
        if names_used == usual:
            yield Finding.passed(pointer)
        else:
            yield Finding.failed(found[0].pointer, f"{op}: {what} parameters "
                                 f"{', '.join(names_used)}; the other operations use "
                                 f"{', '.join(usual)}")


def paging_names(doc: OpenApiDocument) -> Iterator[Finding]:
    yield from _consistent(doc, PAGING, "paging")


def filter_names(doc: OpenApiDocument) -> Iterator[Finding]:
    yield from _consistent(doc, FILTERING, "free-text filter")


def _named(doc: OpenApiDocument, names: frozenset[str], expected: str,
           what: str) -> Iterator[Finding]:
    ops = list(_matching(doc, names))
    if not ops:
        yield Finding.not_applicable(f"no {what} query parameter")
    for op, _pointer, found in ops:
        for parameter in found:
            if parameter.name == expected:
                yield Finding.passed(parameter.pointer)
            else:
                yield Finding.failed(parameter.pointer, f"{op}: the {what} parameter is "
                                     f"{parameter.name!r}, not {expected!r}")


def sort_name(doc: OpenApiDocument) -> Iterator[Finding]:
    yield from _named(doc, SORTING, "sort", "sorting")


def fields_name(doc: OpenApiDocument) -> Iterator[Finding]:
    yield from _named(doc, FIELDS, "fields", "field-selection")


RULES: list[LintRule[OpenApiDocument]] = [
    lint_rule(
        "st90.query-patterns.paging-names", "Paged operations use the same paging parameters",
        paging_names, source=chapter(CATEGORY), severity=Severity.RECOMMENDED,
        category=CATEGORY, counts="paged operations",
        description="Recommended: one client pages every collection alike only when every "
        "paged operation names its paging parameters alike (limit/offset, or page/size, "
        "...; not a mix). The set most operations use is taken as the API's.",
    ),
    lint_rule(
        "st90.query-patterns.sort-name", "The sorting parameter is named 'sort'",
        sort_name, source=chapter(CATEGORY), severity=Severity.RECOMMENDED,
        category=CATEGORY, counts="sorting parameters",
        description="Recommended (a convention of ST.90 style): a query parameter that sorts "
        "(sortBy, orderBy, order, ...) is named 'sort'.",
    ),
    lint_rule(
        "st90.query-patterns.filter-names", "Free-text filtering uses one parameter name",
        filter_names, source=chapter(CATEGORY), severity=Severity.RECOMMENDED,
        category=CATEGORY, counts="filtering operations",
        description="Recommended: every operation that filters by free text (q, query, "
        "search, filter, ...) uses the same name; the one most operations use is taken as "
        "the API's.",
    ),
    lint_rule(
        "st90.query-patterns.fields-name", "The field-selection parameter is named 'fields'",
        fields_name, source=chapter(CATEGORY), severity=Severity.RECOMMENDED,
        category=CATEGORY, counts="field-selection parameters",
        description="Recommended (a convention of ST.90 style): a query parameter that picks "
        "the fields of a response (select, fieldList, projection, ...) is named 'fields'.",
    ),
]
