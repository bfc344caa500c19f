"""Bulk validation against lxml's single-document throughput, on the same TrademarkBag.

One group, three rows on a generated ``tmk:TrademarkBag`` (``$ST9X_BULK_BENCH_SIZE``, default
10 MB; cached outside the repository by :func:`st9x.corpus.synth.bag.cached_bag`):

- the floor: lxml parsing the bag as one document;
- ``whole-document``: lxml parsing it as one document and validating each record in that tree
  (the schema compiled beforehand), the figure a user of lxml alone gets;
- ``bulk``: st9x's record-by-record path in one process (the byte-level scan that cuts chunks,
  each record parsed on its own, hashed and validated against its global declaration;
  ``st9x.engine.bulk.judge_chunk``, schema compiled beforehand).

The ratio of the two (docs/performance.md keeps it: target ≥ 0.70) travels between machines;
``benchmarks/bulk_figures.py`` measures the same end to end, with the command, at 100 MB and
1 GB, and the peak RSS. Under ``--benchmark-disable`` each row runs once and the bulk row is
checked to have judged every record valid.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from lxml import etree

from st9x.corpus.bag import iter_records, plan_chunks, read_layout
from st9x.corpus.model import SchemaSpec
from st9x.corpus.synth.bag import cached_bag, parse_bag_size
from st9x.engine.bulk import BulkSubject, ChunkTask, compiled_schema, judge_chunk
from st9x.subjects.registry import select_adapters

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT.parent / "shared" / "corpora" / "wipo-st96-v6_0" / "schemas" / "Trademark_V6_0.xsd"
BAG_ROOT = "{http://www.wipo.int/standards/XMLSchema/ST96/Trademark}TrademarkBag"
SIZE = os.environ.get("ST9X_BULK_BENCH_SIZE", "10m")
GROUP = f"bulk: TrademarkBag {SIZE} under lxml"


@pytest.fixture(scope="module")
def bag() -> Path:
    if not SCHEMA.is_file():
        pytest.skip(f"the WIPO ST.96 V6_0 package is not at {SCHEMA.parents[2]}")
    return cached_bag(SCHEMA, BAG_ROOT, parse_bag_size(SIZE))


@pytest.fixture(scope="module")
def subject() -> BulkSubject:
    adapter = select_adapters(["lxml"])["lxml"]
    made = BulkSubject(adapter, SchemaSpec("bench", "tm", SCHEMA, "xsd"))
    compiled_schema(made)  # compiled once, outside the timing, as the baseline's is
    return made


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=True)


@pytest.mark.benchmark(group=GROUP)
def test_bulk_floor_parse_only(benchmark, bag: Path) -> None:
    benchmark.extra_info.update(floor=True, bytes=bag.stat().st_size)
    benchmark.pedantic(lambda: etree.parse(str(bag), _parser()), rounds=3, iterations=1)


@pytest.mark.benchmark(group=GROUP)
def test_bulk_whole_document_validate(benchmark, bag: Path) -> None:
    """The bag parsed as one document and each record validated in that tree (as
    ``bulk_figures.py``'s baseline does). The generated bag repeats its few distinct records,
    so as one document it repeats their ``xs:ID`` values, which libxml2 checks document-wide:
    after the first record's, the copies' verdicts in the tree are "invalid" for that alone.
    The work timed is the same; the verdicts are not compared (bulk judges each record as the
    document it is on its own, and finds every record valid)."""
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    benchmark.extra_info.update(bytes=bag.stat().st_size)

    def validate() -> list[bool]:
        return [schema.validate(record)
                for record in etree.parse(str(bag), _parser()).getroot()]

    verdicts = benchmark.pedantic(validate, rounds=3, iterations=1)
    assert len(verdicts) == sum(1 for _ in iter_records(read_layout(bag)))  # every record


@pytest.mark.benchmark(group=GROUP)
def test_bulk_record_by_record(benchmark, bag: Path, subject: BulkSubject) -> None:
    layout = read_layout(bag)

    def judge() -> list[str]:
        return [
            str(record.verdict)
            for chunk in plan_chunks(layout, keep=True)
            for record in judge_chunk(ChunkTask(subject, "bag", bag, layout, chunk)).records
        ]

    benchmark.extra_info.update(bytes=bag.stat().st_size)
    verdicts = benchmark.pedantic(judge, rounds=3, iterations=1)
    assert verdicts and set(verdicts) == {"valid"}
