"""What loading a peer suite gives: ordinary corpora, plus what was left out and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from st9x.corpus.model import Corpus


@dataclass
class PeerLoad:
    """A peer suite turned into corpora the engine runs unchanged.

    ``notes`` say, one line each, what of the suite is not run and why (a test set whose file is
    missing, a folder st9x does not run): they are printed, written into the results header and
    shown as skipped items by pytest, so nothing is dropped silently. ``total`` counts the cases
    before sampling, so a sampled run can say how much of the suite it covered.
    """

    kind: str
    path: Path
    corpora: list[Corpus] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    total: int = 0
    sample: int | None = None
    seed: int = 0

    @property
    def cases(self) -> int:
        return sum(len(c.cases) for c in self.corpora)

    def describe(self) -> dict[str, object]:
        """The load as the results header records it (``selection.peers``)."""
        return {
            "kind": self.kind,
            "path": str(self.path),
            "corpora": [c.id for c in self.corpora],
            "cases": self.cases,
            "total": self.total,
            "sample": self.sample,
            "seed": self.seed if self.sample is not None else None,
            "notes": list(self.notes),
        }
