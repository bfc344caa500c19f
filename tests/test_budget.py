"""A step under a CPU budget is interrupted, not the task: a JSON validator that runs away
compiling a converter's output is recorded as errored and the conversion goes on."""

from __future__ import annotations

import contextlib
import signal
from pathlib import Path
from typing import ClassVar

import pytest
from fixtures import DOC_XSD, VALID_XML, write

from st9x.corpus.load import load_corpus
from st9x.corpus.model import DataFormat, SchemaSpec
from st9x.engine import conversion
from st9x.engine.budget import BudgetExceeded, cpu_budget
from st9x.engine.tasks import Step, plan
from st9x.engine.worker import Worker
from st9x.subjects.registry import select_adapters, select_converters
from st9x.subjects.validators.base import AdapterInfo


def _spin() -> None:
    while True:
        pass


def test_a_block_past_its_budget_is_interrupted() -> None:
    before = signal.getsignal(signal.SIGPROF)
    with pytest.raises(BudgetExceeded, match=r"gave up after 0\.2 s of CPU time"), cpu_budget(0.2):
        _spin()
    assert signal.getsignal(signal.SIGPROF) == before  # the previous handler is back
    with cpu_budget(5):  # a block within its budget runs as usual
        total = sum(range(1000))
    assert total == 499500


def test_an_except_exception_in_a_library_does_not_swallow_it() -> None:
    def library() -> None:
        with contextlib.suppress(Exception):  # a library's broad handler: the budget goes on
            _spin()

    with pytest.raises(BudgetExceeded), cpu_budget(0.2):
        library()


class SpinningJsonAdapter:
    """A JSON validator whose compile never ends (as fastjsonschema on a V6_0 draft-07
    conversion)."""

    name: ClassVar[str] = "spins-json"
    format: ClassVar[DataFormat] = "json"

    def info(self) -> AdapterInfo:
        return AdapterInfo(self.name, self.format, "tests", "0", ("draft7", "2020-12"), "")

    def compile(self, schema: SchemaSpec) -> object:
        _spin()
        raise AssertionError("unreachable")


def test_a_runaway_json_validator_does_not_lose_the_conversion(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(conversion, "CONVERTED_SCHEMA_BUDGET", 0.5)
    write(tmp_path / "c" / "doc.xsd", DOC_XSD)
    write(tmp_path / "c" / "doc.xml", VALID_XML)
    corpus = load_corpus(tmp_path / "c")
    adapters = {**select_adapters(["xmlschema-1.0", "jsonschema-rs"]),
                "spins-json": SpinningJsonAdapter()}
    converters = select_converters(["st97-v2"])
    worker = Worker(adapters, converters, conversion_out=tmp_path / "out")
    tasks = [t for t in plan([corpus], adapters, (), converters) if t.step is not Step.VALIDATE]
    schema, case = (worker.run(t) for t in tasks)
    assert schema["status"] == "ok"
    assert schema["validators"]["spins-json"] == {
        "status": "errored",
        "message": "spins-json: gave up after 0.5 s of CPU time compiling this schema",
    }
    assert schema["validators"]["jsonschema-rs"]["status"] == "compiled"
    assert case["conversion"]["status"] == "ok"
    assert case["json_verdicts"]["jsonschema-rs"]["verdict"] == "valid"
