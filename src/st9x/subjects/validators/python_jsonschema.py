"""python-jsonschema: the reference Python implementation, every dialect from draft 3."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import ClassVar

import jsonschema
import referencing
import referencing.exceptions
import referencing.jsonschema

from st9x.corpus.model import DataFormat, SchemaSpec
from st9x.errors import SchemaError, St9xError, one_line
from st9x.jsonload import load_json
from st9x.subjects.validators.base import AdapterInfo, Outcome, Problem
from st9x.subjects.validators.jsonpositions import locate_pointers
from st9x.subjects.validators.jsonsource import pointer, read_json_schema

_CLASSES = {
    "draft3": jsonschema.Draft3Validator,
    "draft4": jsonschema.Draft4Validator,
    "draft6": jsonschema.Draft6Validator,
    "draft7": jsonschema.Draft7Validator,
    "2019-09": jsonschema.Draft201909Validator,
    "2020-12": jsonschema.Draft202012Validator,
}

_SPECIFICATIONS = {
    "draft3": referencing.jsonschema.DRAFT3,
    "draft4": referencing.jsonschema.DRAFT4,
    "draft6": referencing.jsonschema.DRAFT6,
    "draft7": referencing.jsonschema.DRAFT7,
    "2019-09": referencing.jsonschema.DRAFT201909,
    "2020-12": referencing.jsonschema.DRAFT202012,
}


@dataclass
class _Compiled:
    validator: jsonschema.protocols.Validator
    schema_path: Path

    def validate(self, instance: Path) -> Outcome:
        document = load_json(instance)
        try:
            problems = [
                Problem(one_line(error.message), pointer(error.absolute_path))
                for error in self.validator.iter_errors(document)
            ]
        except referencing.exceptions.Unresolvable as exc:
            # $refs resolve lazily, while validating: surface st9x's own refusal (remote
            # location, missing local file) that the retriever raised underneath
            cause: BaseException | None = exc
            while cause is not None and not isinstance(cause, St9xError):
                cause = cause.__cause__ or cause.__context__
            if cause is not None:
                raise cause from None
            raise SchemaError(f"cannot resolve $ref {exc.ref!r}", path=self.schema_path) from None
        return Outcome.from_problems(locate_pointers(instance, problems))


def asserted_formats() -> list[str]:
    """The ``format`` values python-jsonschema can assert here (2020-12 names).

    Its FormatChecker registers a format only when the optional package that checks it imports
    (``rfc3339-validator`` for ``date-time``/``time``, ``rfc3986-validator`` for ``uri``...,
    all declared through ``jsonschema[format-nongpl]``); any other format is accepted whatever
    the string. Listed in the adapter's description so a thinner environment shows.
    """
    return sorted(jsonschema.Draft202012Validator.FORMAT_CHECKER.checkers)


class JsonschemaAdapter:
    name: ClassVar[str] = "jsonschema"
    format: ClassVar[DataFormat] = "json"

    def info(self) -> AdapterInfo:
        return AdapterInfo(
            self.name,
            self.format,
            "jsonschema",
            version("jsonschema"),
            tuple(_CLASSES),
            "python-jsonschema, formats asserted with its FormatChecker "
            f"({', '.join(asserted_formats())})",
        )

    def compile(self, schema: SchemaSpec) -> _Compiled:
        source = read_json_schema(schema, "jsonschema", _CLASSES)
        cls = _CLASSES[source.dialect]
        try:
            # structure only: the metaschema's "regex" format would be judged by Python's re,
            # not ECMA-262, and reject valid schemas whole; a pattern re cannot run is reported
            # on the instances that reach it instead
            cls.check_schema(source.document, format_checker=None)
        except jsonschema.SchemaError as exc:
            raise SchemaError(
                f"not a valid {source.dialect} schema at {pointer(exc.absolute_path) or '/'}: "
                + one_line(exc.message),
                path=schema.path,
            ) from None

        specification = _SPECIFICATIONS[source.dialect]

        def retrieve(uri: str) -> referencing.Resource:
            return referencing.Resource.from_contents(
                source.retrieve(uri), default_specification=specification
            )

        registry: referencing.Registry = referencing.Registry(retrieve=retrieve)  # type: ignore[call-arg]
        return _Compiled(
            cls(source.document, registry=registry, format_checker=cls.FORMAT_CHECKER),
            schema.path,
        )
