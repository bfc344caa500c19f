"""Derive invalid JSON instances, each breaking exactly one named constraint, from a corpus.

Entry point for the CLI (``st9x corpus mutate-json``): :func:`mutate_json_corpus`.

The shared driver (:mod:`st9x.corpus.synth.mutation`) picks the kinds and keeps a mutant only
when jsonschema-rs rejects it, and python ``jsonschema`` too where it can evaluate the schema;
this module is the JSON side of it: every site of a document is listed at once
(:mod:`st9x.corpus.synth.json.sites`), so only the kinds the document has a site for are tried,
and a site is applied to a deep copy of the document.
"""

from __future__ import annotations

import copy
import random
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from st9x.corpus.synth import mutation
from st9x.corpus.synth.json.check import DualJsonValidator, JsonVerdicts
from st9x.corpus.synth.json.generate import dump_instance
from st9x.corpus.synth.json.schema import load_schema_file
from st9x.corpus.synth.json.sites import JSON_KINDS, JsonSite, SiteFinder
from st9x.corpus.synth.records import Site
from st9x.corpus.synth.report import Report


class JsonMutation(mutation.MutationFormat):
    """JSON cases, broken at the sites :class:`SiteFinder` lists, judged by jsonschema-rs and
    python ``jsonschema``; a schema file is copied as it is (ST.97 schemas are one file)."""

    tool = "st9x.corpus.jsonmutate"
    suffix = ".json"
    tags = ("mutant", "json")
    kinds = JSON_KINDS
    default_kinds = JSON_KINDS
    unknown_kinds = "unknown JSON mutation kinds"

    def validator_notes(self) -> dict[str, Any]:
        return {
            "python_jsonschema_skipped": {},
            "python_jsonschema_formats_not_asserted": {},
        }

    def tools_for(
        self, source: Path, out: Path, entry: dict[str, Any], rng: random.Random, report: Report
    ) -> _SchemaTools:
        schema_path = source / entry["path"]
        schema = load_schema_file(schema_path)
        target = out / entry["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(schema_path, target)
        checker = DualJsonValidator(schema)
        if checker.python_skipped:
            report.validators["python_jsonschema_skipped"][entry["id"]] = checker.python_skipped
        if checker.python_formats_unasserted:
            unasserted = report.validators["python_jsonschema_formats_not_asserted"]
            unasserted[entry["id"]] = checker.python_formats_unasserted
        return _SchemaTools(dict(entry), SiteFinder(schema), checker)

    def manifest_schemas(
        self, used: list[dict[str, Any]], declared: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        return used or declared[:1]

    def describe(self, source_id: str, seed: int) -> tuple[str, str, str]:
        return (
            f"{source_id}-json-mutants-{seed}",
            f"One-constraint JSON mutants of {source_id}",
            f"Invalid JSON instances derived from the valid cases of {source_id} by "
            f"st9x.corpus.jsonmutate (seed {seed}); each breaks exactly one constraint, named "
            "in 'constraint', and is rejected by jsonschema-rs (and python jsonschema where it "
            "can evaluate the schema).",
        )


#: Write a corpus of one-constraint mutants of a corpus's valid JSON cases.
mutate_json_corpus = JsonMutation().mutate_corpus


@dataclass
class _SchemaTools(mutation.SchemaTools[Any]):
    """A mutated JSON document is checked as a value and written with :func:`dump_instance`."""

    entry: dict[str, Any]
    finder: SiteFinder
    checker: DualJsonValidator

    def open(self, path: Path) -> _JsonMutations:
        return _JsonMutations(self.finder, orjson.loads(path.read_bytes()))

    def check(self, value: Any) -> JsonVerdicts:
        return self.checker.check(value)

    def dump(self, value: Any) -> bytes:
        return dump_instance(value)


class _JsonMutations(mutation.DocumentMutations[Any]):
    """Every site of the document, found once and grouped by kind in the order met."""

    def __init__(self, finder: SiteFinder, instance: Any) -> None:
        self.instance = instance
        self.by_kind: dict[str, list[JsonSite]] = {}
        for site in finder.sites(instance):
            self.by_kind.setdefault(site.kind, []).append(site)

    def kinds(self, chosen: Sequence[str]) -> list[str]:
        return [kind for kind in self.by_kind if kind in chosen]

    def sites(self, kind: str, rng: random.Random) -> list[JsonSite]:
        return self.by_kind[kind]

    def apply(self, site: Site[Any]) -> tuple[Any, str]:
        assert isinstance(site, JsonSite)
        return site.apply(copy.deepcopy(self.instance)), site.description
