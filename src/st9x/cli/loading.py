"""Loading the corpora a command names, shared by ``st9x run`` and ``st9x corpora``: a corpus
that fails to load is reported in one line and the others are still used, so one broken
manifest does not hide the rest (the command then exits 1).

A path that does not exist, or (for a run) a corpus with no document in it, is a mistake on the
command line rather than a result: it is refused before anything runs or is written (exit 2),
so a typo cannot pass as "0 broken expectations" over an empty matrix.
"""

from __future__ import annotations

from collections.abc import Sequence

from st9x.cli.console import error
from st9x.corpus.load import default_corpus_paths, load_corpus, resolve_corpus
from st9x.corpus.model import Corpus, Expected
from st9x.errors import CorpusError, St9xError, UsageError


def load_corpora(
    specs: Sequence[str], expect: Expected = "valid", *, require_cases: bool = False
) -> tuple[list[Corpus], int]:
    """The corpora that loaded and how many did not; the embedded ones when none is named.

    Directories without a manifest expect ``expect`` of their documents. With
    ``require_cases``, a corpus that holds no case is a :class:`UsageError`."""
    paths = list(specs) or [str(p) for p in default_corpus_paths()]
    if not paths:
        raise UsageError(
            "no corpus given and no embedded corpora found (set ST9X_CORPORA or use --corpus)"
        )
    for spec in paths:
        try:
            resolve_corpus(spec)
        except CorpusError as exc:
            raise UsageError(exc.message, path=exc.path) from None
    corpora, failed = [], 0
    for spec in paths:
        try:
            corpus = load_corpus(spec, expect)
        except St9xError as exc:
            error(exc)
            failed += 1
            continue
        if require_cases and not corpus.cases and not corpus.api_documents():
            raise UsageError(
                "no document in this corpus (nothing to run: an XML or JSON instance, a "
                "manifest listing cases, or an OpenAPI document, is needed)",
                path=spec,
            )
        corpora.append(corpus)
    return corpora, failed
