"""Conversion throughput: XML → JSON and JSON → XML with st9x's ST.97 mapper against the
libraries users would otherwise pick (xmlschema ``to_dict``/``encode``, xmltodict), with lxml
parse-only as the floor, all in one benchmark group per input so the ratios come from one run.
And schema conversion time of each V6_0 document schema against lxml's compile time.

    pytest benchmarks/test_conversion_throughput.py --benchmark-only \
        --benchmark-group-by=group --benchmark-columns=min,median,rounds \
        -k "not test_schema_conversion"

Targets from the issue: ours ≥ 20× faster than xmlschema ``to_dict`` and within 4× of lxml
parse-only (see docs/conversion.md for the measured figures). ``lxml-walk-floor`` is what any
Python converter on top of lxml pays at least: parse, then visit every element once reading its
tag, text, tail and attributes and creating one dict entry per element (no schema at all); it
shows how much of the gap to parse-only is the mapper and how much is Python object creation.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import xmlschema
import xmltodict
from lxml import etree

from st9x.st97 import Mapper, compile_schema

ROOT = Path(__file__).resolve().parents[1]
SHARED_V6 = ROOT.parent / "shared" / "corpora" / "wipo-st96-v6_0"
CORE = ROOT / "corpora" / "st96-core"
RECORDS = 5000  # applicants in the generated bag


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=True)


class Input:
    """One XML document with its schema, prepared once for every contender."""

    def __init__(self, xml: Path, xsd: Path, root: str | None) -> None:
        self.xml = xml
        self.data = xml.read_bytes()
        self.mapper = Mapper(compile_schema(xsd, root=root or "auto"))
        self.schema = xmlschema.XMLSchema10(str(xsd), allow="local", defuse="always")
        self.json = self.mapper.to_json(xml)
        self.xs_dict = self.schema.to_dict(str(xml), validation="skip")
        self.xmltodict = xmltodict.parse(self.data)
        element = self.mapper.to_xml(self.json)
        self.root_path = element.tag


def _v6_patent() -> Input:
    if not SHARED_V6.is_dir():
        pytest.skip(f"the WIPO ST.96 V6_0 package is not at {SHARED_V6}")
    return Input(SHARED_V6 / "examples" / "PatentPublication_Example.xml",
                 SHARED_V6 / "schemas" / "PatentPublication_V6_0.xsd", None)


def _generated_bag(tmp: Path) -> Input:
    """A trademark application whose ApplicantBag holds RECORDS applicants: the applicants of
    a real st96-core instance replicated (valid against the XSD, checked once with lxml)."""
    source = CORE / "instances" / "valid" / "tm-app-multi-applicants.xml"
    xsd = CORE / "schemas" / "trademark" / "TrademarkApplication.xsd"
    tree = etree.parse(str(source), _parser())
    ns = {"com": "http://www.wipo.int/standards/XMLSchema/ST96/Common"}
    bag = tree.find(".//com:ApplicantBag", ns)
    applicants = list(bag)
    for i in range(RECORDS - len(applicants)):
        bag.append(copy.deepcopy(applicants[i % len(applicants)]))
    path = tmp / "tm-app-5000-applicants.xml"
    tree.write(str(path), encoding="utf-8", xml_declaration=True)
    etree.XMLSchema(etree.parse(str(xsd))).assertValid(etree.parse(str(path), _parser()))
    return Input(path, xsd, "{http://www.wipo.int/standards/XMLSchema/ST96/Trademark}"
                 "TrademarkApplication")


@pytest.fixture(scope="module", params=["v6-patent", "bag-5000"])
def doc(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Input:
    if request.param == "v6-patent":
        return _v6_patent()
    return _generated_bag(tmp_path_factory.mktemp("bag"))


def _walk(elem: Any, out: dict[str, Any]) -> None:
    elem.items()
    for child in elem:
        tail = child.tail
        if tail and not tail.isspace():
            pass
        child.items()
        if len(child):
            sub: dict[str, Any] = {}
            out[child.tag] = sub
            _walk(child, sub)
        else:
            out[child.tag] = child.text


def _walk_floor(d: Input) -> dict[str, Any]:
    """Parse, then the least work per element a converter in Python does (see the docstring)."""
    out: dict[str, Any] = {}
    _walk(etree.fromstring(d.data, _parser()), out)
    return out


TO_JSON: dict[str, Callable[[Input], Any]] = {
    "lxml-parse-only": lambda d: etree.fromstring(d.data, _parser()),
    "lxml-walk-floor": _walk_floor,
    "st97-mapper": lambda d: d.mapper.to_json(d.xml),
    "xmlschema-to_dict": lambda d: d.schema.to_dict(str(d.xml)),
    "xmltodict-parse": lambda d: xmltodict.parse(d.data),
}
TO_XML: dict[str, Callable[[Input], Any]] = {
    "lxml-serialise-only": lambda d: etree.tostring(etree.fromstring(d.data, _parser())),
    "st97-mapper": lambda d: etree.tostring(d.mapper.to_xml(d.json)),
    "xmlschema-encode": lambda d: d.schema.encode(d.xs_dict, path=d.root_path,
                                                  validation="skip"),
    "xmltodict-unparse": lambda d: xmltodict.unparse(d.xmltodict),
}


@pytest.mark.parametrize("contender", list(TO_JSON))
def test_xml_to_json(benchmark: Any, doc: Input, contender: str,
                     request: pytest.FixtureRequest) -> None:
    benchmark.group = f"xml-to-json {request.node.callspec.params['doc']}"
    slow = contender.startswith("xmlschema")
    benchmark.pedantic(TO_JSON[contender], args=(doc,), rounds=3 if slow else 15, iterations=1,
                       warmup_rounds=1)


@pytest.mark.parametrize("contender", list(TO_XML))
def test_json_to_xml(benchmark: Any, doc: Input, contender: str,
                     request: pytest.FixtureRequest) -> None:
    benchmark.group = f"json-to-xml {request.node.callspec.params['doc']}"
    slow = contender.startswith("xmlschema")
    benchmark.pedantic(TO_XML[contender], args=(doc,), rounds=3 if slow else 15, iterations=1,
                       warmup_rounds=1)


# The six namespace schemas; every other ``*_V6_0.xsd`` is one of the 28 document schemas.
V6_NAMESPACE_SCHEMAS = {"Common", "Copyright", "Design", "GeographicalIndication", "Patent",
                        "Trademark"}


def _v6_document_schemas() -> list[str]:
    if not SHARED_V6.is_dir():
        return []
    return sorted(p.name for p in (SHARED_V6 / "schemas").glob("*_V6_0.xsd")
                  if p.name.removesuffix("_V6_0.xsd") not in V6_NAMESPACE_SCHEMAS)


@pytest.mark.parametrize("schema", _v6_document_schemas() or ["absent"])
@pytest.mark.parametrize("contender", ["lxml-compile", "st97-compile_schema"])
def test_schema_conversion(benchmark: Any, schema: str, contender: str) -> None:
    if schema == "absent":
        pytest.skip(f"the WIPO ST.96 V6_0 package is not at {SHARED_V6}")
    path = SHARED_V6 / "schemas" / schema
    benchmark.group = f"schema {schema}"
    if contender == "lxml-compile":
        benchmark.pedantic(lambda: etree.XMLSchema(etree.parse(str(path))), rounds=1,
                           iterations=1)
    else:
        benchmark.pedantic(lambda: compile_schema(path, root="auto"), rounds=1, iterations=1)
