"""The loaders on the real peer suites beside the project (``../shared/peer-suites``), skipped
with the reason where they are absent. Loading is cheap; only a small sample is run."""

from __future__ import annotations

from pathlib import Path

import pytest
from peer_suites import REAL_PEERS

from st9x.corpus.peer import load_peer
from st9x.engine.judge import judge
from st9x.engine.tasks import plan
from st9x.engine.worker import Worker
from st9x.ledger import Ledger
from st9x.subjects.validators.base import Adapter

JSTS = REAL_PEERS / "JSON-Schema-Test-Suite"
XSDTESTS = REAL_PEERS / "xsdtests"


def _present(path: Path) -> Path:
    if not path.is_dir():
        pytest.skip(f"peer suite not present: {path} (../shared/peer-suites beside the project)")
    return path


def test_json_schema_test_suite(tmp_path: Path, adapters: dict[str, Adapter]) -> None:
    load = load_peer("json-schema-test-suite", _present(JSTS), cache=tmp_path, sample=5)
    ids = {c.id for c in load.corpora}
    for folder in ("draft4", "draft6", "draft7", "draft2019-09", "draft2020-12"):
        assert {f"jsts/{folder}", f"jsts/{folder}-optional"} <= ids
    assert load.total > 5000 and load.cases == 5 * len(load.corpora)
    # the draft-07 sample passes under jsonschema, the reference implementation
    draft7 = [c for c in load.corpora if c.id == "jsts/draft7"]
    worker = Worker(adapters)
    for task in plan(draft7, {"jsonschema": adapters["jsonschema"]}):
        judgement, _ = judge(worker.run(task), Ledger())
        assert judgement == "pass", task.item_id


def test_w3c_xsd_suite(tmp_path: Path, adapters: dict[str, Adapter]) -> None:
    load = load_peer("w3c-xsd", _present(XSDTESTS), cache=tmp_path, sample=1, seed=0)
    assert any(
        n.startswith("test set nistMeta/NISTXMLSchemaDatatypes.testSet skipped: the file is")
        for n in load.notes
    ), "the NIST test set is referenced but absent: skipped with the reason"
    versions = {c.id.split("/")[0] for c in load.corpora}
    assert versions == {"w3c-xsd-1.0", "w3c-xsd-1.1"}
    assert load.total > 30000 and load.cases == len(load.corpora)
    sun = [c for c in load.corpora if c.id.startswith("w3c-xsd-1.0/sun/")]
    worker = Worker(adapters)
    records = [worker.run(t) for t in plan(sun, adapters)]
    assert {r["verdict"] for r in records if r["adapter"] == "xmlschema-1.1"} == {"skipped"}
    assert any(r["ok"] for r in records if r["adapter"] == "lxml")
