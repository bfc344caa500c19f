"""Validator throughput by document size, each row with its ratio to a floor of the same run.

Inputs are made on demand and cached outside the repository (:mod:`st9x.testing.sized_inputs`):
a ``tmk:TrademarkApplication`` of ``st96-core`` grown to each size by ``st9x corpus generate
--size``, and its JSON form by st9x's ST.97 converter. Sizes come from ``$ST9X_BENCH_SIZES``
(default ``100k,1m``, for the CI smoke run); the nightly measures ``100k,1m,10m,100m``.

One group per (format, size): the floor (lxml parse-only for XML, ``orjson.loads`` for JSON,
both reading the file as the validators do) and every validator of st9x's adapter registry for
that format, each validating the file by path as a user's call would. Schema compilation is
measured apart, once per adapter. ``benchmarks/ratios.py`` prints the Markdown tables.

    ST9X_BENCH_SIZES=100k,1m,10m pytest benchmarks/test_benchsizes_throughput.py \
        --benchmark-only --benchmark-json=sized.json && python benchmarks/ratios.py sized.json
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
import xmlschema
from lxml import etree

from st9x import xsdload
from st9x.corpus.model import SchemaSpec
from st9x.subjects.registry import discover_adapters
from st9x.testing.bench_rows import Row, run_row
from st9x.testing.sized_inputs import SizedInput, bench_sizes, default_recipe, sized_input
from st9x.xmlsafe import safe_parser

SIZES = bench_sizes()
ADAPTERS = discover_adapters()[0]
XML_ADAPTERS = sorted(name for name, a in ADAPTERS.items() if a.format == "xml")
JSON_ADAPTERS = sorted(name for name, a in ADAPTERS.items() if a.format == "json")
#: The converter's schema variant a JSON validator can read: python-jsonschema's patterns run
#: on Python's ``re`` (no ``\\p{..}``), fastjsonschema knows no draft after 7; the rest get
#: ``st97-v2`` itself.
VARIANTS = {"jsonschema": "portable", "fastjsonschema": "draft-07"}


#: Validators known to reject the valid JSON form, and why. Such a row is kept, since it is
#: what the validator costs a user and this one still walks the whole document (it reports
#: every error), but it says so.
FALSE_REJECTIONS = {
    "jsonschema": "rejects valid amounts: multipleOf 0.01 computed on binary floats "
                  "('1205.37 is not a multiple of 0.01'); still reports every error",
}


def skip_beyond_xmlschema_limit(subject: str, made: SizedInput) -> None:
    """xmlschema refuses a document of more elements than its ``MAX_XML_ELEMENTS`` (unless a
    caller raises the limit or asks for lazy processing, which neither st9x's adapter nor a
    plain ``to_dict`` does): a limit of the library, reported as the reason for a missing row
    rather than as a failure."""
    limit = xmlschema.limits.MAX_XML_ELEMENTS
    if subject.startswith("xmlschema") and made.xml_elements > limit:
        pytest.skip(f"{subject}: refuses documents of more than {limit:,} elements "
                    f"(XMLResourceExceeded; this one has {made.xml_elements:,})")


@pytest.fixture(scope="module", params=SIZES)
def sized(request: pytest.FixtureRequest) -> SizedInput:
    return sized_input(request.param)


def xml_spec(made: SizedInput) -> SchemaSpec:
    return SchemaSpec("bench", "sized-xml", made.xsd, "xsd", root=made.recipe.root,
                      bounds=(made.directory,))


def json_spec(made: SizedInput, adapter: str) -> SchemaSpec:
    variant = VARIANTS.get(adapter)
    path = {"portable": made.json_schema_portable, "draft-07": made.json_schema_draft7}.get(
        variant or "", made.json_schema)
    return SchemaSpec("bench", "sized-json", path, "json-schema", bounds=(made.directory,))


def _json_subject(adapter: str) -> str:
    variant = VARIANTS.get(adapter)
    return f"{adapter} ({variant})" if variant else adapter


def test_xml_parse_only(benchmark: Any, sized: SizedInput) -> None:
    benchmark.group = f"sized xml {sized.label}"
    path = str(sized.xml)
    run_row(benchmark, Row("lxml parse-only", "xml", sized.label, sized.xml_bytes, floor=True),
            lambda: etree.parse(path, safe_parser()))


@pytest.mark.parametrize("adapter", XML_ADAPTERS)
def test_xml_validate(benchmark: Any, sized: SizedInput, adapter: str) -> None:
    benchmark.group = f"sized xml {sized.label}"
    skip_beyond_xmlschema_limit(adapter, sized)
    compiled = ADAPTERS[adapter].compile(xml_spec(sized))
    outcome = run_row(benchmark, Row(adapter, "xml", sized.label, sized.xml_bytes),
                      lambda: compiled.validate(sized.xml))
    assert outcome.verdict == "valid", outcome


def test_json_parse_only(benchmark: Any, sized: SizedInput) -> None:
    benchmark.group = f"sized json {sized.label}"
    path = sized.json
    run_row(benchmark, Row("orjson.loads", "json", sized.label, sized.json_bytes, floor=True),
            lambda: orjson.loads(path.read_bytes()))


@pytest.mark.parametrize("adapter", JSON_ADAPTERS)
def test_json_validate(benchmark: Any, sized: SizedInput, adapter: str) -> None:
    benchmark.group = f"sized json {sized.label}"
    compiled = ADAPTERS[adapter].compile(json_spec(sized, adapter))
    outcome = run_row(benchmark, Row(_json_subject(adapter), "json", sized.label,
                                     sized.json_bytes), lambda: compiled.validate(sized.json))
    benchmark.extra_info["verdict"] = str(outcome.verdict.value)
    if outcome.verdict != "valid":
        assert adapter in FALSE_REJECTIONS, outcome
        benchmark.extra_info["note"] = FALSE_REJECTIONS[adapter]


@pytest.fixture(scope="module")
def smallest() -> SizedInput:
    """Compilation does not depend on the instance: the schemas of the smallest size."""
    return sized_input(SIZES[0])


def _schema_bytes(path: Path) -> int:
    return path.stat().st_size


@pytest.mark.parametrize("adapter", XML_ADAPTERS)
def test_compile_xml(benchmark: Any, smallest: SizedInput, adapter: str) -> None:
    benchmark.group = f"sized compile-xml {default_recipe().name}"
    spec = xml_spec(smallest)

    def compile_afresh() -> Any:
        xsdload.clear()  # xmlschema's models are cached per process: measure a real compile
        return ADAPTERS[adapter].compile(spec)

    run_row(benchmark, Row(adapter, "compile-xml", smallest.xsd.name,
                           _schema_bytes(smallest.xsd), floor=adapter == "lxml"),
            compile_afresh)


@pytest.mark.parametrize("adapter", JSON_ADAPTERS)
def test_compile_json(benchmark: Any, smallest: SizedInput, adapter: str) -> None:
    benchmark.group = f"sized compile-json {default_recipe().name}"
    spec = json_spec(smallest, adapter)
    run_row(benchmark, Row(_json_subject(adapter), "compile-json", spec.path.name,
                           _schema_bytes(spec.path), floor=adapter == "jsonschema-rs"),
            lambda: ADAPTERS[adapter].compile(spec))
