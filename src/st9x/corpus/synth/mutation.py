"""Deriving one-constraint mutants from a valid corpus: the driver every format shares.

For every valid case of the format, the driver tries the constraint kinds the document has a
site for, the kind used least so far first (so kinds spread evenly over a corpus), breaks one
site of that kind and checks the result with the format's validators. A mutant becomes an
``expected: invalid`` case with its ``constraint`` only when every validator rejects it; any
other mutant is a mutation-engine or validator bug, written to ``problems/`` and listed in
``report.json``, never dropped silently.

What is specific to a format -- how a document is read, where its sites are, how a site is
applied and the result serialized, which validators judge it -- is a :class:`MutationFormat`.
"""

from __future__ import annotations

import random
import time
from abc import ABC, abstractmethod
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import Any, Generic, TypeVar

from st9x.corpus.synth.records import Mutant, Site, Verdicts
from st9x.corpus.synth.report import Report
from st9x.corpus.synth.writer import MANIFEST_NAME, CorpusWriter, make_id, read_json
from st9x.errors import CorpusError

#: A mutated document as the format holds it before it is written (bytes, a parsed value...).
V = TypeVar("V")


class DocumentMutations(ABC, Generic[V]):
    """The ways to break one valid document."""

    @abstractmethod
    def kinds(self, chosen: Sequence[str]) -> list[str]:
        """The kinds of ``chosen`` worth trying on this document, in a fixed order."""

    @abstractmethod
    def sites(self, kind: str, rng: random.Random) -> Sequence[Site[Any]]:
        """The sites of ``kind`` (none: the kind does not apply to this document)."""

    @abstractmethod
    def apply(self, site: Site[Any]) -> tuple[V, str]:
        """The document with ``site`` broken (the valid document stays as it was), and a
        description of the change."""


class SchemaTools(ABC, Generic[V]):
    """What the format needs to mutate the documents of one schema, built once per schema."""

    #: The schema's entry in the mutant corpus's manifest.
    entry: dict[str, Any]

    @abstractmethod
    def open(self, path: Path) -> DocumentMutations[V]:
        """Read one valid document."""

    @abstractmethod
    def check(self, value: V) -> Verdicts:
        """Every validator's verdict on a mutated document."""

    @abstractmethod
    def dump(self, value: V) -> bytes:
        """The bytes written for a mutated document."""


class MutationFormat(ABC):
    """One format's side of the driver."""

    #: ``report.json``'s ``tool``.
    tool: str
    #: The file suffix of the format's instances (cases with another suffix are not mutated).
    suffix: str
    #: Tags of every mutant case, before the kind's own tag.
    tags: tuple[str, ...]
    #: Every kind the format can break, and those tried when none is named.
    kinds: Collection[str]
    default_kinds: Sequence[str]
    #: Start of the error message that lists unknown kinds.
    unknown_kinds: str

    @abstractmethod
    def tools_for(
        self, source: Path, out: Path, entry: dict[str, Any], rng: random.Random, report: Report
    ) -> SchemaTools[Any]:
        """Build the tools of the schema ``entry`` of the source manifest and copy its files
        into ``out``; what a validator cannot do with the schema goes into ``report``."""

    @abstractmethod
    def manifest_schemas(
        self, used: list[dict[str, Any]], declared: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """The schema entries of the mutant corpus, given those of the schemas mutated."""

    @abstractmethod
    def describe(self, source_id: str, seed: int) -> tuple[str, str, str]:
        """The mutant corpus's default id (made a manifest id by the driver), its title and
        its description."""

    def validator_notes(self) -> dict[str, Any]:
        """The report's record of what a validator could not do, empty at the start."""
        return {}

    def mutate_corpus(
        self,
        corpus_dir: str | Path,
        out_dir: str | Path,
        kinds: Iterable[str] | None = None,
        seed: int = 0,
        per_instance: int = 1,
        *,
        corpus_id: str | None = None,
    ) -> Report:
        """Write a corpus of one-constraint mutants of ``corpus_dir``'s valid cases of this
        format; returns the report (also in ``report.json``)."""
        source = Path(corpus_dir)
        out = Path(out_dir)
        document = read_json(source / MANIFEST_NAME)
        chosen = list(kinds) if kinds else list(self.default_kinds)
        unknown = [k for k in chosen if k not in self.kinds]
        if unknown:
            raise CorpusError(f"{self.unknown_kinds}: {', '.join(unknown)}")
        rng = random.Random(seed)
        report = Report(
            self.tool,
            {"source_corpus": str(source), "seed": seed, "kinds": chosen},
            kinds=chosen,
            validators=self.validator_notes(),
        )
        started = time.perf_counter()
        schemas = {entry["id"]: entry for entry in document["schemas"]}
        tools: dict[str, SchemaTools[Any]] = {}
        usage = dict.fromkeys(chosen, 0)
        writer = CorpusWriter(out, self.suffix)
        check_time = 0.0
        for case in document["cases"]:
            if case.get("expected") != "valid" or not str(case["instance"]).endswith(self.suffix):
                continue
            schema_id = case["schema"]
            if schema_id not in tools:
                tools[schema_id] = self.tools_for(source, out, schemas[schema_id], rng, report)
            tool = tools[schema_id]
            mutations = tool.open(source / case["instance"])
            made = 0
            for kind in least_used_first(mutations.kinds(chosen), usage, rng):
                if made >= per_instance:
                    break
                sites = mutations.sites(kind, rng)
                if not sites:
                    continue
                value, description = mutations.apply(sites[rng.randrange(len(sites))])
                t0 = time.perf_counter()
                verdicts = tool.check(value)
                check_time += time.perf_counter() - t0
                data = tool.dump(value)
                mutant = Mutant(case["id"], kind, description, data, verdicts)
                report.mutants.append(mutant)
                usage[kind] += 1  # failed attempts count too, or one bad kind would hog the run
                name = make_id(f"{case['id']}-{kind}")
                if mutant.status != "rejected":
                    writer.add_problem(name, data)
                    continue
                writer.add_case(
                    name,
                    data,
                    name,
                    schema_id,
                    "invalid",
                    constraint=kind,
                    description=description,
                    tags=[*self.tags, make_id(kind)],
                )
                made += 1
        report.timings = {"total": time.perf_counter() - started, "check": check_time}
        default_id, title, description = self.describe(document["id"], seed)
        writer.finish(
            report,
            corpus_id=corpus_id or make_id(default_id),
            title=title,
            description=description,
            source=f"mutants of corpus {document['id']}",
            schemas=self.manifest_schemas(
                [t.entry for t in tools.values()], list(schemas.values())
            ),
        )
        return report


def least_used_first(kinds: Iterable[str], usage: dict[str, int], rng: random.Random) -> list[str]:
    """``kinds`` ordered by how often each was tried so far, ties broken at random."""
    return sorted(kinds, key=lambda k: (usage[k], rng.random()))


