"""Schema coverage: what a corpus exercised, and what to prefer next.

A corpus that only ever takes the first branch of each choice tests little. The generator
therefore keeps, across the whole corpus, which choice branches, optional particles, optional
attributes, enumeration values and element declarations were used, prefers unused ones at each
decision, and reports the coverage reached so a user can see what the corpus does *not* test.
Keys are stable labels (type names and positions), never object ids, so reports compare across
runs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass
class Dimension:
    """One coverage dimension: a universe of labels and the subset seen."""

    universe: dict[str, None] = field(default_factory=dict)
    seen: dict[str, None] = field(default_factory=dict)

    def declare(self, label: str) -> None:
        self.universe.setdefault(label, None)

    def mark(self, label: str) -> None:
        self.seen.setdefault(label, None)

    def is_seen(self, label: str) -> bool:
        return label in self.seen

    def report(self, list_unused: int) -> dict[str, Any]:
        unused = [label for label in self.universe if label not in self.seen]
        total = len(self.universe)
        used = total - len(unused)
        result: dict[str, Any] = {
            "declared": total,
            "used": used,
            "ratio": round(used / total, 4) if total else 1.0,
            "unused_count": len(unused),
        }
        if list_unused:
            result["unused"] = unused[:list_unused]
        return result


DIMENSIONS = (
    "elements",
    "choice_branches",
    "optional_particles",
    "optional_attributes",
    "enumeration_values",
    "substitutions",
)


class Coverage:
    """Coverage counters shared by every instance of a corpus."""

    def __init__(self) -> None:
        self.dims: dict[str, Dimension] = {name: Dimension() for name in DIMENSIONS}

    def declare(self, dim: str, label: str) -> None:
        self.dims[dim].declare(label)

    def mark(self, dim: str, label: str) -> None:
        self.dims[dim].mark(label)

    def is_seen(self, dim: str, label: str) -> bool:
        return self.dims[dim].is_seen(label)

    def prefer_unseen(
        self, rng: random.Random, dim: str, options: list[tuple[str, T]]
    ) -> tuple[str, T]:
        """Pick among options not seen yet, else among all (uniformly in both cases)."""
        unseen = [option for option in options if not self.is_seen(dim, option[0])]
        return rng.choice(unseen or options)

    def report(self, list_unused: int = 200) -> dict[str, Any]:
        """A JSON-ready summary; ``list_unused`` caps each list of unused labels."""
        return {name: dim.report(list_unused) for name, dim in self.dims.items()}
