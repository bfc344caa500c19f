"""One xmlschema component model per schema file and process, shared by every subject.

Loading a real ST.96 document schema with xmlschema takes seconds (3–4 s for a WIPO V6_0
document schema on the reference machine), and several subjects need the very same model: the
``xmlschema-1.0`` validator, the reference XSD verdict of the converter suites, every ST.97
converter profile (which walks the component model) and the register's decision checks, and
xmlschema's own converters. Before, each loaded it again; a V6_0 run with every converter loaded
each document schema some twenty times per worker. Here the first caller loads it and the others
get the same object.

Every caller loads with the same settings (local files only, no entity expansion), so one model
serves them all. The model is only read after it is built (validating, decoding and walking do
not change it), so sharing it is safe. A cached model is used only while the files it was built
from are unchanged (each file's size and modification time): a test or a long pytest session
that rewrites a schema gets a fresh load. Loading does not check where includes lead; callers
run the gate (:func:`st9x.xmlsafe.schema_files`) first, as before.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import xmlschema

from st9x.offline import local_opener

_CLASSES: dict[str, type[xmlschema.XMLSchemaBase]] = {
    "1.0": xmlschema.XMLSchema10,
    "1.1": xmlschema.XMLSchema11,
}
MAX_CACHED = 8  # models kept per process (a V6_0 document schema takes ~15 MB)

_Fingerprint = tuple[tuple[str, int, int], ...]
_cache: OrderedDict[tuple[str, str], tuple[Any, _Fingerprint]] = OrderedDict()
_stats = {"loads": 0, "hits": 0}


def load_xmlschema(path: str | Path, version: str = "1.0") -> Any:
    """The xmlschema model of the schema at ``path`` for XSD ``version`` (``1.0`` or ``1.1``),
    loaded from local files only and without entity expansion; xmlschema's exceptions pass
    through unchanged, for each caller to word in its own terms."""
    key = (os.path.realpath(path), version)
    cached = _cache.get(key)
    if cached is not None:
        schema, fingerprint = cached
        if _fingerprint_of(fingerprint) == fingerprint:
            _cache.move_to_end(key)
            _stats["hits"] += 1
            return schema
        del _cache[key]
    # opener: xmlschema reads files through urlopen, whose default opener asks $file_proxy
    schema = _CLASSES[version](str(path), allow="local", defuse="always", opener=local_opener())
    _stats["loads"] += 1
    _cache[key] = (schema, _stat_all(_files_of(schema)))
    while len(_cache) > MAX_CACHED:
        _cache.popitem(last=False)
    return schema


def load_counts() -> dict[str, int]:
    """How many models this process loaded and how many requests the cache answered (for the
    tests that keep the sharing honest, and for benchmarks)."""
    return dict(_stats)


def clear() -> None:
    """Forget every cached model (and the counts)."""
    _cache.clear()
    _stats.update(loads=0, hits=0)


def _files_of(schema: Any) -> list[str]:
    """The local files the model was built from (xmlschema names them by ``file://`` URL)."""
    files = set()
    for part in schema.maps.iter_schemas():
        url = part.url or ""
        parsed = urlsplit(url)
        if parsed.scheme == "file":
            files.add(url2pathname(parsed.path))
        elif url and not parsed.scheme:
            files.add(url)
    return sorted(files)


def _stat_all(files: list[str]) -> _Fingerprint:
    out = []
    for name in files:
        try:
            st = os.stat(name)
        except OSError:
            out.append((name, -1, -1))
            continue
        out.append((name, st.st_size, st.st_mtime_ns))
    return tuple(out)


def _fingerprint_of(previous: _Fingerprint) -> _Fingerprint:
    return _stat_all([name for name, _size, _mtime in previous])
