"""Loading a corpus from its ``manifest.json``.

The manifest is checked against its JSON Schema first (``st9x/formats/manifest.schema.json``)
and then for what a schema cannot say: ids unique, cases naming schemas that exist, and paths
that stay inside the corpus once symlinks are resolved. Problems that concern one case only (a
missing instance file, a path escaping the corpus, an instance over the size limit of
:mod:`st9x.filelimit`) are kept on the case and become ``errored``
records, so one bad line does not cost the rest of the corpus.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from st9x import formats
from st9x.corpus.model import Case, Corpus, SchemaKind, SchemaSpec, data_format_of
from st9x.errors import ManifestError, St9xError
from st9x.filelimit import oversize, read_limited
from st9x.locations import name_problem
from st9x.text import printable

MANIFEST_NAME = "manifest.json"


def read_json_file(path: Path, error: type[St9xError] = ManifestError) -> Any:
    """Read a JSON data file of st9x's own, reporting syntax errors with line and column (and
    refusing, unread, a file over st9x's size limit)."""
    try:
        data = read_limited(path, error)
    except OSError as exc:
        raise error(f"cannot read: {exc.strerror or exc}", path=path) from None
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise error(
            f"not valid JSON: {exc.msg}", path=path, line=exc.lineno, column=exc.colno
        ) from None


def inside(root: Path, relative: str) -> Path | None:
    """The resolved path of ``relative`` under ``root``, or None if it leads outside it
    (through ``..``, an absolute path or a symlink): a corpus may only name its own files.

    A path the operating system cannot even look up (a NUL byte, a name too long, a symlink
    loop) leads nowhere either: ``Path.resolve`` raises ValueError/OSError for those, which would
    otherwise escape as a traceback instead of a ManifestError naming the field (F6)."""
    try:
        resolved_root = root.resolve()
        candidate = (root / relative).resolve()
    except (ValueError, OSError):
        return None
    if candidate == resolved_root or resolved_root in candidate.parents:
        return candidate
    return None


def load_manifest(path: Path) -> Corpus:
    """Load the corpus described by the manifest at ``path``."""
    document = read_json_file(path)
    formats.check("manifest", document, path=path, error=ManifestError)
    root = path.parent

    schemas: dict[str, SchemaSpec] = {}
    for index, entry in enumerate(document["schemas"]):
        sid = entry["id"]
        if sid in schemas:
            raise ManifestError(f"at /schemas/{index}/id: duplicate schema id {sid!r}", path=path)
        misread = name_problem(entry["path"])
        if misread:
            raise ManifestError(
                f"at /schemas/{index}/path: {entry['path']!r} would be read as another path "
                f"by the XML libraries: {misread}",
                path=path,
            )
        resolved = inside(root, entry["path"])
        if resolved is None:
            raise ManifestError(
                f"at /schemas/{index}/path: {entry['path']!r} leads outside the corpus", path=path
            )
        kind: SchemaKind = entry.get("kind") or (
            "xsd" if resolved.suffix == ".xsd" else "json-schema"
        )
        schemas[sid] = SchemaSpec(
            corpus=document["id"],
            id=sid,
            path=resolved,
            kind=kind,
            root=entry.get("root"),
            dialect=entry.get("dialect"),
            description=entry.get("description", ""),
            bounds=(root,),  # its references may not lead outside the corpus (F3)
            not_applicable=tuple(entry.get("not_applicable", {}).items()),
            serve=tuple(entry["serve"].get("faults", ())) if "serve" in entry else None,
        )

    cases: list[Case] = []
    seen: set[str] = set()
    for index, entry in enumerate(document["cases"]):
        cid = entry["id"]
        if cid in seen:
            raise ManifestError(f"at /cases/{index}/id: duplicate case id {cid!r}", path=path)
        seen.add(cid)
        schema = schemas.get(entry["schema"])
        if schema is None:
            raise ManifestError(
                f"at /cases/{index}/schema: no schema with id {entry['schema']!r}", path=path
            )
        problem = None
        instance = inside(root, entry["instance"])
        misread = name_problem(entry["instance"])
        if misread:
            problem = (
                f"{MANIFEST_NAME}: instance path {entry['instance']!r} would be read as "
                f"another path by the XML libraries: {misread}"
            )
            instance = root / entry["instance"]
        elif instance is None:
            problem = (
                f"{MANIFEST_NAME}: instance path {entry['instance']!r} leads outside the corpus"
            )
            instance = root / entry["instance"]
        else:
            big = oversize(instance)  # run as errored for every adapter, never opened
            if big:
                problem = f"{entry['instance']}: {big}"
        fmt = data_format_of(instance)
        if fmt is None:
            raise ManifestError(
                f"at /cases/{index}/instance: {entry['instance']!r} is neither .xml nor .json",
                path=path,
            )
        if fmt != schema.format:
            raise ManifestError(
                f"at /cases/{index}: a {fmt} instance cannot be checked against {schema.kind} "
                f"schema {schema.id!r}",
                path=path,
            )
        cases.append(
            Case(
                corpus=document["id"],
                id=cid,
                instance=instance,
                format=fmt,
                schema=schema,
                expected=entry["expected"],
                constraint=entry.get("constraint"),
                description=entry.get("description", ""),
                tags=tuple(entry.get("tags", ())),
                problem=problem,
                # the manifest's ids are printable by its schema; its paths may hold any
                # character but a C0 control: shown as printable as every other file name
                source=printable(entry["instance"]),
            )
        )

    pairs = []
    for entry in document.get("pairs", []):
        pairs.append(
            (_qualify(entry["xml"], document["id"]), _qualify(entry["json"], document["id"]))
        )

    return Corpus(
        id=document["id"],
        root=root,
        title=document["title"],
        manifest=path,
        description=document.get("description", ""),
        provenance=document["provenance"],
        schemas=schemas,
        cases=cases,
        pairs=pairs,
        lint=tuple(document.get("lint", ())),
    )


def _qualify(ref: str, corpus_id: str) -> str:
    return ref if "/" in ref else f"{corpus_id}/{ref}"
