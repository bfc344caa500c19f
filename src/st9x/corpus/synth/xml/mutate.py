"""Derive invalid instances, each breaking exactly one named constraint, from a valid corpus.

Entry point for the CLI (``st9x corpus mutate``): :func:`mutate_corpus`.

For every valid case the engine picks the constraint kind used least so far among those that
have a site in the document (so kinds are spread evenly over a corpus), applies one mutation
(:mod:`st9x.corpus.synth.xml.mutations`) and checks the mutant with lxml and xmlschema. Only mutants
both validators reject become ``expected: invalid`` cases with their ``constraint``; a mutant
either validator accepts is a mutation-engine bug or a validator bug, and is written to
``problems/`` and listed in ``report.json`` instead, never dropped silently.
"""

from __future__ import annotations

import copy
import random
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from st9x.corpus.synth.xml.bind import Binder
from st9x.corpus.synth.xml.builder import InstanceBuilder
from st9x.corpus.synth.xml.check import DualValidator, Verdicts
from st9x.corpus.synth.writer import (
    MANIFEST_NAME,
    REPORT_NAME,
    make_id,
    manifest,
    read_json,
    write_json,
)
from st9x.corpus.synth.xml.coverage import Coverage
from st9x.corpus.synth.xml.model import SchemaModel, load_schema
from st9x.corpus.synth.xml.mutations import DEFAULT_KINDS, FINDERS, MutationContext
from st9x.corpus.synth.xml.schemafiles import copy_schema_closure
from st9x.errors import CorpusError

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


@dataclass
class Mutant:
    source_case: str
    kind: str
    description: str
    data: bytes
    verdicts: Verdicts

    @property
    def status(self) -> str:
        """``rejected`` (both validators say invalid: a good case), ``accepted`` (both say
        valid: a mutation bug), ``disagreement`` (a validator bug or a mutation bug)."""
        if self.verdicts.both_invalid:
            return "rejected"
        if self.verdicts.both_valid:
            return "accepted"
        return "disagreement"


@dataclass
class MutationReport:
    corpus: str
    seed: int
    kinds: list[str]
    mutants: list[Mutant] = field(default_factory=list)
    no_site: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    def by_kind(self) -> dict[str, dict[str, int]]:
        table: dict[str, dict[str, int]] = {k: {} for k in self.kinds}
        for m in self.mutants:
            row = table.setdefault(m.kind, {})
            row[m.status] = row.get(m.status, 0) + 1
        return table

    def as_dict(self) -> dict[str, Any]:
        return {
            "tool": "st9x.corpus.mutate",
            "source_corpus": self.corpus,
            "seed": self.seed,
            "kinds": self.kinds,
            "mutants": len(self.mutants),
            "by_kind": self.by_kind(),
            "kinds_without_site": sorted(k for k in self.kinds if not self.by_kind().get(k)),
            "timings_s": {k: round(v, 3) for k, v in self.timings.items()},
            "problems": [
                {
                    "source_case": m.source_case,
                    "kind": m.kind,
                    "status": m.status,
                    "description": m.description,
                    "verdicts": m.verdicts.as_dict(),
                }
                for m in self.mutants
                if m.status != "rejected"
            ],
        }


@dataclass
class _SchemaTools:
    model: SchemaModel
    binder: Binder
    builder: InstanceBuilder
    validator: DualValidator


def mutate_corpus(
    corpus_dir: str | Path,
    out_dir: str | Path,
    kinds: Iterable[str] | None = None,
    seed: int = 0,
    per_instance: int = 1,
    *,
    corpus_id: str | None = None,
) -> MutationReport:
    """Write a corpus of one-constraint mutants of ``corpus_dir``'s valid cases."""
    source = Path(corpus_dir)
    out = Path(out_dir)
    document = read_json(source / MANIFEST_NAME)
    chosen = list(kinds) if kinds else list(DEFAULT_KINDS)
    unknown = [k for k in chosen if k not in FINDERS]
    if unknown:
        raise CorpusError(f"unknown mutation kinds: {', '.join(unknown)}")
    rng = random.Random(seed)
    report = MutationReport(str(source), seed, chosen)
    started = time.perf_counter()
    schemas = {entry["id"]: entry for entry in document["schemas"]}
    tools: dict[str, _SchemaTools] = {}
    out_schemas: dict[str, dict[str, Any]] = {}
    cases: list[dict[str, Any]] = []
    usage = dict.fromkeys(chosen, 0)
    (out / "instances").mkdir(parents=True, exist_ok=True)
    check_time = 0.0

    for case in document["cases"]:
        if case.get("expected") != "valid" or not str(case["instance"]).endswith(".xml"):
            continue
        schema_id = case["schema"]
        if schema_id not in tools:
            tools[schema_id] = _tools_for(source, schemas[schema_id], rng)
            copied = copy_schema_closure(source / schemas[schema_id]["path"], out / "schemas")
            out_schemas[schema_id] = {
                "id": schema_id,
                "path": copied.relative_to(out).as_posix(),
                "kind": "xsd",
                "root": tools[schema_id].model.root.name,
            }
        tool = tools[schema_id]
        tree = etree.parse(str(source / case["instance"]), _PARSER).getroot()
        made = 0
        for kind in sorted(chosen, key=lambda k: (usage[k], rng.random())):
            if made >= per_instance:
                break
            mutant = _mutate_once(tool, tree, kind, rng, case["id"])
            if mutant is None:
                continue
            t0 = time.perf_counter()
            mutant.verdicts = tool.validator.check_bytes(mutant.data)
            check_time += time.perf_counter() - t0
            report.mutants.append(mutant)
            usage[kind] += 1  # failed attempts count too, or one bad kind would hog the run
            name = f"{case['id']}-{kind}"
            if mutant.status != "rejected":
                (out / "problems").mkdir(exist_ok=True)
                (out / "problems" / f"{name}.xml").write_bytes(mutant.data)
                continue
            path = out / "instances" / f"{name}.xml"
            path.write_bytes(mutant.data)
            cases.append(
                {
                    "id": make_id(name),
                    "instance": path.relative_to(out).as_posix(),
                    "schema": schema_id,
                    "expected": "invalid",
                    "constraint": kind,
                    "description": mutant.description,
                    "tags": ["mutant", make_id(kind)],
                }
            )
            made += 1
    report.timings = {"total": time.perf_counter() - started, "check": check_time}
    out_manifest = manifest(
        corpus_id or make_id(f"{document['id']}-mutants-{seed}"),
        f"One-constraint mutants of {document['id']}",
        f"Invalid instances derived from the valid cases of {document['id']} by "
        f"st9x.corpus.mutate (seed {seed}); each breaks exactly one constraint, named in "
        "'constraint', and is rejected by both lxml and xmlschema.",
        f"mutants of corpus {document['id']}",
        _require(list(out_schemas.values())),
        cases,
    )
    write_json(out / MANIFEST_NAME, out_manifest)
    write_json(out / REPORT_NAME, report.as_dict())
    return report


def _require(schemas: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not schemas:
        raise CorpusError("the source corpus has no valid XML case to mutate")
    return schemas


def _tools_for(source: Path, entry: dict[str, Any], rng: random.Random) -> _SchemaTools:
    path = source / entry["path"]
    schema = load_schema(path)
    root = entry.get("root")
    if not root:
        raise CorpusError(f"schema {entry['id']} has no root in the manifest", path=path)
    model = SchemaModel(schema, root)
    return _SchemaTools(
        model=model,
        binder=Binder(model),
        builder=InstanceBuilder(model, Coverage(), rng),
        validator=DualValidator(path, schema),
    )


def _mutate_once(
    tool: _SchemaTools, tree: Any, kind: str, rng: random.Random, case_id: str
) -> Mutant | None:
    work = copy.deepcopy(tree)
    ctx = MutationContext(
        model=tool.model,
        bound=tool.binder.bind(work),
        index_of=tool.binder.content_index,
        rng=rng,
        values=tool.builder.values,
        builder=tool.builder,
        root=work,
    )
    sites = FINDERS[kind](ctx)
    if not sites:
        return None
    site = sites[rng.randrange(len(sites))]
    description = site.apply()
    data = etree.tostring(work, xml_declaration=True, encoding="UTF-8")
    if kind == "malformed":
        data = data[: data.rstrip().rfind(b"</")]
    placeholder = Verdicts(False, False)
    return Mutant(case_id, kind, description, data, placeholder)
