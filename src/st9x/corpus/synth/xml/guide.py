"""Steer decisions toward subtrees that still hold unexercised coverage items.

Preferring unseen items only at the decision itself is not enough: an unused enumeration value
ten levels down is reached only if every optional ancestor on the way is included, and once
those ancestors are "seen" they are included rarely. After each document the guide recomputes
which types are *fresh* (own an unseen item, or contain a fresh type), so that optional
particles and choice branches leading to fresh types keep being preferred.
"""

from __future__ import annotations

import random
from typing import Any

from xmlschema.validators import XsdElement, XsdGroup

from st9x.corpus.synth.xml.coverage import Coverage
from st9x.corpus.synth.xml.model import SchemaModel


class Guide:
    """Answers "does this particle lead to something not exercised yet?"."""

    def __init__(self, model: SchemaModel, coverage: Coverage) -> None:
        self.model = model
        self.coverage = coverage
        self.fresh: set[int] = set()
        self._group_memo: dict[int, bool] = {}
        self.refresh()

    def refresh(self, rng: random.Random | None = None, targets: int | None = None) -> None:
        """Recompute fresh types from the coverage so far (call between documents).

        With ``rng`` and ``targets``, only that many randomly drawn types with unseen items
        pull the document, each along *one* randomly chosen chain of containing types up to
        the root. Pulling every container of every fresh type at once makes widely shared
        types (a contact, an address) fresh everywhere, and each document then fills its
        element budget with whatever comes first in document order.
        """
        seen = self.coverage.is_seen
        direct = [
            type_id
            for type_id, labels in self.model.owned_labels.items()
            if any(not seen(dim, label) for dim, label in labels)
        ]
        parents = self.model.parent_types
        fresh: set[int] = set()
        if rng is None or targets is None:
            fresh.update(direct)
            stack = list(direct)
            while stack:
                for parent in parents.get(stack.pop(), ()):
                    if parent not in fresh:
                        fresh.add(parent)
                        stack.append(parent)
        else:
            distance = self.model.type_distance
            for target in rng.sample(direct, min(targets, len(direct))):
                current: int | None = target
                while current is not None and current not in fresh:
                    fresh.add(current)
                    here = distance.get(current, 0)
                    closer = [p for p in parents.get(current, ()) if distance.get(p, here) < here]
                    current = rng.choice(closer) if closer else None
        self.fresh = fresh
        self._group_memo = {}

    def particle_is_fresh(self, particle: Any) -> bool:
        if isinstance(particle, XsdElement):
            return any(
                id(decl.type) in self.fresh
                or not self.coverage.is_seen("elements", decl.prefixed_name)
                for decl in self.model.candidates(particle)
            )
        if isinstance(particle, XsdGroup):
            key = id(particle)
            if key not in self._group_memo:
                self._group_memo[key] = False  # guards against group cycles
                self._group_memo[key] = any(self.particle_is_fresh(p) for p in particle)
            return self._group_memo[key]
        return False
