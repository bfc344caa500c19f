"""The WIPO API Catalog's metadata: the fields an OpenAPI document gives the catalog, the values
each may take, and how one document's entry is read. Both the ``catalog-metadata`` rules and
``st9x catalog-entry`` read fields through :func:`read_field`, so the two never disagree.

Where the fields sit: ``title``, ``description`` and ``version`` in ``info``, as OpenAPI puts
them. The catalog's ``x-`` extensions are read from ``info`` first, then from the document's
root (both places are seen in published documents; ``info`` wins when both carry one).

Several values: ``x-ip-domain``, ``x-service-type``, ``x-content-type`` and
``x-content-language`` may each list several values, comma-separated in one string
(``"Patent, Trademark"``) or as a YAML/JSON list: one API often serves several IP domains, kinds
of content and languages. Values are matched without regard to case and spaces around commas;
the entry shows the catalog's spelling.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field
from typing import Any, Literal

from st9x.openapiload import OpenApiDocument, escape
from st9x.rules.st90.iso639 import ISO_639_1

IP_DOMAINS = ("Patent", "Trademark", "Industrial design", "Copyright",
              "Geographical Indication", "Plant Variety Protection",
              "Integrated Circuit Layout Design")
SERVICE_TYPES = ("Account Management", "Application Management", "Communication",
                 "Dissemination", "Payment", "Portfolio Management", "Register", "Search",
                 "Translation")
CONTENT_TYPES = ("Abstract", "Bibliographic data", "Citation data", "Claims", "Classification",
                 "Court decision", "Description", "Family Data", "Full-Text",
                 "Legal status data", "Licensing data", "Office Action data",
                 "Payment related data", "Terminology data")

Kind = Literal["text", "url", "choices", "languages"]


@dataclass(frozen=True)
class CatalogField:
    """One field of a catalog entry: its key in the document, the entry's name for it, what
    its value is, and whether the catalog requires it (else it recommends it)."""

    key: str
    name: str  # the attribute of :class:`CatalogEntry`, and the key of the JSON output
    label: str  # what a person reads
    kind: Kind
    required: bool
    choices: tuple[str, ...] = ()

    @property
    def extension(self) -> bool:
        return self.key.startswith("x-")


FIELDS: tuple[CatalogField, ...] = (
    CatalogField("title", "title", "title", "text", True),
    CatalogField("description", "description", "description", "text", True),
    CatalogField("version", "version", "version", "text", True),
    CatalogField("x-oas-url", "oas_url", "OAS URL", "url", True),
    CatalogField("x-product-page-url", "product_page_url", "product page", "url", False),
    CatalogField("x-ip-domain", "ip_domains", "IP domain", "choices", False, IP_DOMAINS),
    CatalogField("x-service-type", "service_types", "service type", "choices", False,
                 SERVICE_TYPES),
    CatalogField("x-content-type", "content_types", "content type", "choices", False,
                 CONTENT_TYPES),
    CatalogField("x-content-language", "languages", "languages", "languages", False),
)
FIELD = {f.key: f for f in FIELDS}


@dataclass(frozen=True)
class FieldReading:
    """A field as read: its value (text, or the values of a list field; None when missing or
    invalid), the pointer it stands at (or where it belongs, when missing), and the sentence
    saying what is wrong with it (None when it is fine)."""

    value: str | tuple[str, ...] | None
    pointer: str
    problem: str | None = None


@dataclass(frozen=True)
class FieldProblem:
    """A missing or invalid field of an entry, located for the reader."""

    field: str  # the key in the document (``x-ip-domain``)
    pointer: str
    detail: str
    required: bool
    line: int | None = None
    column: int | None = None


@dataclass(frozen=True)
class CatalogEntry:
    """What the WIPO API Catalog would show for one OpenAPI document, and what keeps the entry
    from being complete."""

    file: str
    openapi_version: str | None
    title: str | None = None
    description: str | None = None
    version: str | None = None
    oas_url: str | None = None
    product_page_url: str | None = None
    ip_domains: tuple[str, ...] = ()
    service_types: tuple[str, ...] = ()
    content_types: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    problems: tuple[FieldProblem, ...] = field(default_factory=tuple)

    @property
    def complete(self) -> bool:
        return not self.problems


def _place(doc: OpenApiDocument, spec: CatalogField) -> tuple[Any, str] | None:
    """The raw value of a field and its pointer, or None when the document lacks it."""
    info = doc.document.get("info")
    if isinstance(info, dict) and spec.key in info:
        return info[spec.key], f"/info/{escape(spec.key)}"
    if spec.extension and spec.key in doc.document:
        return doc.document[spec.key], f"/{escape(spec.key)}"
    return None


def _items(raw: Any) -> list[str] | None:
    """The values of a list field: a comma-separated string or a list of strings."""
    if isinstance(raw, str):
        return [part.strip() for part in raw.split(",")]
    if isinstance(raw, list) and all(isinstance(v, str) for v in raw):
        return [v.strip() for v in raw]
    return None


def _is_url(value: str) -> bool:
    parts = urllib.parse.urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in value


def read_field(doc: OpenApiDocument, spec: CatalogField) -> FieldReading:
    found = _place(doc, spec)
    if found is None:
        where = "/info" if spec.key in ("title", "description", "version") or isinstance(
            doc.document.get("info"), dict) else ""
        need = "required" if spec.required else "recommended"
        named = spec.key if spec.extension else f"info.{spec.key}"
        return FieldReading(None, where, f"{named} is missing ({need} by the WIPO API "
                            "Catalog)")
    raw, pointer = found
    if spec.kind in ("text", "url"):
        if isinstance(raw, int | float) and not isinstance(raw, bool) and spec.key == "version":
            raw = str(raw)
        if not isinstance(raw, str) or not raw.strip():
            return FieldReading(None, pointer, f"{spec.key} is empty or not text")
        text = " ".join(raw.split())
        if spec.kind == "url" and not _is_url(text):
            return FieldReading(None, pointer, f"{spec.key} {text!r} is not an http(s) URL")
        return FieldReading(text, pointer)
    items = _items(raw)
    if items is None:
        return FieldReading(None, pointer, f"{spec.key} is not a comma-separated list")
    known = ({c: c for c in ISO_639_1} if spec.kind == "languages"
             else {c.lower(): c for c in spec.choices})
    values, wrong = [], []
    for item in items:
        canonical = known.get(item.lower())
        (values.append(canonical) if canonical else wrong.append(item or "(empty)"))
    if wrong:
        allowed = "ISO 639-1 codes" if spec.kind == "languages" else ", ".join(spec.choices)
        return FieldReading(None, pointer, f"{spec.key}: {', '.join(map(repr, wrong))} "
                            f"{'is' if len(wrong) == 1 else 'are'} not among {allowed}")
    return FieldReading(tuple(values), pointer)


def read_entry(doc: OpenApiDocument, file: str) -> CatalogEntry:
    """The entry of ``doc``, with every missing or invalid field as a located problem."""
    values: dict[str, Any] = {}
    problems = []
    for spec in FIELDS:
        reading = read_field(doc, spec)
        if reading.problem is None:
            values[spec.name] = reading.value
        else:
            line, column = doc.position(reading.pointer)
            problems.append(FieldProblem(spec.key, reading.pointer, reading.problem,
                                         spec.required, line, column))
    return CatalogEntry(file, doc.version, **values, problems=tuple(problems))
