"""Peer conformance suites as st9x corpora: the JSON-Schema-Test-Suite and the W3C XSD suite.

Suites written by others measure how far each validator can be trusted. Each loader turns a
suite checkout into ordinary :class:`~st9x.corpus.model.Corpus` objects (one per dialect folder,
or per test set and XSD version), so that the engine, the matrices, ``st9x run`` and pytest run
them unchanged and the trust matrix is ``st9x.matrix.fold``'s adapter × corpus table. What a
suite needs beyond an ordinary corpus is small and generic: a URI-prefix map for the JSON suite's
``remotes/`` (``SchemaSpec.uri_map``), schema tests judged by compiling (``Case.kind``), and the
XSD version a schema is judged under (``SchemaSpec.dialect`` ``xsd-1.0``/``xsd-1.1``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from st9x.corpus.peer.jsts import KIND as JSTS
from st9x.corpus.peer.jsts import load_jsts
from st9x.corpus.peer.model import PeerLoad
from st9x.corpus.peer.w3c_xsd import KIND as W3C_XSD
from st9x.corpus.peer.w3c_xsd import load_w3c_xsd
from st9x.errors import UsageError

Loader = Callable[..., PeerLoad]
LOADERS: dict[str, Loader] = {JSTS: load_jsts, W3C_XSD: load_w3c_xsd}
KINDS = tuple(LOADERS)

__all__ = ["KINDS", "LOADERS", "PeerLoad", "load_peer"]


def load_peer(
    kind: str,
    path: str | Path,
    *,
    cache: Path | None = None,
    sample: int | None = None,
    seed: int = 0,
) -> PeerLoad:
    """Load the peer suite of ``kind`` at ``path``; ``sample`` keeps at most that many cases
    per corpus, chosen by ``seed`` (see :mod:`st9x.corpus.peer.sample`)."""
    loader = LOADERS.get(kind)
    if loader is None:
        raise UsageError(f"unknown peer suite kind {kind!r} (known: {', '.join(KINDS)})")
    if sample is not None and sample < 1:
        raise UsageError(f"--sample must be at least 1, not {sample}")
    return loader(Path(path), cache=cache, sample_size=sample, seed=seed)
