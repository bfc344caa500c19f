"""Bulk XML → JSON per record against lxml parse-only and xmlschema ``to_dict``, on the same
records, in one group: the two ratios docs/performance.md keeps (targets: within 4× of
parse-only, ≥ 20× faster than ``to_dict``) are re-measured by every benchmark run.

The records are the valid st96-core trademark applications (embedded, so this runs without
``../shared``), repeated into a bag and read by st9x's bag scanner; each row does every record:

- the floor: each record parsed on its own (``BagLayout.parse``), as bulk conversion does;
- ``st97 bulk``: parse, ``to_json``, ``dumps`` per record (what ``st9x convert-bulk`` does);
- ``xmlschema to_dict``: parse and decode per record.

``benchmarks/convert_bulk_figures.py`` takes the same figures on a 64 MB bag, end to end too.
"""

from __future__ import annotations

import pytest
import xmlschema
from lxml import etree

from st9x.corpus.bag import RawRecord, iter_records, read_layout
from st9x.corpus.load import embedded_corpora_dir
from st9x.st97 import Mapper, compile_schema, jsonio

CORE = embedded_corpora_dir() / "st96-core"
XSD = CORE / "schemas" / "trademark" / "TrademarkApplication.xsd"
TMK = "http://www.wipo.int/standards/XMLSchema/ST96/Trademark"
GROUP = "bulk conversion: st96-core trademark records, XML -> JSON"
COPIES = 20


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, list[RawRecord]]:
    parser = etree.XMLParser(remove_comments=True)
    files = sorted((CORE / "instances" / "valid").glob("tm-app-*.xml"))
    found = [etree.parse(str(p), parser).getroot() for _ in range(COPIES) for p in files]
    assert found, "st96-core has no valid trademark applications"
    bag = etree.Element(f"{{{TMK}}}TrademarkApplicationBag", nsmap=found[0].nsmap)
    bag.extend(found)
    path = tmp_path_factory.mktemp("bulk-conversion") / "bag.xml"
    path.write_bytes(etree.tostring(bag, xml_declaration=True, encoding="UTF-8"))
    layout = read_layout(path)
    return layout, list(iter_records(layout))


def _size(raws: list[RawRecord]) -> int:
    return sum(raw.length for raw in raws)


@pytest.mark.benchmark(group=GROUP)
def test_bulk_conversion_floor_parse_only(benchmark, records) -> None:
    layout, raws = records
    benchmark.extra_info.update(floor=True, bytes=_size(raws))
    benchmark(lambda: [layout.parse(raw) for raw in raws])


@pytest.mark.benchmark(group=GROUP)
def test_bulk_conversion_st97(benchmark, records) -> None:
    layout, raws = records
    mapper = Mapper(compile_schema(XSD, root=layout.record))
    benchmark.extra_info.update(bytes=_size(raws))
    lines = benchmark(lambda: [jsonio.dumps(mapper.to_json(layout.parse(raw))) for raw in raws])
    assert len(lines) == len(raws) and all(line.startswith(b"{") for line in lines)


@pytest.mark.benchmark(group=GROUP)
def test_bulk_conversion_xmlschema_to_dict(benchmark, records) -> None:
    layout, raws = records
    schema = xmlschema.XMLSchema10(str(XSD), allow="local", defuse="always")
    benchmark.extra_info.update(bytes=_size(raws))
    decoded = benchmark.pedantic(lambda: [schema.to_dict(layout.parse(raw)) for raw in raws],
                                 rounds=3, iterations=1)
    assert len(decoded) == len(raws)
