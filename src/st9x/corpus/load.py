"""Finding and loading corpora by path or by the id of an embedded corpus."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import orjson

from st9x.corpus.discover import discover
from st9x.corpus.manifest import MANIFEST_NAME, load_manifest
from st9x.corpus.model import Corpus, Expected
from st9x.errors import CorpusError
from st9x.filelimit import read_limited


def embedded_corpora_dir() -> Path:
    """Where the corpora written for st9x live: ``$ST9X_CORPORA`` if set, else the project's
    ``corpora/`` (beside ``src/`` in a clone), else ``./corpora``."""
    env = os.environ.get("ST9X_CORPORA")
    if env:
        return Path(env)
    beside_source = Path(__file__).resolve().parents[3] / "corpora"
    if beside_source.is_dir():
        return beside_source
    return Path.cwd() / "corpora"


def default_corpus_paths() -> list[Path]:
    """The embedded corpora that ``st9x run`` uses by default: every folder with a manifest that
    does not say ``"default": false`` (hostile input, say, is run on purpose, not by default)."""
    base = embedded_corpora_dir()
    if not base.is_dir():
        return []
    return sorted(p for p in base.iterdir() if (p / MANIFEST_NAME).is_file() and _is_default(p))


def _is_default(path: Path) -> bool:
    try:
        document = orjson.loads(read_limited(path / MANIFEST_NAME, CorpusError))
    except (OSError, orjson.JSONDecodeError, CorpusError):
        return True  # let loading report the broken manifest
    return not (isinstance(document, dict) and document.get("default") is False)


def resolve_corpus(spec: str | Path) -> Path:
    """A corpus given as a path, or as the id of an embedded corpus (``st96-core``)."""
    path = Path(spec)
    if path.exists():
        return path
    embedded = embedded_corpora_dir() / str(spec)
    if embedded.exists():
        return embedded
    raise CorpusError("no such corpus (neither a directory nor an embedded corpus id)", path=spec)


def load_corpus(spec: str | Path, expect: Expected = "valid") -> Corpus:
    """Load a corpus from a manifest, or index a directory that has none (its documents then
    expect ``expect``; a manifest states its own expectations)."""
    path = resolve_corpus(spec)
    if path.is_file() and path.name == MANIFEST_NAME:
        return load_manifest(path)
    if not path.is_dir():
        raise CorpusError("a corpus is a directory (or its manifest.json)", path=path)
    manifest = path / MANIFEST_NAME
    if manifest.is_file():
        return load_manifest(manifest)
    return discover(path, expect)


def load_corpora(specs: Iterable[str | Path], expect: Expected = "valid") -> list[Corpus]:
    return [load_corpus(spec, expect) for spec in specs]
