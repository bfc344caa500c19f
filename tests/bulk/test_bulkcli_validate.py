"""``st9x validate-bulk`` on bags of the embedded design schema (dgn:DesignBag of dgn:Design
records) and on trees of instances: verdicts, located errors, workers, exit codes."""

from __future__ import annotations

import shutil
from pathlib import Path

import orjson
import pytest
from tests.bulk.bulkcli_support import DESIGN_XSD, ROOT, design_bag, results, st9x

from st9x.corpus.bag import iter_records, read_layout
from st9x.corpus.synth.bag import PLANTED


@pytest.fixture(scope="module")
def bag(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return design_bag(tmp_path_factory.mktemp("bags") / "designs.xml", 300_000, invalid_every=5)


def test_every_record_judged_and_planted_ones_caught_at_their_line(
    bag: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = st9x("validate-bulk", bag, "--schema", DESIGN_XSD, "--out", tmp_path, "--workers",
                "1", "--chunk-mb", "0.05", "--quiet")
    assert code == 1
    header, records, footer = results(tmp_path)
    assert header["record"] == "{http://www.wipo.int/standards/XMLSchema/ST96/Design}Design"
    assert header["adapter"]["name"] == "lxml"
    assert len(header["schema"]["sha256"]) == 64 and header["schema"]["files"] >= 2
    raws = list(iter_records(read_layout(bag)))
    assert [r["index"] for r in records] == list(range(len(raws))) and len(raws) > 50
    assert [(r["offset"], r["line"], r["length"]) for r in records] == [
        (raw.offset, raw.line, raw.length) for raw in raws
    ]
    data = bag.read_bytes()
    for record in records:
        planted = record["index"] % 5 == 4
        assert record["verdict"] == ("invalid" if planted else "valid"), record
        if planted:
            at = data.index(PLANTED.encode(), record["offset"])
            assert record["errors"][0]["line"] == data.count(b"\n", 0, at) + 1
            assert PLANTED in record["errors"][0]["message"]
    assert footer is not None
    assert footer["records"] == len(raws)
    assert footer["counts"] == {"invalid": len(raws) // 5, "valid": len(raws) - len(raws) // 5}
    assert footer["bytes"] > 0.9 * bag.stat().st_size
    summary = capsys.readouterr().out
    assert f"{len(raws)} records" in summary and "0 kept" in summary


def test_two_workers_give_the_same_records_as_one(bag: Path, tmp_path: Path) -> None:
    for workers in ("1", "2"):
        st9x("validate-bulk", bag, "--schema", DESIGN_XSD, "--out", tmp_path / workers,
             "--workers", workers, "--chunk-mb", "0.03", "--quiet")
    assert results(tmp_path / "2")[1] == results(tmp_path / "1")[1]


def test_a_record_that_does_not_parse_is_errored_and_the_rest_go_on(
    bag: Path, tmp_path: Path
) -> None:
    raws = list(iter_records(read_layout(bag)))
    broken = raws[3]
    data = bytearray(bag.read_bytes())
    end_tag = data.rindex(b"</", broken.offset, broken.offset + broken.length - 20)
    data[end_tag + 2 : end_tag + 3] = b"X"  # a mismatched end tag inside record 3
    path = tmp_path / "broken.xml"
    path.write_bytes(bytes(data))
    assert st9x("validate-bulk", path, "--schema", DESIGN_XSD, "--out", tmp_path / "o",
                "--workers", "1", "--quiet") == 1
    records = results(tmp_path / "o")[1]
    assert len(records) == len(raws)
    assert records[3]["verdict"] == "errored"
    assert "record 3 does not parse" in records[3]["errors"][0]["message"]
    assert records[3]["errors"][0]["line"] >= broken.line
    assert [r["verdict"] for r in records[4:10]] == ["invalid", *["valid"] * 4, "invalid"]


def test_an_all_valid_bag_exits_0_and_json_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = design_bag(tmp_path / "valid.xml", 40_000)
    assert st9x("validate-bulk", path, "--schema", DESIGN_XSD, "--out", tmp_path / "o",
                "--format", "json", "--workers", "1") == 0
    summary = orjson.loads(capsys.readouterr().out)
    assert summary["counts"] == {"valid": summary["records"]} and summary["records"] > 5
    assert summary["kept"] == 0 and summary["results"].endswith("bulk.jsonl")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "no such file"),
        (b'<!DOCTYPE x [<!ENTITY a "b">]><x:DesignBag xmlns:x="urn:x"/>', "DOCTYPE"),
        (b"<Things/>", "cannot tell the records"),
    ],
)
def test_unreadable_inputs_are_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, expected: str
) -> None:
    path = tmp_path / "input.xml"
    if content is not None:
        path.write_bytes(content)
    assert st9x("validate-bulk", path, "--schema", DESIGN_XSD, "--out", tmp_path / "o") == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and expected in lines[0]


def test_a_bag_needs_an_xml_adapter(bag: Path, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    schema = ROOT / "corpora/st97-core/schemas/2020-12/designApplication.schema.json"
    assert st9x("validate-bulk", bag, "--schema", schema, "--adapter", "jsonschema-rs",
                "--out", tmp_path) == 2
    assert "a bag is an XML document" in capsys.readouterr().err


def test_a_tree_is_validated_file_by_file_in_sorted_order(tmp_path: Path) -> None:
    corpus = ROOT / "corpora" / "st96-core" / "instances"
    tree = tmp_path / "tree"
    picked = {
        "a/valid-full.xml": corpus / "valid" / "dgn-app-full.xml",
        "a/b/invalid-view.xml": corpus / "invalid" / "dgn-app-undeclared-view-element.xml",
        "c.xml": corpus / "valid" / "dgn-app-full.xml",
    }
    for name, source in picked.items():
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, tree / name)
    (tree / "notes.txt").write_text("not an instance")
    (tree / "a" / "broken.xml").write_text("<dgn:DesignApplication")
    assert st9x("validate-bulk", tree, "--schema", DESIGN_XSD, "--out", tmp_path / "o",
                "--quiet", "--workers", "2") == 1
    header, records, footer = results(tmp_path / "o")
    assert header["record"] is None
    assert [(Path(r["source"]).relative_to(tree).as_posix(), r["verdict"]) for r in records] == [
        ("a/b/invalid-view.xml", "invalid"),
        ("a/broken.xml", "errored"),
        ("a/valid-full.xml", "valid"),
        ("c.xml", "valid"),
    ]
    assert records[0]["errors"][0]["line"] >= 1
    assert footer is not None and footer["records"] == 4


def test_a_json_tree_with_a_json_schema_adapter(tmp_path: Path) -> None:
    corpus = ROOT / "corpora" / "st97-core" / "instances"
    tree = tmp_path / "tree"
    tree.mkdir()
    shutil.copy(corpus / "valid" / "dgn-app-full.json", tree / "1.json")
    shutil.copy(corpus / "invalid" / "dgn-app-bad-image-format.json", tree / "2.json")
    schema = ROOT / "corpora/st97-core/schemas/2020-12/designApplication.schema.json"
    assert st9x("validate-bulk", tree, "--schema", schema, "--adapter", "jsonschema-rs",
                "--out", tmp_path / "o", "--quiet") == 1
    assert [r["verdict"] for r in results(tmp_path / "o")[1]] == ["valid", "invalid"]
