"""The files a bulk conversion writes as it goes: the output and the side file of failures.

Both are streamed (a bag of a million records is never held in memory) into a partial file
beside the target and renamed into place only when the run ends normally, so a reader never
sees half an output and an interrupted or refused run leaves an existing output as it was.
The failures file (``OUT.errors.jsonl``, format ``convert-bulk-errors``) exists only when
some record failed: a stale one from an earlier run is removed.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING

import orjson

from st9x.errors import OutputError

if TYPE_CHECKING:  # the command's --help must not import the converter
    from st9x.engine.bulk_convert import RecordFailure


class PartialFile:
    """A file written through ``.NAME.*.partial`` beside it, renamed into place by
    :meth:`commit`; removed unless committed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        directory = path.parent if str(path.parent) else Path(".")
        try:
            directory.mkdir(parents=True, exist_ok=True)
            fd, partial = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial",
                                           dir=directory)
        except OSError as exc:
            raise OutputError(f"cannot write: {exc.strerror or exc}", path=path) from None
        self.partial = Path(partial)
        self.stream: IO[bytes] = os.fdopen(fd, "wb", buffering=1 << 20)
        self.written = 0

    def write(self, data: bytes) -> None:
        try:
            self.stream.write(data)
        except OSError as exc:
            raise OutputError(f"cannot write: {exc.strerror or exc}", path=self.path) from None
        self.written += len(data)

    def commit(self) -> None:
        try:
            self.stream.close()
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(self.partial, 0o666 & ~umask)
            os.replace(self.partial, self.path)
        except OSError as exc:
            self.discard()
            raise OutputError(f"cannot write: {exc.strerror or exc}", path=self.path) from None

    def discard(self) -> None:
        self.stream.close()
        self.partial.unlink(missing_ok=True)

    def __enter__(self) -> PartialFile:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 trace: TracebackType | None) -> None:
        if kind is not None or not self.stream.closed:
            self.discard()


def errors_path(output: Path) -> Path:
    """Where the failures of a conversion to ``output`` are written."""
    return output.with_name(output.name + ".errors.jsonl")


class FailureLog:
    """``OUT.errors.jsonl``: one JSON object per failed record, in record order."""

    def __init__(self, output: Path) -> None:
        self.path = errors_path(output)
        self.count = 0
        self._file: PartialFile | None = None

    def add(self, failure: RecordFailure) -> None:
        if self._file is None:
            self._file = PartialFile(self.path)
        self._file.write(orjson.dumps(failure.as_json()) + b"\n")
        self.count += 1

    def commit(self) -> None:
        """Put the failures in place, or remove a stale file when there were none."""
        if self._file is not None:
            self._file.commit()
            return
        try:
            self.path.unlink(missing_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot remove: {exc.strerror or exc}", path=self.path) from None

    def discard(self) -> None:
        if self._file is not None:
            self._file.discard()
