"""Loading the corpora a command names, shared by ``st9x run`` and ``st9x corpora``: a corpus
that fails to load is reported in one line and the others are still used, so one broken
manifest does not hide the rest (the command then exits 1)."""

from __future__ import annotations

from collections.abc import Sequence

from st9x.cli.console import error
from st9x.corpus.load import default_corpus_paths, load_corpus
from st9x.corpus.model import Corpus
from st9x.errors import St9xError, UsageError


def load_corpora(specs: Sequence[str]) -> tuple[list[Corpus], int]:
    """The corpora that loaded and how many did not; the embedded ones when none is named."""
    paths = list(specs) or [str(p) for p in default_corpus_paths()]
    if not paths:
        raise UsageError(
            "no corpus given and no embedded corpora found (set ST9X_CORPORA or use --corpus)"
        )
    corpora, failed = [], 0
    for spec in paths:
        try:
            corpora.append(load_corpus(spec))
        except St9xError as exc:
            error(exc)
            failed += 1
    return corpora, failed
