"""Security: the contract says how a client authenticates, and the API is reached over HTTPS.

Security schemes: declared (OpenAPI 3 ``components.securitySchemes``, Swagger 2.0
``securityDefinitions``) and applied to every operation (its own ``security``, or the
document's). An explicit empty list (``security: []``) is a deliberate statement that an
operation is public (open dissemination APIs are), so it passes.

HTTPS: every absolute server URL (OpenAPI 3 ``servers[].url``) is ``https``; every scheme of a
Swagger 2.0 document (``schemes``, the document's and each operation's) is ``https`` or
``wss``. A server on the loopback (``http://127.0.0.1``, ``localhost``) is a development server,
not the published API, and is not judged; a relative URL or one with a variable for its scheme
names no scheme and is not judged either.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from typing import Any

from st9x.openapiload import OpenApiDocument
from st9x.rules.lint import LintRule, Severity, lint_rule
from st9x.rules.model import Finding
from st9x.rules.st90.chapters import chapter
from st9x.rules.st90.walk import operations

CATEGORY = "security"
SECURE_SCHEMES = frozenset({"https", "wss"})
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


def _schemes_declared(doc: OpenApiDocument) -> tuple[bool, str]:
    if doc.swagger:
        declared = doc.document.get("securityDefinitions")
        return isinstance(declared, dict) and bool(declared), "/securityDefinitions"
    components = doc.document.get("components")
    declared = components.get("securitySchemes") if isinstance(components, dict) else None
    where = "/components" if isinstance(components, dict) else ""
    return isinstance(declared, dict) and bool(declared), where


def security_schemes(doc: OpenApiDocument) -> Iterator[Finding]:
    declared, where = _schemes_declared(doc)
    name = "securityDefinitions" if doc.swagger else "components.securitySchemes"
    if not declared:
        yield Finding.failed(where, f"no security scheme is declared ({name})")
        return
    yield Finding.passed(where)
    default: Any = doc.document.get("security")
    for op in operations(doc):
        applied = op.value.get("security", default)
        if isinstance(applied, list):
            yield Finding.passed(op.pointer)
        else:
            yield Finding.failed(op.pointer, f"{op.method.upper()} {op.template}: no security "
                                 "requirement applies (neither its own 'security' nor the "
                                 "document's; 'security: []' states it is public)")


def _swagger_schemes(doc: OpenApiDocument) -> list[tuple[Any, str]]:
    found: list[tuple[Any, str]] = []
    places = [(doc.document.get("schemes"), "/schemes")]
    places += [(op.value.get("schemes"), f"{op.pointer}/schemes") for op in operations(doc)]
    for listed, pointer in places:
        if isinstance(listed, list):
            found.extend((scheme, f"{pointer}/{i}") for i, scheme in enumerate(listed))
    return found


def _server_urls(doc: OpenApiDocument) -> list[tuple[Any, str]]:
    servers = doc.document.get("servers")
    if not isinstance(servers, list):
        return []
    return [(s.get("url"), f"/servers/{i}/url") for i, s in enumerate(servers)
            if isinstance(s, dict)]


def https(doc: OpenApiDocument) -> Iterator[Finding]:
    judged = False
    if doc.swagger:
        for scheme, pointer in _swagger_schemes(doc):
            judged = True
            if str(scheme).lower() in SECURE_SCHEMES:
                yield Finding.passed(pointer)
            else:
                yield Finding.failed(pointer, f"scheme {scheme!r} is not https")
    else:
        for url, pointer in _server_urls(doc):
            parts = urllib.parse.urlsplit(str(url))
            if not parts.scheme or "{" in parts.scheme or (parts.hostname or "") in LOOPBACK:
                continue
            judged = True
            if parts.scheme.lower() in SECURE_SCHEMES:
                yield Finding.passed(pointer)
            else:
                yield Finding.failed(pointer, f"server {url!r} is not reached over https")
    if not judged:
        yield Finding.not_applicable("no server URL or scheme that names a public host")


RULES: list[LintRule[OpenApiDocument]] = [
    lint_rule(
        "st90.security.security-schemes", "Security schemes are declared and applied",
        security_schemes, source=chapter(CATEGORY), severity=Severity.RECOMMENDED,
        category=CATEGORY, counts="operations",
        description="Recommended, not essential: an API of open data may need no "
        "authentication, but its contract still says so. A scheme is declared (OpenAPI 3 "
        "components.securitySchemes, Swagger 2.0 securityDefinitions) and every operation has "
        "a security requirement, its own or the document's ('security: []' for a public one).",
    ),
    lint_rule(
        "st90.security.https", "Servers are reached over HTTPS",
        https, source=chapter(CATEGORY), severity=Severity.ESSENTIAL, category=CATEGORY,
        counts="server URLs or schemes",
        description="Essential: without TLS, credentials and data travel readable and "
        "alterable. OpenAPI 3: every absolute servers[].url is https; Swagger 2.0: every "
        "scheme listed is https (or wss). Loopback development servers are not judged.",
    ),
]
