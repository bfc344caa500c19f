"""Bulk chunks on a Dask cluster: the same results as in this process, record for record, each
exactly once, also when a worker is killed in the middle of the work."""

from __future__ import annotations

import os
from pathlib import Path

import distributed
import pytest
from tests.parallel.conftest import kill_busy_worker

import st9x.engine.bulk as bulk
from st9x.corpus.bag import plan_chunks, read_layout
from st9x.corpus.model import SchemaSpec
from st9x.engine.bulk import BulkSubject, ChunkResult, ChunkTask, judge_chunk
from st9x.engine.chunked import SerialChunks
from st9x.engine.dask_chunks import DaskChunks
from st9x.errors import UsageError
from st9x.subjects.registry import select_adapters

XSD = b"""<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:b="urn:bag"
           targetNamespace="urn:bag" elementFormDefault="qualified">
  <xs:element name="ItemBag"><xs:complexType><xs:sequence>
    <xs:element ref="b:Item" maxOccurs="unbounded"/>
  </xs:sequence></xs:complexType></xs:element>
  <xs:element name="Item"><xs:complexType><xs:sequence>
    <xs:element name="ApplicationNumberText">
      <xs:simpleType><xs:restriction base="xs:string">
        <xs:pattern value="A-[0-9]+"/>
      </xs:restriction></xs:simpleType>
    </xs:element>
    <xs:element name="Count" type="xs:nonNegativeInteger"/>
  </xs:sequence></xs:complexType></xs:element>
</xs:schema>
"""


def _item(n: int) -> bytes:
    number = f"A-{n}" if n % 7 else f"B-{n}"  # every seventh breaks the pattern
    count = str(n) if n % 11 else "-1"  # every eleventh is negative
    close = "Count" if n % 97 else "Wrong"  # and a few do not parse at all
    return (f"  <b:Item><b:ApplicationNumberText>{number}</b:ApplicationNumberText>"
            f"<b:Count>{count}</b:{close}></b:Item>").encode()


def _tasks(tmp_path: Path, records: int, chunk_bytes: int) -> list[ChunkTask]:
    schema = tmp_path / "bag.xsd"
    schema.write_bytes(XSD)
    path = tmp_path / "bag.xml"
    path.write_bytes(b'<?xml version="1.0"?>\n<b:ItemBag xmlns:b="urn:bag">\n'
                     + b"\n".join(_item(n) for n in range(records)) + b"\n</b:ItemBag>\n")
    subject = BulkSubject(select_adapters(["lxml"])["lxml"],
                          SchemaSpec("bags", "bag", schema.resolve(), "xsd"))
    layout = read_layout(path)
    return [ChunkTask(subject, "bag.xml", path, layout, chunk)
            for chunk in plan_chunks(layout, chunk_bytes=chunk_bytes)]


def _serial(tasks: list[ChunkTask]) -> list[ChunkResult]:
    return list(SerialChunks().map(judge_chunk, tasks))


def test_chunks_on_dask_equal_the_serial_results(
    dask_client: distributed.Client, tmp_path: Path
) -> None:
    tasks = _tasks(tmp_path, 600, 4000)
    assert len(tasks) > 10
    expected = _serial(tasks)
    verdicts = {str(r.verdict) for c in expected for r in c.records}
    assert verdicts == {"valid", "invalid", "errored"}
    runner = DaskChunks(dask_client, window=4)
    try:
        got = list(runner.map(judge_chunk, tasks))
    finally:
        runner.close()  # a client given by its owner stays open
    assert got == expected
    assert [c.key for c in got] == [t.key for t in tasks]
    # each worker process compiled the schema once and kept it for its later chunks
    cached = dask_client.run(lambda: len(bulk._COMPILED))
    assert set(cached.values()) <= {0, 1}
    assert sum(cached.values()) >= 1


def test_a_killed_worker_loses_no_chunk_and_duplicates_none(
    dask_client: distributed.Client, tmp_path: Path
) -> None:
    tasks = _tasks(tmp_path, 4000, 3000)
    expected = _serial(tasks)
    reruns: set[object] = set()
    # a chunk takes milliseconds: the worker caught busy may finish its chunks before the kill
    # lands, and then nothing is run again; try again (a fresh map) until a kill did cost a
    # worker its chunks. Every attempt must deliver each chunk once, in order, equal.
    for _attempt in range(5):
        log = dask_client.cluster.scheduler.transition_log
        seen = len(log)
        runner = DaskChunks(dask_client, window=4)
        got: list[ChunkResult] = []
        victim, at_kill = None, 0
        for result in runner.map(judge_chunk, tasks):
            got.append(result)
            if victim is None:
                at_kill = len(got)
                # the first results are in, most chunks are not: a worker running a chunk
                # dies; the scheduler gives its chunks to the other, the nanny restarts it
                victim = kill_busy_worker(dask_client, "st9x-chunk-")
        runner.close()
        # a worker was killed while chunks were still to come
        assert victim is not None and at_kill < len(tasks)
        assert [c.key for c in got] == [t.key for t in tasks]  # each chunk once, in order
        assert got == expected
        dask_client.wait_for_workers(2, timeout=60)
        assert victim not in dask_client.run(os.getpid).values()
        # chunks the dead worker held went back to the scheduler, to be run again
        reruns = {entry[0] for entry in list(log)[seen:]
                  if str(entry[0]).startswith("st9x-chunk-") and entry[1] == "processing"
                  and entry[2] in ("released", "waiting")}
        if reruns:
            break
    assert reruns, "no attempt killed a worker while it held a chunk"


def test_a_scheduler_that_is_not_there() -> None:
    with pytest.raises(UsageError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9"):
        DaskChunks("tcp://127.0.0.1:9", timeout=2)
