"""Finding subjects: installed ones through an entry-point group per kind (``st9x.validators``,
``st9x.converters``, ``st9x.linters``) and external commands from TOML files.

Every kind is found the same way, so a third party adds a validator, a converter or a linter
by declaring an entry point, without touching st9x. A plug-in that fails to import or to
instantiate is kept aside as :class:`Unavailable` with the reason, not allowed to take the
whole run down; naming it then says why it cannot be used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from typing import Generic, Protocol, TypeVar

from st9x.errors import UsageError, one_line
from st9x.subjects.converters.base import Converter
from st9x.subjects.converters.external import load_external_converters
from st9x.subjects.linters.base import Linter
from st9x.subjects.validators.base import Adapter
from st9x.subjects.validators.external import load_external


class _Named(Protocol):
    """What the registry needs of any subject: the name it is selected by."""

    @property
    def name(self) -> str: ...


S = TypeVar("S", bound=_Named)

NONE = "none"  # ``--converter none``: run no subject of that kind
ALL = "all"  # ``--converter all``: every available one, where the default may be fewer


@dataclass(frozen=True)
class Unavailable:
    """A registered plug-in that could not be loaded, and why."""

    name: str
    reason: str


@dataclass(frozen=True)
class Kind(Generic[S]):
    """One kind of subject: where its plug-ins register and how the user names them."""

    group: str  # the entry-point group
    noun: str  # what the user calls one, in messages: "adapter", "converter", "linter"
    external: Callable[[Path], Iterable[S]] | None = None  # subjects from a TOML file
    option: str | None = None  # the command-line option that may name ``none``

    def discover(self) -> tuple[dict[str, S], list[Unavailable]]:
        """Every subject registered under the group, instantiated, by name; and the broken."""
        found: dict[str, S] = {}
        broken: list[Unavailable] = []
        for entry in sorted(entry_points(group=self.group), key=lambda e: e.name):
            try:
                subject = entry.load()()
            except Exception as exc:  # a broken plug-in must not break st9x
                reason = f"{type(exc).__name__}: {one_line(str(exc))}"
                broken.append(Unavailable(entry.name, reason))
                continue
            found[entry.name] = subject
        return found, broken

    def select(
        self, names: Sequence[str] | None = None, external_files: Iterable[Path] = ()
    ) -> dict[str, S]:
        """The subjects a run uses: the named ones in the order named, or every available one
        when none is named (external ones replace installed ones of the same name). Where the
        kind has an ``option``, ``["none"]`` selects none and ``["all"]`` every one."""
        if self.option and names and list(names) == [NONE]:
            return {}
        if self.option and names and list(names) == [ALL]:
            names = None
        available, broken = self.discover()
        for path in external_files:
            if self.external is None:
                raise UsageError(f"{self.noun}s cannot be external commands", path=path)
            for subject in self.external(Path(path)):
                available[subject.name] = subject
        if not names:
            return available
        chosen: dict[str, S] = {}
        for name in names:
            if self.option and name in (NONE, ALL):
                raise UsageError(
                    f"{self.option} {name} cannot be combined with other {self.noun}s"
                )
            if name in available:
                chosen[name] = available[name]
                continue
            reason = next((b.reason for b in broken if b.name == name), None)
            known = ", ".join(sorted(available)) or "none"
            raise UsageError(
                f"{self.noun} {name!r} "
                + (f"is not available: {reason}" if reason else f"is unknown (known: {known})")
            )
        return chosen


VALIDATORS: Kind[Adapter] = Kind(
    "st9x.validators",
    "adapter",
    load_external,  # type: ignore[arg-type]  # ExternalAdapter's name is per instance
)
CONVERTERS: Kind[Converter] = Kind(
    "st9x.converters", "converter", load_external_converters, "--converter"
)
LINTERS: Kind[Linter] = Kind("st9x.linters", "linter")


def discover_adapters() -> tuple[dict[str, Adapter], list[Unavailable]]:
    """Every validator adapter installed, and the broken ones with their reason."""
    return VALIDATORS.discover()


def select_adapters(
    names: Sequence[str] | None = None, external_files: Iterable[Path] = ()
) -> dict[str, Adapter]:
    """The validator adapters a run uses (every available one when none is named)."""
    return VALIDATORS.select(names, external_files)


def discover_converters() -> tuple[dict[str, Converter], list[Unavailable]]:
    """Every converter installed, and the broken ones with their reason."""
    return CONVERTERS.discover()


def select_converters(
    names: Sequence[str] | None = None, external_files: Iterable[Path] = ()
) -> dict[str, Converter]:
    """The converters a run uses (every available one when none is named; ``["none"]``:
    none)."""
    return CONVERTERS.select(names, external_files)


def discover_linters() -> tuple[dict[str, Linter], list[Unavailable]]:
    """Every design-rule linter installed, and the broken ones with their reason."""
    return LINTERS.discover()


def select_linters(names: Sequence[str] | None = None) -> dict[str, Linter]:
    """The linters a run uses (every available one when none is named)."""
    return LINTERS.select(names)
