"""The peer-suite cache: where suites' inline data become files the adapters can read.

Adapters validate files (``CompiledSchema.validate(Path)``), and the JSON-Schema-Test-Suite keeps
its schemas and instances inline in its test files. Rather than widen the adapter protocol for
one kind of corpus, the loader writes each schema and instance once into a content-addressed
directory (the file name is the SHA-256 of the bytes) and builds ordinary cases on those files.
A corpus directory is named after a digest of everything it holds and is created whole or not
at all (written beside it, then renamed), so a rerun on an unchanged suite writes nothing and
two processes loading at once (pytest-xdist workers) never see half a corpus.

Numbers are written with the digits the suite wrote (``1.0`` stays ``1.0``, a 40-digit integer
stays exact): the suite tests exactly such distinctions, and a float round trip would blur them.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from st9x.outfiles import write_atomically

INDEX_NAME = "index.json"


def cache_root() -> Path:
    """``$ST9X_CACHE`` if set, else ``$XDG_CACHE_HOME/st9x`` (``~/.cache/st9x``)."""
    explicit = os.environ.get("ST9X_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "st9x"


def read_exact_json(text: str) -> Any:
    """Parse JSON keeping every number exact: floats as Decimal, integers as int."""
    return json.loads(text, parse_float=Decimal)


def dump_exact_json(value: Any) -> bytes:
    """Serialise what :func:`read_exact_json` read, numbers written with their own digits."""
    return _dump(value).encode("utf-8")


def _dump(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return str(value)  # "1.0", "1E+308", "-0.0": JSON numbers with the suite's precision
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ",".join(_dump(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(json.dumps(k) + ":" + _dump(v) for k, v in value.items()) + "}"
    raise TypeError(f"not JSON data: {type(value).__name__}")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def materialise(
    directory: Path, fill: Callable[[Path], Mapping[str, Any]], index_name: str = INDEX_NAME
) -> Path:
    """Make ``directory`` hold what ``fill`` writes, unless a complete one is already there.

    ``fill`` writes into an empty directory and returns the index (written last, as the mark of
    a complete directory). The directory's name must already say what is in it (a digest), so
    an existing complete directory is the same content and is reused as it is.
    """
    if (directory / index_name).is_file():
        return directory
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=directory.name + ".", dir=directory.parent))
    try:
        index = fill(staging)
        (staging / index_name).write_bytes(
            json.dumps(index, indent=1, sort_keys=True).encode() + b"\n"
        )
        try:
            os.rename(staging, directory)
        except OSError:
            if not (directory / index_name).is_file():
                raise  # not another process's complete copy: a real failure
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(staging)
    return directory


def store(directory: Path, data: bytes, suffix: str) -> str:
    """Write ``data`` under its own digest in ``directory``; return the file name."""
    name = sha256(data) + suffix
    path = directory / name
    if not path.exists():
        write_atomically(path, data)  # a reader (another pytest worker) never sees half a file
    return name
