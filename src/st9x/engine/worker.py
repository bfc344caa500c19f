"""Running one task: compile (once per adapter and schema), validate, time, and turn whatever
happens into a result record.

Whatever an adapter does (answers, raises st9x's errors, crashes with any other exception) ends
as a record: ``errored`` or ``skipped`` with its message, never an exception out of the worker.
That is what lets a run go on past a bad file or a broken validator and keep every result.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from st9x.adapters.base import Adapter, CompiledSchema, Outcome, Problem, Unsupported, Verdict
from st9x.corpus.model import Case, SchemaSpec
from st9x.engine.tasks import Task
from st9x.errors import SchemaInvalid, St9xError, one_line

Record = dict[str, Any]


@dataclass
class _Compilation:
    compiled: CompiledSchema | None
    seconds: float
    verdict: Verdict | None = None  # ERRORED or SKIPPED when compilation did not succeed
    message: str | None = None
    line: int | None = None
    invalid: bool = False  # the validator rejected the schema (SchemaInvalid), not st9x


class Worker:
    """Holds the adapters and the compiled schemas of one process; each schema is compiled once
    per adapter for the life of the worker (a run, a pytest session, a pool process)."""

    def __init__(self, adapters: Mapping[str, Adapter]) -> None:
        self.adapters = dict(adapters)
        # keyed by what compiling depends on: the same file under another dialect (XSD 1.0 and
        # 1.1 corpora of one suite) or another URI map is another compilation
        self._compiled: dict[tuple[object, ...], _Compilation] = {}
        self._hashes: dict[Path, str | None] = {}

    def run(self, task: Task) -> Record:
        case = task.case
        adapter = self.adapters[task.adapter]
        record = base_record(case, task.adapter, self._sha256(case.instance))
        if case.problem or case.schema is None:
            return finish_record(
                record, Verdict.ERRORED, [Problem(case.problem or "no schema for this case")]
            )

        compile_seconds = None
        key = (task.adapter, case.schema.path, case.schema.dialect, case.schema.uri_map)
        compilation = self._compiled.get(key)
        if compilation is None:
            compilation = self._compile(adapter, case.schema)
            self._compiled[key] = compilation
            compile_seconds = compilation.seconds
        record["times"]["compile"] = compile_seconds
        if case.kind == "schema":
            return _schema_record(record, compilation)
        if compilation.compiled is None:
            assert compilation.verdict is not None
            return finish_record(
                record,
                compilation.verdict,
                [Problem(compilation.message or "", None, compilation.line)],
            )

        start = time.perf_counter()
        try:
            outcome = compilation.compiled.validate(case.instance)
        except Unsupported as exc:
            outcome = Outcome(Verdict.SKIPPED, (Problem(one_line(str(exc))),), 1)
        except St9xError as exc:
            outcome = Outcome(Verdict.ERRORED, (Problem(str(exc), None, exc.line),), 1)
        except Exception as exc:  # a crash in a validator is a result, not the end of the run
            outcome = Outcome(Verdict.ERRORED, (Problem(_crash(task.adapter, exc)),), 1)
        record["times"]["validate"] = round(time.perf_counter() - start, 6)
        return finish_record(record, outcome.verdict, list(outcome.errors), outcome.error_count)

    def _compile(self, adapter: Adapter, schema: SchemaSpec) -> _Compilation:
        start = time.perf_counter()
        try:
            compiled = adapter.compile(schema)
        except Unsupported as exc:
            return _Compilation(
                None, time.perf_counter() - start, Verdict.SKIPPED, one_line(str(exc))
            )
        except St9xError as exc:
            return _Compilation(
                None,
                time.perf_counter() - start,
                Verdict.ERRORED,
                str(exc),
                exc.line,
                invalid=isinstance(exc, SchemaInvalid),
            )
        except Exception as exc:
            return _Compilation(
                None, time.perf_counter() - start, Verdict.ERRORED, _crash(adapter.name, exc)
            )
        return _Compilation(compiled, round(time.perf_counter() - start, 6))

    def _sha256(self, path: Path) -> str | None:
        if path not in self._hashes:
            try:
                self._hashes[path] = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                self._hashes[path] = None
        return self._hashes[path]


def _schema_record(record: Record, compilation: _Compilation) -> Record:
    """The verdict of a schema test is the compilation's: compiled is ``valid``, rejected by the
    validator is ``invalid``; refused by st9x, unreadable or crashed stays ``errored``, and a
    dialect the adapter does not implement ``skipped``."""
    if compilation.compiled is not None:
        return finish_record(record, Verdict.VALID, [])
    assert compilation.verdict is not None
    verdict = Verdict.INVALID if compilation.invalid else compilation.verdict
    return finish_record(
        record, verdict, [Problem(compilation.message or "", None, compilation.line)]
    )


def _crash(adapter: str, exc: BaseException) -> str:
    if isinstance(exc, MemoryError):
        return f"{adapter} ran out of memory (the worker's memory limit, or the machine's)"
    return f"{adapter} raised {type(exc).__name__}: {one_line(str(exc))}"


def base_record(case: Case, adapter: str, sha256: str | None) -> Record:
    """A record with the case's identity filled in and no verdict yet."""
    return {
        "type": "record",
        "corpus": case.corpus,
        "case": case.id,
        "adapter": adapter,
        "format": case.format,
        "schema": case.schema.key if case.schema else None,
        "instance": case.source or case.instance.name,
        "instance_sha256": sha256,
        "expected": case.expected,
        "constraint": case.constraint,
        "tags": list(case.tags),
        "verdict": None,
        "ok": None,
        "errors": [],
        "error_count": 0,
        "times": {"compile": None, "validate": None},
    }


def finish_record(
    record: Record, verdict: Verdict, problems: list[Problem], count: int | None = None
) -> Record:
    """Set the verdict and errors, and whether the verdict is the expected one."""
    record["verdict"] = str(verdict)
    record["errors"] = [p.as_json() for p in problems]
    record["error_count"] = count if count is not None else len(problems)
    expected = record["expected"]
    if expected != "unknown" and verdict != Verdict.SKIPPED:
        record["ok"] = str(verdict) == expected
    return record
