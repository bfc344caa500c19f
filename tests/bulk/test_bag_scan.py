"""The bag scanner: exact offsets and lines, chunks that add up to one reading, hostile bags."""

from __future__ import annotations

from pathlib import Path

import pytest

from st9x.corpus.bag import BagError, iter_records, plan_chunks, read_layout

NS = 'xmlns:b="urn:bag" xmlns:c="urn:common"'


def _bag(tmp_path: Path, records: list[bytes], head: bytes = b"", name: str = "bag.xml") -> Path:
    path = tmp_path / name
    path.write_bytes(
        b'<?xml version="1.0" encoding="UTF-8"?>\n' + head
        + b"<b:ItemBag " + NS.encode() + b">\n" + b"\n".join(records) + b"\n</b:ItemBag>\n"
    )
    return path


def _item(n: int, extra: bytes = b"") -> bytes:
    return b'  <b:Item c:n="%d">\n    <c:Id>A-%d</c:Id>%s\n  </b:Item>' % (n, n, extra)


def test_every_record_with_its_exact_offset_and_line(tmp_path: Path) -> None:
    path = _bag(tmp_path, [_item(n) for n in range(50)], b"<!-- <b:Item> not one -->\n")
    layout = read_layout(path)
    assert layout.record == "{urn:bag}Item"
    data = path.read_bytes()
    records = list(iter_records(layout))
    assert [r.index for r in records] == list(range(50))
    for raw in records:
        assert data[raw.offset : raw.offset + raw.length] == raw.data
        assert raw.data.startswith(b"<b:Item ") and raw.data.endswith(b"</b:Item>")
        assert data.count(b"\n", 0, raw.offset) + 1 == raw.line
        element = layout.parse(raw)
        assert element.tag == "{urn:bag}Item"
        assert element.findtext("{urn:common}Id") == f"A-{raw.index}"


def test_chunks_read_exactly_what_one_reader_reads(tmp_path: Path) -> None:
    big = b"<c:Note><![CDATA[ </b:Item> <b:Item> ]]></c:Note><!-- </b:Item> -->"
    path = _bag(tmp_path, [_item(n, big if n % 3 else b"") for n in range(400)])
    layout = read_layout(path)
    whole = [(r.index, r.offset, r.line, r.data) for r in iter_records(layout)]
    assert len(whole) == 400
    chunks = list(plan_chunks(layout, chunk_bytes=2000))
    assert len(chunks) > 10
    assert sum(c.records for c in chunks) == 400
    pieces = [(r.index, r.offset, r.line, r.data) for c in chunks for r in iter_records(layout, c)]
    assert pieces == whole


def test_records_across_read_boundaries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import st9x.corpus.bag as bag

    path = _bag(tmp_path, [_item(n, b"<!--" + b"x" * (n % 37) + b"-->") for n in range(300)])
    layout = read_layout(path)
    whole = [(r.offset, r.line, r.data) for r in iter_records(layout)]
    monkeypatch.setattr(bag, "READ_SIZE", 7)  # every token is cut somewhere
    assert [(r.offset, r.line, r.data) for r in iter_records(layout)] == whole


def test_a_broken_record_is_reported_and_the_rest_go_on(tmp_path: Path) -> None:
    path = _bag(tmp_path, [_item(0), b"  <b:Item><c:Id>x</c:Wrong></b:Item>", _item(2)])
    layout = read_layout(path)
    records = list(iter_records(layout))
    assert len(records) == 3
    with pytest.raises(Exception, match=r"record 1 does not parse") as caught:
        layout.parse(records[1])
    assert f"{path}:{records[1].line}" in str(caught.value)
    assert layout.parse(records[2]).findtext("{urn:common}Id") == "A-2"


def test_an_unclosed_last_record_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "cut.xml"
    path.write_bytes(b"<b:ItemBag " + NS.encode() + b">" + _item(0) + b"<b:Item><c:Id>cut")
    records = list(iter_records(read_layout(path)))
    assert [r.problem for r in records] == [
        None, "the record is not closed before the end of the file"
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b'<!DOCTYPE b:ItemBag [<!ENTITY x "y">]><b:ItemBag ' + NS.encode() + b"/>", "DOCTYPE"),
        (b'<?xml version="1.0" encoding="ISO-8859-1"?><b:ItemBag ' + NS.encode() + b"/>", "UTF-8"),
        (b"<Things/>", "cannot tell the records"),
        (b"", "no root element"),
    ],
)
def test_bags_that_cannot_be_read_are_one_error(tmp_path: Path, text: bytes, message: str) -> None:
    path = tmp_path / "bad.xml"
    path.write_bytes(text)
    with pytest.raises(BagError, match=message) as caught:
        read_layout(path)
    assert str(caught.value).startswith(str(path))


def test_a_record_larger_than_the_bound_stops_the_scan(tmp_path: Path) -> None:
    path = _bag(tmp_path, [_item(0, b"<c:Big>" + b"y" * 5000 + b"</c:Big>")])
    with pytest.raises(BagError, match="larger than"):
        list(iter_records(read_layout(path), max_record=1000))


def test_named_records_by_prefix_or_clark_name(tmp_path: Path) -> None:
    path = _bag(tmp_path, [_item(0)])
    assert read_layout(path, "b:Item").record == "{urn:bag}Item"
    assert read_layout(path, "{urn:bag}Item").record_names == (b"b:Item",)
    with pytest.raises(BagError, match="not declared"):
        read_layout(path, "{urn:other}Item")


def test_chunks_that_carry_their_records_read_the_same(tmp_path: Path) -> None:
    """A local runner's chunks carry the records the planner read; a cluster's are read again
    from the file by the worker: both give the same records."""
    path = _bag(tmp_path, [_item(n) for n in range(120)])
    layout = read_layout(path)
    carried = list(plan_chunks(layout, chunk_bytes=1500, keep=True))
    bare = list(plan_chunks(layout, chunk_bytes=1500))
    assert carried == bare and all(c.raw for c in carried) and not any(c.raw for c in bare)
    assert [r for c in carried for r in iter_records(layout, c)] == [
        r for c in bare for r in iter_records(layout, c)
    ]
    assert carried[0].without_records().raw == ()
