"""Writing output files whole or not at all.

Every file st9x writes besides the streamed results (summaries, matrices, converted schemas and
instances, converter output, cached peer files) goes through :func:`write_atomically`: a reader
(a user, a CI step, a resumed run, another process) never sees half a file, and a failure is one
error naming the file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from st9x.errors import OutputError


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a uniquely named partial file beside it, renamed into
    place; parent folders are made as needed. The file gets the permissions any new file gets
    (0666 less the umask), not the private mode of a temporary file."""
    directory = path.parent if str(path.parent) else Path(".")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, partial = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=directory)
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror or exc}", path=path) from None
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
        os.chmod(partial, 0o666 & ~_umask())
        os.replace(partial, path)
    except OSError as exc:
        Path(partial).unlink(missing_ok=True)
        raise OutputError(f"cannot write: {exc.strerror or exc}", path=path) from None
