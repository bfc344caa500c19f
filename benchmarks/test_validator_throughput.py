"""Validator throughput against a parse-only floor measured in the same run.

Each group holds one instance: the floor (lxml parse-only for XML, ``json.loads`` for JSON) and
every adapter's ``validate`` (which parses too, as a user's call would). pytest-benchmark prints
each figure with its factor to the group's fastest in parentheses; ``benchmarks/ratios.py``
turns a ``--benchmark-json`` file into the ratio table kept in ``docs/benchmarks.md``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from st9x.corpus.load import load_corpus
from st9x.corpus.model import SchemaSpec
from st9x.subjects.registry import select_adapters
from st9x.xmlsafe import safe_parser

XML_ADAPTERS = ("lxml", "xmlschema-1.0", "xmlschema-1.1")
JSON_ADAPTERS = ("jsonschema", "fastjsonschema", "jsonschema-rs")


def _largest_valid(
    corpus_id: str, fmt: str, dialect_tag: str | None = None
) -> tuple[Path, SchemaSpec]:
    try:
        corpus = load_corpus(corpus_id)
    except Exception as exc:  # the corpus is part of the project; absent only in a broken tree
        pytest.skip(f"corpus {corpus_id} not loadable: {exc}")
    cases = [
        c
        for c in corpus.cases
        if c.expected == "valid"
        and c.format == fmt
        and (dialect_tag is None or dialect_tag in c.tags)
    ]
    if not cases:
        pytest.skip(f"no valid {fmt} case in {corpus_id}")
    case = max(cases, key=lambda c: c.instance.stat().st_size)
    assert case.schema is not None
    return case.instance, case.schema


@pytest.mark.benchmark(group="xml: V6_0 PatentPublication example")
def test_v6_lxml_parse_only(benchmark, v6_patent):
    instance, _ = v6_patent
    benchmark(lambda: etree.parse(str(instance), safe_parser()))


@pytest.mark.benchmark(group="xml: V6_0 PatentPublication example")
@pytest.mark.parametrize("adapter", XML_ADAPTERS)
def test_v6_validate(benchmark, v6_patent, adapter):
    instance, schema_path = v6_patent
    spec = SchemaSpec("bench", "pat-pub", schema_path, "xsd")
    compiled = select_adapters([adapter])[adapter].compile(spec)
    outcome = benchmark(compiled.validate, instance)
    assert outcome.verdict == "valid"


@pytest.mark.benchmark(group="xml: st96-core largest valid instance")
def test_core_xml_parse_only(benchmark):
    instance, _ = _largest_valid("st96-core", "xml")
    benchmark(lambda: etree.parse(str(instance), safe_parser()))


@pytest.mark.benchmark(group="xml: st96-core largest valid instance")
@pytest.mark.parametrize("adapter", XML_ADAPTERS)
def test_core_xml_validate(benchmark, adapter):
    instance, spec = _largest_valid("st96-core", "xml")
    compiled = select_adapters([adapter])[adapter].compile(spec)
    assert benchmark(compiled.validate, instance).verdict == "valid"


@pytest.mark.benchmark(group="json: st97-core largest valid draft-07 instance")
def test_core_json_parse_only(benchmark):
    instance, _ = _largest_valid("st97-core", "json", "draft7")
    text = instance.read_text(encoding="utf-8")
    benchmark(json.loads, text)


@pytest.mark.benchmark(group="json: st97-core largest valid draft-07 instance")
@pytest.mark.parametrize("adapter", JSON_ADAPTERS)
def test_core_json_validate(benchmark, adapter):
    instance, spec = _largest_valid("st97-core", "json", "draft7")
    compiled = select_adapters([adapter])[adapter].compile(spec)
    assert benchmark(compiled.validate, instance).verdict == "valid"


@pytest.mark.benchmark(group="compile: V6_0 PatentPublication_V6_0.xsd")
@pytest.mark.parametrize("adapter", XML_ADAPTERS)
def test_v6_compile(benchmark, v6_patent, adapter):
    _, schema_path = v6_patent
    spec = SchemaSpec("bench", "pat-pub", schema_path, "xsd")
    implementation = select_adapters([adapter])[adapter]
    benchmark.pedantic(implementation.compile, args=(spec,), rounds=3, iterations=1)
