"""``st9x corpus bag``: a bag of a target size streamed from a few generated records,
reproducible for a seed, every record valid but the planted ones, in bounded pieces."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from tests.bulk.bulkcli_support import DESIGN_XSD, DGN, st9x

from st9x.corpus.bag import iter_records, read_layout
from st9x.corpus.synth.bag import bag_chunks, make_templates, parse_bag_size
from st9x.errors import UsageError


def _bag(tmp_path: Path, name: str, seed: int, *extra: str) -> Path:
    out = tmp_path / name
    code = st9x("corpus", "bag", "--schema", DESIGN_XSD, "--root", f"{DGN}DesignBag",
                "--size", "120k", "--distinct", "2", "--seed", str(seed), "-o", out,
                "--in-process", *extra)
    assert code == 0
    return out


def test_the_same_seed_gives_the_same_bag(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    first = _bag(tmp_path, "a.xml", 3)
    assert "records (0 planted invalid)" in capsys.readouterr().out
    assert _bag(tmp_path, "b.xml", 3).read_bytes() == first.read_bytes()
    assert _bag(tmp_path, "c.xml", 4).read_bytes() != first.read_bytes()
    assert 120_000 <= first.stat().st_size < 130_000
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_records_are_valid_but_the_planted_ones(tmp_path: Path) -> None:
    path = _bag(tmp_path, "bag.xml", 1, "--invalid-every", "4")
    schema = etree.XMLSchema(etree.parse(str(DESIGN_XSD)))
    layout = read_layout(path)
    verdicts = [bool(schema.validate(layout.parse(raw))) for raw in iter_records(layout)]
    assert len(verdicts) > 20
    assert verdicts == [index % 4 != 3 for index in range(len(verdicts))]


def test_the_bag_is_streamed_in_pieces_of_one_record() -> None:
    templates = make_templates(DESIGN_XSD, f"{DGN}Design", 2, 0)
    largest = max(len(t.record(10**6, False)) for t in templates.items)
    pieces = bag_chunks(templates, f"{DGN}DesignBag", 10**9)
    for _, (piece, _planted) in zip(range(5000), pieces, strict=False):
        assert len(piece) <= largest + 1
    with pytest.raises(UsageError, match="namespace"):
        next(bag_chunks(templates, "{urn:elsewhere}ThingBag", 1000))


@pytest.mark.parametrize(("text", "size"), [("100m", 10**8), ("1g", 10**9), ("250k", 250_000),
                                            ("1.5G", 1_500_000_000), ("4096", 4096)])
def test_sizes(text: str, size: int) -> None:
    assert parse_bag_size(text) == size


@pytest.mark.parametrize("text", ["", "-1m", "ten", "0"])
def test_bad_sizes(text: str) -> None:
    with pytest.raises(UsageError):
        parse_bag_size(text)
