"""Finding adapters: installed ones through the ``st9x.validators`` entry-point group, and
external commands from a TOML file. A plug-in that fails to import is reported as unavailable
with the reason, not allowed to take the whole run down."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path

from st9x.errors import UsageError, one_line
from st9x.subjects.validators.base import Adapter
from st9x.subjects.validators.external import load_external

GROUP = "st9x.validators"


@dataclass(frozen=True)
class Unavailable:
    name: str
    reason: str


def discover_adapters() -> tuple[dict[str, Adapter], list[Unavailable]]:
    """Every adapter registered under the entry-point group, instantiated."""
    found: dict[str, Adapter] = {}
    broken: list[Unavailable] = []
    for entry in sorted(entry_points(group=GROUP), key=lambda e: e.name):
        try:
            adapter = entry.load()()
        except Exception as exc:  # a broken plug-in must not break st9x
            broken.append(Unavailable(entry.name, f"{type(exc).__name__}: {one_line(str(exc))}"))
            continue
        found[entry.name] = adapter
    return found, broken


def select_adapters(
    names: Sequence[str] | None = None, external_files: Iterable[Path] = ()
) -> dict[str, Adapter]:
    """The adapters a run uses: the named ones, or every available one when none is named."""
    available, broken = discover_adapters()
    for path in external_files:
        for adapter in load_external(Path(path)):
            available[adapter.name] = adapter  # type: ignore[assignment]
    if not names:
        return available
    chosen: dict[str, Adapter] = {}
    for name in names:
        if name in available:
            chosen[name] = available[name]
            continue
        reason = next((b.reason for b in broken if b.name == name), None)
        known = ", ".join(sorted(available)) or "none"
        raise UsageError(
            f"adapter {name!r} "
            + (f"is not available: {reason}" if reason else f"is unknown (known: {known})")
        )
    return chosen
