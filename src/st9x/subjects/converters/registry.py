"""Finding converters: installed ones through the ``st9x.subjects.converters`` entry-point group, and
external commands from a TOML file. A plug-in that fails to import is reported as unavailable
with the reason, not allowed to take the whole run down (as for validator adapters)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from importlib.metadata import entry_points
from pathlib import Path

from st9x.errors import UsageError, one_line
from st9x.subjects.converters.base import Converter
from st9x.subjects.converters.external import load_external_converters
from st9x.subjects.validators.registry import Unavailable

GROUP = "st9x.subjects.converters"
NONE = "none"  # ``--converter none``: run no converter suite


def discover_converters() -> tuple[dict[str, Converter], list[Unavailable]]:
    """Every converter registered under the entry-point group, instantiated."""
    found: dict[str, Converter] = {}
    broken: list[Unavailable] = []
    for entry in sorted(entry_points(group=GROUP), key=lambda e: e.name):
        try:
            converter = entry.load()()
        except Exception as exc:  # a broken plug-in must not break st9x
            broken.append(Unavailable(entry.name, f"{type(exc).__name__}: {one_line(str(exc))}"))
            continue
        found[entry.name] = converter
    return found, broken


def select_converters(
    names: Sequence[str] | None = None, external_files: Iterable[Path] = ()
) -> dict[str, Converter]:
    """The converters a run uses: the named ones, or every available one when none is named;
    ``["none"]`` selects none."""
    if names and list(names) == [NONE]:
        return {}
    available, broken = discover_converters()
    for path in external_files:
        for converter in load_external_converters(Path(path)):
            available[converter.name] = converter
    if not names:
        return available
    chosen: dict[str, Converter] = {}
    for name in names:
        if name == NONE:
            raise UsageError("--converter none cannot be combined with other converters")
        if name in available:
            chosen[name] = available[name]
            continue
        reason = next((b.reason for b in broken if b.name == name), None)
        known = ", ".join(sorted(available)) or "none"
        raise UsageError(
            f"converter {name!r} "
            + (f"is not available: {reason}" if reason else f"is unknown (known: {known})")
        )
    return chosen
