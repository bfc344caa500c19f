"""The TOML file that turns command lines into subjects: ``[adapter.NAME]`` tables for
validators, ``[converter.NAME]`` tables for converters.

The file is checked whole against st9x's ``external`` format (:mod:`st9x.formats`) before any
subject is built, and a mistake is one line naming the file and the table in the file's own
terms (``[adapter.x] lacks 'command'``), not a JSON Pointer: the user wrote TOML. What the
format cannot say (which placeholders a command needs, a command that does not split) is left
to the subject's own constructor, whose message gets the file added here.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from st9x.errors import UsageError, one_line
from st9x.formats import first_error
from st9x.text import printable

if TYPE_CHECKING:
    import jsonschema

S = TypeVar("S")

_NOUNS = {
    "string": "a string",
    "number": "a number",
    "integer": "an integer",
    "array": "a list",
    "object": "a table",
}


def load_subjects(path: Path, kind: str, build: Callable[[str, dict[str, Any]], S]) -> list[S]:
    """One subject per ``[kind.NAME]`` table of the file, by name, each made by ``build``."""
    subjects = []
    for name, table in read_tables(path, kind).items():
        try:
            subjects.append(build(name, table))
        except UsageError as exc:
            raise UsageError(exc.message, path=path) from None
        except ValueError as exc:  # shlex on unbalanced quotes
            raise UsageError(f"[{kind}.{name}] {exc}", path=path) from None
    return subjects


def read_tables(path: Path, kind: str) -> dict[str, dict[str, Any]]:
    """The ``[kind.NAME]`` tables of the file, sorted by name, once the whole file is known
    to follow the ``external`` format."""
    try:
        document = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read: {exc.strerror or exc}", path=path) from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"not valid TOML: {exc}", path=path) from None
    if not document.get(kind):
        raise UsageError(f"no [{kind}.NAME] table found", path=path)
    error = first_error("external", document)
    if error is not None:
        raise UsageError(in_toml_terms(error), path=path)
    for name in document[kind]:
        # a subject's name is an id in every record, matrix and test name: it must be shown
        # as itself (a file name is escaped where it becomes an id; a name is chosen, so it
        # is refused instead)
        if not name or printable(name) != name:
            raise UsageError(
                f"[{kind}.{printable(name)}] the name must be printable, without backslashes, "
                "line breaks or other control characters",
                path=path,
            )
    return dict(sorted(document[kind].items()))


def in_toml_terms(error: jsonschema.ValidationError) -> str:
    """A format error said as a TOML user would look for it: the table, then the key."""
    parts = [str(p) for p in error.absolute_path]
    table = f"[{parts[0]}.{parts[1]}]" if len(parts) >= 2 else ""
    keys = parts[2:] if len(parts) >= 2 else parts
    key = keys[0] + "".join(f"[{k}]" for k in keys[1:]) if keys else ""
    subject = " ".join(part for part in (table, key) if part)
    if error.validator == "required":
        missing = next(k for k in error.validator_value if k not in error.instance)
        return f"{subject} lacks {missing!r}"
    if error.validator == "additionalProperties":
        unknown = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return f"{subject or 'top level:'} unknown keys: {', '.join(unknown)}"
    if error.validator == "enum":
        return f"{subject} must be " + " or ".join(repr(v) for v in error.validator_value)
    if error.validator == "type":
        return f"{subject} must be {_NOUNS.get(error.validator_value, error.validator_value)}"
    if error.validator == "exclusiveMinimum":
        return f"{subject} must be more than {error.validator_value}"
    return f"{subject or 'top level'}: {one_line(error.message)}"
