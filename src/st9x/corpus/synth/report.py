"""What a generation or mutation run made and what went wrong: the ``report.json`` of its corpus.

One class for every run, so that every tool's report reads the same way: the request, the
counts, what a validator could not do, timings, and every problem. A problem is never dropped:
a document or mutant that did not become a case is listed, with the verdicts behind it. The
written report is checked against ``st9x.formats``' ``synth-report`` schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from st9x.corpus.synth.records import Document, Mutant


@dataclass
class Report:
    """The report of one run; the fields a run does not use keep their empty defaults.

    The counts depend on what the run does: a mutation run (``kinds`` set) counts mutants by
    kind and status; a generator that retries a rejected draw (``attempts`` set) counts draws
    and why they were rejected; a generator that checks each document once counts documents by
    status, with their sizes.
    """

    tool: str
    #: What was asked (schema, seed, ...), in the order ``report.json`` lists it.
    request: dict[str, Any]
    documents: list[Document] = field(default_factory=list)
    mutants: list[Mutant] = field(default_factory=list)
    #: The mutation kinds asked for (None: not a mutation run).
    kinds: list[str] | None = None
    #: Documents asked for, by a generator that retries.
    requested: int = 0
    #: Draws made, by a generator that retries (None: one draw per document).
    attempts: int | None = None
    #: Why draws were rejected (a short reason, digits folded), by a generator that retries.
    rejected_attempts: dict[str, int] = field(default_factory=dict)
    #: Documents a generator gave up on: they have no data, only a reason.
    failures: list[dict[str, Any]] = field(default_factory=list)
    #: What a validator could not do (a dialect it does not know, a format it does not assert),
    #: under the names ``report.json`` gives them.
    validators: dict[str, Any] = field(default_factory=dict)
    coverage: dict[str, Any] | None = None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def written(self) -> int:
        """Documents that became valid cases."""
        return sum(1 for doc in self.documents if doc.status == "valid")

    def by_kind(self) -> dict[str, dict[str, int]]:
        """Mutants per kind and status; every kind asked for has a row, empty if none was made."""
        table: dict[str, dict[str, int]] = {k: {} for k in self.kinds or ()}
        for m in self.mutants:
            row = table.setdefault(m.kind, {})
            row[m.status] = row.get(m.status, 0) + 1
        return table

    def problems(self) -> list[dict[str, Any]]:
        found = list(self.failures)
        found += [entry for doc in self.documents if (entry := doc.problem()) is not None]
        found += [m.problem() for m in self.mutants if m.status != "rejected"]
        return found

    def counts(self) -> dict[str, Any]:
        if self.kinds is not None:
            table = self.by_kind()
            return {
                "mutants": len(self.mutants),
                "by_kind": table,
                "kinds_without_site": sorted(k for k in self.kinds if not table.get(k)),
            }
        if self.attempts is not None:
            return {
                "requested": self.requested,
                "written": self.written,
                "attempts": self.attempts,
                "rejected_attempts": dict(sorted(self.rejected_attempts.items())),
            }
        sizes = [len(d.data) for d in self.documents]
        statuses: dict[str, int] = {}
        for doc in self.documents:
            statuses[doc.status] = statuses.get(doc.status, 0) + 1
        return {
            "documents": {
                "statuses": statuses,
                "bytes_total": sum(sizes),
                "bytes_mean": round(sum(sizes) / len(sizes)) if sizes else 0,
                "bytes_max": max(sizes, default=0),
            }
        }

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "tool": self.tool,
            **self.request,
            **self.counts(),
            **self.validators,
            "timings_s": {k: round(v, 3) for k, v in self.timings.items()},
        }
        if self.coverage is not None:
            out["coverage"] = self.coverage
        out["problems"] = self.problems()
        return out
