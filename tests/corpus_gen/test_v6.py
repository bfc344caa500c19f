"""The real WIPO ST.96 V6_0 TrademarkApplication and PatentPublication document schemas."""

from __future__ import annotations

from pathlib import Path

import pytest

from st9x.corpus.synth.xml.generate import generate, write_corpus
from st9x.corpus.synth.xml.mutate import mutate_corpus

pytestmark = pytest.mark.needs_shared


@pytest.mark.parametrize("fixture", ["v6_trademark", "v6_patent"])
def test_generated_v6_instances_are_valid(fixture: str, request) -> None:
    path, model, validator = request.getfixturevalue(fixture)
    report = generate(path, model.root.name, 20, seed=1, model=model, validator=validator)
    assert [d.status for d in report.documents] == ["valid"] * 20, report.problems()[:2]
    root = report.documents[0].data
    assert b'st96Version="V6_0"' in root
    assert report.coverage["elements"]["used"] > 100


@pytest.mark.parametrize("fixture", ["v6_trademark", "v6_patent"])
def test_v6_mutants_are_rejected(fixture: str, request, tmp_path: Path) -> None:
    path, model, _validator = request.getfixturevalue(fixture)
    source = tmp_path / "valid"
    write_corpus(path, model.root.name, 20, 3, source)
    report = mutate_corpus(source, tmp_path / "mutants", seed=3)
    statuses = [m.status for m in report.mutants]
    # A mutant both validators accept is a mutation-engine bug; disagreements are validator
    # findings (reported in report.json) and allowed here.
    assert "accepted" not in statuses, report.as_dict()["problems"]
    assert statuses.count("rejected") >= 15


def test_v6_same_seed_same_bytes_with_separately_built_schemas(v6_trademark) -> None:
    """Each run builds its own schema objects, so nothing may depend on object identity or
    on the order in which xmlschema happens to load the imported schemas."""
    path, model, _validator = v6_trademark
    first = [d.data for d in generate(path, model.root.name, 10, seed=7, check=False).documents]
    again = [d.data for d in generate(path, model.root.name, 10, seed=7, check=False).documents]
    assert first == again
