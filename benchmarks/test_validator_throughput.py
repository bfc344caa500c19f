"""Validator throughput against a parse-only floor measured in the same run.

Each group holds one instance: the floor (lxml parse-only for XML, ``json.loads`` for JSON) and
every adapter's ``validate`` (which parses too, as a user's call would). The V6_0 examples of
``../shared`` (when present) carry their bytes, rates and ratio like the size-by-size suite's
rows (``benchmarks/test_benchsizes_throughput.py``), and their schemas' compile times too.
pytest-benchmark prints each figure with its factor to the group's fastest in parentheses;
``benchmarks/ratios.py`` turns a ``--benchmark-json`` file into the ratio table kept in
``docs/benchmarks.md``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from st9x import xsdload
from st9x.corpus.load import load_corpus
from st9x.corpus.model import SchemaSpec
from st9x.subjects.registry import select_adapters
from st9x.testing.bench_rows import Row, run_row
from st9x.xmlsafe import safe_parser

XML_ADAPTERS = ("lxml", "xmlschema-1.0", "xmlschema-1.1")
SHARED_V6 = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "wipo-st96-v6_0"
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


#: the examples of the V6_0 package, each an instance of the document schema of its name
V6_EXAMPLES = ("PatentPublication", "TrademarkApplication", "GIApplication")


@pytest.fixture(scope="module", params=V6_EXAMPLES)
def v6_example(request: pytest.FixtureRequest) -> tuple[str, Path, Path]:
    """(name, example, document schema) of one V6_0 example, skipped without ``../shared``."""
    if not SHARED_V6.is_dir():
        pytest.skip(f"the WIPO ST.96 V6_0 package is not at {SHARED_V6}")
    name = request.param
    return (name, SHARED_V6 / "examples" / f"{name}_Example.xml",
            SHARED_V6 / "schemas" / f"{name}_V6_0.xsd")


def test_v6_lxml_parse_only(benchmark, v6_example):
    name, instance, _ = v6_example
    benchmark.group = f"xml: V6_0 {name} example"
    row = Row("lxml parse-only", "xml-v6", name, instance.stat().st_size, floor=True)
    run_row(benchmark, row, lambda: etree.parse(str(instance), safe_parser()))


@pytest.mark.parametrize("adapter", XML_ADAPTERS)
def test_v6_validate(benchmark, v6_example, adapter):
    name, instance, schema_path = v6_example
    benchmark.group = f"xml: V6_0 {name} example"
    spec = SchemaSpec("bench", name, schema_path, "xsd")
    compiled = select_adapters([adapter])[adapter].compile(spec)
    row = Row(adapter, "xml-v6", name, instance.stat().st_size)
    outcome = run_row(benchmark, row, lambda: compiled.validate(instance))
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


@pytest.mark.parametrize("adapter", XML_ADAPTERS)
def test_v6_compile(benchmark, v6_example, adapter):
    name, _, schema_path = v6_example
    benchmark.group = f"compile: V6_0 {schema_path.name}"
    spec = SchemaSpec("bench", name, schema_path, "xsd")
    implementation = select_adapters([adapter])[adapter]

    def compile_afresh() -> object:
        xsdload.clear()  # xmlschema's models are cached per process: measure a real compile
        return implementation.compile(spec)

    row = Row(adapter, "compile-xml-v6", schema_path.name, schema_path.stat().st_size,
              floor=adapter == "lxml")
    run_row(benchmark, row, compile_afresh)
