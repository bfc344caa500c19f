"""st9x's own data formats (manifest, results, summary, ledger, conversions, and the TOML file
of external subjects), each described by a JSON Schema shipped in this package and checked
whenever such a file is read, so that a hand-edited file fails with the file and the field named
instead of a KeyError somewhere later."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from st9x.errors import FormatError, St9xError

if TYPE_CHECKING:
    import jsonschema

FORMATS = (
    "manifest", "results", "summary", "ledger", "conversions", "conversion-summary",
    "external", "suite", "synth-report", "diff", "badge", "benchmarks",
    "lint", "lint-summary", "lint-report", "lint-config", "catalog-entry", "st90-matrix",
    "bench-gate", "bulk", "convert-bulk-errors",
)


@cache
def format_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of one of st9x's formats."""
    if name not in FORMATS:
        raise KeyError(name)
    text = resources.files(__package__).joinpath(f"{name}.schema.json").read_bytes()
    return orjson.loads(text)


@cache
def _validator(name: str) -> jsonschema.protocols.Validator:
    # imported here, not with the module: python-jsonschema's import costs 1.7 s (its IRI
    # format checker builds a grammar), which a command that reads none of st9x's own data
    # files (``st9x validate``) need not pay
    import jsonschema

    schema = format_schema(name)
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@cache
def _fast(name: str) -> Any:
    """jsonschema-rs compiled for format ``name``: a results file of 50,000 lines is checked
    line by line, and python-jsonschema takes milliseconds a line where this takes
    microseconds. The formats use no ``format`` keyword and only patterns both regex engines
    read alike; python-jsonschema stays the authority (and the wording) whenever this one
    finds anything wrong."""
    import jsonschema_rs

    return jsonschema_rs.validator_for(format_schema(name))


def first_error(name: str, document: Any) -> jsonschema.ValidationError | None:
    """The most relevant way ``document`` breaks format ``name`` (jsonschema's ``best_match``),
    or None. For a reader that words the error in its own file's terms (a TOML table rather
    than a JSON Pointer); :func:`check` words it for JSON files."""
    try:
        if _fast(name).is_valid(document):
            return None
    except (ValueError, OverflowError):  # a value jsonschema-rs cannot take (a huge integer)
        pass
    from jsonschema.exceptions import best_match

    return best_match(_validator(name).iter_errors(document))


def check(
    name: str,
    document: Any,
    *,
    path: str | Path | None,
    error: type[St9xError] = FormatError,
    pointer_prefix: str = "",
) -> None:
    """Raise ``error`` naming the file and the offending field if ``document`` breaks format
    ``name``. The most relevant error is reported (jsonschema's ``best_match``), because one
    precise line helps more than a list of every consequence of one mistake."""
    best = first_error(name, document)
    if best is None:
        return
    field = pointer_prefix + "".join(f"/{part}" for part in best.absolute_path) or "/"
    raise error(f"{name} format: at {field}: {best.message}", path=path)
