"""The run's executor on Dask: the records of the local pool, each exactly once, also when a
Dask worker dies in the middle of the run (its restarted successor is set up again)."""

from __future__ import annotations

import os
from typing import Any

import distributed
from tests.parallel.conftest import kill_busy_worker

from st9x.corpus.load import load_corpora
from st9x.engine.dask_executor import DaskExecutor
from st9x.engine.isolation import ProcessExecutor
from st9x.engine.records import Record
from st9x.engine.tasks import Step, plan
from st9x.engine.worker import Worker
from st9x.subjects.registry import select_adapters


def _stable(records: list[Record]) -> list[tuple[Any, ...]]:
    """The records in plan order, less their timings."""
    return sorted(
        (r["corpus"], r["case"], r["adapter"], r["verdict"], repr(r["errors"])) for r in records
    )


def test_a_killed_dask_worker_loses_no_record_and_duplicates_none(
    dask_client: distributed.Client,
) -> None:
    adapters = select_adapters(["lxml", "xmlschema-1.0", "jsonschema-rs"])
    corpora = load_corpora(["st96-core", "st97-core"])
    tasks = plan(corpora, adapters, steps=(Step.VALIDATE,))
    assert len(tasks) > 100
    local = ProcessExecutor(Worker(adapters), jobs=2)
    expected = _stable(list(local.map(tasks)))
    executor = DaskExecutor(Worker(adapters), dask_client)
    got: list[Record] = []
    victim = None
    for record in executor.map(tasks):
        got.append(record)
        if victim is None:  # the worker and, by PR_SET_PDEATHSIG, its child process
            victim = kill_busy_worker(dask_client, "st9x-run-")
    executor.close()
    log = dask_client.cluster.scheduler.transition_log
    assert {entry[0] for entry in log if str(entry[0]).startswith("st9x-run-")
            and entry[1] == "processing" and entry[2] in ("released", "waiting")}
    assert len(got) == len(tasks)
    assert len({(r["corpus"], r["case"], r["adapter"]) for r in got}) == len(tasks)
    assert _stable(got) == expected
    assert not [r for r in got if r["verdict"] == "errored"]
    dask_client.wait_for_workers(2, timeout=60)
    assert victim not in dask_client.run(os.getpid).values()
