"""Resource model: paths name resources (nouns), and a collection is named in the plural.

Both rules read literal path segments only (``{id}`` names an instance, not a resource) and
judge words, not meanings, so each keeps a small table: the verbs that betray an action in a
path (``getTrademarks``, ``create-mark``, ``search``), and the plural test the ST.97 naming rules
use (:func:`st9x.rules.st97.naming.is_plural`, which errs towards "not plural").
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise

from st9x.openapiload import OpenApiDocument, escape
from st9x.rules.lint import LintRule, Severity, lint_rule
from st9x.rules.model import Finding
from st9x.rules.st90.chapters import chapter
from st9x.rules.st90.walk import VERSION_SEGMENT, is_parameter, segments, words
from st9x.rules.st97.naming import is_plural

CATEGORY = "resource-model"
#: words that, leading a path segment, make it an action instead of a resource
VERBS = frozenset({
    "get", "set", "create", "update", "delete", "remove", "add", "insert", "search", "find",
    "fetch", "retrieve", "list", "modify", "edit", "save", "put", "post", "patch", "read",
    "write", "make", "do", "execute", "run", "submit",
})


def _paths(doc: OpenApiDocument) -> list[tuple[str, str]]:
    paths = doc.document.get("paths")
    return [(str(t), f"/paths/{escape(str(t))}") for t in paths] if isinstance(
        paths, dict) else []


def no_verbs(doc: OpenApiDocument) -> Iterator[Finding]:
    checked = False
    for template, pointer in _paths(doc):
        for segment in segments(template):
            if is_parameter(segment):
                continue
            checked = True
            found = words(segment)
            if found and found[0] in VERBS:
                yield Finding.failed(pointer, f"path {template!r}: segment {segment!r} starts "
                                     f"with the verb {found[0]!r}; name the resource and let "
                                     "the HTTP method say the action")
            else:
                yield Finding.passed(pointer)
    if not checked:
        yield Finding.not_applicable("no path segment that is not a parameter")


def plural_collections(doc: OpenApiDocument) -> Iterator[Finding]:
    """A literal segment followed by ``{parameter}`` names the collection the parameter picks
    an item from (``/trademarks/{id}``), so it is plural."""
    checked = False
    for template, pointer in _paths(doc):
        parts = segments(template)
        for segment, following in pairwise(parts):
            if (is_parameter(segment) or not is_parameter(following)
                    or VERSION_SEGMENT.match(segment)):
                continue
            checked = True
            found = words(segment)
            if found and is_plural(found[-1]):
                yield Finding.passed(pointer)
            else:
                yield Finding.failed(pointer, f"path {template!r}: collection {segment!r} "
                                     f"before {following} is not plural")
    if not checked:
        yield Finding.not_applicable("no collection segment followed by a path parameter")


RULES: list[LintRule[OpenApiDocument]] = [
    lint_rule(
        "st90.resource-model.no-verbs", "Path segments name resources, not actions",
        no_verbs, source=chapter(CATEGORY), severity=Severity.ESSENTIAL, category=CATEGORY,
        counts="path segments",
        description="Essential: in a resource-oriented API the HTTP method is the verb, so a "
        "segment led by one (get, create, update, delete, search, fetch, list, add, remove, "
        "...) duplicates or contradicts it; path parameters are not judged.",
    ),
    lint_rule(
        "st90.resource-model.plural-collections", "Collections are named in the plural",
        plural_collections, source=chapter(CATEGORY), severity=Severity.RECOMMENDED,
        category=CATEGORY, counts="collection segments",
        description="Recommended (a naming convention, not an interoperability need): a "
        "segment followed by a path parameter names a collection and reads as an English "
        "plural ('/trademarks/{id}'); the test is a small heuristic that errs towards 'not "
        "plural'.",
    ),
]
