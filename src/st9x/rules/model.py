"""The records every rule catalogue shares: rules, their findings, and the table that runs them.

A rule function takes one subject and yields findings; it never names its own id (the table does,
as python-jsonschema's validator stamps the keyword on the errors its keyword functions yield), so
a function can be registered, renamed or reused without its findings lying about their origin.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

S = TypeVar("S")


class Status(StrEnum):
    """The verdict of one finding, and of a rule once its findings are folded.

    ``n/a`` is a verdict of its own: the subject holds nothing the rule is about, or the
    converter reported the place as a loss instead of applying the rule; a report shows it apart
    from both a pass and a failure. ``errored``: the rule itself raised, so it says nothing about
    the subject."""

    PASS = "pass"
    FAIL = "fail"
    NA = "n/a"
    ERRORED = "errored"


class Level(StrEnum):
    """What a rule reads: a schema (with the XSD it came from) or one instance (with its source).
    Reports count the two apart, since a converter may have instances and no schema."""

    SCHEMA = "schema"
    INSTANCE = "instance"


@dataclass(frozen=True, slots=True)
class Finding:
    """One place a rule looked at, and what it found there.

    ``location`` is where in the subject (a JSON pointer, for JSON subjects); ``detail`` is the
    sentence a reader sees, naming the place itself, so that it can stand alone in a report.
    ``losses`` counts places the converter reported as a loss instead of applying the rule
    (such a finding is ``n/a``). ``rule`` is filled in by the catalogue that ran the rule."""

    status: Status
    location: str = ""
    detail: str = ""
    losses: int = 0
    rule: str = ""
    line: int | None = None  # where a person finds the place in the file, when known
    column: int | None = None

    @classmethod
    def passed(cls, location: str, detail: str = "") -> Finding:
        return cls(Status.PASS, location, detail)

    @classmethod
    def failed(cls, location: str, detail: str, line: int | None = None,
               column: int | None = None) -> Finding:
        return cls(Status.FAIL, location, detail, line=line, column=column)

    @classmethod
    def not_applicable(cls, detail: str, location: str = "") -> Finding:
        """Nothing here (or in the whole subject, without a location) the rule is about."""
        return cls(Status.NA, location, detail)

    @classmethod
    def lost(cls, location: str, detail: str) -> Finding:
        """A place the converter reported as a loss instead of applying the rule."""
        return cls(Status.NA, location, detail, losses=1)


RuleFunction = Callable[[S], Iterable[Finding]]


@dataclass(frozen=True)
class Rule(Generic[S]):
    """One rule of a catalogue.

    ``counts`` names what one passing finding is (``"Bag properties"``) and ``absent`` says what
    an empty run means (``"no Bag element in the XML"``): the words a report needs to fold the
    findings into one verdict without the function building strings for it."""

    id: str
    title: str
    level: Level
    check: RuleFunction[S]
    counts: str = "places"
    absent: str = "nothing the rule applies to"


class Catalogue(Mapping[str, Rule[S]]):
    """An ordered table of rules of one kind of subject, keyed by rule id.

    Iteration follows registration, which is the standard's own order, so a report built from
    the table lists rules as the standard does."""

    def __init__(self, name: str, rules: Iterable[Rule[S]]) -> None:
        self.name = name
        self._rules: dict[str, Rule[S]] = {}
        for rule in rules:
            if rule.id in self._rules:
                raise ValueError(f"{name}: rule {rule.id!r} registered twice")
            self._rules[rule.id] = rule

    def __getitem__(self, rule_id: str) -> Rule[S]:
        return self._rules[rule_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._rules)

    def __len__(self) -> int:
        return len(self._rules)

    def __repr__(self) -> str:
        return f"Catalogue({self.name!r}, {list(self._rules)})"

    def run_rule(self, rule_id: str, subject: S) -> list[Finding]:
        """The findings of one rule, stamped with its id; an exception it raises, while called
        or while its findings are drawn, becomes its only finding, ``errored`` (what it had
        yielded before is dropped: half a walk would read as a verdict)."""
        rule = self._rules[rule_id]
        try:
            found = list(rule.check(subject))
        except Exception as exc:
            return [Finding(Status.ERRORED, detail=f"{type(exc).__name__}: {exc}",
                            rule=rule.id)]
        # built anew rather than dataclasses.replace: a walk of a large schema yields thousands
        return [Finding(f.status, f.location, f.detail, f.losses, rule.id, f.line, f.column)
                for f in found]

    def run(self, subject: S) -> dict[str, list[Finding]]:
        """Every rule on the subject, in table order: rule id → its findings."""
        return {rule_id: self.run_rule(rule_id, subject) for rule_id in self._rules}
