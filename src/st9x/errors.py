"""st9x's own errors.

Every problem with a user's input is raised as an :class:`St9xError` that knows which file (and,
where the parser says, which line) it is about, so that the CLI and the results can show it as
one line and carry on with the rest of the run instead of printing a traceback.
"""

from __future__ import annotations

from pathlib import Path

from st9x.text import flatten, printable


class St9xError(Exception):
    """An error about the user's input or set-up, shown as one line naming the file."""

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = printable(self.path)  # a file name may hold a line break
            if self.line:
                where += f":{self.line}"
                if self.column:
                    where += f":{self.column}"
            where += ": "
        return where + one_line(self.message)


class ManifestError(St9xError):
    """A corpus manifest that is missing, unreadable or does not follow the manifest format."""


class CorpusError(St9xError):
    """A corpus that cannot be used: unknown id, missing files, ambiguous schema for a root."""


class InstanceError(St9xError):
    """An instance that cannot be read: malformed, wrongly encoded, or refused as unsafe."""


class SchemaError(St9xError):
    """A schema that cannot be read or compiled, or that would need the network."""


class SchemaInvalid(SchemaError):
    """The validator itself judged the schema invalid (it does not compile), as opposed to st9x
    refusing it or being unable to read it. A schema test (``Case.kind == "schema"``) needs the
    difference: the first is the verdict ``invalid``, the others are ``errored``."""


class FormatError(St9xError):
    """A data file of st9x's own (results, ledger, summary) that does not follow its format."""


class OutputError(St9xError):
    """Results cannot be written (directory not writable, disk full) or resumed."""


class UsageError(St9xError):
    """A command line or option that cannot be acted on (unknown adapter, missing file)."""


def one_line(text: str, limit: int = 500) -> str:
    """Fold a possibly multi-line message into one printable line (:func:`st9x.text.flatten`),
    at most ``limit`` characters, because records and the CLI print one line per problem and a
    raw libxml2 or Python message may span several, or quote a file name that does."""
    folded = flatten(text)
    return folded if len(folded) <= limit else folded[: limit - 1] + "…"


def crash_message(who: str, exc: BaseException) -> str:
    """One line saying what ``who`` (a validator, a converter, a check) raised. st9x's own
    errors already say it in their own words; anything else is named by its type, and running
    out of memory says which limit was hit, because that is what a reader must change."""
    if isinstance(exc, St9xError):
        return str(exc)
    if isinstance(exc, MemoryError):
        return f"{who} ran out of memory (the worker's memory limit, or the machine's)"
    return f"{who} raised {type(exc).__name__}: {one_line(str(exc))}"
