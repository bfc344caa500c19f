"""The validation step: compile (once per validator and schema), validate, time, and turn
whatever happens into a validation record.

Whatever an adapter does (answers, raises st9x's errors, crashes with any other exception) ends
as a record: ``errored`` or ``skipped`` with its message, never an exception out of the worker.
That is what lets a run go on past a bad file or a broken validator and keep every result.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import orjson
from lxml import etree

from st9x.corpus.model import Case, SchemaSpec
from st9x.corpus.st96version import (
    DocumentVersion,
    mark_extension,
    read_document_version,
    read_schema_version,
)
from st9x.engine.limits import DEFAULT_MAX_ERRORS
from st9x.engine.records import St96Versions, ValidationRecord
from st9x.engine.tasks import Task
from st9x.errors import InstanceError, SchemaInvalid, St9xError, crash_message, one_line
from st9x.filelimit import open_regular, oversize
from st9x.subjects.validators.base import (
    Adapter,
    CompiledSchema,
    Outcome,
    Problem,
    Unsupported,
    Verdict,
)
from st9x.text import writable
from st9x.xmlsafe import safe_parser

Record = ValidationRecord


@dataclass
class _Compilation:
    compiled: CompiledSchema | None
    seconds: float
    verdict: Verdict | None = None  # ERRORED or SKIPPED when compilation did not succeed
    message: str | None = None
    line: int | None = None
    invalid: bool = False  # the validator rejected the schema (SchemaInvalid), not st9x


class Validation:
    """Holds the validators and the compiled schemas of one process; each schema is compiled
    once per validator for the life of the process (a run, a pytest session, a pool worker).

    ``max_errors`` is how many errors a record keeps (0: all); it travels with the validation
    into every worker process, so the cap is applied where the errors are found."""

    def __init__(
        self,
        adapters: Mapping[str, Adapter],
        *,
        max_errors: int = DEFAULT_MAX_ERRORS,
        floors: bool = True,
    ) -> None:
        self.adapters = dict(adapters)
        self.max_errors = max_errors
        # the parse-only floor costs one more parse of every instance (as much as lxml's whole
        # validation of a large one): a run that wants verdicts, not ratios, can leave it out
        self.floors = floors
        # keyed by what compiling depends on: the same file under another dialect (XSD 1.0 and
        # 1.1 corpora of one suite) or another URI map is another compilation
        self._compiled: dict[tuple[object, ...], _Compilation] = {}
        self._hashes: dict[Path, str | None] = {}
        # each document's head and each schema's head is read once per process, not per adapter
        self._document_versions: dict[Path, DocumentVersion | None] = {}
        self._schema_versions: dict[Path, str | None] = {}
        # each instance's size and parse-only time are taken once per process, not per adapter
        self._sizes: dict[Path, int | None] = {}
        self._floors: dict[Path, float | None] = {}

    def run(self, task: Task) -> Record:
        case = task.case
        adapter = self.adapters[task.adapter]
        if case.problem or case.schema is None:
            # the problem first: a case whose path leads outside the corpus is never opened, not
            # even to hash it (a hash of a file outside is an oracle for its content, and a
            # symlink to /dev/zero would be read until the memory limit: F4)
            return finish_record(
                base_record(case, task.adapter, None),
                Verdict.ERRORED,
                [Problem(case.problem or "no schema for this case")],
            )
        big = oversize(case.instance)
        if big:  # neither hashed nor handed to a validator: it would be read whole
            return finish_record(
                base_record(case, task.adapter, None),
                Verdict.ERRORED,
                [Problem(str(InstanceError(big, path=case.instance)))],
            )
        record = base_record(case, task.adapter, self._sha256(case.instance))
        versions = self._st96(case, record["instance_sha256"] is not None)
        if versions is not None:
            record["st96"] = versions

        compile_seconds = None
        key = (
            task.adapter,
            case.schema.path,
            case.schema.dialect,
            case.schema.uri_map,
            case.schema.bounds,
        )
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
            outcome = Outcome(
                Verdict.ERRORED, (Problem(str(exc), None, exc.line, exc.column),), 1
            )
        except KeyboardInterrupt:
            raise  # the user's request to stop: the run ends (and keeps what it has)
        except BaseException as exc:
            # a crash in a validator is a result, not the end of the run; that includes
            # SystemExit (a validator calling sys.exit is a bug, not a request to stop st9x)
            # and GeneratorExit (F7)
            outcome = Outcome(Verdict.ERRORED, (Problem(crash_message(task.adapter, exc)),), 1)
        if not isinstance(outcome, Outcome):
            problem = Problem(_not_an_outcome(task.adapter, outcome))
            outcome = Outcome(Verdict.ERRORED, (problem,), 1)
        record["times"]["validate"] = round(time.perf_counter() - start, 6)
        if record["instance_sha256"] is not None:
            if self.floors:
                record["times"]["parse_floor"] = self._parse_floor(case)
            size = self._size(case.instance)
            if size is not None:
                record["instance_bytes"] = size
        return finish_record(
            record, outcome.verdict, list(outcome.errors), outcome.error_count, self.max_errors
        )

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
        except KeyboardInterrupt:
            raise
        except BaseException as exc:
            return _Compilation(
                None, time.perf_counter() - start, Verdict.ERRORED, crash_message(adapter.name, exc)
            )
        if not isinstance(compiled, CompiledSchema):
            return _Compilation(
                None,
                time.perf_counter() - start,
                Verdict.ERRORED,
                _not_an_outcome(adapter.name, compiled, "a compiled schema"),
            )
        return _Compilation(compiled, round(time.perf_counter() - start, 6))

    def _st96(self, case: Case, readable: bool) -> St96Versions | None:
        """The ST.96 versions of an XML instance case and its schema, when either is ST.96.

        Only a file that hashed (a regular file) is read; the versions are looked at so that a
        document of another version than its schemas can be said to be one before its errors."""
        schema = case.schema
        if not readable or case.kind != "instance" or schema is None or schema.kind != "xsd":
            return None
        if case.instance not in self._document_versions:
            self._document_versions[case.instance] = read_document_version(case.instance)
        if schema.path not in self._schema_versions:
            self._schema_versions[schema.path] = read_schema_version(schema.path)
        document = self._document_versions[case.instance]
        schema_version = self._schema_versions[schema.path]
        if document is None and schema_version is None:
            return None
        versions: St96Versions = {
            "document": document.st96 if document else None,
            "schema": schema_version,
        }
        if document and document.ipo:
            versions["ipo"] = document.ipo
        if document and document.namespace:
            versions["namespace"] = document.namespace
        return versions

    def _parse_floor(self, case: Case) -> float | None:
        """Seconds to parse the instance alone (lxml for XML, orjson for JSON), the floor under
        every validator's time on it: a validator's throughput is read as its ratio to this.
        None when the file does not parse (it cannot be a floor)."""
        if case.instance not in self._floors:
            self._floors[case.instance] = parse_seconds(case.instance, case.format)
        return self._floors[case.instance]

    def _size(self, path: Path) -> int | None:
        if path not in self._sizes:
            try:
                self._sizes[path] = path.stat().st_size
            except OSError:
                self._sizes[path] = None
        return self._sizes[path]

    def _sha256(self, path: Path) -> str | None:
        if path not in self._hashes:
            self._hashes[path] = file_sha256(path)
        return self._hashes[path]


#: Digests already taken in this process, by the file's identity (device, inode, size, time of
#: last change in ns): the results header hashes every corpus file and the validation of each
#: instance needs its hash again; reading a large corpus twice cost as much as a tenth of lxml's
#: validation of it. Bounded, oldest first out.
_DIGESTS: OrderedDict[tuple[int, int, int, int], str] = OrderedDict()
_DIGESTS_KEPT = 100_000


def file_sha256(path: Path) -> str | None:
    """The SHA-256 of a regular file, read in chunks; None for anything else (never more than
    the file holds, F4: see :func:`st9x.filelimit.open_regular`). A file this process hashed
    before and that has not changed since (same inode, size and change time) is not read
    again."""
    fd = open_regular(path)
    if fd is None:
        return None
    with os.fdopen(fd, "rb") as handle:
        try:
            info = os.fstat(handle.fileno())
            key = (info.st_dev, info.st_ino, info.st_size, info.st_ctime_ns)
            known = _DIGESTS.get(key)
            if known is not None:
                return known
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
        except OSError:
            return None
    _DIGESTS[key] = digest
    if len(_DIGESTS) > _DIGESTS_KEPT:
        _DIGESTS.popitem(last=False)
    return digest


def parse_seconds(path: Path, fmt: str) -> float | None:
    """The time one parse of ``path`` takes, reading included, as a validator's own call would
    read it: ``lxml`` (with st9x's safe parser) for XML, ``orjson`` for JSON; None when it does
    not parse."""
    start = time.perf_counter()
    try:
        if fmt == "xml":
            etree.parse(str(path), safe_parser())
        else:
            orjson.loads(path.read_bytes())
    except Exception:  # not well-formed: no floor, and the validator's verdict says why
        return None
    return round(time.perf_counter() - start, 6)


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


def _not_an_outcome(adapter: str, value: object, what: str = "an Outcome") -> str:
    return f"{adapter} returned {type(value).__name__} instead of {what}"


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
        "errors_omitted": 0,
        "times": {"compile": None, "validate": None},
    }


def finish_record(
    record: Record,
    verdict: Verdict,
    problems: list[Problem],
    count: int | None = None,
    max_errors: int = 0,
) -> Record:
    """Set the verdict and errors, and whether the verdict is the expected one.

    In an ST.96 record an error about an element of an office's extension namespace says so
    (whichever validator reported it), so that the reader looks for the office's extension,
    not for a missing ST.96 element.

    The first ``max_errors`` problems are kept (0: all of them); ``error_count`` stays the
    number the validator found and ``errors_omitted`` says how many of those the record does
    not hold, so a cut list is never mistaken for the whole."""
    kept = problems[:max_errors] if max_errors > 0 else problems
    if "st96" in record:
        kept = [replace(p, message=mark_extension(p.message)) for p in kept]
    record["verdict"] = str(verdict)
    record["errors"] = [p.as_json() for p in kept]
    record["error_count"] = max(count if count is not None else 0, len(problems))
    record["errors_omitted"] = record["error_count"] - len(kept)
    expected = record["expected"]
    if expected != "unknown" and verdict != Verdict.SKIPPED:
        record["ok"] = str(verdict) == expected
    # messages quote file names, which need not be UTF-8 (case ids and sources are made
    # writable where they are made: they are keys the engine matches records by)
    record["errors"] = writable(record["errors"])
    return record
