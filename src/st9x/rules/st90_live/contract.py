"""What the OpenAPI document promises about a response, as the live rules need it: the
declared response for a status code, its media types, its schema (validated with PyPI's
``openapi-schema-validator``, the dialect of OpenAPI's schema objects), the shared error
schema, and the ``x-st97-schema`` a media type declares.

Schemas are validated with every file of the document in one ``referencing`` registry keyed by
its ``file:`` URI, so ``$ref`` s within and across the document's files resolve as the loader
followed them; nothing is ever retrieved (the registry has no retriever).
"""

from __future__ import annotations

import urllib.parse
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from st9x.openapiload import OpenApiDocument, escape, follow_pointer
from st9x.rules.st90_live.exchanges import Operation

MAX_SCHEMA_ERRORS = 5  # schema errors one finding quotes


def _deref(doc: OpenApiDocument, file: Path, pointer: str) -> tuple[Path, str, Any]:
    """The value at ``pointer`` of ``file`` with any ``$ref`` at it followed: the file and
    pointer where the value really stands, and the value (None when it leads nowhere)."""
    for _ in range(32):
        value, ok = follow_pointer(doc.files.get(file, doc.document if file == _root(doc)
                                                 else None), pointer)
        if not ok:
            return file, pointer, None
        if not (isinstance(value, dict) and isinstance(value.get("$ref"), str)):
            return file, pointer, value
        ref = value["$ref"]
        target, _, fragment = ref.partition("#")
        if "://" in target or target.startswith("//"):
            return file, pointer, None
        file = (file.parent / urllib.parse.unquote(target)).resolve() if target else file
        pointer = urllib.parse.unquote(fragment)
    return file, pointer, None


def _root(doc: OpenApiDocument) -> Path:
    return doc.path.resolve()


def uri(file: Path, pointer: str) -> str:
    """A schema's place as the validator's registry names it."""
    return f"{file.as_uri()}#{pointer}"


def shown(location: str) -> str:
    """A schema's place as a finding names it: ``#/pointer``, with the file name when the
    place is in another file than the root."""
    file, _, pointer = location.partition("#")
    name = file.rsplit("/", 1)[-1]
    return f"{name}#{pointer}"


def response_object(doc: OpenApiDocument, operation: Operation, status: int) -> tuple[
        dict[str, Any] | None, Path, str]:
    """The response the operation declares for ``status`` (its code, ``4XX``, or
    ``default``), with the file and pointer where it stands; ``(None, root, "")`` when it
    declares none."""
    root = _root(doc)
    file, pointer, responses = _deref(doc, root, f"{operation.pointer}/responses")
    if not isinstance(responses, dict):
        return None, root, ""
    for key in (str(status), f"{str(status)[0]}XX", f"{str(status)[0]}xx", "default"):
        if key in responses:
            where, at, found = _deref(doc, file, f"{pointer}/{escape(key)}")
            if isinstance(found, dict):
                return found, where, at
    return None, root, ""


def media_types(doc: OpenApiDocument, response: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Media type → media type object (Swagger 2.0: the operation-wide ``produces`` are not
    seen here, the schema is given as ``application/json``)."""
    content = doc.resolve(response.get("content"))
    if isinstance(content, dict):
        return {str(k).lower(): v for k, v in content.items() if isinstance(v, dict)}
    if "schema" in response:  # Swagger 2.0
        return {"application/json": {"schema": response["schema"]}}
    return {}


def operation_media_types(doc: OpenApiDocument, operation: Operation) -> set[str]:
    """Every media type any response of the operation offers."""
    op, _ok = follow_pointer(doc.document, operation.pointer)
    responses = doc.resolve(op.get("responses")) if isinstance(op, dict) else None
    found: set[str] = set()
    if isinstance(responses, dict):
        for value in responses.values():
            value = doc.resolve(value)
            if isinstance(value, dict):
                found |= set(media_types(doc, value))
    produces = op.get("produces") if isinstance(op, dict) else None
    if isinstance(produces, list):
        found |= {str(p).lower() for p in produces}
    return found


def json_media(doc: OpenApiDocument, response: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The JSON media type of a declared response and its object, if it offers one."""
    for media, obj in media_types(doc, response).items():
        base = media.split(";", 1)[0].strip()
        if base == "application/json" or base.endswith("+json"):
            return base, obj
    return None


def schema_pointer(doc: OpenApiDocument, operation: Operation, status: int) -> str | None:
    """Where the JSON schema the operation declares for ``status`` stands (a URI for
    :func:`validate`), or None."""
    response, file, pointer = response_object(doc, operation, status)
    if response is None:
        return None
    content_file, content_at, content = _deref(doc, file, f"{pointer}/content")
    if isinstance(content, dict):
        found = json_media(doc, response)
        if found is None or "schema" not in found[1]:
            return None
        media = next(k for k in content if str(k).lower() == found[0])
        return uri(content_file, f"{content_at}/{escape(str(media))}/schema")
    return uri(file, f"{pointer}/schema") if "schema" in response else None


def shared_error_schema(doc: OpenApiDocument) -> str | None:
    """The schema most 4xx/5xx responses of the document declare (as the ``$ref`` they
    name, or the pointer of the first of them): the error body a probe outside any
    operation (an unknown path) is judged by."""
    refs: Counter[str] = Counter()
    first: dict[str, str] = {}
    for template, method, _op, pointer in doc.operations():
        operation = Operation(template, method, pointer)
        for status in (400, 404, 405, 406, 500):
            found = schema_pointer(doc, operation, status)
            if found is None:
                continue
            file, _, pointer = found.partition("#")
            where, at, _value = _deref(doc, Path(urllib.parse.unquote(
                urllib.parse.urlsplit(file).path)), pointer)
            key = uri(where, at)
            refs[key] += 1
            first.setdefault(key, found)
    if not refs:
        return None
    return first[refs.most_common(1)[0][0]]


def validate(doc: OpenApiDocument, location: str, instance: Any) -> list[str]:
    """The schema errors of ``instance`` against the schema at ``location`` (a URI of
    :func:`schema_pointer`; at most :data:`MAX_SCHEMA_ERRORS`, each ``at /place:
    message``)."""
    validator = _validator(doc)
    schema = {"$ref": location}
    errors = []
    for error in validator.evolve(schema=schema).iter_errors(instance):
        place = "".join(f"/{escape(str(p))}" for p in error.absolute_path) or "/"
        errors.append(f"at {place}: {_first_line(error.message)}")
        if len(errors) >= MAX_SCHEMA_ERRORS:
            break
    return errors


_VALIDATORS: dict[int, tuple[OpenApiDocument, Any]] = {}  # id → (document, its validator)


def _validator(doc: OpenApiDocument) -> Any:
    """One validator per document (the registry of its files is built once); the few most
    recent documents are kept."""
    kept = _VALIDATORS.get(id(doc))
    if kept is not None and kept[0] is doc:
        return kept[1]
    if len(_VALIDATORS) >= 8:
        _VALIDATORS.clear()
    from openapi_schema_validator import OAS30Validator, OAS31Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4, DRAFT202012

    oas31 = doc.major_minor == "3.1"
    spec = DRAFT202012 if oas31 else DRAFT4
    files = doc.files or {doc.path.resolve(): doc.document}
    registry: Registry[Any] = Registry().with_resources(
        (path.resolve().as_uri(), Resource.from_contents(content, default_specification=spec))
        for path, content in files.items()
    )
    cls = OAS31Validator if oas31 else OAS30Validator
    validator = cls({}, registry=registry)
    _VALIDATORS[id(doc)] = (doc, validator)
    return validator


def _first_line(message: str) -> str:
    return (message.strip().splitlines() or [""])[0][:300]


def st97_reference(doc: OpenApiDocument, operation: Operation, status: int) -> str | None:
    """The ``x-st97-schema`` the JSON media type of the declared response names, if any."""
    response, _file, _pointer = response_object(doc, operation, status)
    if response is None:
        return None
    found = json_media(doc, response)
    value = found[1].get("x-st97-schema") if found else None
    return value if isinstance(value, str) else None


def items_property(doc: OpenApiDocument, operation: Operation) -> str | None:
    """Where a list operation's items are in its 200 body: ``""`` for a top-level array, the
    name of the (first) array property of an object, None when the schema says neither."""
    location = schema_pointer(doc, operation, 200)
    if location is None:
        return None
    file, _, pointer = location.partition("#")
    schema = _deref(doc, Path(urllib.parse.unquote(urllib.parse.urlsplit(file).path)),
                    pointer)[2]
    if not isinstance(schema, dict):
        return None
    if schema.get("type") == "array" or "items" in schema:
        return ""
    properties = doc.resolve(schema.get("properties"))
    if isinstance(properties, dict):
        for name, value in properties.items():
            value = doc.resolve(value)
            if isinstance(value, dict) and (value.get("type") == "array" or "items" in value):
                return str(name)
    return None


def parameters(doc: OpenApiDocument, operation: Operation) -> Iterator[dict[str, Any]]:
    """The operation's parameters with the path item's, each resolved."""
    path_item, _ok = follow_pointer(doc.document, f"/paths/{escape(operation.template)}")
    path_item = doc.resolve(path_item)
    op, _ok = follow_pointer(doc.document, operation.pointer)
    seen = set()
    for source in (op, path_item):
        values = doc.resolve(source.get("parameters")) if isinstance(source, dict) else None
        for value in values if isinstance(values, list) else ():
            value = doc.resolve(value)
            if isinstance(value, dict) and (value.get("name"), value.get("in")) not in seen:
                seen.add((value.get("name"), value.get("in")))
                yield value
