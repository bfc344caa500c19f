"""The W3C XML Schema test suite (xsdtests) as st9x corpora: one per test set and XSD version.

``suite.xml`` lists test sets (``testSetRef``); each test set holds test groups, each with a
``schemaTest`` (its schema documents and whether they make a valid schema) and ``instanceTest``s
(whether each instance is valid against that schema). The loader follows the suite's metadata
schema (``common/xsts.xsd``):

- **Schema tests** become cases of kind ``schema``: the engine judges them by whether the
  adapter compiles the schema (valid) or the validator rejects it (invalid). Instance tests are
  ordinary cases on the group's schema.
- **Versions.** ``version`` on a test set, group or test lists the XSD versions (and features)
  it applies to, any of them sufficing; on ``expected`` it says which verdict holds for which
  version. Each test set becomes one corpus per version, ``w3c-xsd-1.0/<contributor>/<set>``
  and ``w3c-xsd-1.1/...``, holding the tests that apply to that version with that version's
  expected verdict, and its schemas name the version (``dialect`` ``xsd-1.0``/``xsd-1.1``) so
  that an adapter of the other version answers ``skipped`` (lxml and xmlschema-1.0 judge 1.0,
  xmlschema-1.1 judges 1.1). Where the verdict depends on an implementation-defined feature
  (``Unicode_4.0.0`` vs ``Unicode_6.0.0``, XPath subsets in conditional type assignment) or is
  ``indeterminate``, the case has no expectation (``unknown``) and a tag saying why.
- **Schemas of several documents** are composed by a small generated schema (in the cache) that
  includes or imports each, unless the first document already reaches the others.
- **What is not run is said**: a test set whose file is missing (the NIST set is referenced by
  ``suite.xml`` but not distributed), instance tests without a schema test in their group (they
  rely on ``xsi:schemaLocation``, which st9x never follows) and tests whose files are missing
  are listed in notes, which the results header keeps.

Case ids are ``<testGroup>/<test name>``; a case's ``source`` is its file relative to the suite.
Tags: ``schema-test`` or ``instance-test``; ``status-<s>`` for a result the suite marks queried,
disputed or only submitted; ``implementation-defined``, ``indeterminate``, ``no-expectation``
for cases without one; ``needs-<feature>`` for tests restricted to an optional feature.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from lxml import etree

from st9x.corpus.model import Case, CaseKind, Corpus, Expected, SchemaSpec
from st9x.corpus.peer.cache import cache_root, materialise, store
from st9x.corpus.peer.model import PeerLoad
from st9x.corpus.peer.sample import sample
from st9x.errors import CorpusError, SchemaError, St9xError
from st9x.filelimit import read_limited
from st9x.text import printable
from st9x.xmlsafe import parse_xml, schema_files

KIND = "w3c-xsd"
TS = "{http://www.w3.org/XML/2004/xml-schema-test-suite/}"
HREF = "{http://www.w3.org/1999/xlink}href"
VERSIONS = ("1.0", "1.1")
SETTLED = frozenset({"accepted", "stable"})  # statuses that need no tag
CACHE_FORMAT = "st9x-peer-w3c-xsd/1"


def xsd_version(token: str) -> str | None:
    """The XSD version a version token names (``1.0-2e`` is an edition of 1.0), else None."""
    if token in VERSIONS:
        return token
    if token.startswith("1.0-"):
        return "1.0"
    return None


def tokens(element: etree._Element | None) -> list[str]:
    return (element.get("version") or "").split() if element is not None else []


def applies(version: str, *elements: etree._Element | None) -> bool:
    """Whether the tests under these elements apply to ``version``: each element that names XSD
    versions must name this one (tokens are or-ed on test sets, groups and tests)."""
    for element in elements:
        named = {v for t in tokens(element) if (v := xsd_version(t))}
        if named and version not in named:
            return False
    return True


def features(*elements: etree._Element | None) -> list[str]:
    """Feature tokens (not XSD versions) a test is restricted to: st9x cannot tell whether an
    adapter has them, so they become tags."""
    return sorted({t for e in elements for t in tokens(e) if xsd_version(t) is None})


def expected_for(test: etree._Element, version: str) -> tuple[Expected, str | None]:
    """The verdict the suite prescribes for ``version``, and a tag when there is none.

    An ``expected`` naming this version wins over one naming none; one naming another version
    does not apply. If what remains disagrees (it then depends on a feature token), or is
    ``indeterminate``, there is no expectation.
    """
    options = []
    for element in test.findall(f"{TS}expected"):
        named = {v for t in tokens(element) if (v := xsd_version(t))}
        if named and version not in named:
            continue
        options.append((bool(named), element.get("validity")))
    chosen = [o for o in options if o[0]] or options
    verdicts = {validity for _, validity in chosen}
    if not verdicts:
        return "unknown", "no-expectation"
    if len(verdicts) > 1:
        return "unknown", "implementation-defined"
    verdict = verdicts.pop()
    if verdict in ("valid", "invalid"):
        return verdict, None  # type: ignore[return-value]
    return "unknown", "indeterminate"


@dataclass(frozen=True)
class _Test:
    """One schema or instance test of one version, before it becomes a Case."""

    id: str
    kind: CaseKind
    file: Path
    group: str
    schema: Path
    expected: Expected
    tags: tuple[str, ...]
    description: str
    source: str


@dataclass
class _Set:
    """A test set read for every version; ``notes`` say what of it is not run."""

    href: str
    contributor: str
    name: str
    tests: dict[str, list[_Test]] = field(default_factory=lambda: {v: [] for v in VERSIONS})
    notes: list[str] = field(default_factory=list)
    not_applicable: Counter[str] = field(default_factory=Counter)


def locate(path: Path) -> tuple[Path, list[str]]:
    """The suite root and the test-set hrefs to load: a checkout (or its ``suite.xml``) gives
    every ``testSetRef``; a single ``.testSet`` file gives that set alone."""
    path = path.resolve()
    suite = path / "suite.xml" if path.is_dir() else path
    if not suite.is_file():
        raise CorpusError("not a W3C XSD test suite checkout (no suite.xml)", path=path)
    root = _parse(suite).getroot()
    if root.tag == f"{TS}testSet":
        return suite.parent.parent, [suite.relative_to(suite.parent.parent).as_posix()]
    if root.tag != f"{TS}testSuite":
        raise CorpusError("neither an XSTS testSuite nor a testSet document", path=suite)
    # hrefs are relative to suite.xml's folder, the suite's root
    return suite.parent, [h for ref in root.iter(f"{TS}testSetRef") if (h := ref.get(HREF))]


def _parse(path: Path) -> etree._ElementTree:
    """A metadata document, parsed safely; a broken one is a corpus problem, not a schema's."""
    try:
        return parse_xml(path, error=SchemaError)
    except SchemaError as exc:
        raise CorpusError(exc.message, path=path, line=exc.line) from None


def load_w3c_xsd(
    path: Path, *, cache: Path | None = None, sample_size: int | None = None, seed: int = 0
) -> PeerLoad:
    """Load the suite at ``path`` as corpora ``w3c-xsd-<version>/<contributor>/<set>``."""
    root, hrefs = locate(path)
    load = PeerLoad(KIND, root, sample=sample_size, seed=seed)
    out = (cache or cache_root()) / "peer" / "w3c-xsd"
    hashes: dict[Path, str] = {}
    not_applicable: Counter[str] = Counter()
    for href in hrefs:
        file = root / href
        if not file.is_file():
            load.notes.append(f"test set {href} skipped: the file is missing ({file})")
            continue
        try:
            read = _read_set(root, href, out)
        except St9xError as exc:
            load.notes.append(f"test set {href} skipped: {exc}")
            continue
        load.notes.extend(read.notes)
        not_applicable.update(read.not_applicable)
        for version in VERSIONS:
            tests = read.tests[version]
            if not tests:
                continue
            corpus_id = f"w3c-xsd-{version}/{read.contributor}/{read.name}"
            load.total += len(tests)
            chosen = sample(tests, sample_size, seed, corpus_id)
            load.corpora.append(_corpus(corpus_id, version, href, root, chosen, out, hashes))
    for version in VERSIONS:
        if not_applicable[version]:
            load.notes.append(
                f"XSD {version}: {not_applicable[version]} tests not run, the suite restricts "
                f"them to another XSD version"
            )
    return load


def _read_set(root: Path, href: str, out: Path) -> _Set:
    file = root / href
    document = _parse(file).getroot()
    if document.tag != f"{TS}testSet":
        raise CorpusError("not an XSTS testSet document", path=file)
    contributor = Path(href).parent.name.removesuffix("Meta") or "suite"
    read = _Set(href, printable(contributor), printable(file.stem.removesuffix("_w3c")))
    seen: Counter[str] = Counter()
    orphans = 0
    for group in document.iter(f"{TS}testGroup"):
        group_name = _unique(printable(group.get("name") or "group"), seen)
        schema_tests = group.findall(f"{TS}schemaTest")
        instance_tests = group.findall(f"{TS}instanceTest")
        if not schema_tests:
            orphans += len(instance_tests)
            continue
        about = _documentation(group)
        entry = _schema_entry(root, file, schema_tests[0], out, read.notes, href, group_name)
        if entry is None:
            continue
        ids: Counter[str] = Counter()
        for test in schema_tests + instance_tests:
            kind: CaseKind = "schema" if test.tag == f"{TS}schemaTest" else "instance"
            if kind == "schema":
                target: Path | None = entry
                sources = [d.get(HREF) or "" for d in test.findall(f"{TS}schemaDocument")]
            else:
                docs = [d.get(HREF) or "" for d in test.findall(f"{TS}instanceDocument")]
                target = (file.parent / docs[0]).resolve() if docs else None
                sources = docs
                if target is None or not target.is_file():
                    read.notes.append(
                        f"{href}: instance test {group_name}/{test.get('name')} not run: "
                        f"its document is missing ({', '.join(docs) or 'none named'})"
                    )
                    continue
            test_id = f"{group_name}/{_unique(printable(test.get('name') or kind), ids)}"
            source = _relative(root, (file.parent / sources[0]).resolve()) if sources else ""
            if len(sources) > 1:
                source += f" (+{len(sources) - 1} documents)"
            for version in VERSIONS:
                chain = (document, group, test)
                if not applies(version, *chain):
                    read.not_applicable[version] += 1
                    continue
                expected, why = expected_for(test, version)
                tags = [f"{kind}-test"]
                status = test.find(f"{TS}current")
                if status is not None and status.get("status") not in SETTLED:
                    tags.append(f"status-{status.get('status')}")
                if why:
                    tags.append(why)
                tags += [f"needs-{f}" for f in features(*chain)]
                read.tests[version].append(
                    _Test(
                        test_id,
                        kind,
                        target,
                        group_name,
                        entry,
                        expected,
                        tuple(tags),
                        about,
                        source,
                    )
                )
    if orphans:
        read.notes.append(
            f"{href}: {orphans} instance tests not run: their group has no schema test, so the "
            "schema would come from xsi:schemaLocation, which st9x does not follow"
        )
    return read


def _schema_entry(
    root: Path,
    file: Path,
    test: etree._Element,
    out: Path,
    notes: list[str],
    href: str,
    group: str,
) -> Path | None:
    """The file to compile for a schema test: its one document, or a composition of several."""
    docs = [
        (file.parent / (d.get(HREF) or "")).resolve() for d in test.findall(f"{TS}schemaDocument")
    ]
    missing = [d for d in docs if not d.is_file()]
    if not docs or missing:
        what = ", ".join(_relative(root, d) for d in missing) or "none named"
        notes.append(f"{href}: test group {group} not run: schema document missing ({what})")
        return None
    if len(docs) == 1:
        return docs[0]
    try:
        if set(docs) <= set(schema_files(docs[0], (root.resolve(),))):
            return docs[0]  # the first document includes or imports the others itself
    except SchemaError:
        pass  # compiling will say what is wrong; the composition below keeps every document
    return compose(docs, out / "composed")


def compose(docs: Iterable[Path], directory: Path) -> Path:
    """A schema document that brings the given documents together: no-namespace documents are
    included, others imported (several of one namespace through a wrapper with that target
    namespace that includes them). Written once, named by its content."""
    by_namespace: dict[str, list[Path]] = {}
    for doc in docs:
        try:
            namespace = parse_xml(doc, error=SchemaError).getroot().get("targetNamespace") or ""
        except SchemaError:
            namespace = ""  # not well-formed: included, so that compiling reports it
        by_namespace.setdefault(namespace, []).append(doc)
    lines = []
    for namespace, paths in sorted(by_namespace.items()):
        if not namespace:
            lines += [f"  <xs:include schemaLocation={quoteattr(p.as_uri())}/>" for p in paths]
            continue
        target = paths[0] if len(paths) == 1 else _wrapper(namespace, paths, directory)
        lines.append(
            f"  <xs:import namespace={quoteattr(namespace)} "
            f"schemaLocation={quoteattr(target.as_uri())}/>"
        )
    return _write(directory, "", lines)


def _wrapper(namespace: str, paths: list[Path], directory: Path) -> Path:
    lines = [f"  <xs:include schemaLocation={quoteattr(p.as_uri())}/>" for p in paths]
    return _write(directory, f" targetNamespace={quoteattr(namespace)}", lines)


def _write(directory: Path, attributes: str, lines: list[str]) -> Path:
    text = "\n".join(
        [
            '<?xml version="1.0" encoding="UTF-8"?>',
            "<!-- generated by st9x: a W3C schema test's documents composed into one schema -->",
            f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"{attributes}>',
            *lines,
            "</xs:schema>",
            "",
        ]
    )
    return directory / store(directory, text.encode("utf-8"), ".xsd")


def _corpus(
    corpus_id: str,
    version: str,
    href: str,
    root: Path,
    tests: list[_Test],
    out: Path,
    hashes: dict[Path, str],
) -> Corpus:
    """The corpus of one test set and version. Its directory in the cache holds an index of
    the cases with the SHA-256 of each file they read, so the results header's fingerprint
    changes when the suite's files do."""
    index: dict[str, Any] = {
        "format": CACHE_FORMAT,
        "corpus": corpus_id,
        "test_set": href,
        "cases": [
            {
                "id": t.id,
                "kind": t.kind,
                "file": t.source,
                "sha256": _hash(t.file, hashes),
                "expected": t.expected,
            }
            for t in tests
        ],
    }
    digest = hashlib.sha256(repr(index).encode()).hexdigest()[:16]
    directory = materialise(out / f"{corpus_id.replace('/', '_')}-{digest}", lambda _: index)
    schemas: dict[str, SchemaSpec] = {}
    cases = []
    for test in tests:
        spec = schemas.get(test.group)
        if spec is None:
            spec = schemas[test.group] = SchemaSpec(
                corpus=corpus_id,
                id=test.group,
                path=test.schema,
                kind="xsd",
                dialect=f"xsd-{version}",
                description=test.description,
                # test sets reference schemas across the suite's folders, and compositions
                # live in the cache: both, and nothing else, may be read (F3)
                bounds=(root, out / "composed"),
            )
        cases.append(
            Case(
                corpus=corpus_id,
                id=test.id,
                instance=test.file,
                format="xml",
                schema=spec,
                expected=test.expected,
                description=test.description,
                tags=test.tags,
                source=test.source,
                kind=test.kind,
            )
        )
    return Corpus(
        id=corpus_id,
        root=directory,
        title=f"W3C XSD test suite {href}, XSD {version}",
        manifest=None,
        description=f"Peer suite: the tests of {href} that apply to XSD {version}",
        provenance={"suite": KIND, "path": str(root / href), "version": version},
        schemas=schemas,
        cases=cases,
    )


def _hash(path: Path, hashes: dict[Path, str]) -> str:
    if path not in hashes:
        hashes[path] = hashlib.sha256(read_limited(path, CorpusError)).hexdigest()
    return hashes[path]


def _documentation(group: etree._Element) -> str:
    """The group's documentation as one line (the Title where the contributor gave one)."""
    annotation = group.find(f"{TS}annotation")
    if annotation is None:
        return ""
    text = " ".join(" ".join(annotation.itertext()).split())
    return text[:300]


def _unique(name: str, seen: Counter[str]) -> str:
    seen[name] += 1
    return name if seen[name] == 1 else f"{name}~{seen[name]}"


def _relative(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
