"""WIPO API Catalog metadata as rules: one rule per field of the catalog's entry (read by
:mod:`.catalogmeta`, which ``st9x catalog-entry`` shares), and one for the OpenAPI version the
catalog recommends (3.0.x).

Severity: the catalog requires ``info.title``, ``info.description``, ``info.version`` and
``x-oas-url`` (essential); it recommends the product page, the IP domain, the service type, the
content type and the content languages (recommended), which classify the entry in the
catalog's filters. A recommended field that is present must hold allowed values all the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from st9x.openapiload import OpenApiDocument
from st9x.rules.lint import LintRule, Severity, lint_rule
from st9x.rules.model import Finding
from st9x.rules.st90.catalogmeta import FIELD, CatalogField, read_field
from st9x.rules.st90.chapters import chapter

CATEGORY = "catalog-metadata"


def openapi_30(doc: OpenApiDocument) -> Iterator[Finding]:
    pointer = "/swagger" if doc.swagger else "/openapi"
    if doc.major_minor == "3.0":
        yield Finding.passed(pointer)
    else:
        yield Finding.failed(pointer, f"OpenAPI {doc.version}: the WIPO API Catalog "
                             "recommends OpenAPI 3.0.x")


def _field_check(spec: CatalogField) -> Callable[[OpenApiDocument], Iterator[Finding]]:
    """The check of one catalog field: a pass where it stands, else the problem located."""
    def check(doc: OpenApiDocument) -> Iterator[Finding]:
        reading = read_field(doc, spec)
        if reading.problem is None:
            yield Finding.passed(reading.pointer)
        else:
            yield Finding.failed(reading.pointer, reading.problem)
    check.__name__ = f"catalog_{spec.name}"
    return check


def _field_rule(name: str, key: str, title: str, why: str) -> LintRule[OpenApiDocument]:
    spec = FIELD[key]
    severity = Severity.ESSENTIAL if spec.required else Severity.RECOMMENDED
    label = "Essential: the catalog requires it" if spec.required else (
        "Recommended: the catalog recommends it")
    return lint_rule(f"st90.{CATEGORY}.{name}", title, _field_check(spec),
                     source=chapter(CATEGORY), severity=severity, category=CATEGORY,
                     counts="fields", description=f"{label}; {why}")


_LISTS = ("comma-separated or a list, matched without regard to case; in info or at the "
          "document's root")
RULES: list[LintRule[OpenApiDocument]] = [
    lint_rule(
        f"st90.{CATEGORY}.openapi-30", "The document is OpenAPI 3.0.x", openapi_30,
        source=chapter(CATEGORY), severity=Severity.RECOMMENDED, category=CATEGORY,
        counts="documents",
        description="Recommended: the catalog recommends OpenAPI 3.0.x (its tools read it "
        "best) and still lists Swagger 2.0 and OpenAPI 3.1 documents.",
    ),
    _field_rule("info-title", "title", "info.title is present",
                "the name the entry is listed under."),
    _field_rule("info-description", "description", "info.description is present",
                "the text the entry shows."),
    _field_rule("info-version", "version", "info.version is present",
                "the version of the API the entry describes."),
    _field_rule("oas-url", "x-oas-url", "x-oas-url is an http(s) URL",
                "where the catalog fetches the OpenAPI document (in info or at the root)."),
    _field_rule("product-page-url", "x-product-page-url", "x-product-page-url is an http(s) "
                "URL", "the office's page about the API (in info or at the root)."),
    _field_rule("ip-domain", "x-ip-domain", "x-ip-domain names the catalog's IP domains",
                f"one or more of Patent, Trademark, Industrial design, ...; {_LISTS}."),
    _field_rule("service-type", "x-service-type", "x-service-type names the catalog's "
                "service types", f"one or more of Search, Register, Dissemination, ...; "
                f"{_LISTS}."),
    _field_rule("content-type", "x-content-type", "x-content-type names the catalog's "
                "content types", f"one or more of Bibliographic data, Claims, Full-Text, ...; "
                f"{_LISTS}."),
    _field_rule("content-language", "x-content-language", "x-content-language lists ISO "
                "639-1 codes", f"the languages of the content, two-letter codes; {_LISTS}."),
]
