"""fastjsonschema: compiles a schema to Python code; drafts 4, 6 and 7 only."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any, ClassVar

import fastjsonschema

from st9x.corpus.model import DataFormat, SchemaSpec
from st9x.errors import SchemaError, one_line
from st9x.jsonload import load_json
from st9x.subjects.validators.base import AdapterInfo, Outcome, Problem
from st9x.subjects.validators.jsondialect import mapped_path
from st9x.subjects.validators.jsonpositions import locate_pointers
from st9x.subjects.validators.jsonsource import pointer, read_json_schema

_SUPPORTED = ("draft4", "draft6", "draft7")
_URIS = {
    "draft4": "http://json-schema.org/draft-04/schema#",
    "draft6": "http://json-schema.org/draft-06/schema#",
    "draft7": "http://json-schema.org/draft-07/schema#",
}


class _EveryScheme(Mapping[str, Callable[[str], Any]]):
    """fastjsonschema's ``handlers``, with a handler for every URI scheme there is.

    fastjsonschema looks a ``$ref``'s scheme up in its handlers and hands any scheme it finds no
    handler for to ``urllib.request.urlopen``, which follows the proxy variables
    (``all_proxy``, ``foo_proxy``...): ``all://host/x.json`` becomes an HTTP request. A fixed
    list of schemes always misses one, so this mapping answers *every* scheme, with the local
    reader for ``file`` and the refusal for the rest; fastjsonschema's own fetcher is never
    reached."""

    def __init__(self, file: Callable[[str], Any], other: Callable[[str], Any]) -> None:
        self._file = file
        self._other = other

    def __contains__(self, scheme: object) -> bool:
        return True

    def __getitem__(self, scheme: str) -> Callable[[str], Any]:
        return self._file if str(scheme).lower() == "file" else self._other

    def __iter__(self) -> Iterator[str]:
        return iter(("file",))

    def __len__(self) -> int:
        return 1


@dataclass
class _Compiled:
    check: Any

    def validate(self, instance: Path) -> Outcome:
        document = load_json(instance)
        try:
            self.check(document)
        except fastjsonschema.JsonSchemaValueException as exc:
            # fastjsonschema stops at the first error: one problem, the path without its "data" root
            parts = list(exc.path or [])[1:]
            problem = Problem(one_line(exc.message), pointer(parts))
            return Outcome.from_problems(locate_pointers(instance, [problem]))
        return Outcome.from_problems([])


class FastjsonschemaAdapter:
    name: ClassVar[str] = "fastjsonschema"
    format: ClassVar[DataFormat] = "json"

    def info(self) -> AdapterInfo:
        return AdapterInfo(
            self.name,
            self.format,
            "fastjsonschema",
            version("fastjsonschema"),
            _SUPPORTED,
            "schema compiled to Python code; formats asserted; stops at the first error",
        )

    def compile(self, schema: SchemaSpec) -> _Compiled:
        source = read_json_schema(schema, "fastjsonschema", _SUPPORTED)
        document = source.document

        def refuse(uri: str) -> Any:
            if mapped_path(uri, schema.uri_map) is not None:
                return source.retrieve(uri)  # a mapped prefix (a peer suite's remotes) is local
            raise SchemaError(
                f"refusing remote $ref {uri!r}: st9x resolves references from local files only",
                path=schema.path,
            )

        if isinstance(document, dict) and "$schema" not in document:
            # fastjsonschema reads the dialect from $schema only (draft-07 without one): name the
            # dialect the corpus gives, or a draft-04 schema is judged by draft-07 rules
            document = {**document, "$schema": _URIS[source.dialect]}
        if isinstance(document, dict) and not document.get("$id") and not document.get("id"):
            # without a base URI fastjsonschema hands relative $refs to urlopen; anchor them locally
            document = {**document, "$id": schema.path.as_uri()}
        handlers = _EveryScheme(file=source.retrieve, other=refuse)
        try:
            check = fastjsonschema.compile(document, handlers=handlers, use_formats=True)
        except fastjsonschema.JsonSchemaDefinitionException as exc:
            raise source.compile_error(exc) from None
        return _Compiled(check)
