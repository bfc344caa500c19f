"""What every JSON adapter does before its library sees a schema, done once.

The schema file is read strictly (duplicate keys, non-finite numbers and bad UTF-8 refused by
:func:`st9x.jsonload.load_json`), its dialect settled from the manifest or ``$schema``, a dialect
the library does not implement refused as ``Unsupported`` (so it is ``skipped``, not validated
under the wrong rules), and ``$ref``s offered a loader that reads the local disk only. Each
adapter then keeps only the lines that speak its library's API.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from st9x.corpus.model import SchemaSpec
from st9x.errors import SchemaError, one_line
from st9x.subjects.validators.base import Unsupported
from st9x.subjects.validators.jsondialect import dialect_of, load_schema, retrieve_local


@dataclass(frozen=True)
class JsonSchemaSource:
    """A JSON Schema read and accepted for one library: the document, its dialect, and where
    it came from (for ``$ref`` resolution and for naming the file in errors)."""

    spec: SchemaSpec
    document: Any
    dialect: str

    @property
    def path(self) -> Path:
        return self.spec.path

    def retrieve(self, uri: str) -> Any:
        """The document a ``$ref`` names, from the local disk only (see ``retrieve_local``)."""
        return retrieve_local(uri, self.spec.path, self.spec.uri_map, self.spec.allowed_roots())

    def compile_error(self, exc: Exception) -> SchemaError:
        """The library's refusal to compile, as a one-line error naming the schema file."""
        return SchemaError(f"does not compile: {one_line(str(exc))}", path=self.spec.path)


def read_json_schema(
    schema: SchemaSpec, library: str, dialects: Collection[str]
) -> JsonSchemaSource:
    """The schema read for ``library``, which implements ``dialects``; ``Unsupported`` for
    any other dialect, ``SchemaError`` for a file that is not strict JSON."""
    document = load_schema(schema)
    dialect = dialect_of(schema, document)
    if dialect not in dialects:
        raise Unsupported(f"{library} does not implement dialect {dialect}")
    return JsonSchemaSource(schema, document, dialect)


def pointer(parts: Iterable[Any]) -> str:
    """A JSON Pointer (RFC 6901) from path parts, as every JSON adapter locates its errors."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)
