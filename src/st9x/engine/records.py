"""The records the engine writes, as typed shapes.

A record is written as one JSON line and read back by the matrices, the report and a resumed
run, so its natural form is a JSON object; these TypedDicts give every field a type for the code
that builds and reads them (and for a type checker), and each has a JSON Schema in
``st9x/formats`` that a file is checked against when it is read. ``results.jsonl`` holds
validation records (``type: record``); ``conversions.jsonl`` holds schema and case conversion
records (``type: schema`` and ``type: case``).
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict


class ProblemJSON(TypedDict):
    message: str
    location: NotRequired[str | None]
    line: NotRequired[int | None]
    column: NotRequired[int | None]


class Times(TypedDict):
    compile: float | None
    validate: float | None
    parse_floor: NotRequired[float | None]  # parsing the instance alone (once per process)


class St96Versions(TypedDict):
    """The ST.96 version a document declares and the one its schema is (``None``: unknown);
    ``ipo`` the office's own version (``com:ipoVersion``), ``namespace`` the versioned
    namespace a version 1 document's version was inferred from."""

    document: str | None
    schema: str | None
    ipo: NotRequired[str]
    namespace: NotRequired[str]


class ValidationRecord(TypedDict):
    """One case under one validator."""

    type: Literal["record"]
    corpus: str
    case: str
    adapter: str
    format: str
    schema: str | None
    instance: str
    instance_sha256: str | None
    expected: str
    constraint: str | None
    tags: list[str]
    verdict: str | None
    ok: bool | None
    errors: list[ProblemJSON]
    error_count: int  # every error the validator found
    errors_omitted: NotRequired[int]  # of those, not kept in ``errors`` (the run's error cap)
    instance_bytes: NotRequired[int]  # the instance's size, for throughput in MB/s
    times: Times
    st96: NotRequired[St96Versions]  # only for an ST.96 document or schema


class DecisionCheck(TypedDict):
    status: str  # pass, fail, n/a, errored
    detail: str
    losses: NotRequired[int]


class ValidatorState(TypedDict):
    """A JSON validator compiled on a converter's generated schema, or why not."""

    status: str  # compiled, skipped, errored
    message: str | None


class SchemaSeconds(TypedDict):
    prepare: float | None
    schema: float | None


class SchemaConversionRecord(TypedDict):
    """One converter on one XSD."""

    type: Literal["schema"]
    converter: str
    claims: list[str]
    corpus: str
    schema: str
    xsd: str
    root: str | None
    status: str | None  # ok, unsupported, errored
    message: str | None
    seconds: SchemaSeconds
    losses: dict[str, int]
    loss_total: int
    artefacts: dict[str, str]
    validators: dict[str, ValidatorState]
    json_judges: list[str]
    decisions: dict[str, DecisionCheck]
    sizes: NotRequired[dict[str, int]]  # schema: the generated schema's compact JSON bytes


class ConversionStatus(TypedDict):
    status: str | None  # ok, failed, errored, unsupported
    message: str | None
    line: int | None
    seconds: float | None


class JsonVerdict(TypedDict):
    verdict: str  # valid, invalid, errored, skipped
    error: str | None
    seconds: NotRequired[float]  # the validation's wall time, when it ran


class RoundTripLoss(TypedDict):
    """A reported loss that explains a lossy round trip, or ``construct: unexplained`` when
    none does (``location`` and ``rule`` then null, ``reason`` says why)."""

    construct: str
    where: str  # the first differing element of the source, /p:Root/p:Child[2]
    location: str | None  # the loss's XSD location, as the converter reported it
    rule: str | None  # the register item (decision 5, open question 6), if any
    reason: str


class RoundTrip(TypedDict):
    status: str  # exact, normalised, lossy, errored, unsupported, skipped
    normalised: dict[str, int]
    difference: str | None
    seconds: float | None
    where: NotRequired[str | None]  # lossy: the first differing element
    losses: NotRequired[list[RoundTripLoss]]  # lossy: what explains it; else empty


class Twin(TypedDict):
    status: str  # absent, equal, explained, different, errored
    difference: str | None
    reasons: NotRequired[list[str]]
    path: NotRequired[str]


class CaseConversionRecord(TypedDict):
    """One converter on one XML case."""

    type: Literal["case"]
    converter: str
    claims: list[str]
    corpus: str
    case: str
    schema: str
    expected: str
    constraint: str | None
    tags: list[str]
    xsd_verdict: str
    xsd_error: str | None
    conversion: ConversionStatus
    artefacts: dict[str, str]
    json_verdicts: dict[str, JsonVerdict]
    json_judges: list[str]  # the validators whose verdicts decide validity and agreement
    roundtrip: RoundTrip
    decisions: dict[str, DecisionCheck]
    twin: Twin
    sizes: NotRequired[dict[str, int]]  # xml: the instance file's bytes; json: compact JSON bytes


class LintFinding(TypedDict):
    """A failure (or a rule that raised) on one file, located; ``suppression`` is the index
    of the configuration's ``[[suppress]]`` entry that accepts it, with its reason."""

    rule: str
    severity: str
    category: str
    status: str  # fail, errored
    message: str
    location: str
    line: int | None
    column: int | None
    suppression: int | None
    justification: str | None


class LintRecord(TypedDict):
    """One linter on one schema file: a corpus's own (``converter`` null) or a converter's
    generated schema for the corpus schema ``schema``."""

    type: Literal["lint"]
    linter: str
    converter: str | None
    corpus: str
    schema: str
    path: str
    status: str | None  # ok, errored, skipped
    message: str | None
    seconds: float | None
    # rule id -> its severity and category (so the matrix folds without the rule table) and
    # its findings counted by status: pass, fail, n/a, errored, and suppressed (failures a
    # suppression accepts, not counted in fail)
    rules: dict[str, dict[str, Any]]
    findings: list[LintFinding]


ConversionRecord = SchemaConversionRecord | CaseConversionRecord
Record = ValidationRecord | SchemaConversionRecord | CaseConversionRecord | LintRecord
Header = dict[str, Any]  # free-form by design: tool, library and platform facts
