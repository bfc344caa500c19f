"""The JSON-Schema-Test-Suite as st9x corpora: one per dialect folder, its ``optional/`` apart.

The suite's README prescribes how a runner consumes it, and this loader follows it:

- every ``tests/<dialect>/*.json`` file is a list of test cases ``{description, schema, tests}``,
  each test ``{description, data, valid}``; each test becomes one st9x case (``valid`` gives the
  expected verdict) and each test case's schema one schema, shared by its tests;
- ``optional/`` (``optional/format/`` included) is its own corpus, ``jsts/<folder>-optional``,
  so the required tests' matrix is not mixed with tests a conforming validator may fail;
- the dialect is the folder's for draft-07 and earlier; for 2019-09 and later a schema's
  ``$schema`` decides when it has one ("SHOULD be configured to" detect it), else the folder;
- ``$ref``s to ``http://localhost:1234/…`` are served from ``remotes/``, through the schema's
  ``uri_map``: no server, no network.

The inline schemas and instances are written once as files (see :mod:`st9x.corpus.peer.cache`
for why files, not an inline-data field on ``Case``), so all adapters run unchanged. Case ids
are ``<file>/<case index>/<test index>`` (``refRemote/3/0``); the case's ``source`` points back
into the suite (``tests/draft7/refRemote.json#/3/tests/0``) and its description is the suite's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from st9x.corpus.model import Case, Corpus, Expected, SchemaSpec
from st9x.corpus.peer.cache import (
    cache_root,
    dump_exact_json,
    materialise,
    read_exact_json,
    sha256,
    store,
)
from st9x.corpus.peer.model import PeerLoad
from st9x.corpus.peer.sample import sample
from st9x.errors import CorpusError, St9xError
from st9x.filelimit import read_limited
from st9x.text import printable

KIND = "json-schema-test-suite"
REMOTES_PREFIX = "http://localhost:1234/"
# tests/<folder> -> the dialect name the JSON adapters use; draft3 and the unreleased v1 are
# outside st9x's scope (no adapter but jsonschema implements draft 3, none implements v1)
DIALECT_FOLDERS = {
    "draft4": "draft4",
    "draft6": "draft6",
    "draft7": "draft7",
    "draft2019-09": "2019-09",
    "draft2020-12": "2020-12",
}
DETECTED = frozenset({"2019-09", "2020-12"})  # folders whose schemas' $schema decides
CACHE_FORMAT = "st9x-peer-jsts/1"  # part of every digest: a new layout is a new directory


@dataclass(frozen=True)
class _Test:
    """One test of the suite, serialised, before it becomes files and a Case."""

    id: str
    schema_id: str
    schema: bytes
    data: bytes
    expected: Expected
    dialect: str | None
    description: str
    source: str
    tags: tuple[str, ...]


REQUIRED, OPTIONAL = "required", "optional"


def locate(path: Path) -> tuple[Path, dict[str, tuple[str, ...]]]:
    """The suite's root and, per dialect folder to run, which parts: a checkout runs every
    folder st9x knows, required and optional; ``tests/<folder>`` runs that folder's required
    tests and ``tests/<folder>/optional`` its optional ones, the files ``bowtie suite`` would
    run for the same path."""
    path = path.resolve()
    if (path / "tests").is_dir():
        found = [f for f in DIALECT_FOLDERS if (path / "tests" / f).is_dir()]
        return path, dict.fromkeys(found, (REQUIRED, OPTIONAL))
    if path.name in DIALECT_FOLDERS and path.parent.name == "tests" and path.is_dir():
        return path.parent.parent, {path.name: (REQUIRED,)}
    folder = path.parent
    if path.name == OPTIONAL and folder.name in DIALECT_FOLDERS and folder.parent.name == "tests":
        return folder.parent.parent, {folder.name: (OPTIONAL,)}
    raise CorpusError(
        "not a JSON-Schema-Test-Suite checkout (no tests/ folder) nor one of its tests/<dialect> "
        f"folders ({', '.join(DIALECT_FOLDERS)}) or their optional/",
        path=path,
    )


def load_jsts(
    path: Path, *, cache: Path | None = None, sample_size: int | None = None, seed: int = 0
) -> PeerLoad:
    """Load the suite at ``path`` as corpora ``jsts/<folder>`` and ``jsts/<folder>-optional``."""
    root, folders = locate(path)
    load = PeerLoad(KIND, root, sample=sample_size, seed=seed)
    remotes = root / "remotes"
    if not remotes.is_dir():
        load.notes.append(f"{remotes} is missing: $refs to {REMOTES_PREFIX} will be refused")
    uri_map = ((REMOTES_PREFIX, remotes),)
    out = (cache or cache_root()) / "peer" / "jsts"
    others = sorted(p.name for p in (root / "tests").iterdir() if p.is_dir())
    for name in (n for n in others if n not in DIALECT_FOLDERS):
        load.notes.append(f"tests/{name}/ not run: st9x runs {', '.join(DIALECT_FOLDERS)}")
    for folder in DIALECT_FOLDERS:
        for part in (REQUIRED, OPTIONAL):
            present = (root / "tests" / folder / ("" if part == REQUIRED else OPTIONAL)).is_dir()
            if present and part not in folders.get(folder, ()):
                where = f"tests/{folder}/" + ("" if part == REQUIRED else "optional/")
                load.notes.append(f"{where} not run: only the folder given is")
    for folder, parts in folders.items():
        base = root / "tests" / folder
        for sub in sorted(p.name for p in base.iterdir() if p.is_dir() and p.name != OPTIONAL):
            load.notes.append(
                f"tests/{folder}/{sub}/ not run: st9x runs the required tests and optional/"
            )
        for part, corpus_id, directory, files in (
            (REQUIRED, f"jsts/{folder}", base, sorted(base.glob("*.json"))),
            (
                OPTIONAL,
                f"jsts/{folder}-optional",
                base / OPTIONAL,
                sorted(base.glob("optional/**/*.json")),
            ),
        ):
            if part not in parts or not files:
                continue
            tests: list[_Test] = []
            for file in files:
                tests.extend(_read(file, directory, root, folder, load.notes))
            load.total += len(tests)
            chosen = sample(tests, sample_size, seed, corpus_id)
            load.corpora.append(_corpus(corpus_id, folder, base, chosen, out, uri_map))
    return load


def _read(file: Path, directory: Path, root: Path, folder: str, notes: list[str]) -> list[_Test]:
    """The tests of one suite file, or none with a note if the file is not what the README
    describes (a list of test cases)."""
    relative = file.relative_to(root).as_posix()
    try:
        document = read_exact_json(read_limited(file, CorpusError).decode("utf-8"))
    except (OSError, ValueError, St9xError) as exc:
        notes.append(f"{relative} not run: cannot read it as JSON ({exc})")
        return []
    if not isinstance(document, list):
        notes.append(f"{relative} not run: not a list of test cases")
        return []
    name = printable(file.relative_to(directory).with_suffix("").as_posix())  # ids, tags
    optional = directory.name == "optional"
    tags = ("optional", name.split("/")[0]) if optional else (name,)
    dialect = DIALECT_FOLDERS[folder]
    tests = []
    for i, group in enumerate(document):
        if not isinstance(group, Mapping) or not isinstance(group.get("tests"), list):
            notes.append(f"{relative}#/{i} not run: not a test case with tests")
            continue
        schema = group.get("schema")
        detect = dialect in DETECTED and isinstance(schema, Mapping) and "$schema" in schema
        schema_bytes = dump_exact_json(schema)
        for j, test in enumerate(group["tests"]):
            if not isinstance(test, Mapping) or not isinstance(test.get("valid"), bool):
                notes.append(f"{relative}#/{i}/tests/{j} not run: no boolean 'valid'")
                continue
            tests.append(
                _Test(
                    id=f"{name}/{i}/{j}",
                    schema_id=f"{name}/{i}",
                    schema=schema_bytes,
                    data=dump_exact_json(test.get("data")),
                    expected="valid" if test["valid"] else "invalid",
                    dialect=None if detect else dialect,
                    description=f"{group.get('description', '')}: {test.get('description', '')}",
                    source=f"{relative}#/{i}/tests/{j}",
                    tags=tags,
                )
            )
    return tests


def _corpus(
    corpus_id: str,
    folder: str,
    base: Path,
    tests: list[_Test],
    out: Path,
    uri_map: tuple[tuple[str, Path], ...],
) -> Corpus:
    """Write the tests' files (once: the directory is named by their digest) and build the
    corpus on them."""
    entries: list[dict[str, Any]] = [
        {
            "id": t.id,
            "schema": sha256(t.schema) + ".json",
            "instance": sha256(t.data) + ".json",
            "expected": t.expected,
            "dialect": t.dialect,
            "source": t.source,
        }
        for t in tests
    ]
    index = {"format": CACHE_FORMAT, "corpus": corpus_id, "cases": entries}
    digest = sha256(dump_exact_json(index))[:16]

    def fill(staging: Path) -> dict[str, Any]:
        for test in tests:
            store(staging / "schemas", test.schema, ".json")
            store(staging / "instances", test.data, ".json")
        return index

    root = materialise(out / f"{corpus_id.split('/', 1)[1]}-{digest}", fill)
    schemas: dict[str, SchemaSpec] = {}
    cases = []
    for test, entry in zip(tests, entries, strict=True):
        spec = schemas.get(test.schema_id)
        if spec is None:
            spec = schemas[test.schema_id] = SchemaSpec(
                corpus=corpus_id,
                id=test.schema_id,
                path=root / "schemas" / entry["schema"],
                kind="json-schema",
                dialect=test.dialect,
                description=test.description.split(": ", 1)[0],
                uri_map=uri_map,
                bounds=(root,),  # the materialised corpus; uri_map's remotes/ are allowed too
            )
        cases.append(
            Case(
                corpus=corpus_id,
                id=test.id,
                instance=root / "instances" / entry["instance"],
                format="json",
                schema=spec,
                expected=test.expected,
                description=test.description,
                tags=test.tags,
                source=test.source,
            )
        )
    optional = corpus_id.endswith("-optional")
    return Corpus(
        id=corpus_id,
        root=root,
        title=f"JSON-Schema-Test-Suite tests/{folder}{'/optional' if optional else ''}",
        manifest=None,
        description="Peer suite: tests a conforming validator may fail (optional/)"
        if optional
        else "Peer suite: the required tests of the dialect",
        provenance={"suite": KIND, "path": str(base / ("optional" if optional else ""))},
        schemas=schemas,
        cases=cases,
    )
