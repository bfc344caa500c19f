"""The records every generator and mutator shares, whatever the format.

A document or a mutant is only as trustworthy as the check behind it, so each carries the
verdicts of (at least) two independent validators, and its status is derived from them here,
once: a generated document is ``valid`` only when every validator accepts it, a mutant is kept
(``rejected``) only when every validator rejects it. A disagreement is never resolved: it is
either a generator/mutator bug or a validator bug, and a person has to look at it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar


class Verdicts(ABC):
    """The answers of a format's validators on one document.

    Each side says what its validators are and how their answers read in ``report.json``;
    what the answers *mean* together is decided here, the same for every format.
    """

    @abstractmethod
    def answers(self) -> tuple[bool | None, ...]:
        """Each validator's answer: True (valid), False (invalid), None (not evaluated)."""

    @abstractmethod
    def as_dict(self) -> dict[str, Any]:
        """The verdicts as ``report.json`` lists them under a problem."""

    def _judged(self) -> list[bool]:
        return [answer for answer in self.answers() if answer is not None]

    @property
    def agree(self) -> bool:
        """Every validator that judged the document gave the same answer."""
        return len(set(self._judged())) <= 1

    @property
    def valid(self) -> bool:
        """Every validator that judged the document accepts it."""
        judged = self._judged()
        return bool(judged) and all(judged)

    @property
    def invalid(self) -> bool:
        """Every validator that judged the document rejects it."""
        judged = self._judged()
        return bool(judged) and not any(judged)


ApplyT = TypeVar("ApplyT", bound=Callable[..., Any])


@dataclass
class Site(Generic[ApplyT]):
    """One place in a document where one constraint of ``kind`` can be broken alone.

    ``apply`` breaks it; its signature is the format's (an XML site edits the tree copy it was
    found in and says what it did, a JSON site edits the document it is given), since only the
    format's own mutator calls it. The shared driver only sorts sites by kind and picks one.
    """

    kind: str
    apply: ApplyT


@dataclass
class Document:
    """One generated document and the validators' verdicts on it (None: not checked)."""

    index: int
    data: bytes
    verdicts: Verdicts | None
    problems: list[str] = field(default_factory=list)
    #: Which draw of ``index`` this is, for generators that retry a rejected draw.
    attempt: int | None = None

    @property
    def status(self) -> str:
        """``valid`` (every validator accepts), ``invalid`` (every one rejects: a generator
        bug), ``disagreement`` (a validator bug or a generator bug), ``unchecked``."""
        if self.verdicts is None:
            return "unchecked"
        if self.verdicts.valid:
            return "valid"
        if self.verdicts.invalid:
            return "invalid"
        return "disagreement"

    def problem(self) -> dict[str, Any] | None:
        """The ``report.json`` entry of this document, or None when nothing is wrong."""
        if self.status in ("valid", "unchecked") and not self.problems:
            return None
        entry: dict[str, Any] = {"index": self.index}
        if self.attempt is not None:
            entry["attempt"] = self.attempt
        entry["status"] = self.status
        if self.problems:
            entry["generator_problems"] = self.problems
        if self.verdicts is not None and not self.verdicts.valid:
            entry["verdicts"] = self.verdicts.as_dict()
        return entry


@dataclass
class Mutant:
    """A valid case with one constraint broken, and the validators' verdicts on the result."""

    source_case: str
    kind: str
    description: str
    data: bytes
    verdicts: Verdicts

    @property
    def status(self) -> str:
        """``rejected`` (every validator says invalid: a good case), ``accepted`` (every one
        says valid: the change broke nothing, a mutation bug), ``disagreement`` (a validator
        bug or a mutation bug)."""
        if not self.verdicts.agree:
            return "disagreement"
        return "rejected" if self.verdicts.invalid else "accepted"

    def problem(self) -> dict[str, Any]:
        """The ``report.json`` entry of a mutant that did not become a case."""
        return {
            "source_case": self.source_case,
            "kind": self.kind,
            "status": self.status,
            "description": self.description,
            "verdicts": self.verdicts.as_dict(),
        }
