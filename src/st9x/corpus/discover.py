"""Indexing a directory that has no manifest, such as an official ST.96 schema package.

Schemas are indexed by target namespace and global element names (following ``xsd:include``,
whose declarations belong to the including schema); each XML instance is matched to the schema
that declares its root element. When several schemas declare it, the instance's own
``xsi:schemaLocation`` hint (its file name, looked up locally, never fetched) or the ST.96 naming
rule (a document schema is named after its root: ``TrademarkApplication_V6_0.xsd``) must single
one out; otherwise the ambiguity is reported on the case and nothing is guessed.

A folder of documents that nobody wrote a manifest for is a folder of documents meant to be
valid: an office engineer points st9x at their own data to learn whether it is. So every case
expects ``valid`` unless told otherwise: by the ``expect`` argument (``st9x run --expect
unknown`` for a survey that only shows what each validator says), or by an
:data:`EXPECT_FILE` in the case's directory or an ancestor below the corpus root (the nearest
wins), e.g. a folder of documents kept to show rejections says ``expect = "invalid"``.

Indexing runs before any worker, time-out or memory limit exists, so it reads as little as it
can: an instance only up to its root's start tag, and no file over st9x's size limit
(:mod:`st9x.filelimit`) at all; such an instance is an errored case naming its size, such a
schema is left out with a note.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path, PurePosixPath
from typing import BinaryIO

import orjson
from lxml import etree

from st9x.corpus.model import Case, Corpus, Expected, SchemaSpec, data_format_of
from st9x.errors import CorpusError, InstanceError, SchemaError, St9xError
from st9x.filelimit import oversize, read_limited
from st9x.locations import name_problem
from st9x.text import printable
from st9x.xmlsafe import XSD_NS, XSI_NS, is_remote, local_target, parse_xml

_ELEMENT = f"{{{XSD_NS}}}element"
_INCLUDE = f"{{{XSD_NS}}}include"
EXPECT_FILE = "st9x-expect.toml"  # per-directory expectation (see the module docstring)
EXPECTATIONS: tuple[Expected, ...] = ("valid", "invalid", "unknown")


def discover(root: Path, expect: Expected = "valid") -> Corpus:
    """Index ``root`` (recursively) into a corpus whose cases expect ``expect``, or what the
    nearest :data:`EXPECT_FILE` says."""
    corpus_id = printable(root.resolve().name)
    notes: list[str] = []
    expectations = _expectations(root, expect)
    # A file reached through a symlink that leads outside the directory is not the corpus's to
    # read (F5): schemas are left out with a note, instances become errored cases saying why,
    # and neither is ever opened (not even to sniff whether a .json file is a schema).
    outside = {
        p for p in (*root.rglob("*.xsd"), *root.rglob("*.xml"), *root.rglob("*.json"))
        if _leads_outside(root, p)
    }  # fmt: skip
    # A name a library would read as another path (a directory named "..<TAB>" is ".." once
    # xmlschema drops the TAB) is not indexed either, and its file is never opened: schemas
    # are left out with a note, instances become errored cases naming the problem.
    misnamed = {
        p: problem
        for p in (*root.rglob("*.xsd"), *root.rglob("*.xml"), *root.rglob("*.json"))
        if p not in outside and (problem := name_problem(p.relative_to(root).as_posix()))
    }
    outside |= set(misnamed)
    xsds = sorted(p for p in root.rglob("*.xsd") if p not in outside and p.is_file())
    xml_files = sorted(p for p in root.rglob("*.xml") if p not in outside and p.is_file())
    json_files = sorted(p for p in root.rglob("*.json") if p not in outside and p.is_file())
    notes += [
        f"{_shown(root, p)}: not indexed: a name the XML libraries would read as another "
        f"path ({misnamed[p]})" if p in misnamed
        else f"{printable(str(p))}: not indexed: a symlink that leads outside the corpus"
        for p in sorted(outside)
        if p.suffix == ".xsd"
    ]  # fmt: skip

    own: dict[Path, tuple[str, set[str], list[Path]]] = {}
    for xsd in xsds:
        try:
            own[xsd] = _top_level(xsd)
        except St9xError as exc:
            notes.append(str(exc))

    declared_by: dict[str, list[Path]] = defaultdict(list)
    for xsd in own:
        for name in _declared(xsd, own):
            declared_by[name].append(xsd)

    schemas: dict[str, SchemaSpec] = {}
    cases: list[Case] = []

    json_schemas = [p for p in json_files if _looks_like_json_schema(p)]
    for path in json_schemas:
        spec = SchemaSpec(
            corpus_id, _ident(root, path), path.resolve(), "json-schema", bounds=(root,)
        )
        schemas[spec.id] = spec

    for path in xml_files:
        case_id = _ident(root, path)
        schema: SchemaSpec | None = None
        problem: str | None = None
        try:
            big = oversize(path)  # errored for its size, never opened
            if big:
                raise InstanceError(big, path=path)
            root_name, hints = _root_and_hints(path)
            candidates = declared_by.get(root_name, [])
            chosen = _choose(root_name, candidates, hints)
            if isinstance(chosen, str):
                problem = chosen
            else:
                sid = _ident(root, chosen)
                schema = schemas.get(sid) or SchemaSpec(
                    corpus_id, sid, chosen.resolve(), "xsd", root=root_name, bounds=(root,)
                )
                schemas[sid] = schema
        except St9xError as exc:
            problem = str(exc)
        cases.append(
            Case(
                corpus_id,
                case_id,
                path.resolve(),
                "xml",
                schema,
                expected=_expected_for(path, root, expectations),
                problem=problem,
                source=_source(root, path),
            )
        )

    for path in json_files:
        if path in json_schemas or data_format_of(path) != "json":
            continue
        problem = None
        schema = None
        big = oversize(path)
        if big:
            problem = str(InstanceError(big, path=path))
        elif len(json_schemas) == 1:
            schema = schemas[_ident(root, json_schemas[0])]
        else:
            problem = (
                f"{path}: cannot tell which of {len(json_schemas)} JSON Schemas applies "
                "without a manifest"
            )
        cases.append(
            Case(
                corpus_id,
                _ident(root, path),
                path.resolve(),
                "json",
                schema,
                expected=_expected_for(path, root, expectations),
                problem=problem,
                source=_source(root, path),
            )
        )

    for path in sorted(outside):
        fmt = data_format_of(path)
        if fmt is None:
            continue
        cases.append(
            Case(
                corpus_id,
                _ident(root, path),
                path.absolute(),
                fmt,
                None,
                expected=_expected_for(path, root, expectations),
                problem=(
                    # _source is printable already: quoted, not repr'd (no doubled backslashes)
                    f"instance path '{_source(root, path)}' is a name the XML libraries "
                    f"would read as another path ({misnamed[path]})"
                    if path in misnamed
                    else f"instance path '{_source(root, path)}' leads outside "
                    "the corpus (a symlink)"
                ),
                source=_source(root, path),
            )
        )

    return Corpus(
        id=corpus_id,
        root=root,
        title=f"{corpus_id} (indexed without a manifest; documents expected {expect} "
        f"unless an {EXPECT_FILE} says otherwise)",
        manifest=None,
        description=(
            f"{len(xsds)} XSD files, {len(json_schemas)} JSON Schemas, {len(cases)} instances"
        ),
        provenance={"source": str(root), "licence": "unknown (no manifest)"},
        schemas=dict(sorted(schemas.items())),
        cases=cases,
        notes=notes,
    )


def _expectations(root: Path, default: Expected) -> dict[Path, Expected]:
    """The expectation of each directory that has an :data:`EXPECT_FILE` (a file reached
    through a symlink is not read: like any other, it may lead outside the corpus), plus the
    root's default under the key ``root``. The file is TOML with one key, ``expect``, and an
    optional ``reason``; anything else is an error naming the file."""
    import tomllib

    found: dict[Path, Expected] = {root: default}
    for path in sorted(root.rglob(EXPECT_FILE)):
        if path.is_symlink() or not path.is_file() or _leads_outside(root, path):
            continue
        try:
            document = tomllib.loads(read_limited(path, CorpusError).decode("utf-8"))
        except (OSError, UnicodeError) as exc:
            raise CorpusError(f"cannot read: {exc}", path=path) from None
        except tomllib.TOMLDecodeError as exc:
            raise CorpusError(f"not valid TOML: {exc}", path=path) from None
        value = document.get("expect")
        unknown = sorted(set(document) - {"expect", "reason"})
        if value not in EXPECTATIONS or unknown:
            problem = (
                f"unknown key(s) {', '.join(unknown)}" if unknown and value in EXPECTATIONS
                else f"'expect' must be one of {', '.join(EXPECTATIONS)}"
            )
            raise CorpusError(f"{problem} (keys: expect, reason)", path=path)
        found[path.parent] = value
    return found


def _expected_for(path: Path, root: Path, expectations: dict[Path, Expected]) -> Expected:
    """The expectation of the nearest directory, from ``path``'s own up to ``root``."""
    for directory in path.parents:
        if directory in expectations:
            return expectations[directory]
        if directory == root:
            break
    return expectations[root]


def _shown(root: Path, path: Path) -> str:
    """``path`` for a one-line note: printable, whatever its name holds."""
    return repr(str(root / _source(root, path)))[1:-1]


def _leads_outside(root: Path, path: Path) -> bool:
    """True if ``path`` (found under ``root``) resolves, through symlinks, outside ``root``; a
    path that cannot be resolved (a symlink loop) counts as outside."""
    try:
        resolved_root = root.resolve()
        target = path.resolve(strict=True)
    except FileNotFoundError:
        return False  # a dangling link: not a file, so not indexed anyway
    except (OSError, RuntimeError, ValueError):
        return True
    return target != resolved_root and resolved_root not in target.parents


def _ident(root: Path, path: Path) -> str:
    """A stable case/schema id: the path below the corpus root, without its extension, made
    printable (:func:`st9x.text.printable`): ids end up in results, matrices, console lines and
    test names, and a file name may hold bytes that are not UTF-8 (F2), line breaks, ``|``."""
    relative = path.relative_to(root).as_posix()
    return printable(str(PurePosixPath(relative).with_suffix("")))


def _source(root: Path, path: Path) -> str:
    """The path below the corpus root as results show it, printable as the ids are."""
    return printable(path.relative_to(root).as_posix())


def _top_level(xsd: Path) -> tuple[str, set[str], list[Path]]:
    tree = parse_xml(xsd, error=SchemaError)
    top = tree.getroot()
    namespace = top.get("targetNamespace", "")
    names = {
        f"{{{namespace}}}{node.get('name')}" if namespace else node.get("name", "")
        for node in top.iterchildren(_ELEMENT)
        if node.get("name")
    }
    includes = []
    for node in top.iterchildren(_INCLUDE):
        location = node.get("schemaLocation")
        if location and not is_remote(location):
            try:
                includes.append(local_target(xsd, location))
            except ValueError:
                continue  # no file to index; the gate refuses it, naming the line

    return namespace, names, includes


def _declared(xsd: Path, own: dict[Path, tuple[str, set[str], list[Path]]]) -> set[str]:
    """Global element names of ``xsd`` and of everything it includes (chameleon includes take the
    including schema's namespace)."""
    namespace = own[xsd][0]
    names: set[str] = set()
    seen: set[Path] = set()
    pending = [xsd]
    while pending:
        current = pending.pop()
        if current in seen or current not in own:
            continue
        seen.add(current)
        ns, local, includes = own[current]
        for name in local:
            if not ns and namespace:
                name = f"{{{namespace}}}{name}"
            names.add(name)
        pending.extend(p.resolve() for p in includes)
    return names


def _root_and_hints(path: Path) -> tuple[str, dict[str, str]]:
    """The root element's Clark name and its schemaLocation hints (namespace → file name).

    Only the start of the document is read (iterparse stops at the root's start tag), so
    matching a large instance to its schema costs almost nothing. The file is opened by Python
    and handed over as a file object: lxml cannot encode a file name that is not UTF-8 (F2).
    """
    try:
        with path.open("rb") as handle:
            # only read(): lxml would take a file object's name for the document's URL, and
            # fail to encode the same name the other way round
            for _event, element in etree.iterparse(
                _Reader(handle),
                events=("start",),
                resolve_entities=False,
                no_network=True,
                load_dtd=False,
            ):
                hints: dict[str, str] = {}
                pairs = (element.get(f"{{{XSI_NS}}}schemaLocation") or "").split()
                for ns, location in zip(pairs[::2], pairs[1::2], strict=False):
                    hints[ns] = PurePosixPath(location.replace("\\", "/")).name
                return element.tag, hints
    except etree.XMLSyntaxError as exc:
        raise InstanceError(f"not well-formed XML: {exc.msg}", path=path, line=exc.lineno) from None
    except (OSError, UnicodeError, ValueError) as exc:
        raise InstanceError(f"cannot read: {exc}", path=path) from None
    raise InstanceError("no root element", path=path)


class _Reader:
    """A binary file seen only through ``read`` (see :func:`_root_and_hints`)."""

    def __init__(self, handle: BinaryIO) -> None:
        self.read = handle.read


def _choose(root_name: str, candidates: list[Path], hints: dict[str, str]) -> Path | str:
    """Pick the one schema for ``root_name`` or explain why none can be picked."""
    if not candidates:
        return f"no schema in the corpus declares the root element {root_name}"
    if len(candidates) == 1:
        return candidates[0]
    namespace = root_name[1:].split("}")[0] if root_name.startswith("{") else ""
    hinted = hints.get(namespace)
    if hinted:
        named = [c for c in candidates if c.name == hinted]
        if len(named) == 1:
            return named[0]
    local = root_name.rsplit("}", 1)[-1]
    by_name = [c for c in candidates if re.fullmatch(re.escape(local) + r"(_V\d+_\d+)?", c.stem)]
    if len(by_name) == 1:
        return by_name[0]
    names = ", ".join(sorted(c.name for c in candidates))
    return (
        f"ambiguous: the root element {root_name} is declared by {len(candidates)} schemas "
        f"({names}); write a manifest to choose"
    )


def _looks_like_json_schema(path: Path) -> bool:
    """Whether a .json file is a JSON Schema (an object with ``$schema``). A file over the size
    limit is not read (it is then an instance, errored for its size); a file whose bytes do
    not even spell ``schema`` is not parsed, so that sniffing a folder of large instances does
    not build each one's tree in this process."""
    try:
        data = read_limited(path, CorpusError)
    except (OSError, St9xError):
        return False
    if b"schema" not in data:
        return False
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError:
        return False
    return isinstance(document, dict) and "$schema" in document
