"""The live ST.90 rules: a running API judged by the exchanges st9x had with it
(:class:`~.exchanges.LiveApi`).

Probing sends the requests (st9x's prober: requests schemathesis generates from the OpenAPI
document, and st9x's own ST.90 behaviour probes) and records each exchange; these rules only
read the records. A rule yields one finding per exchange it judges, located by the request
(``METHOD path?query``), with what was sent and what came back in its sentence. Ids are
``st90.live.<name>``; categories are the chapters of :data:`st9x.rules.st90.chapters.CHAPTERS`
(response-schema conformance under ``service-contract``, ST.97 documents under
``data-types``). The standard's own rule ids are not given: none is known for certain.
"""

from __future__ import annotations

from st9x.rules.lint import LintCatalogue, LintRule, Severity, lint_rule
from st9x.rules.st90.chapters import chapter
from st9x.rules.st90_live import behaviour, schemas, transport
from st9x.rules.st90_live.exchanges import LiveApi

__all__ = ["RULES"]

E, R = Severity.ESSENTIAL, Severity.RECOMMENDED


def _rule(name: str, title: str, check: object, category: str, severity: Severity,
          description: str) -> LintRule[LiveApi]:
    return lint_rule(f"st90.live.{name}", title, check, source=chapter(category),  # type: ignore[arg-type]
                     severity=severity, category=category, counts="exchanges",
                     absent="no exchange this rule judges", description=description)


def _table() -> list[LintRule[LiveApi]]:
    return [
        _rule("answers", "Every request gets a whole response in time", transport.answers,
              "service-contract", E, "Each request is answered within the per-request "
              "timeout, without a connection reset, with a body under the size cap."),
        _rule("json-body", "A body labelled JSON is JSON", transport.json_body,
              "content-negotiation", E, "A response whose Content-Type is application/json "
              "(or +json) parses as JSON."),
        _rule("response-schema", "Success responses follow the declared response schema",
              schemas.response_schema, "service-contract", E, "Every 2xx JSON body validates "
              "against the schema the operation declares for its status code "
              "(openapi-schema-validator)."),
        _rule("unknown-resource-404", "An unknown resource answers 404",
              behaviour.unknown_resource, "status-codes", E, "An id no resource has, on each "
              "retrieval path, and a path the API does not document, answer 404."),
        _rule("method-not-allowed-405", "A method the path does not offer answers 405",
              behaviour.method_not_allowed, "http-methods", E, "A method the document does "
              "not declare for a path answers 405 (not 404 or 200)."),
        _rule("allow-header", "A 405 names the allowed methods", behaviour.allow_header,
              "http-methods", R, "A 405 response carries an Allow header listing every "
              "method the document declares for the path."),
        _rule("not-acceptable-406", "An Accept the API cannot serve answers 406",
              behaviour.not_acceptable, "content-negotiation", R, "A request whose Accept "
              "names only a media type the operation does not offer answers 406."),
        _rule("error-schema", "Error responses follow the shared error schema",
              schemas.error_schema, "error-handling", E, "Every 4xx/5xx body is JSON and "
              "validates against the schema the operation declares for the status, or the "
              "error schema the document's error responses share."),
        _rule("paging-limit", "The page size parameter is honoured", behaviour.paging_limit,
              "query-patterns", E, "A collection asked for one item (limit=1, under the "
              "parameter name the document uses) returns at most one."),
        _rule("paging-offset", "The offset parameter is honoured", behaviour.paging_offset,
              "query-patterns", E, "With offset=1 the first item is the second of offset=0."),
        _rule("st97-document", "Declared ST.97 documents follow their ST.97 JSON Schema",
              schemas.st97_document, "data-types", E, "A success body whose media type "
              "declares x-st97-schema validates against that ST.97 JSON Schema with st9x's "
              "JSON validators (jsonschema-rs)."),
    ]


#: every live ST.90 rule, in the order the chapters come in the standard's table
RULES: LintCatalogue[LiveApi] = LintCatalogue("st90-live", _table())
