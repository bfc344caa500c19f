"""URI components: how a path template is written. One finding per path template (or per
literal segment, for casing), located at the template's key under ``paths``.

Casing: ST.90 recommends lower-case resource names with words joined by hyphens (kebab case).
The rule enforces that one style on every literal segment, which is what makes the casing of a
document consistent; a segment may end in a file extension (``openapi.json``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from st9x.openapiload import OpenApiDocument, escape
from st9x.rules.lint import LintRule, Severity, lint_rule
from st9x.rules.model import Finding
from st9x.rules.st90.chapters import chapter
from st9x.rules.st90.walk import VERSION_SEGMENT, base_paths, literal_segments, segments

CATEGORY = "uri-components"
#: lower-case words of letters and digits joined by single hyphens, an extension allowed
KEBAB = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+)?\Z")


def _templates(doc: OpenApiDocument) -> list[tuple[str, str]]:
    paths = doc.document.get("paths")
    if not isinstance(paths, dict):
        return []
    return [(str(t), f"/paths/{escape(str(t))}") for t in paths]


def no_trailing_slash(doc: OpenApiDocument) -> Iterator[Finding]:
    templates = _templates(doc)
    if not templates:
        yield Finding.not_applicable("no paths")
    for template, pointer in templates:
        if len(template) > 1 and template.endswith("/"):
            yield Finding.failed(pointer, f"path {template!r} ends with a slash")
        else:
            yield Finding.passed(pointer)


def kebab_case(doc: OpenApiDocument) -> Iterator[Finding]:
    checked = False
    for template, pointer in _templates(doc):
        for segment in literal_segments(template):
            checked = True
            if KEBAB.match(segment):
                yield Finding.passed(pointer)
            else:
                yield Finding.failed(pointer, f"path {template!r}: segment {segment!r} is not "
                                     "lower-case kebab-case (words in lower case joined by '-')")
    if not checked:
        yield Finding.not_applicable("no path segment that is not a parameter")


def version_in_path(doc: OpenApiDocument) -> Iterator[Finding]:
    """The major version is the first segment of every path, or stands in the base path of
    every server (OpenAPI 3 ``servers[].url``, Swagger 2.0 ``basePath``)."""
    templates = _templates(doc)
    if not templates:
        yield Finding.not_applicable("no paths")
        return
    bases = base_paths(doc)
    if bases and all(any(VERSION_SEGMENT.match(s) for s in segments(b)) for b, _ in bases):
        for _template, pointer in templates:
            yield Finding.passed(pointer)
        return
    for template, pointer in templates:
        parts = segments(template)
        if parts and VERSION_SEGMENT.match(parts[0]):
            yield Finding.passed(pointer)
        else:
            yield Finding.failed(pointer, f"path {template!r} does not start with the major "
                                 "version ('/v1/...'), and no server base path carries it")


RULES: list[LintRule[OpenApiDocument]] = [
    lint_rule(
        "st90.uri-components.no-trailing-slash", "Paths do not end with a slash",
        no_trailing_slash, source=chapter(CATEGORY), severity=Severity.ESSENTIAL,
        category=CATEGORY, counts="paths",
        description="Essential: '/marks' and '/marks/' are two URIs to HTTP, so a trailing "
        "slash makes clients guess which one the API serves; ST.90 forbids it.",
    ),
    lint_rule(
        "st90.uri-components.kebab-case", "Path segments are lower-case kebab-case",
        kebab_case, source=chapter(CATEGORY), severity=Severity.RECOMMENDED,
        category=CATEGORY, counts="path segments",
        description="Recommended (a style ST.90 recommends): every literal path segment is "
        "lower-case words joined by hyphens ('trade-marks'), which keeps one casing across "
        "the document; path parameters are not judged.",
    ),
    lint_rule(
        "st90.uri-components.version-in-path", "The major version is in the path",
        version_in_path, source=chapter(CATEGORY), severity=Severity.ESSENTIAL,
        category=CATEGORY, counts="paths",
        description="Essential: a breaking change needs a new URI that old clients do not "
        "call, so the major version ('v1') is the first segment of every path or of every "
        "server's base path (OpenAPI 3 servers[].url, Swagger 2.0 basePath).",
    ),
]
