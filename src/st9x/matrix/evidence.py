"""The ST.97 improvement register's evidence: for each register item 1–10, the options st9x
measures, each measured from one run's conversion records.

The register's task force decides how ST.97 v2 looks by comparing answers side by side: the
shape a resolved decision replaced against the decided one, and the options of the questions
still open. Each option is one converter (one profile and option set of :mod:`st9x.st97`, see
:mod:`st9x.subjects.converters.st97`), so an option's evidence is what the run recorded for that
converter on one corpus:

- round-trip fidelity on the XSD-valid instances (exact, normalised, lossy, other);
- XSD-vs-JSON verdict agreement, on XSD-valid and on XSD-invalid (mutated) instances apart,
  judged per instance as the ``agreement`` check judges it
  (:func:`st9x.engine.judge.check_agreement`: every judging JSON validator that gave a verdict
  agrees with the XSD);
- the generated schemas' size, the converted instances' size against the XML's;
- conversion (XML → JSON, JSON → XML) and JSON validation time per instance;
- for a resolved item, the decision's rule verdict (:mod:`st9x.rules.st97_register`), and the
  losses the converter reported against the item.

Only the register's words (problems, decisions, which converter stands for which option) are
written here; every number comes from the records. An option whose converter is not in the run
says so, with the command that would measure it.
"""

from __future__ import annotations

import os
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from st9x.engine.judge import Outcome, check_agreement
from st9x.filelimit import max_file_bytes, open_regular
from st9x.matrix.runs import Run
from st9x.st97 import jsonio
from st9x.st97.errors import ConversionError
from st9x.st97.losses import REGISTER_ITEMS

Record = Mapping[str, Any]

RESOLVED = "resolved"
OPEN = "open"
NOTHING = "no conversion requirement"


@dataclass(frozen=True)
class Option:
    """One answer to a register item, measured through the converter that implements it."""

    label: str
    converter: str


@dataclass(frozen=True)
class Item:
    """One register item: the problem, its status and decision (or why nothing is measured),
    the options that stand for it, and for a resolved one the decision its rule checks."""

    number: int
    problem: str
    status: str  # RESOLVED, OPEN or NOTHING
    decision: str
    options: tuple[Option, ...] = ()
    rule: str | None = None  # the decision id of st9x.rules.st97_register

    @property
    def register_name(self) -> str:
        """How :data:`st9x.st97.losses.REGISTER_ITEMS` names this item."""
        return f"open question {self.number}" if self.status == OPEN else f"decision {self.number}"


_LEGACY = Option("pre-decision shape", "st97-v1-legacy")
_DECIDED = Option("decided shape", "st97-v2")

#: the register (WIPO CWS/13/8, decisions of the July 2025 joint meeting) and the converters
#: that stand for its options
REGISTER: tuple[Item, ...] = (
    Item(1, "Bag suffix vs plural property names (rule JGD-18)", RESOLVED,
         "keep Bag as the suffix that marks plurality", (_LEGACY, _DECIDED), "1"),
    Item(2, "inline descriptive terms vs single-attribute objects (rule JGD-23)", NOTHING,
         "rule JGD-23 is deleted in the next version: there is no conversion requirement, so "
         "there is nothing to measure"),
    Item(3, "links to JSON material", NOTHING,
         "editorial, fixed in the text of the standard: there is no conversion requirement, so "
         "there is nothing to measure"),
    Item(4, "unnecessary nesting in collections", RESOLVED,
         "an unbounded collection is a JSON array, without the wrapper object",
         (_LEGACY, _DECIDED), "4"),
    Item(5, "unnecessary nesting for a choice inside a longer sequence", RESOLVED,
         "no Choice1 wrapper: one array property per alternative (minItems 1) and a top-level "
         "anyOf requiring one",
         (_LEGACY, Option("decided shape (anyOf)", "st97-v2"),
          Option("decided shape, strict (oneOf)", "st97-v2-strict")), "5"),
    Item(6, "an unnecessary array for an xsd:choice with maxOccurs unbounded", OPEN,
         "not decided; the options: one array per alternative, or one ordered array",
         (Option("per-alternative arrays", "st97-v2"),
          Option("one ordered array", "st97-v2-ordered"))),
    Item(7, "$ used for a simple text value", RESOLVED, "the text key $ is replaced by value",
         (_LEGACY, _DECIDED), "7"),
    Item(8, "unnecessary nesting for inheritance (xsd:extension)", RESOLVED,
         "an extension becomes allOf [base $ref, the added properties]",
         (_LEGACY, Option("decided shape (unevaluatedProperties, 2020-12)", "st97-v2"),
          Option("decided shape (additionalProperties, draft-07)", "st97-v2-draft7")), "8"),
    Item(9, "insufficient translation of PhraseType and mixed content", OPEN,
         "not decided; the options: an ordered content array, JsonML, or text only",
         (Option("content array", "st97-v2"), Option("JsonML", "st97-v2-jsonml"),
          Option("text only", "st97-v2-text-only"))),
    Item(10, "a version indicator in ST.97 JSON", OPEN,
         "not decided; the options: none, a root property, or a versioned $id",
         (Option("none", "st97-v2"), Option("root property schemaVersion",
                                            "st97-v2-version-property"),
          Option("versioned $id", "st97-v2-version-id"))),
)


@dataclass(frozen=True)
class RoundTrips:
    """Round trips of the XSD-valid instances: ``other`` counts the errored, unsupported and
    not converted ones."""

    exact: int = 0
    normalised: int = 0
    lossy: int = 0
    other: int = 0

    @property
    def total(self) -> int:
        return self.exact + self.normalised + self.lossy + self.other

    @property
    def faithful(self) -> int:
        return self.exact + self.normalised


@dataclass(frozen=True)
class Agreement:
    """Instances whose JSON Schema verdicts agree with the XSD verdict, or not; ``undecided``:
    no judging JSON validator gave a verdict (or the converter does not support the case)."""

    agree: int = 0
    disagree: int = 0
    undecided: int = 0

    @property
    def decided(self) -> int:
        return self.agree + self.disagree


@dataclass(frozen=True)
class Timing:
    """The median of ``count`` measured times, in milliseconds (None when nothing was timed)."""

    median_ms: float | None
    count: int

    @classmethod
    def of(cls, seconds: Iterable[float | None]) -> Timing:
        values = [s * 1000 for s in seconds if isinstance(s, int | float)]
        return cls(statistics.median(values) if values else None, len(values))


@dataclass(frozen=True)
class SchemaSizes:
    """The generated schemas' compact JSON bytes, summed; ``measured`` of ``schemas`` had a
    size (from the record, or else from the written artefact: ``from_artefacts`` of them)."""

    total: int
    measured: int
    schemas: int
    from_artefacts: int = 0


@dataclass(frozen=True)
class SizeChange:
    """A size against another: the difference in bytes and relative (``0.25``: a quarter
    larger)."""

    bytes: int
    ratio: float


@dataclass(frozen=True)
class InstanceSizes:
    """Converted instances with both sizes recorded: total XML and compact JSON bytes, and the
    median of each instance's JSON/XML ratio."""

    instances: int
    xml_bytes: int
    json_bytes: int
    median_ratio: float | None


@dataclass(frozen=True)
class RuleVerdict:
    """A decision's rule on the generated schemas and on the converted instances: counts per
    status (``pass``, ``fail``, ``n/a``, ``errored``)."""

    decision: str
    schema: Mapping[str, int]
    instance: Mapping[str, int]

    @property
    def passed(self) -> bool:
        return not any(self.schema.get(s) or self.instance.get(s) for s in ("fail", "errored"))

    @property
    def checked(self) -> bool:
        return bool(sum(self.schema.values()) + sum(self.instance.values()))


@dataclass(frozen=True)
class Measured:
    """One converter on one corpus."""

    converter: str
    corpus: str
    profile: str | None
    options: Mapping[str, str]
    cases: int
    roundtrip: RoundTrips
    agreement_valid: Agreement
    agreement_invalid: Agreement
    schema_sizes: SchemaSizes
    instance_sizes: InstanceSizes
    to_json: Timing
    to_xml: Timing
    schema_seconds: Timing
    validation: Mapping[str, Timing]  # per JSON validator that judges the converter
    judges: tuple[str, ...]
    losses: Mapping[str, int]  # the constructs REGISTER_ITEMS puts under each register item
    rules: Mapping[str, RuleVerdict]


@dataclass(frozen=True)
class Row:
    """One option of one item on one corpus: measured, or not in this run (``command`` adds
    it)."""

    option: Option
    measured: Measured | None
    command: str

    def item_losses(self, item: Item) -> int | None:
        if self.measured is None:
            return None
        return sum(n for c, n in self.measured.losses.items()
                   if REGISTER_ITEMS.get(c) == item.register_name)

    def rule(self, item: Item) -> RuleVerdict | None:
        if self.measured is None or item.rule is None:
            return None
        return self.measured.rules.get(item.rule)


@dataclass(frozen=True)
class ItemEvidence:
    item: Item
    rows: tuple[Row, ...]

    def schema_size_change(self, row: Row) -> SizeChange | None:
        """The row's schema bytes against the item's first option's, when both measured the
        same schemas, every one; None otherwise and for the first row."""
        base = self.rows[0].measured if self.rows else None
        this = row.measured
        if base is None or this is None or row is self.rows[0]:
            return None
        a, b = base.schema_sizes, this.schema_sizes
        if not a.total or a.schemas != b.schemas or a.measured != a.schemas \
                or b.measured != b.schemas:
            return None
        return SizeChange(b.total - a.total, b.total / a.total - 1)


@dataclass(frozen=True)
class CorpusEvidence:
    """The register on one corpus; ``corpus`` is None when no corpus of the run has converter
    records (every row then says what would add it)."""

    corpus: str | None
    items: tuple[ItemEvidence, ...]


@dataclass(frozen=True)
class Evidence:
    corpora: tuple[CorpusEvidence, ...]
    converters: tuple[str, ...]  # the converters of the run
    json_judges: tuple[str, ...]
    missing: tuple[str, ...] = field(default=())  # option converters absent from the run


def command(converter: str) -> str:
    """The command that adds a converter's records to a run."""
    return f"st9x run --converter {converter}"


def evidence(run: Run) -> Evidence:
    """The register's evidence from ``run``: one block per corpus that has converter records."""
    header = run.conversion_header or {}
    infos = {str(c.get("name")): c for c in header.get("converters", []) if isinstance(c, dict)}
    records = run.conversion_records
    by_key: dict[tuple[str, str], list[Record]] = {}
    for r in records:
        by_key.setdefault((r["corpus"], r["converter"]), []).append(r)
    corpora = _corpus_order(header, records)
    blocks = []
    for corpus in corpora:
        measured: dict[str, Measured | None] = {}
        items = []
        for item in REGISTER:
            rows = []
            for option in item.options:
                if option.converter not in measured:
                    group = by_key.get((corpus, option.converter))
                    measured[option.converter] = None if not group else measure(
                        option.converter, corpus, group, infos.get(option.converter, {}),
                        run.directory)
                rows.append(Row(option, measured[option.converter], command(option.converter)))
            items.append(ItemEvidence(item, tuple(rows)))
        blocks.append(CorpusEvidence(corpus, tuple(items)))
    if not blocks:
        blocks.append(CorpusEvidence(None, tuple(
            ItemEvidence(item, tuple(Row(o, None, command(o.converter)) for o in item.options))
            for item in REGISTER)))
    present = {r["converter"] for r in records}
    wanted = dict.fromkeys(o.converter for item in REGISTER for o in item.options)
    return Evidence(
        tuple(blocks), tuple(sorted(present)),
        tuple(str(j) for j in header.get("json_judges", []) or ()),
        tuple(c for c in wanted if c not in present),
    )


def _corpus_order(header: Mapping[str, Any], records: Sequence[Record]) -> list[str]:
    """The corpora with converter records, in the header's order."""
    seen = dict.fromkeys(r["corpus"] for r in records if r["type"] == "case")
    listed = [str(c.get("id")) for c in header.get("corpora", []) if isinstance(c, dict)]
    return [c for c in listed if c in seen] + sorted(c for c in seen if c not in listed)


def measure(converter: str, corpus: str, records: Sequence[Record], info: Mapping[str, Any],
            directory: Path) -> Measured:
    """One converter's records on one corpus, folded into its evidence."""
    schemas = [r for r in records if r["type"] == "schema"]
    cases = [r for r in records if r["type"] == "case"]
    valid = [r for r in cases if r["xsd_verdict"] == "valid"]
    invalid = [r for r in cases if r["xsd_verdict"] == "invalid"]
    judges = tuple(dict.fromkeys(j for r in cases for j in r.get("json_judges", [])))
    losses: Counter[str] = Counter()
    for r in schemas:
        losses.update(r["losses"])
    converted = [r for r in cases if r["conversion"]["status"] == "ok"]
    return Measured(
        converter=converter,
        corpus=corpus,
        profile=info.get("profile") if isinstance(info.get("profile"), str) else None,
        options={str(k): str(v) for k, v in (info.get("options") or {}).items()},
        cases=len(cases),
        roundtrip=_roundtrips(valid),
        agreement_valid=_agreement(valid),
        agreement_invalid=_agreement(invalid),
        schema_sizes=_schema_sizes(schemas, directory),
        instance_sizes=_instance_sizes(converted),
        to_json=Timing.of(r["conversion"]["seconds"] for r in converted),
        to_xml=Timing.of(r["roundtrip"]["seconds"] for r in converted),
        schema_seconds=Timing.of(
            sum(v for v in r["seconds"].values() if v is not None)
            for r in schemas if r["status"] == "ok"),
        validation={
            j: Timing.of(r["json_verdicts"].get(j, {}).get("seconds") for r in converted
                         if r["json_verdicts"].get(j, {}).get("verdict") in ("valid", "invalid"))
            for j in judges
        },
        judges=judges,
        losses=dict(sorted(losses.items())),
        rules=_rules(schemas, cases),
    )


def _roundtrips(valid: Sequence[Record]) -> RoundTrips:
    counts = Counter(
        r["roundtrip"]["status"] if r["conversion"]["status"] == "ok" else "other" for r in valid)
    return RoundTrips(counts["exact"], counts["normalised"], counts["lossy"],
                      sum(n for s, n in counts.items()
                          if s not in ("exact", "normalised", "lossy")))


def _agreement(cases: Sequence[Record]) -> Agreement:
    counts: Counter[str] = Counter()
    for r in cases:
        result = check_agreement(r)  # type: ignore[arg-type]
        outcome = None if result is None else result.outcome
        counts["agree" if outcome is Outcome.MET else
               "disagree" if outcome is Outcome.MISSED else "undecided"] += 1
    return Agreement(counts["agree"], counts["disagree"], counts["undecided"])


def _instance_sizes(converted: Sequence[Record]) -> InstanceSizes:
    pairs = [(r["sizes"]["xml"], r["sizes"]["json"]) for r in converted
             if isinstance(r.get("sizes", {}).get("xml"), int)
             and isinstance(r.get("sizes", {}).get("json"), int)]
    ratios = [j / x for x, j in pairs if x > 0]
    return InstanceSizes(len(pairs), sum(x for x, _ in pairs), sum(j for _, j in pairs),
                         statistics.median(ratios) if ratios else None)


def _schema_sizes(schemas: Sequence[Record], directory: Path) -> SchemaSizes:
    total = measured = from_artefacts = 0
    ok = [r for r in schemas if r["status"] == "ok"]
    for r in ok:
        size = r.get("sizes", {}).get("schema")
        if not isinstance(size, int):
            size = artefact_schema_size(directory, r["artefacts"].get("schema"))
            from_artefacts += size is not None
        if size is not None:
            total += size
            measured += 1
    return SchemaSizes(total, measured, len(ok), from_artefacts)


def artefact_schema_size(directory: Path, name: object) -> int | None:
    """The compact size of a generated schema the record names, for results written before
    sizes were recorded. The name is data: only a relative path that stays inside the results
    folder (symbolic links resolved) and is a regular file within the file-size limit is read."""
    if not isinstance(name, str) or not name:
        return None
    pure = PurePosixPath(name)
    if pure.is_absolute() or ".." in pure.parts or "\\" in name or "\x00" in name:
        return None
    base = os.path.realpath(directory)
    target = os.path.realpath(os.path.join(base, *pure.parts))
    if os.path.commonpath([base, target]) != base:
        return None
    fd = open_regular(target)
    if fd is None:
        return None
    try:
        limit = max_file_bytes()
        if os.fstat(fd).st_size > limit:
            return None
        with os.fdopen(fd, "rb", closefd=True) as handle:
            fd = -1
            data = handle.read(limit + 1)
        if len(data) > limit:
            return None
        return len(jsonio.dumps(jsonio.loads(data)))
    except (OSError, ValueError, RecursionError, ConversionError):
        return None
    finally:
        if fd >= 0:
            os.close(fd)


def _rules(schemas: Sequence[Record], cases: Sequence[Record]) -> dict[str, RuleVerdict]:
    schema: dict[str, Counter[str]] = {}
    instance: dict[str, Counter[str]] = {}
    for level, group in ((schema, schemas), (instance, cases)):
        for r in group:
            for d, check in r["decisions"].items():
                level.setdefault(d, Counter())[check["status"]] += 1
    return {d: RuleVerdict(d, dict(schema.get(d, {})), dict(instance.get(d, {})))
            for d in sorted(set(schema) | set(instance))}
