"""jsonschema-rs: the Rust implementation behind Python bindings; drafts 4 to 2020-12."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any, ClassVar

import jsonschema_rs

from st9x.corpus.model import DataFormat, SchemaSpec
from st9x.errors import St9xError, one_line
from st9x.jsonload import load_json
from st9x.subjects.validators.base import AdapterInfo, Outcome, Problem
from st9x.subjects.validators.jsonpositions import locate_pointers
from st9x.subjects.validators.jsonsource import pointer, read_json_schema

# one class per dialect: validator_for() would read $schema and, without one, apply 2020-12
# whatever dialect the corpus names (a draft-07 "items": [...] then fails to compile)
_CLASSES = {
    "draft4": jsonschema_rs.Draft4Validator,
    "draft6": jsonschema_rs.Draft6Validator,
    "draft7": jsonschema_rs.Draft7Validator,
    "2019-09": jsonschema_rs.Draft201909Validator,
    "2020-12": jsonschema_rs.Draft202012Validator,
}
_SUPPORTED = tuple(_CLASSES)


@dataclass
class _Compiled:
    validator: Any

    def validate(self, instance: Path) -> Outcome:
        document = load_json(instance)
        problems = [
            Problem(one_line(error.message), pointer(error.instance_path))
            for error in self.validator.iter_errors(document)
        ]
        return Outcome.from_problems(locate_pointers(instance, problems))


class JsonschemaRsAdapter:
    name: ClassVar[str] = "jsonschema-rs"
    format: ClassVar[DataFormat] = "json"

    def info(self) -> AdapterInfo:
        return AdapterInfo(
            self.name,
            self.format,
            "jsonschema-rs",
            version("jsonschema-rs"),
            _SUPPORTED,
            "jsonschema-rs (Rust), formats asserted",
        )

    def compile(self, schema: SchemaSpec) -> _Compiled:
        source = read_json_schema(schema, "jsonschema-rs", _SUPPORTED)
        refused: list[St9xError] = []

        def retrieve(uri: str) -> Any:
            # the retriever replaces jsonschema-rs's own (which fetches over HTTP, following
            # the proxy variables); its refusal is kept to be reported as it was worded, not
            # wrapped in the library's "retrieving it failed" prose
            try:
                return source.retrieve(uri)
            except St9xError as exc:
                refused.append(exc)
                raise

        try:
            validator = _CLASSES[source.dialect](
                source.document,
                validate_formats=True,
                retriever=retrieve,
                base_uri=schema.path.as_uri(),
            )
        except (jsonschema_rs.ValidationError, jsonschema_rs.ReferencingError, ValueError) as exc:
            if refused:
                raise refused[0] from None
            raise source.compile_error(exc) from None
        return _Compiled(validator)
