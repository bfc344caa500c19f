"""The corpus model: what a corpus holds once loaded, whatever it was loaded from.

Both manifests and directories without one are turned into these objects, so that the engine,
the matrices and pytest never need to know where a case came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Expected = Literal["valid", "invalid", "errored", "unknown"]
SchemaKind = Literal["xsd", "json-schema", "openapi"]
DataFormat = Literal["xml", "json"]
CaseKind = Literal["instance", "schema"]

FORMAT_OF_KIND: dict[SchemaKind, DataFormat] = {"xsd": "xml", "json-schema": "json",
                                                "openapi": "json"}


@dataclass(frozen=True)
class SchemaSpec:
    """One schema of a corpus. ``path`` is absolute; ``key`` is stable across machines.

    ``uri_map`` pairs URI prefixes with local directories: a reference to ``prefix + rest`` is
    read from ``directory / rest`` instead of being refused as remote. Peer suites need it (the
    JSON-Schema-Test-Suite's ``http://localhost:1234/`` is its ``remotes/`` folder); st9x still
    never opens a connection.

    ``bounds`` are the directories the schema's local references (``xsd:include``/``import``/
    ``redefine``/``override``, ``$ref``) may lead into: the corpus root for a manifest or an
    indexed directory, the suite root for a peer suite. Empty means the schema's own directory
    (an ad-hoc ``st9x validate``, where nothing else marks what the schema may read). A
    reference leading anywhere else is refused, so a corpus cannot make st9x read, and quote in
    its results, a file it was not given (F3). ``uri_map`` directories are always allowed.

    ``metaschema_checked`` says another validator of the run has already checked this JSON
    Schema against its metaschema (a converter's output, checked by jsonschema-rs before the
    validators that only measure it compile it): a validator may then skip its own structural
    check. python-jsonschema's takes 30 s on the JSON Schema of one WIPO V6_0 document schema,
    most of a converter run, to repeat a check whose outcome nothing depends on.

    ``not_applicable`` (OpenAPI documents only) names the ST.90 chapters the API leaves out by
    choice, with the reason: ST.90 lets an office pick the parts that apply to its API, and the
    compatibility matrix must tell a chosen absence from a failure. Chapter keys are checked
    where the chapter table is known (:mod:`st9x.subjects.linters.not_applicable`).

    ``serve`` (OpenAPI documents only) says the document describes st9x's own reference API,
    which ``st9x run`` serves on the loopback for the length of the check so the live ST.90
    rules (``st90-live``) can probe it: the names of the faults to switch on (empty: none), or
    None for a document that is only linted. A corpus never names a URL: st9x reaches no API
    a manifest points at.
    """

    corpus: str
    id: str
    path: Path
    kind: SchemaKind
    root: str | None = None
    dialect: str | None = None
    description: str = ""
    uri_map: tuple[tuple[str, Path], ...] = ()
    bounds: tuple[Path, ...] = ()
    metaschema_checked: bool = False
    #: OpenAPI: (chapter key, reason) of each ST.90 chapter the API leaves out by choice
    not_applicable: tuple[tuple[str, str], ...] = ()
    #: OpenAPI: the reference API's faults to serve it with for the live rules; None: not served
    serve: tuple[str, ...] | None = None

    def allowed_roots(self) -> tuple[Path, ...]:
        """Resolved directories local references may lead into (see ``bounds``)."""
        return allowed_roots(self.path, self.bounds, self.uri_map)

    @property
    def key(self) -> str:
        return f"{self.corpus}/{self.id}"

    @property
    def format(self) -> DataFormat:
        return FORMAT_OF_KIND[self.kind]


@dataclass(frozen=True)
class Case:
    """One instance checked against one schema with an expected verdict.

    ``problem`` is set when the case cannot be run at all (no schema matches its root, or its
    path leads outside the corpus): the engine records it as errored for every adapter instead
    of dropping it, so a bad case is visible in the results rather than silently absent.

    ``kind`` is ``instance`` for an instance checked against a schema, or ``schema`` for a case
    that asks whether the schema itself is valid (the W3C XSD suite's schema tests): its verdict
    is ``valid`` when the adapter compiles the schema, ``invalid`` when the validator rejects it,
    and ``instance`` is the schema's entry file.
    """

    corpus: str
    id: str
    instance: Path
    format: DataFormat
    schema: SchemaSpec | None
    expected: Expected = "unknown"
    constraint: str | None = None
    description: str = ""
    tags: tuple[str, ...] = ()
    problem: str | None = None
    source: str = ""  # the instance path relative to the corpus root, as results show it
    kind: CaseKind = "instance"

    @property
    def key(self) -> str:
        return f"{self.corpus}/{self.id}"


@dataclass
class Corpus:
    """A loaded corpus. ``manifest`` is None for a directory indexed without a manifest."""

    id: str
    root: Path
    title: str
    manifest: Path | None
    description: str = ""
    provenance: dict[str, object] = field(default_factory=dict)
    schemas: dict[str, SchemaSpec] = field(default_factory=dict)
    cases: list[Case] = field(default_factory=list)
    pairs: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    lint: tuple[str, ...] = ()  # the design-rule linters the manifest names for its schemas

    def api_documents(self) -> list[SchemaSpec]:
        """The OpenAPI documents of the corpus: linted as they are, with no case needed."""
        return [spec for spec in self.schemas.values() if spec.kind == "openapi"]

    def served_apis(self) -> list[SchemaSpec]:
        """The OpenAPI documents st9x serves (its reference API) for the live rules."""
        return [spec for spec in self.api_documents() if spec.serve is not None]

    def counts(self) -> dict[str, int]:
        """Cases by expected verdict, for `st9x corpora` and the results header."""
        out: dict[str, int] = {}
        for case in self.cases:
            out[case.expected] = out.get(case.expected, 0) + 1
        return dict(sorted(out.items()))


def allowed_roots(
    entry: Path, bounds: tuple[Path, ...] = (), uri_map: tuple[tuple[str, Path], ...] = ()
) -> tuple[Path, ...]:
    """The resolved directories a schema at ``entry`` may read from: ``bounds``, or the
    schema's own directory when there are none, and the ``uri_map`` directories."""
    roots = bounds or (entry.parent,)
    return tuple(p.resolve() for p in (*roots, *(d for _prefix, d in uri_map)))


def data_format_of(path: Path) -> DataFormat | None:
    """The instance format by file extension; anything else is not an instance."""
    suffix = path.suffix.lower()
    if suffix == ".xml":
        return "xml"
    if suffix == ".json":
        return "json"
    return None
