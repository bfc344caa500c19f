"""The large OpenAPI 3.0 document of the ``st90-apis`` corpus, written by a program so that it
can be checked and regenerated rather than trusted.

Linting must stay quick on a contract the size offices publish (hundreds of operations, shared
components in a file of their own). This generator writes such a contract: ``api.yaml`` (the
paths, 320 operations over 40 collections, over 300 KB) and ``components.yaml`` (schemas,
parameters and responses). Every operation reaches its data through a chain of ``$ref`` of at
least three levels that crosses the two files::

    api.yaml  →  components.yaml#/components/responses/TrademarkApplicationPage
              →  #/components/schemas/TrademarkApplicationPage  →  .../TrademarkApplication
              →  .../Party  →  .../Address  →  .../CountryCode

The output is a pure function of this module (no clock, no randomness, keys in insertion
order), so a test compares the committed files with a fresh run byte for byte.

``python -m st9x.testing.large_openapi OUT_DIR`` writes both files into ``OUT_DIR``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import yaml

API_NAME = "api.yaml"
COMPONENTS_NAME = "components.yaml"
COMPONENTS = f"{COMPONENTS_NAME}#/components"

DOMAINS = ("trademark", "patent", "design", "copyright", "plant-variety")
NOUNS = ("applications", "registrations", "oppositions", "renewals", "assignments",
         "licences", "publications", "office-actions")
DOMAIN_TITLES = {"trademark": "Trademark", "patent": "Patent", "design": "Industrial design",
                 "copyright": "Copyright", "plant-variety": "Plant Variety Protection"}

Document = dict[str, Any]


def _camel(words: str) -> str:
    return "".join(part.capitalize() for part in words.replace("-", " ").split())


def collections() -> list[tuple[str, str, str]]:
    """(path segment, schema name, words) of every collection, in a fixed order."""
    out = []
    for domain in DOMAINS:
        for noun in NOUNS:
            segment = f"{domain}-{noun}"
            name = _camel(f"{domain} {noun}")[:-1]  # singular: the item schema
            out.append((segment, name, segment.replace("-", " ")))
    return out


def _prose(words: str, what: str) -> str:
    """A description as long as an office's would be: what it does, paging, errors."""
    return (f"{what} {words}. The response follows the shared schemas of this API; dates are "
            "ISO 8601 (RFC 3339 full-date), country codes ISO 3166-1 alpha-2 and language "
            "codes ISO 639-1. Errors are answered with the shared Error body (status, title, "
            "detail), 404 for an unknown identifier and 400 for a query the API cannot read. "
            f"Collections of {words} are paged with limit and offset, sorted with sort and "
            "narrowed with fields.")


def _error_responses() -> Document:
    return {code: {"$ref": f"{COMPONENTS}/responses/{name}"}
            for code, name in (("400", "BadRequest"), ("404", "NotFound"),
                               ("500", "ServerError"))}


def _operation(op_id: str, summary: str, description: str, tag: str, ok: str,
               ok_ref: str | None, parameters: list[Document] | None = None,
               body: str | None = None) -> Document:
    op: Document = {"operationId": op_id, "summary": summary, "description": description,
                    "tags": [tag]}
    if parameters:
        op["parameters"] = parameters
    if body:
        op["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": {"$ref": f"{COMPONENTS}/schemas/{body}"}}}}
    responses: Document = {ok: {"$ref": ok_ref} if ok_ref else {"description": "Done."}}
    op["responses"] = {**responses, **_error_responses()}
    return op


def _paths() -> Document:
    paths: Document = {}
    params = [{"$ref": f"{COMPONENTS}/parameters/{p}"}
              for p in ("q", "limit", "offset", "sort", "fields")]
    item = [{"$ref": f"{COMPONENTS}/parameters/id"}]
    for segment, name, words in collections():
        tag = _camel(words)
        base = f"/v1/{segment}"
        one = words[:-1]
        page = f"{COMPONENTS}/responses/{name}Page"
        single = f"{COMPONENTS}/responses/{name}"
        paths[base] = {
            "get": _operation(f"list{name}s", f"Search {words}",
                              _prose(words, "Searches the"), tag, "200", page, params),
            "post": _operation(f"create{name}", f"File a new {one}",
                               _prose(words, "Files one new record among the"), tag, "201",
                               single, body=f"{name}Input"),
        }
        paths[f"{base}/{{id}}"] = {
            "parameters": item,
            "get": _operation(f"get{name}", f"Retrieve one {one}",
                              _prose(words, "Retrieves one of the"), tag, "200", single),
            "put": _operation(f"replace{name}", f"Replace one {one}",
                              _prose(words, "Replaces one of the"), tag, "200", single,
                              body=f"{name}Input"),
            "patch": _operation(f"update{name}", f"Update one {one}",
                                _prose(words, "Updates fields of one of the"), tag, "200",
                                single, body=f"{name}Input"),
            "delete": _operation(f"withdraw{name}", f"Withdraw one {one}",
                                 _prose(words, "Withdraws one of the"), tag, "204", None),
        }
        paths[f"{base}/{{id}}/events"] = {
            "parameters": item,
            "get": _operation(f"list{name}Events", f"Events of one {one}",
                              _prose(words, "Lists the legal status events of one of the"),
                              tag, "200", f"{COMPONENTS}/responses/EventPage", params[1:3]),
        }
        paths[f"{base}/{{id}}/documents"] = {
            "parameters": item,
            "get": _operation(f"list{name}Documents", f"Documents of one {one}",
                              _prose(words, "Lists the file wrapper documents of one of the"),
                              tag, "200", f"{COMPONENTS}/responses/DocumentPage", params[1:3]),
        }
    return paths


def api_document() -> Document:
    """The root document: catalog metadata, HTTPS server, security, and every path."""
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "IP register API (large generated example)",
            "description": "A large ST.90-style API over five IP domains, generated by "
                           "st9x.testing.large_openapi to measure linting on a contract of "
                           "the size offices publish.",
            "version": "1.4.0",
            "x-oas-url": "https://api.example.org/v1/openapi.yaml",
            "x-product-page-url": "https://developer.example.org/ip-register",
            "x-ip-domain": "Trademark",
            "x-service-type": "Register",
            "x-content-type": "Bibliographic data",
            "x-content-language": "en,fr,de",
        },
        "servers": [{"url": "https://api.example.org"}],
        "security": [{"oauth": []}],
        "tags": [{"name": _camel(words), "description": f"The {words}."}
                 for _segment, _name, words in collections()],
        "paths": _paths(),
        "components": {"securitySchemes": {"oauth": {
            "type": "oauth2", "flows": {"clientCredentials": {
                "tokenUrl": "https://auth.example.org/token", "scopes": {}}}}}},
    }


def _string(description: str, **extra: Any) -> Document:
    return {"type": "string", "description": description, **extra}


def components_document() -> Document:
    """Shared schemas, parameters and responses; references inside it are ``#/...`` of this
    file, which makes every chain from ``api.yaml`` three levels deep or more."""
    schemas: Document = {
        "CountryCode": _string("ISO 3166-1 alpha-2 country code.", pattern="^[A-Z]{2}$"),
        "Address": {"type": "object", "required": ["country"], "properties": {
            "lines": {"type": "array", "items": {"type": "string"}},
            "city": _string("City."),
            "postcode": _string("Postal code."),
            "country": {"$ref": "#/components/schemas/CountryCode"}}},
        "Party": {"type": "object", "required": ["name", "address"], "properties": {
            "name": _string("Name as recorded."),
            "nationality": {"$ref": "#/components/schemas/CountryCode"},
            "address": {"$ref": "#/components/schemas/Address"}}},
        "Event": {"type": "object", "required": ["code", "date"], "properties": {
            "code": _string("Legal status event code."),
            "date": _string("Date of the event.", format="date"),
            "party": {"$ref": "#/components/schemas/Party"}}},
        "Document": {"type": "object", "required": ["id", "title"], "properties": {
            "id": _string("Document identifier."), "title": _string("Document title."),
            "date": _string("Date of the document.", format="date")}},
        "Error": {"type": "object", "required": ["status", "title"], "properties": {
            "status": {"type": "integer", "format": "int32"},
            "title": _string("Short, human-readable summary."),
            "detail": _string("Explanation of this occurrence.")}},
    }
    responses: Document = {}
    for name in ("Event", "Document"):
        schemas[f"{name}Page"] = _page(name)
        responses[f"{name}Page"] = _json_response(f"A page of {name.lower()}s.", f"{name}Page")
    for _segment, name, words in collections():
        schemas[name] = {"type": "object", "required": ["id", "status", "applicant"],
                         "description": f"One of the {words}.", "properties": {
                             "id": _string("Identifier given by the office."),
                             "status": _string("Current status.",
                                               enum=["pending", "granted", "refused",
                                                     "withdrawn"]),
                             "filingDate": _string("Filing date.", format="date"),
                             "applicant": {"$ref": "#/components/schemas/Party"},
                             "representative": {"$ref": "#/components/schemas/Party"},
                             "events": {"type": "array",
                                        "items": {"$ref": "#/components/schemas/Event"}}}}
        schemas[f"{name}Input"] = {"type": "object", "required": ["applicant"], "properties": {
            "applicant": {"$ref": "#/components/schemas/Party"},
            "representative": {"$ref": "#/components/schemas/Party"}}}
        schemas[f"{name}Page"] = _page(name)
        responses[name] = _json_response(f"One of the {words}.", name)
        responses[f"{name}Page"] = _json_response(f"A page of {words}.", f"{name}Page")
    for name, text in (("BadRequest", "The query cannot be read."),
                       ("NotFound", "No resource has this identifier."),
                       ("ServerError", "The server failed.")):
        responses[name] = _json_response(text, "Error")
    parameters: Document = {
        "id": {"name": "id", "in": "path", "required": True, "schema": {"type": "string"},
               "description": "Identifier given by the office."},
        "q": {"name": "q", "in": "query", "schema": {"type": "string"},
              "description": "Search expression."},
        "limit": {"name": "limit", "in": "query", "description": "Page size.",
                  "schema": {"type": "integer", "format": "int32", "minimum": 1,
                             "maximum": 100, "default": 10}},
        "offset": {"name": "offset", "in": "query", "description": "Results skipped.",
                   "schema": {"type": "integer", "format": "int32", "minimum": 0,
                              "default": 0}},
        "sort": {"name": "sort", "in": "query", "schema": {"type": "string"},
                 "description": "Sort fields, a leading '-' for descending order."},
        "fields": {"name": "fields", "in": "query", "schema": {"type": "string"},
                   "description": "Comma-separated fields the response keeps."},
    }
    return {"components": {"schemas": schemas, "parameters": parameters,
                           "responses": responses}}


def _page(name: str) -> Document:
    return {"type": "object", "required": ["total", "items"], "properties": {
        "total": {"type": "integer", "format": "int64"},
        "limit": {"type": "integer", "format": "int32"},
        "offset": {"type": "integer", "format": "int32"},
        "items": {"type": "array", "items": {"$ref": f"#/components/schemas/{name}"}}}}


def _json_response(description: str, schema: str) -> Document:
    return {"description": description, "content": {"application/json": {
        "schema": {"$ref": f"#/components/schemas/{schema}"}}}}


def render(document: Document) -> str:
    """YAML text, keys in insertion order, the same on every run."""
    header = "# Generated by `python -m st9x.testing.large_openapi`; do not edit by hand.\n"
    return header + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100,
                                   default_flow_style=False)


def files() -> dict[str, str]:
    """File name → text of every file the generator writes."""
    return {API_NAME: render(api_document()), COMPONENTS_NAME: render(components_document())}


def write(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in files().items():
        path = out_dir / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m st9x.testing.large_openapi",
                                     description="Write the large OpenAPI 3.0 example "
                                     "(api.yaml and components.yaml) into OUT_DIR.")
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args(argv)
    for path in write(args.out_dir):
        print(f"{path} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
