"""The peer cache and sampling: exact numbers, write-once corpus directories, a fixed sample."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from st9x.corpus.peer.cache import (
    INDEX_NAME,
    cache_root,
    dump_exact_json,
    materialise,
    read_exact_json,
    store,
)
from st9x.corpus.peer.sample import sample


@pytest.mark.parametrize(
    "text",
    [
        "1.0",  # an integer-valued float: the suite tests that it counts as an integer
        "12345678910111213141516171819202122232425262728293031",
        "972783798187987123879878123.188781371",  # more digits than a double holds
        "-0.0",
        "1e-7",
        '{"a":[1,2.50,null,true,false,"\\u00e9\\n"],"b":{}}',
    ],
)
def test_numbers_keep_their_digits(text: str) -> None:
    written = dump_exact_json(read_exact_json(text)).decode()
    assert json.loads(written, parse_float=Decimal) == json.loads(text, parse_float=Decimal)
    assert dump_exact_json(read_exact_json(written)).decode() == written  # stable


def test_store_names_files_by_content(tmp_path: Path) -> None:
    first = store(tmp_path, b'{"type":"integer"}', ".json")
    assert store(tmp_path, b'{"type":"integer"}', ".json") == first
    assert store(tmp_path, b'{"type":"string"}', ".json") != first
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [first, store(tmp_path, b'{"type":"string"}', ".json")]
    )


def test_materialise_writes_once(tmp_path: Path) -> None:
    calls = []

    def fill(staging: Path) -> dict[str, object]:
        calls.append(staging)
        (staging / "data.json").write_text("1")
        return {"cases": 1}

    target = tmp_path / "corpus-abc"
    assert materialise(target, fill) == target
    assert materialise(target, fill) == target
    assert len(calls) == 1, "a complete directory is reused, not rewritten"
    assert json.loads((target / INDEX_NAME).read_text()) == {"cases": 1}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus-abc"], "no staging left over"


def test_cache_root_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ST9X_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_root() == tmp_path / "xdg" / "st9x"
    monkeypatch.setenv("ST9X_CACHE", str(tmp_path / "own"))
    assert cache_root() == tmp_path / "own"


def test_a_sample_depends_on_seed_and_corpus_only() -> None:
    items = list(range(100))
    one = sample(items, 10, 7, "w3c-xsd-1.0/sun/AGroupDef")
    assert len(one) == 10 and one == sorted(one)
    assert sample(items, 10, 7, "w3c-xsd-1.0/sun/AGroupDef") == one
    assert sample(items, 10, 8, "w3c-xsd-1.0/sun/AGroupDef") != one
    assert sample(items, 10, 7, "w3c-xsd-1.0/sun/CType") != one
    assert sample(items, None, 7, "x") == items
    assert sample(items[:5], 10, 7, "x") == items[:5], "a small corpus is kept whole"
