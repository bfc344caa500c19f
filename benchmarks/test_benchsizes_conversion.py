"""Conversion throughput by document size, both directions and the round trip, each row with
its ratio to a floor of the same run.

Inputs: the sized documents of :mod:`st9x.testing.sized_inputs` (``$ST9X_BENCH_SIZES``,
default ``100k,1m``). Every contender goes from bytes to bytes, as a user's conversion does:

- ``xml-to-json``: XML bytes → JSON text. Floor: lxml parse-only. Contenders: st9x's ST.97
  mapper (profile ``st97-v2``), xmlschema ``to_dict``, xmltodict ``parse``, each followed by
  the JSON serialisation (orjson; exact decimals for the ones that give Decimals).
- ``json-to-xml``: JSON text (each library's own JSON shape, made once beforehand) → XML bytes.
  Floor: ``orjson.loads`` of the text plus lxml serialising the already parsed document, the
  least any converter pays. Contenders: the mapper's ``to_xml``, xmlschema ``encode``,
  xmltodict ``unparse``.
- ``roundtrip``: XML bytes → JSON text → XML bytes. Floor: lxml parse and serialise.

    ST9X_BENCH_SIZES=100k,1m,10m pytest benchmarks/test_benchsizes_conversion.py \
        --benchmark-only --benchmark-json=conv.json && python benchmarks/ratios.py conv.json
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from xml.etree import ElementTree

import orjson
import pytest
import xmlschema
import xmltodict
from lxml import etree
from test_benchsizes_throughput import skip_beyond_xmlschema_limit

from st9x.st97 import Mapper, compile_schema, jsonio
from st9x.testing.bench_rows import Row, run_row, skip_when_slow
from st9x.testing.sized_inputs import SizedInput, bench_sizes, sized_input

SIZES = bench_sizes()


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=True)


@dataclass
class Prepared:
    """One size with each contender's converter built; each library's own JSON text is made
    when first asked for (xmlschema's takes minutes at 100 MB, and its rows may be skipped)."""

    made: SizedInput
    data: bytes
    mapper: Mapper
    schema: xmlschema.XMLSchema10

    @property
    def root_tag(self) -> str:
        return self.made.recipe.root

    @cached_property
    def ours_json(self) -> bytes:
        return self.made.json.read_bytes()

    @cached_property
    def xmlschema_json(self) -> bytes:
        return jsonio.dumps(self.schema.to_dict(str(self.made.xml), validation="skip"))

    @cached_property
    def xmltodict_json(self) -> bytes:
        return orjson.dumps(xmltodict.parse(self.data))


@pytest.fixture(scope="module", params=SIZES)
def prepared(request: pytest.FixtureRequest) -> Prepared:
    made = sized_input(request.param)
    return Prepared(
        made, made.xml.read_bytes(), Mapper(compile_schema(made.xsd, root=made.recipe.root)),
        xmlschema.XMLSchema10(str(made.xsd), allow="local", defuse="always"),
    )


def _ours_to_json(p: Prepared) -> bytes:
    return jsonio.dumps(p.mapper.to_json(p.made.xml), indent=True)


def _xmlschema_to_json(p: Prepared) -> bytes:
    return jsonio.dumps(p.schema.to_dict(p.data.decode("utf-8"), validation="skip"))


def _xmltodict_to_json(p: Prepared) -> bytes:
    return orjson.dumps(xmltodict.parse(p.data))


def _ours_to_xml(p: Prepared, text: bytes) -> bytes:
    return bytes(etree.tostring(p.mapper.to_xml(jsonio.loads(text)), encoding="utf-8",
                                xml_declaration=True))


def _xmlschema_to_xml(p: Prepared, text: bytes) -> bytes:
    element = p.schema.encode(jsonio.loads(text), path=p.root_tag, validation="skip")
    return ElementTree.tostring(element, encoding="utf-8", xml_declaration=True)


def _xmltodict_to_xml(p: Prepared, text: bytes) -> bytes:
    return xmltodict.unparse(orjson.loads(text)).encode("utf-8")


TO_JSON: dict[str, Callable[[Prepared], bytes]] = {
    "st97-v2": _ours_to_json,
    "xmlschema to_dict": _xmlschema_to_json,
    "xmltodict parse": _xmltodict_to_json,
}
TO_XML: dict[str, tuple[Callable[[Prepared, bytes], bytes], Callable[[Prepared], bytes]]] = {
    "st97-v2": (_ours_to_xml, lambda p: p.ours_json),
    "xmlschema encode": (_xmlschema_to_xml, lambda p: p.xmlschema_json),
    "xmltodict unparse": (_xmltodict_to_xml, lambda p: p.xmltodict_json),
}
ROUND_TRIP = {
    "st97-v2": "st97-v2",
    "xmlschema to_dict+encode": "xmlschema",
    "xmltodict parse+unparse": "xmltodict",
}


def test_xml_to_json_parse_only(benchmark: Any, prepared: Prepared) -> None:
    benchmark.group = f"sized xml-to-json {prepared.made.label}"
    row = Row("lxml parse-only", "xml-to-json", prepared.made.label, len(prepared.data),
              floor=True)
    run_row(benchmark, row, lambda: etree.fromstring(prepared.data, _parser()))


@pytest.mark.parametrize("contender", list(TO_JSON))
def test_xml_to_json(benchmark: Any, prepared: Prepared, contender: str) -> None:
    benchmark.group = f"sized xml-to-json {prepared.made.label}"
    skip_beyond_xmlschema_limit(contender, prepared.made)
    row = Row(contender, "xml-to-json", prepared.made.label, len(prepared.data))
    assert run_row(benchmark, row, lambda: TO_JSON[contender](prepared))


def test_json_to_xml_parse_only(benchmark: Any, prepared: Prepared) -> None:
    """orjson reads the text and lxml writes the (already parsed) document."""
    benchmark.group = f"sized json-to-xml {prepared.made.label}"
    tree = etree.fromstring(prepared.data, _parser())
    text = prepared.ours_json
    row = Row("orjson loads + lxml serialise", "json-to-xml", prepared.made.label, len(text),
              floor=True)
    run_row(benchmark, row, lambda: (orjson.loads(text), etree.tostring(tree)))


@pytest.mark.parametrize("contender", list(TO_XML))
def test_json_to_xml(benchmark: Any, prepared: Prepared, contender: str) -> None:
    benchmark.group = f"sized json-to-xml {prepared.made.label}"
    convert, text_of = TO_XML[contender]
    skip_beyond_xmlschema_limit(contender, prepared.made)  # its JSON comes from to_dict
    skip_when_slow("json-to-xml", contender, prepared.made.target)
    text = text_of(prepared)
    row = Row(contender, "json-to-xml", prepared.made.label, len(text),
              scale=prepared.made.target)
    assert run_row(benchmark, row, lambda: convert(prepared, text))


def test_roundtrip_parse_only(benchmark: Any, prepared: Prepared) -> None:
    benchmark.group = f"sized roundtrip {prepared.made.label}"
    row = Row("lxml parse + serialise", "roundtrip", prepared.made.label, len(prepared.data),
              floor=True)
    run_row(benchmark, row,
            lambda: etree.tostring(etree.fromstring(prepared.data, _parser())))


@pytest.mark.parametrize("contender", list(ROUND_TRIP))
def test_roundtrip(benchmark: Any, prepared: Prepared, contender: str) -> None:
    benchmark.group = f"sized roundtrip {prepared.made.label}"
    library = ROUND_TRIP[contender]
    to_json = TO_JSON[next(k for k in TO_JSON if k.startswith(library))]
    to_xml = TO_XML[next(k for k in TO_XML if k.startswith(library))][0]
    skip_beyond_xmlschema_limit(contender, prepared.made)
    row = Row(contender, "roundtrip", prepared.made.label, len(prepared.data))
    assert run_row(benchmark, row, lambda: to_xml(prepared, to_json(prepared)))
