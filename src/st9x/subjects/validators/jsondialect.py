"""JSON Schema dialects and local-only reference retrieval, shared by the JSON adapters.

Each adapter says which dialects it implements; a schema in any other dialect is ``skipped``
rather than validated under the wrong rules. ``$ref``s to other files resolve from the local
disk; anything that would need the network is refused, unless the schema's ``uri_map`` maps its
prefix to a local directory (a peer suite's stand-in for a server), which is then read instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urlparse

from st9x.corpus.model import SchemaSpec
from st9x.errors import SchemaError
from st9x.jsonload import load_json
from st9x.xmlsafe import is_remote

DIALECTS = {
    "http://json-schema.org/draft-03/schema": "draft3",
    "http://json-schema.org/draft-04/schema": "draft4",
    "http://json-schema.org/draft-06/schema": "draft6",
    "http://json-schema.org/draft-07/schema": "draft7",
    "https://json-schema.org/draft/2019-09/schema": "2019-09",
    "https://json-schema.org/draft/2020-12/schema": "2020-12",
}
DEFAULT_DIALECT = "2020-12"


def dialect_of(schema: SchemaSpec, document: Any) -> str:
    """The short dialect name (``draft7``, ``2020-12``) from the manifest or ``$schema``."""
    uri = schema.dialect or (document.get("$schema") if isinstance(document, dict) else None)
    if not uri:
        return DEFAULT_DIALECT
    key = uri.rstrip("#").replace(
        "https://json-schema.org/draft-0", "http://json-schema.org/draft-0"
    )
    if key in DIALECTS:
        return DIALECTS[key]
    if uri in DIALECTS.values():
        return uri
    return uri  # unknown: every adapter will skip it, saying which dialect it was


def load_schema(schema: SchemaSpec) -> Any:
    return load_json(schema.path, error=SchemaError)


def mapped_path(uri: str, uri_map: Sequence[tuple[str, Path]]) -> Path | None:
    """The local file a mapped URI stands for, or None if no prefix of ``uri_map`` matches.

    A path that would climb out of the mapped directory (``..``) is not mapped: the map serves
    a folder, not the disk."""
    target, _fragment = urldefrag(uri)
    for prefix, directory in uri_map:
        if target.startswith(prefix):
            root = directory.resolve()
            path = (root / unquote(target[len(prefix) :])).resolve()
            if path == root or root in path.parents:
                return path
    return None


def retrieve_local(
    uri: str,
    base: Path,
    uri_map: Sequence[tuple[str, Path]] = (),
    roots: tuple[Path, ...] | None = None,
) -> Any:
    """Load the document a ``$ref`` names, from the local disk only (``uri_map`` first).

    A local file outside ``roots`` (resolved directories, ``SchemaSpec.allowed_roots``; None:
    the directory of ``base``, the referring schema) is refused: its content would otherwise
    reach the results through error messages (F3)."""
    target, _fragment = urldefrag(uri)
    mapped = mapped_path(uri, uri_map) if uri_map else None
    if mapped is not None:
        return load_json(mapped, error=SchemaError)
    if is_remote(target):
        raise SchemaError(
            f"refusing remote $ref {uri!r}: st9x resolves references from local files only",
            path=base,
        )
    parsed = urlparse(target)
    path = (
        Path(unquote(parsed.path)) if parsed.scheme == "file" else (base.parent / unquote(target))
    )
    try:
        path = path.resolve()
    except (OSError, RuntimeError, ValueError) as exc:
        raise SchemaError(f"$ref {uri!r} cannot be resolved: {exc}", path=base) from None
    if roots is None:
        roots = (base.resolve().parent,)
    if not any(path == r or r in path.parents for r in roots):
        raise SchemaError(f"$ref {uri!r} leads outside the corpus", path=base)
    return load_json(path, error=SchemaError)
