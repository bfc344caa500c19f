"""Planning: which item runs under which subject, in which step. The one planner of st9x.

A task is one item (a case, or a schema) × one subject (a validator or a converter) × one step.
Its key is stable across runs (``step``, ``corpus/item``, subject), so that results can be
diffed and a run resumed. Tasks are plain picklable data: any executor (in-process, process
pool, Dask) can ship them to a worker, which looks the step up in its table of step runners.

Steps:

- ``validate``: a case under a validator (one record of ``results.jsonl``);
- ``convert-schema``: a converter on the XSD of the selected cases (schema conversion, its loss
  report, the register decisions on the generated schema);
- ``convert-case``: a converter on one XML case (conversion, converted instance against the
  converted schema, round trip, XSD-versus-JSON-Schema agreement, decisions on the instance,
  the hand-written twin);
- ``lint``: a design-rule linter on one schema file of a corpus (an XSD and every file it
  includes or imports inside the corpus, or a JSON Schema);
- ``lint-converted``: a JSON Schema linter on the schema a converter (``via``) generates from
  one XSD of a corpus; it shares the converter's group, so the schema is converted once.

Every step honours the same selection: corpora, tags (a case carries the tag or breaks that
constraint kind), validators and converters.
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from st9x.corpus.model import Case, Corpus, SchemaSpec
from st9x.errors import St9xError
from st9x.xmlsafe import schema_files


class Step(StrEnum):
    VALIDATE = "validate"
    CONVERT_SCHEMA = "convert-schema"
    CONVERT_CASE = "convert-case"
    LINT = "lint"
    LINT_CONVERTED = "lint-converted"


CONVERSION_STEPS = frozenset({Step.CONVERT_SCHEMA, Step.CONVERT_CASE})
LINT_STEPS = frozenset({Step.LINT, Step.LINT_CONVERTED})


@dataclass(frozen=True)
class Task:
    """One item × one subject × one step. ``Task(case, "lxml")`` is a validation. ``via``
    names the converter whose output a ``lint-converted`` task lints."""

    item: Case | SchemaSpec
    subject: str
    step: Step = Step.VALIDATE
    via: str | None = None

    @property
    def case(self) -> Case:
        """The case of a validation or case-conversion task."""
        assert isinstance(self.item, Case), f"a {self.step} task has no case"
        return self.item

    @property
    def adapter(self) -> str:
        """The subject's name; validators have been called adapters since st9x's first
        results format, whose records keep that field name."""
        return self.subject

    @property
    def item_key(self) -> str:
        """``corpus/case`` or ``corpus/schema``: the item's stable identity."""
        item = self.item
        return item.key if isinstance(item, Case) else f"{item.corpus}/{item.id}"

    @property
    def key(self) -> tuple[str, ...]:
        if self.step is Step.VALIDATE:
            return (self.item_key, self.subject)  # as st9x's first results files keyed them
        return (str(self.step), self.item_key, self.keyed_subject)

    @property
    def keyed_subject(self) -> str:
        """The subject as keys name it: ``converter:linter`` for a converter's output."""
        return f"{self.via}:{self.subject}" if self.via else self.subject

    @property
    def group(self) -> tuple[str, str, Path | None]:
        """Tasks of one group share expensive state (a compiled or prepared schema): an
        executor keeps a group on one worker so that the schema is compiled once."""
        item = self.item
        schema = item if isinstance(item, SchemaSpec) else item.schema
        if self.step is Step.LINT_CONVERTED and self.via:
            # beside the converter's own tasks on this XSD: its worker has the schema ready
            return ("convert", self.via, schema.path if schema is not None else None)
        kind = {Step.VALIDATE: "validate", Step.LINT: "lint"}.get(self.step, "convert")
        return (kind, self.subject, schema.path if schema is not None else None)

    @property
    def item_id(self) -> str:
        """The pytest item name and the id in listings: ``st96-core/tm-app-minimal[lxml]``."""
        if self.step is Step.VALIDATE:
            return f"{self.item_key}[{self.subject}]"
        return f"{self.item_key}[{self.keyed_subject}:{self.step}]"


def selected(case: Case, tags: Sequence[str]) -> bool:
    """A case is selected by a tag it carries or by the constraint kind it breaks."""
    if not tags:
        return True
    return any(tag in case.tags or tag == case.constraint for tag in tags)


def convertible(case: Case) -> bool:
    """A converter runs on XML instances checked against an XSD, that st9x could load."""
    return (
        case.format == "xml"
        and case.kind == "instance"
        and case.schema is not None
        and case.schema.kind == "xsd"
        and not case.problem
    )


def conversion_cases(corpus: Corpus, tags: Sequence[str] = ()) -> list[Case]:
    """The cases of ``corpus`` that converter steps run on, under the tag selection."""
    return [c for c in corpus.cases if convertible(c) and selected(c, tags)]


def lint_items(corpus: Corpus, kind: str, tags: Sequence[str] = ()) -> list[SchemaSpec]:
    """The schema files of ``corpus`` a linter of schema ``kind`` reads: those of its selected
    cases and, for XSDs, every file they include or import inside the corpus (the components
    are where most declarations are written). Each is named by its path in the corpus, in
    sorted order; an entry whose references cannot be followed is linted alone (the linter
    reports what it cannot read).

    OpenAPI documents are what an API subject is: no case checks an instance against one, so
    every manifest schema of kind ``openapi`` is linted, under its manifest id, unless a tag
    selection asks for particular cases."""
    if kind == "openapi":
        return [] if tags else sorted(corpus.api_documents(), key=lambda s: s.id)
    if kind == "openapi-live":
        return [] if tags else sorted(corpus.served_apis(), key=lambda s: s.id)
    specs = {c.schema.path: c.schema for c in corpus.cases
             if c.schema is not None and c.schema.kind == kind and selected(c, tags)}
    found: dict[Path, SchemaSpec] = {}
    for spec in sorted(specs.values(), key=lambda s: str(s.path)):
        files: tuple[Path, ...] = (spec.path,)
        if kind == "xsd":
            with contextlib.suppress(St9xError):  # the linter reports what it cannot read
                files = schema_files(spec.path, spec.allowed_roots())
        for path in files:
            if path not in found:
                found[path] = SchemaSpec(corpus.id, _inside(corpus.root, path), path, spec.kind,
                                         dialect=spec.dialect, uri_map=spec.uri_map,
                                         bounds=spec.bounds)
    return sorted(found.values(), key=lambda s: s.id)


def _inside(root: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name


def plan(
    corpora: Iterable[Corpus],
    adapters: Mapping[str, object],
    tags: Sequence[str] = (),
    converters: Iterable[str] = (),
    steps: Iterable[Step] = tuple(Step),
    linters: Mapping[str, object] | None = None,
    lint_scope: Mapping[str, Collection[str]] | None = None,
) -> list[Task]:
    """Every selected case under every validator of its data format, then each converter's
    schema steps and case steps on the selected XML cases, then each linter on the schema files
    of its kind (and each JSON Schema linter on every converter's generated schema), in a
    stable order; only the ``steps`` asked for (the converter suites alone, say: the validators
    then only serve them).

    ``adapters`` maps a validator's name to anything with a ``format`` (``xml``/``json``);
    ``linters`` a linter's name to anything with a ``schema_kind`` (``xsd``/``json-schema``).
    ``lint_scope`` maps a corpus id to the linters that lint it (a corpus's manifest names its
    own); a corpus it leaves out, or every corpus without it, is linted by every linter.
    """
    corpora = list(corpora)
    steps = frozenset(steps)
    tasks: list[Task] = []
    for corpus in corpora if Step.VALIDATE in steps else ():
        for case in sorted(corpus.cases, key=lambda c: c.id):
            if not selected(case, tags):
                continue
            for name in sorted(adapters):
                if getattr(adapters[name], "format", None) == case.format:
                    tasks.append(Task(case, name))
    for name in sorted(converters):
        for corpus in corpora:
            cases = conversion_cases(corpus, tags)
            specs = {c.schema.id: c.schema for c in cases if c.schema is not None}
            if Step.CONVERT_SCHEMA in steps:
                tasks += [Task(specs[i], name, Step.CONVERT_SCHEMA) for i in sorted(specs)]
            if Step.CONVERT_CASE in steps:
                tasks += [Task(c, name, Step.CONVERT_CASE) for c in cases]
    kinds = {name: getattr(linter, "schema_kind", None) for name, linter in (linters or {}).items()}

    def lints(name: str, corpus: Corpus) -> bool:
        return lint_scope is None or corpus.id not in lint_scope or name in lint_scope[corpus.id]

    for name in sorted(kinds) if Step.LINT in steps else ():
        for corpus in corpora:
            if lints(name, corpus):
                tasks += [Task(spec, name, Step.LINT)
                          for spec in lint_items(corpus, kinds[name], tags)]
    json_linters = sorted(n for n, kind in kinds.items() if kind == "json-schema")
    for converter in sorted(converters) if Step.LINT_CONVERTED in steps else ():
        for corpus in corpora:
            cases = conversion_cases(corpus, tags)
            specs = {c.schema.id: c.schema for c in cases if c.schema is not None}
            tasks += [Task(specs[i], name, Step.LINT_CONVERTED, via=converter)
                      for i in sorted(specs) for name in json_linters if lints(name, corpus)]
    return tasks
