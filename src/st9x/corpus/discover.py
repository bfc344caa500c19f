"""Indexing a directory that has no manifest, such as an official ST.96 schema package.

Schemas are indexed by target namespace and global element names (following ``xsd:include``,
whose declarations belong to the including schema); each XML instance is matched to the schema
that declares its root element. When several schemas declare it, the instance's own
``xsi:schemaLocation`` hint (its file name, looked up locally, never fetched) or the ST.96 naming
rule (a document schema is named after its root: ``TrademarkApplication_V6_0.xsd``) must single
one out; otherwise the ambiguity is reported on the case and nothing is guessed. Expected
verdicts are unknown: the results show what each validator says.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path, PurePosixPath

import orjson
from lxml import etree

from st9x.corpus.model import Case, Corpus, SchemaSpec, data_format_of
from st9x.errors import InstanceError, SchemaError, St9xError
from st9x.xmlsafe import XSD_NS, XSI_NS, is_remote, local_target, parse_xml

_ELEMENT = f"{{{XSD_NS}}}element"
_INCLUDE = f"{{{XSD_NS}}}include"


def discover(root: Path) -> Corpus:
    """Index ``root`` (recursively) into a corpus whose cases have unknown expected verdicts."""
    corpus_id = root.resolve().name
    xsds = sorted(p for p in root.rglob("*.xsd") if p.is_file())
    xml_files = sorted(p for p in root.rglob("*.xml") if p.is_file())
    json_files = sorted(p for p in root.rglob("*.json") if p.is_file())

    notes: list[str] = []
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
        spec = SchemaSpec(corpus_id, _ident(root, path), path.resolve(), "json-schema")
        schemas[spec.id] = spec

    for path in xml_files:
        case_id = _ident(root, path)
        schema: SchemaSpec | None = None
        problem: str | None = None
        try:
            root_name, hints = _root_and_hints(path)
            candidates = declared_by.get(root_name, [])
            chosen = _choose(root_name, candidates, hints)
            if isinstance(chosen, str):
                problem = chosen
            else:
                sid = _ident(root, chosen)
                schema = schemas.get(sid) or SchemaSpec(
                    corpus_id, sid, chosen.resolve(), "xsd", root=root_name
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
                problem=problem,
                source=path.relative_to(root).as_posix(),
            )
        )

    for path in json_files:
        if path in json_schemas or data_format_of(path) != "json":
            continue
        problem = None
        schema = None
        if len(json_schemas) == 1:
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
                problem=problem,
                source=path.relative_to(root).as_posix(),
            )
        )

    return Corpus(
        id=corpus_id,
        root=root,
        title=f"{corpus_id} (indexed without a manifest)",
        manifest=None,
        description=(
            f"{len(xsds)} XSD files, {len(json_schemas)} JSON Schemas, {len(cases)} instances"
        ),
        provenance={"source": str(root), "licence": "unknown (no manifest)"},
        schemas=dict(sorted(schemas.items())),
        cases=cases,
        notes=notes,
    )


def _ident(root: Path, path: Path) -> str:
    """A stable case/schema id: the path below the corpus root, without its extension."""
    return str(PurePosixPath(path.relative_to(root).as_posix()).with_suffix(""))


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
            includes.append(local_target(xsd, location))
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
    matching a large instance to its schema costs almost nothing.
    """
    try:
        for _event, element in etree.iterparse(
            str(path), events=("start",), resolve_entities=False, no_network=True, load_dtd=False
        ):
            hints: dict[str, str] = {}
            pairs = (element.get(f"{{{XSI_NS}}}schemaLocation") or "").split()
            for ns, location in zip(pairs[::2], pairs[1::2], strict=False):
                hints[ns] = PurePosixPath(location.replace("\\", "/")).name
            return element.tag, hints
    except etree.XMLSyntaxError as exc:
        raise InstanceError(f"not well-formed XML: {exc.msg}", path=path, line=exc.lineno) from None
    raise InstanceError("no root element", path=path)


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
    try:
        document = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return False
    return isinstance(document, dict) and "$schema" in document
