"""``st9x convert-bulk``: bag → JSON Lines → bag round trips, worker-count independence, broken
records reported with their line while the rest is converted, unreadable inputs."""

from __future__ import annotations

import subprocess
from pathlib import Path

import orjson
import pytest
from lxml import etree

from bulk.convbulk_bags import (
    CORE_XSD,
    ST9X,
    TMK,
    V6_XSD,
    core_bag,
    core_records,
    parse,
    v6_bag,
)
from st9x.formats import first_error
from st9x.st97 import Mapper, compare_xml, compile_schema, jsonio

RECORD = f"{{{TMK}}}TrademarkApplication"


def _run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(ST9X), "convert-bulk", *map(str, args)],
                          capture_output=True, text=True, timeout=600)


def _records(bag: Path) -> list[etree._Element]:
    return list(parse(bag))


@pytest.fixture(scope="module")
def core(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return core_bag(tmp_path_factory.mktemp("core") / "bag.xml", copies=3)


def test_each_line_is_the_record_converted_alone_and_the_bag_comes_back(
    core: Path, tmp_path: Path
) -> None:
    jsonl, back = tmp_path / "out.jsonl", tmp_path / "back.xml"
    done = _run(core, "--schema", CORE_XSD, "--to", "json", "--out", jsonl, "--workers", "1",
                "--format", "json")
    assert done.returncode == 0, done.stderr
    summary = orjson.loads(done.stdout)
    records = _records(core)
    assert summary["records"] == summary["converted"] == len(records) == 3 * len(core_records())
    assert not (tmp_path / "out.jsonl.errors.jsonl").exists()
    mapper = Mapper(compile_schema(CORE_XSD, root=RECORD))
    lines = jsonl.read_bytes().splitlines()
    for line, source in zip(lines, core_records() * 3, strict=True):
        assert line == jsonio.dumps(mapper.to_json(source))  # as `st9x convert xml` gives it
    done = _run(jsonl, "--schema", CORE_XSD, "--to", "xml", "--out", back,
                "--root", f"{{{TMK}}}TrademarkApplicationBag", "--workers", "1")
    assert done.returncode == 0, done.stderr
    again = _records(back)
    assert etree.parse(str(back)).getroot().tag == f"{{{TMK}}}TrademarkApplicationBag"
    assert len(again) == len(records)
    for original, converted in zip(records, again, strict=True):
        single = mapper.to_xml(mapper.to_json(original))  # the converter's own round trip
        assert _c14n(converted) == _c14n(single)
        outcome = compare_xml(etree.tostring(original), etree.tostring(converted))
        assert outcome.equal, outcome.difference


def test_two_workers_write_the_same_bytes_as_one(core: Path, tmp_path: Path) -> None:
    outputs = {}
    for workers in ("1", "2"):
        jsonl, back = tmp_path / f"w{workers}.jsonl", tmp_path / f"w{workers}.xml"
        common = ("--schema", CORE_XSD, "--workers", workers, "--chunk-mb", "0.01")
        assert _run(core, *common, "--to", "json", "--out", jsonl).returncode == 0
        assert _run(jsonl, *common, "--to", "xml", "--out", back,
                    "--record", RECORD).returncode == 0
        outputs[workers] = (jsonl.read_bytes(), back.read_bytes())
    assert outputs["1"] == outputs["2"]
    assert outputs["1"][0].count(b"\n") == len(_records(core))


def test_a_broken_record_is_reported_with_its_bag_line_and_the_rest_converted(
    tmp_path: Path,
) -> None:
    records = [etree.tostring(parse(p)) for p in core_records()[:4]]
    unknown = records[1].replace(b"<com:ApplicationNumber>",
                                 b"<tmk:NoSuchThing/><com:ApplicationNumber>", 1)
    broken = b"<tmk:TrademarkApplication><tmk:Open></tmk:TrademarkApplication>"
    bag = tmp_path / "bag.xml"
    head = (f'<?xml version="1.0"?>\n<tmk:TrademarkApplicationBag xmlns:tmk="{TMK}">\n'
            .encode())
    bag.write_bytes(head + b"\n".join([records[0], unknown, broken, *records[2:]])
                    + b"\n</tmk:TrademarkApplicationBag>\n")
    data = bag.read_bytes()
    unknown_line = data[: data.index(b"<tmk:NoSuchThing/>")].count(b"\n") + 1
    broken_line = data[: data.index(broken)].count(b"\n") + 1
    out = tmp_path / "out.jsonl"
    done = _run(bag, "--schema", CORE_XSD, "--to", "json", "--out", out, "--workers", "1")
    assert done.returncode == 1
    errors = done.stderr.splitlines()
    assert len(errors) == 2, done.stderr
    assert f"{bag}:{unknown_line}: " in errors[0] and "NoSuchThing" in errors[0]
    assert f"{bag}:{broken_line}: " in errors[1]
    assert len(out.read_bytes().splitlines()) == 3  # the others, in order
    side = [orjson.loads(x) for x in (tmp_path / "out.jsonl.errors.jsonl").read_bytes()
            .splitlines()]
    assert [(e["index"], e["line"]) for e in side] == [(1, unknown_line), (2, broken_line)]
    assert side[1]["offset"] == data.index(broken)
    assert all(first_error("convert-bulk-errors", e) is None for e in side)


def test_a_broken_json_line_is_reported_and_the_rest_converted(core: Path,
                                                              tmp_path: Path) -> None:
    jsonl = tmp_path / "in.jsonl"
    assert _run(core, "--schema", CORE_XSD, "--to", "json", "--out", jsonl).returncode == 0
    lines = jsonl.read_bytes().splitlines()
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b"\n".join([lines[0], b'{"trademarkApplication": ', b"", b'{"x": 1}',
                                *lines[1:3]]) + b"\n")
    out = tmp_path / "out.xml"
    done = _run(bad, "--schema", CORE_XSD, "--to", "xml", "--out", out, "--record", RECORD)
    assert done.returncode == 1
    errors = done.stderr.splitlines()
    where = [e.removeprefix("st9x: error: ").split(": ", 1)[0] for e in errors]
    assert where == [f"{bad}:2", f"{bad}:4"], errors
    assert len(_records(out)) == 3
    side = [orjson.loads(x) for x in (tmp_path / "out.xml.errors.jsonl").read_bytes()
            .splitlines()]
    assert [(e["index"], e["line"]) for e in side] == [(1, 2), (2, 4)]


@pytest.mark.parametrize("content", [b"", b"<a><b>", b'<!DOCTYPE x [<!ENTITY e "e">]><x/>'])
def test_an_unreadable_bag_is_one_line_and_exit_2(content: bytes, tmp_path: Path) -> None:
    bag = tmp_path / "bag.xml"
    bag.write_bytes(content)
    out = tmp_path / "out.jsonl"
    done = _run(bag, "--schema", CORE_XSD, "--to", "json", "--out", out, "--record", "a")
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1 and str(bag) in done.stderr
    assert not out.exists()


def test_a_failed_run_keeps_an_existing_output(core: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_bytes(b"kept\n")
    done = _run(core, "--schema", CORE_XSD, "--to", "json", "--out", out,
                "--converter", "xmltodict")
    assert done.returncode == 2 and "ST.97" in done.stderr
    assert out.read_bytes() == b"kept\n"


@pytest.mark.needs_shared
@pytest.mark.skipif(not V6_XSD.is_file(), reason="needs ../shared (the WIPO ST.96 V6_0 schemas)")
def test_a_v6_trademark_bag_round_trips(tmp_path: Path) -> None:
    """Generated V6_0 trademarks: every record either comes back as the converter's own round
    trip of it or is reported (the converter refuses some generated MathML content)."""
    bag = v6_bag(tmp_path / "tm.xml", count=8)
    jsonl, back = tmp_path / "tm.jsonl", tmp_path / "back.xml"
    common = ("--schema", V6_XSD, "--converter", "st97-v2-ordered", "--workers", "2",
              "--chunk-mb", "0.05")
    first = _run(bag, *common, "--to", "json", "--out", jsonl)
    assert first.returncode in (0, 1), first.stderr
    failed = {orjson.loads(x)["index"] for x in _side(jsonl)}
    second = _run(jsonl, *common, "--to", "xml", "--out", back, "--root",
                  f"{{{TMK}}}TrademarkBag")
    assert second.returncode in (0, 1), second.stderr
    failed_back = {orjson.loads(x)["index"] for x in _side(back)}
    kept = [r for i, r in enumerate(_records(bag)) if i not in failed]
    kept = [r for i, r in enumerate(kept) if i not in failed_back]
    again = _records(back)
    assert len(again) == len(kept) >= 1
    mapper = Mapper(compile_schema(V6_XSD, root=f"{{{TMK}}}Trademark",
                                   options={"choice-unbounded": "ordered"}))
    equal = 0
    for original, converted in zip(kept, again, strict=True):
        single = mapper.to_xml(mapper.to_json(original))
        assert _c14n(converted) == _c14n(single)
        equal += compare_xml(etree.tostring(original), etree.tostring(converted)).equal
    assert equal >= 1  # and at least one record comes back equal to the original


def _c14n(element: etree._Element) -> str:
    return str(etree.canonicalize(etree.tostring(element, encoding="unicode")))


def _side(output: Path) -> list[bytes]:
    path = output.with_name(output.name + ".errors.jsonl")
    return path.read_bytes().splitlines() if path.exists() else []
