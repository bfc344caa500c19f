"""The JSON-Schema-Test-Suite loader on a suite in miniature, run by every JSON adapter."""

from __future__ import annotations

from pathlib import Path

import pytest
from peer_suites import write_json, write_jsts

from st9x.corpus.model import Corpus
from st9x.corpus.peer import load_peer
from st9x.corpus.peer.jsts import REMOTES_PREFIX
from st9x.engine.tasks import plan
from st9x.engine.worker import Worker
from st9x.errors import CorpusError, UsageError
from st9x.subjects.validators.base import Adapter

KIND = "json-schema-test-suite"


@pytest.fixture
def suite(tmp_path: Path) -> Path:
    return write_jsts(tmp_path / "JSON-Schema-Test-Suite")


def _by_id(corpora: list[Corpus]) -> dict[str, Corpus]:
    return {c.id: c for c in corpora}


def test_one_corpus_per_dialect_folder_with_optional_apart(suite: Path, tmp_path: Path) -> None:
    load = load_peer(KIND, suite, cache=tmp_path / "cache")
    corpora = _by_id(load.corpora)
    assert sorted(corpora) == ["jsts/draft2020-12", "jsts/draft7", "jsts/draft7-optional"]
    assert len(corpora["jsts/draft7"].cases) == 7
    assert len(corpora["jsts/draft7-optional"].cases) == 2
    assert all("optional" in c.tags for c in corpora["jsts/draft7-optional"].cases)
    assert load.total == load.cases == 11
    assert load.notes == [
        "tests/draft3/ not run: st9x runs draft4, draft6, draft7, draft2019-09, draft2020-12",
        "tests/draft2020-12/proposals/ not run: st9x runs the required tests and optional/",
    ]

    case = {c.id: c for c in corpora["jsts/draft7"].cases}["type/0/2"]
    assert case.expected == "invalid" and case.format == "json"
    assert case.source == "tests/draft7/type.json#/0/tests/2"
    assert case.description == "integer type matches integers: a string is not an integer"
    assert case.instance.read_text() == '"1"'
    assert case.schema is not None and case.schema.id == "type/0"


def test_dialect_from_the_folder_or_from_schema_for_2019_and_later(
    suite: Path, tmp_path: Path
) -> None:
    corpora = _by_id(load_peer(KIND, suite, cache=tmp_path / "cache").corpora)
    draft7 = corpora["jsts/draft7"].cases[0].schema
    assert draft7 is not None and draft7.dialect == "draft7"
    modern = corpora["jsts/draft2020-12"].cases[0].schema
    assert modern is not None and modern.dialect is None, "$schema decides (README: SHOULD)"
    write_json(
        suite / "tests" / "draft2020-12" / "plain.json",
        [{"description": "no $schema", "schema": {}, "tests": [{"data": 1, "valid": True}]}],
    )
    corpora = _by_id(load_peer(KIND, suite, cache=tmp_path / "cache").corpora)
    plain = {c.id: c for c in corpora["jsts/draft2020-12"].cases}["plain/0/0"].schema
    assert plain is not None and plain.dialect == "2020-12"


def test_numbers_reach_the_validators_exactly(suite: Path, tmp_path: Path) -> None:
    corpora = _by_id(load_peer(KIND, suite, cache=tmp_path / "cache").corpora)
    cases = {c.id: c for c in corpora["jsts/draft7"].cases + corpora["jsts/draft7-optional"].cases}
    assert cases["type/0/1"].instance.read_text() == "1.0"
    big = cases["bignum/0/0"].instance.read_text()
    assert big == "12345678910111213141516171819202122232425262728293031"


def test_every_json_adapter_passes_the_miniature_suite_offline(
    suite: Path, tmp_path: Path, adapters: dict[str, Adapter]
) -> None:
    """Includes the remote $ref to http://localhost:1234/, served from remotes/, and the draft-07
    array form of items, which an adapter must judge by the folder's dialect (no $schema)."""
    load = load_peer(KIND, suite, cache=tmp_path / "cache")
    worker = Worker(adapters)
    records = [worker.run(t) for t in plan(load.corpora, adapters)]
    assert records
    for record in records:
        if record["adapter"] == "fastjsonschema" and record["corpus"] == "jsts/draft2020-12":
            assert record["verdict"] == "skipped"
        elif record["format"] == "json":
            assert record["ok"] is True, record
    remote = next(r for r in records if r["case"] == "refRemote/0/1")
    assert remote["verdict"] == "invalid"


def test_remotes_are_mapped_not_fetched(suite: Path, tmp_path: Path) -> None:
    corpora = _by_id(load_peer(KIND, suite, cache=tmp_path / "cache").corpora)
    schema = corpora["jsts/draft7"].cases[0].schema
    assert schema is not None
    assert schema.uri_map == ((REMOTES_PREFIX, (suite / "remotes").resolve()),)


def test_reruns_reuse_the_cache_and_sampling_is_fixed(suite: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = load_peer(KIND, suite, cache=cache)
    written = sorted(p for p in cache.rglob("*") if p.is_file())
    mtimes = [p.stat().st_mtime_ns for p in written]
    again = load_peer(KIND, suite, cache=cache)
    assert [c.root for c in again.corpora] == [c.root for c in first.corpora]
    assert [p.stat().st_mtime_ns for p in written] == mtimes, "nothing rewritten"

    sampled = load_peer(KIND, suite, cache=cache, sample=3, seed=5)
    assert [len(c.cases) for c in sampled.corpora] == [3, 2, 2]
    assert sampled.total == 11 and sampled.cases == 7
    same = load_peer(KIND, suite, cache=cache, sample=3, seed=5)
    assert [c.key for k in same.corpora for c in k.cases] == [
        c.key for k in sampled.corpora for c in k.cases
    ]


def test_one_dialect_folder_alone_as_bowtie_takes_it(suite: Path, tmp_path: Path) -> None:
    load = load_peer(KIND, suite / "tests" / "draft7", cache=tmp_path / "cache")
    assert [c.id for c in load.corpora] == ["jsts/draft7"]
    assert "tests/draft2020-12/ not run: only the folder given is" in load.notes
    assert "tests/draft7/optional/ not run: only the folder given is" in load.notes
    load = load_peer(KIND, suite / "tests" / "draft7" / "optional", cache=tmp_path / "cache")
    assert [c.id for c in load.corpora] == ["jsts/draft7-optional"]


def test_a_malformed_file_is_noted_not_fatal(suite: Path, tmp_path: Path) -> None:
    (suite / "tests" / "draft7" / "broken.json").write_text("{not json")
    write_json(suite / "tests" / "draft7" / "object.json", {"not": "a list"})
    load = load_peer(KIND, suite, cache=tmp_path / "cache")
    assert any(
        n.startswith("tests/draft7/broken.json not run: cannot read it as JSON") for n in load.notes
    )
    assert "tests/draft7/object.json not run: not a list of test cases" in load.notes
    assert len(_by_id(load.corpora)["jsts/draft7"].cases) == 7


def test_not_a_suite_or_unknown_kind(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="not a JSON-Schema-Test-Suite checkout"):
        load_peer(KIND, tmp_path, cache=tmp_path / "cache")
    with pytest.raises(UsageError, match="unknown peer suite kind 'bowtie'"):
        load_peer("bowtie", tmp_path)
    with pytest.raises(UsageError, match="at least 1"):
        load_peer(KIND, tmp_path, sample=0)
