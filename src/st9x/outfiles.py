"""Writing output files whole or not at all.

Every file st9x writes besides the streamed results (summaries, matrices, converted schemas and
instances) goes through :func:`write_atomically`: a reader (a user, a CI step, a resumed run)
never sees half a file, and a failure is one error naming the file.
"""

from __future__ import annotations

import os
from pathlib import Path

from st9x.errors import OutputError


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a partial file renamed into place; parent folders
    are made as needed."""
    partial = path.with_name(path.name + ".partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise OutputError(f"cannot write: {exc.strerror or exc}", path=path) from None
