"""Derive invalid XML instances, each breaking exactly one named constraint, from a valid corpus.

Entry point for the CLI (``st9x corpus mutate``): :func:`mutate_corpus`.

The shared driver (:mod:`st9x.corpus.synth.mutation`) picks the kinds and keeps only mutants
both lxml and xmlschema reject; this module is the XML side of it: the sites of a kind are
found on a fresh copy of the document's tree (:mod:`st9x.corpus.synth.xml.mutations`), bound
to the schema's components, and the broken tree is serialized. Every kind is tried on every
document, since finding the sites of a kind draws from the random generator.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from st9x.corpus.synth import mutation
from st9x.corpus.synth.records import Site
from st9x.corpus.synth.report import Report
from st9x.corpus.synth.xml.bind import Binder
from st9x.corpus.synth.xml.builder import InstanceBuilder
from st9x.corpus.synth.xml.check import DualValidator, XmlVerdicts
from st9x.corpus.synth.xml.coverage import Coverage
from st9x.corpus.synth.xml.model import SchemaModel, load_schema
from st9x.corpus.synth.xml.mutation_context import MutationContext
from st9x.corpus.synth.xml.mutations import DEFAULT_KINDS, FINDERS
from st9x.corpus.synth.xml.schemafiles import copy_schema_closure
from st9x.errors import CorpusError
from st9x.xmlsafe import schema_files

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


class XmlMutation(mutation.MutationFormat):
    """XML cases, broken by the finders of :mod:`~st9x.corpus.synth.xml.mutations`, judged by
    lxml and xmlschema; the schema's whole include/import closure is copied."""

    tool = "st9x.corpus.mutate"
    suffix = ".xml"
    tags = ("mutant",)
    kinds = FINDERS
    default_kinds = DEFAULT_KINDS
    unknown_kinds = "unknown mutation kinds"

    def tools_for(
        self, source: Path, out: Path, entry: dict[str, Any], rng: random.Random, report: Report
    ) -> _SchemaTools:
        path = source / entry["path"]
        schema_files(path.resolve(), (source.resolve(),))  # the corpus bounds its schemas
        schema = load_schema(path)
        root = entry.get("root")
        if not root:
            raise CorpusError(f"schema {entry['id']} has no root in the manifest", path=path)
        model = SchemaModel(schema, root)
        copied = copy_schema_closure(path, out / "schemas")
        return _SchemaTools(
            entry={
                "id": entry["id"],
                "path": copied.relative_to(out).as_posix(),
                "kind": "xsd",
                "root": model.root.name,
            },
            model=model,
            binder=Binder(model),
            builder=InstanceBuilder(model, Coverage(), rng),
            validator=DualValidator(path, schema),
        )

    def manifest_schemas(
        self, used: list[dict[str, Any]], declared: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        if not used:
            raise CorpusError("the source corpus has no valid XML case to mutate")
        return used

    def describe(self, source_id: str, seed: int) -> tuple[str, str, str]:
        return (
            f"{source_id}-mutants-{seed}",
            f"One-constraint mutants of {source_id}",
            f"Invalid instances derived from the valid cases of {source_id} by "
            f"st9x.corpus.mutate (seed {seed}); each breaks exactly one constraint, named in "
            "'constraint', and is rejected by both lxml and xmlschema.",
        )


#: Write a corpus of one-constraint mutants of a corpus's valid XML cases.
mutate_corpus = XmlMutation().mutate_corpus


@dataclass
class _SchemaTools(mutation.SchemaTools[bytes]):
    """A mutated XML document is serialized before the check (a ``malformed`` mutant exists
    only as bytes), so the bytes are what is checked and written."""

    entry: dict[str, Any]
    model: SchemaModel
    binder: Binder
    builder: InstanceBuilder
    validator: DualValidator

    def open(self, path: Path) -> _TreeMutations:
        return _TreeMutations(self, etree.parse(str(path), _PARSER).getroot())

    def check(self, value: bytes) -> XmlVerdicts:
        return self.validator.check_bytes(value)

    def dump(self, value: bytes) -> bytes:
        return value


class _TreeMutations(mutation.DocumentMutations[bytes]):
    """The sites of a kind live in their own copy of the tree: applying one edits that copy."""

    def __init__(self, tools: _SchemaTools, tree: Any) -> None:
        self.tools = tools
        self.tree = tree
        self.work: Any = None

    def kinds(self, chosen: Sequence[str]) -> list[str]:
        return list(chosen)

    def sites(self, kind: str, rng: random.Random) -> list[Site[Any]]:
        self.work = copy.deepcopy(self.tree)
        ctx = MutationContext(
            model=self.tools.model,
            bound=self.tools.binder.bind(self.work),
            index_of=self.tools.binder.content_index,
            rng=rng,
            values=self.tools.builder.values,
            builder=self.tools.builder,
            root=self.work,
        )
        return FINDERS[kind](ctx)

    def apply(self, site: Site[Any]) -> tuple[bytes, str]:
        description = site.apply()
        data = etree.tostring(self.work, xml_declaration=True, encoding="UTF-8")
        if site.kind == "malformed":
            data = data[: data.rstrip().rfind(b"</")]
        return data, description
