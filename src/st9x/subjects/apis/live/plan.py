"""st9x's own ST.90 behaviour probes, planned from the OpenAPI document: which requests to send
and what each is for. Only GET operations are exercised; the one request with another method
is the wrong-method probe, sent without a body to an id no resource has (or to a collection)
so that an API that wrongly honours it changes nothing that exists.

Paging parameters are found by name among the operation's query parameters (the names ST.90's
query patterns and common APIs use); where the items are in the answer comes from the declared
200 schema (a top-level array, or the object's array property).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from st9x.openapiload import OpenApiDocument
from st9x.rules.st90_live import contract
from st9x.rules.st90_live.exchanges import Exchange, Operation, Paging, Probe

LIMIT_NAMES = ("limit", "pageSize", "page_size", "per_page", "perPage", "size", "top", "$top",
               "maxResults", "max_results", "count", "rows")
OFFSET_NAMES = ("offset", "skip", "$skip", "start", "startIndex", "start_index", "from")
#: media types asked for by the 406 probe, the first the operation does not offer
UNSUPPORTED = ("application/xml", "text/csv", "application/x-st9x-unsupported")
#: methods the 405 probe sends, the first the path does not declare (least harmful first)
WRONG_METHODS = ("PATCH", "PUT", "DELETE", "POST")
UNKNOWN = "st9x-no-such-resource-0"
_TEMPLATE = re.compile(r"\{([^}/]+)\}")


@dataclass(frozen=True)
class Planned:
    """One request to send, with why."""

    probe: Probe
    method: str
    path: str  # under the base URL, with the query
    operation: Operation | None = None
    headers: tuple[tuple[str, str], ...] = ()
    paging: Paging | None = None
    note: str = ""
    declared_methods: tuple[str, ...] = ()


@dataclass
class Plan:
    requests: list[Planned] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def get_operations(doc: OpenApiDocument) -> list[Operation]:
    return [Operation(t, m, p) for t, m, _op, p in doc.operations() if m == "get"]


def unknown_value(parameter: Mapping[str, Any], doc: OpenApiDocument) -> str:
    """A value of the parameter's type that no resource is expected to have."""
    schema = doc.resolve(parameter.get("schema", parameter))
    kind = schema.get("type") if isinstance(schema, dict) else None
    if kind == "integer" or kind == "number":
        return "987654321"
    pattern = schema.get("pattern") if isinstance(schema, dict) else None
    if isinstance(pattern, str) and not _matches(pattern, UNKNOWN):
        found = _from_pattern(pattern)
        if found is not None:
            return found
    return UNKNOWN


def _matches(pattern: str, value: str) -> bool:
    try:
        return re.search(pattern, value) is not None
    except re.error:
        return True


def _from_pattern(pattern: str) -> str | None:
    """The simplest string the pattern matches (hypothesis's shrunk example), or None."""
    try:
        from hypothesis import find, strategies

        return str(find(strategies.from_regex(pattern, fullmatch=True), lambda s: True))
    except Exception:
        return None


def fill(template: str, values: Mapping[str, str]) -> str:
    return _TEMPLATE.sub(lambda m: quote(str(values.get(m.group(1), UNKNOWN)), safe=""),
                         template)


def path_parameters(doc: OpenApiDocument, operation: Operation) -> dict[str, dict[str, Any]]:
    return {str(p["name"]): p for p in contract.parameters(doc, operation)
            if p.get("in") == "path" and "name" in p}


def required_query(doc: OpenApiDocument, operation: Operation) -> list[str]:
    return [str(p.get("name")) for p in contract.parameters(doc, operation)
            if p.get("in") in ("query", "header") and p.get("required")]


def plan_listings(doc: OpenApiDocument) -> list[Planned]:
    """One plain request to each collection (a GET operation without path parameters or
    required query parameters whose 200 body declares a list of items): its answer names
    existing resources for the retrieval operations under it."""
    out = []
    for operation in get_operations(doc):
        if path_parameters(doc, operation) or required_query(doc, operation):
            continue
        if contract.items_property(doc, operation) is None:
            continue
        out.append(Planned(Probe.LISTING, "GET", operation.template, operation,
                           note="the collection, to learn existing ids"))
    return out


def listed_values(doc: OpenApiDocument, exchanges: Iterable[Exchange]) -> dict[
        Operation, dict[str, str]]:
    """For each retrieval operation ``<collection>/{param}``: the value of ``param`` (or of
    ``id``) of the first item its collection listed."""
    firsts: dict[str, Any] = {}
    for exchange in exchanges:
        if exchange.probe is not Probe.LISTING or exchange.operation is None:
            continue
        body = exchange.json()
        name = contract.items_property(doc, exchange.operation)
        items = body.get(name) if isinstance(body, dict) and name else body
        if isinstance(items, list) and items and isinstance(items[0], dict):
            firsts[exchange.operation.template.rstrip("/")] = items[0]
    out: dict[Operation, dict[str, str]] = {}
    for operation in get_operations(doc):
        params = path_parameters(doc, operation)
        parent, _, last = operation.template.rstrip("/").rpartition("/")
        match = _TEMPLATE.fullmatch(last)
        if len(params) != 1 or match is None or parent not in firsts:
            continue
        item = firsts[parent]
        value = item.get(match.group(1), item.get("id"))
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            out[operation] = {match.group(1): str(value)}
    return out


def plan_listed(known: Mapping[Operation, dict[str, str]]) -> list[Planned]:
    """A retrieval of each resource a collection listed."""
    return [Planned(Probe.LISTED, "GET", fill(operation.template, values), operation,
                    note="a resource the collection listed")
            for operation, values in known.items()]


def plan_probes(doc: OpenApiDocument, known: Mapping[Operation, dict[str, str]]) -> Plan:
    """The ST.90 behaviour probes. ``known``: path parameter values of existing resources per
    operation (from the document's examples), used where a probe needs a real resource."""
    plan = Plan()
    operations = get_operations(doc)
    for operation in operations:
        params = path_parameters(doc, operation)
        if params:
            values = {name: unknown_value(p, doc) for name, p in params.items()}
            plan.requests.append(Planned(Probe.UNKNOWN_ID, "GET",
                                         fill(operation.template, values), operation,
                                         note="an id no resource has"))
    plan.requests.extend(_unknown_path(doc))
    plan.requests.extend(_wrong_methods(doc))
    for operation in operations:
        _accept(doc, operation, known, plan)
        _paging(doc, operation, plan)
    return plan


def _unknown_path(doc: OpenApiDocument) -> Iterator[Planned]:
    templates = [t for t, _m, _o, _p in doc.operations()]
    if not templates:
        return
    split = [[s for s in t.strip("/").split("/")] for t in templates]
    common: list[str] = []
    for segments in zip(*split, strict=False):
        if len(set(segments)) == 1 and not _TEMPLATE.search(segments[0]):
            common.append(segments[0])
        else:
            break
    common = common[:max(0, min(len(s) for s in split) - 1)]
    path = "/" + "/".join([*common, "st9x-no-such-collection"])
    if any(_route(t).fullmatch(path) for t in templates):
        path = "/st9x-no-such-path/st9x-no-such-collection"
    yield Planned(Probe.UNKNOWN_PATH, "GET", path, note="a path the API does not document")


def _route(template: str) -> re.Pattern[str]:
    return re.compile("".join("[^/]+" if part.startswith("{") else re.escape(part)
                              for part in re.split(r"(\{[^}/]+\})", template)))


def _wrong_methods(doc: OpenApiDocument) -> Iterator[Planned]:
    declared: dict[str, set[str]] = {}
    first: dict[str, Operation] = {}
    for template, method, _op, pointer in doc.operations():
        declared.setdefault(template, set()).add(method.upper())
        first.setdefault(template, Operation(template, method, pointer))
    for template, methods in declared.items():
        method = next((m for m in WRONG_METHODS if m not in methods), None)
        if method is None:
            continue
        values = {name: unknown_value(p, doc)
                  for name, p in path_parameters(doc, first[template]).items()}
        yield Planned(Probe.WRONG_METHOD, method, fill(template, values),
                      headers=(("Content-Length", "0"),),
                      note=f"{template} declares only {', '.join(sorted(methods))}",
                      declared_methods=tuple(sorted(methods)))


def _accept(doc: OpenApiDocument, operation: Operation,
            known: Mapping[Operation, dict[str, str]], plan: Plan) -> None:
    offered = contract.operation_media_types(doc, operation)
    where = f"GET {operation.template}"
    if any(m.startswith("*/*") for m in offered):
        plan.notes.append(f"{where}: offers */*, so no Accept is unsupported (406 not probed)")
        return
    params = path_parameters(doc, operation)
    values = known.get(operation, {})
    if (params and not set(params) <= set(values)) or required_query(doc, operation):
        plan.notes.append(f"{where}: no documented example of an existing resource or of the "
                          "required parameters, so 406 is not probed")
        return
    accept = next(m for m in UNSUPPORTED if m not in offered)
    plan.requests.append(Planned(Probe.UNSUPPORTED_ACCEPT, "GET",
                                 fill(operation.template, values), operation,
                                 (("Accept", accept),),
                                 note=f"Accept: {accept}, which the operation does not offer"))


def _paging(doc: OpenApiDocument, operation: Operation, plan: Plan) -> None:
    names = {str(p.get("name")): p for p in contract.parameters(doc, operation)
             if p.get("in") == "query"}
    limit = next((n for n in LIMIT_NAMES if n in names), None)
    if limit is None:
        return
    where = f"GET {operation.template}"
    items = contract.items_property(doc, operation)
    if items is None or path_parameters(doc, operation) or (
            set(required_query(doc, operation)) - {limit}):
        plan.notes.append(f"{where}: has {limit!r} but no declared list of items (or needs "
                          "parameters st9x cannot fill), so paging is not probed")
        return
    offset = next((n for n in OFFSET_NAMES if n in names), None)

    def request(probe: Probe, size: int, start: int | None) -> Planned:
        query = {limit: size, **({offset: start} if offset and start is not None else {})}
        paging = Paging(limit, offset, size, start or 0, items)
        return Planned(probe, "GET", f"{operation.template}?{urlencode(query)}", operation,
                       paging=paging, note=f"{urlencode(query)}")

    plan.requests.append(request(Probe.PAGING_LIMIT, 1, None))
    if offset is not None:
        plan.requests.append(request(Probe.PAGING_BASE, 2, 0))
        plan.requests.append(request(Probe.PAGING_OFFSET, 1, 1))
