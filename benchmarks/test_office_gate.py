"""The office-data gate on the WIPO V6_0 package (docs/office-data.md): what one worker pays to
give every subject that needs it the xmlschema model of a document schema. The validator, the
XSD verdicts, each ST.97 profile and the decision checks used to load it each; now the first
loads it and the others share it (st9x.xsdload). Both in one benchmark group, so the ratio
comes from one run:

    pytest benchmarks/test_office_gate.py --benchmark-only --benchmark-group-by=group \
        --benchmark-columns=min,median,rounds

The whole-run figures (st9x run on the package, with and without --converter all) are in
docs/office-data.md with their commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import xmlschema

from st9x import xsdload

ROOT = Path(__file__).resolve().parents[1]
V6 = ROOT.parent / "shared" / "corpora" / "wipo-st96-v6_0"
SCHEMA = V6 / "schemas" / "GIApplication_V6_0.xsd"
SUBJECTS = 5  # validator, XSD verdict, two ST.97 profiles, decision checks


@pytest.fixture(scope="module")
def schema() -> Path:
    if not SCHEMA.is_file():
        pytest.skip(f"the WIPO ST.96 V6_0 package is not at {SCHEMA.parent.parent}")
    return SCHEMA


@pytest.mark.benchmark(group="v6-model-for-five-subjects")
def test_each_subject_loads_its_own(benchmark: Any, schema: Path) -> None:
    def load_each() -> None:
        for _ in range(SUBJECTS):
            xmlschema.XMLSchema10(str(schema), allow="local", defuse="always")

    benchmark.pedantic(load_each, rounds=2, iterations=1)


@pytest.mark.benchmark(group="v6-model-for-five-subjects")
def test_subjects_share_one_model(benchmark: Any, schema: Path) -> None:
    def share() -> None:
        xsdload.clear()
        models = {id(xsdload.load_xmlschema(schema)) for _ in range(SUBJECTS)}
        assert len(models) == 1 and xsdload.load_counts()["loads"] == 1

    benchmark.pedantic(share, rounds=2, iterations=1)
