"""python-jsonschema: the reference Python implementation, every dialect from draft 3."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from st9x.corpus.model import DataFormat, SchemaSpec
from st9x.errors import SchemaError, St9xError, one_line
from st9x.jsonload import load_json
from st9x.subjects.validators.base import AdapterInfo, Outcome, Problem
from st9x.subjects.validators.jsonpositions import locate_pointers
from st9x.subjects.validators.jsonsource import pointer, read_json_schema

if TYPE_CHECKING:
    import jsonschema

# python-jsonschema is imported when a JSON Schema is first compiled, not with this module:
# importing it builds the lark grammar of rfc3987-syntax (its IRI format checker), 1.7 s on a
# quiet machine, which every command that lists the adapters (``st9x validate`` of an XML
# document among them) would otherwise pay.
_DIALECTS = ("draft3", "draft4", "draft6", "draft7", "2019-09", "2020-12")


@cache
def _classes() -> dict[str, Any]:
    import jsonschema

    return dict(zip(_DIALECTS, (
        jsonschema.Draft3Validator, jsonschema.Draft4Validator, jsonschema.Draft6Validator,
        jsonschema.Draft7Validator, jsonschema.Draft201909Validator,
        jsonschema.Draft202012Validator,
    ), strict=True))


@cache
def _specifications() -> dict[str, Any]:
    import referencing.jsonschema

    return dict(zip(_DIALECTS, (
        referencing.jsonschema.DRAFT3, referencing.jsonschema.DRAFT4,
        referencing.jsonschema.DRAFT6, referencing.jsonschema.DRAFT7,
        referencing.jsonschema.DRAFT201909, referencing.jsonschema.DRAFT202012,
    ), strict=True))


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
        except _unresolvable() as exc:
            # $refs resolve lazily, while validating: surface st9x's own refusal (remote
            # location, missing local file) that the retriever raised underneath
            cause: BaseException | None = exc
            while cause is not None and not isinstance(cause, St9xError):
                cause = cause.__cause__ or cause.__context__
            if cause is not None:
                raise cause from None
            raise SchemaError(f"cannot resolve $ref {exc.ref!r}", path=self.schema_path) from None
        return Outcome.from_problems(locate_pointers(instance, problems))


def _unresolvable() -> type[Exception]:
    import referencing.exceptions

    return referencing.exceptions.Unresolvable


def asserted_formats() -> list[str]:
    """The ``format`` values python-jsonschema can assert here (2020-12 names).

    Its FormatChecker registers a format only when the optional package that checks it imports
    (``rfc3339-validator`` for ``date-time``/``time``, ``rfc3986-validator`` for ``uri``...,
    all declared through ``jsonschema[format-nongpl]``); any other format is accepted whatever
    the string. Listed in the adapter's description so a thinner environment shows.
    """
    return sorted(_classes()["2020-12"].FORMAT_CHECKER.checkers)


class JsonschemaAdapter:
    name: ClassVar[str] = "jsonschema"
    format: ClassVar[DataFormat] = "json"

    def info(self) -> AdapterInfo:
        return AdapterInfo(
            self.name,
            self.format,
            "jsonschema",
            version("jsonschema"),
            _DIALECTS,
            "python-jsonschema, formats asserted with its FormatChecker "
            f"({', '.join(asserted_formats())})",
        )

    def compile(self, schema: SchemaSpec) -> _Compiled:
        import jsonschema
        import referencing

        source = read_json_schema(schema, "jsonschema", _DIALECTS)
        cls = _classes()[source.dialect]
        try:
            # structure only: the metaschema's "regex" format would be judged by Python's re,
            # not ECMA-262, and reject valid schemas whole; a pattern re cannot run is reported
            # on the instances that reach it instead. Skipped when the run has checked it
            # already (SchemaSpec.metaschema_checked)
            if not schema.metaschema_checked:
                cls.check_schema(source.document, format_checker=None)
        except jsonschema.SchemaError as exc:
            raise SchemaError(
                f"not a valid {source.dialect} schema at {pointer(exc.absolute_path) or '/'}: "
                + one_line(exc.message),
                path=schema.path,
            ) from None

        specification = _specifications()[source.dialect]

        def retrieve(uri: str) -> Any:
            return referencing.Resource.from_contents(
                source.retrieve(uri), default_specification=specification
            )

        registry = referencing.Registry(retrieve=retrieve)  # type: ignore[call-arg]
        return _Compiled(
            cls(source.document, registry=registry, format_checker=cls.FORMAT_CHECKER),
            schema.path,
        )
