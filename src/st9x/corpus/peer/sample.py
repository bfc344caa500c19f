"""Fixed-seed sampling of a peer corpus's cases.

The full W3C XSD suite takes longer than a CI budget allows, so CI runs a sample. A sample is
only worth having if it is the same sample every time: the cases kept depend on the seed and the
corpus id alone (not on the order corpora were loaded in, nor on the other corpora), so that a
failure seen in CI can be rerun, and two CI runs compare like with like.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def sample(items: Sequence[T], size: int | None, seed: int, corpus_id: str) -> list[T]:
    """At most ``size`` of ``items``, chosen by ``seed`` and ``corpus_id``, in their own order.

    ``size`` None keeps everything; a corpus no larger than ``size`` is kept whole.
    """
    if size is None or len(items) <= size:
        return list(items)
    rng = random.Random(f"{seed}/{corpus_id}")
    chosen = sorted(rng.sample(range(len(items)), size))
    return [items[i] for i in chosen]
