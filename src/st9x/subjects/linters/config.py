"""The lint configuration file (TOML, format ``lint-config``): rules switched off, and
suppressions of findings, each with its reason.

A suppression names a rule (an id, or a pattern over ids), the files it covers (a pattern over
the path) and, optionally, the place in them (an XPath or JSON Pointer, exactly or as a
pattern). A suppressed finding is still recorded, marked with the suppression's reason, so a
report shows what was accepted and why; one that matches nothing is reported too, since it is
stale or mistyped. A rule id no installed linter knows is an error naming the file and line;
the entry is left out and the rest of the file applies.

``[[not_applicable]]`` tables name the ST.90 chapters an API leaves out by choice, with the
reason (:mod:`st9x.subjects.linters.not_applicable`); they change no finding, only how the
compatibility matrix shows the chapter.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path

from st9x import formats
from st9x.errors import FormatError, St9xError, UsageError
from st9x.filelimit import read_limited
from st9x.subjects.linters.not_applicable import NotApplicable, chapter_problem


@dataclass(frozen=True)
class Suppression:
    """One ``[[suppress]]`` table: ``index`` is its place in the file (how records name it),
    ``line`` the line its rule is written on."""

    index: int
    rule: str
    path: str
    reason: str
    location: str | None = None
    line: int | None = None

    def matches(self, rule: str, paths: Sequence[str], location: str) -> bool:
        """Whether the finding of ``rule`` at ``location`` in a file known by ``paths`` (each
        name the file goes by) is suppressed. A location is compared as it is before as a
        pattern: an XPath's ``[@name='X']`` would otherwise read as a character class."""
        if not fnmatchcase(rule, self.rule):
            return False
        if not any(fnmatchcase(p, self.path) for p in paths):
            return False
        if self.location is None:
            return True
        return location == self.location or fnmatchcase(location, self.location)

    def describe(self) -> str:
        where = f" at {self.location}" if self.location else ""
        return f"suppression of {self.rule} in {self.path}{where}"


@dataclass(frozen=True)
class LintConfig:
    """A loaded configuration. ``problems`` are the entries left out (unknown rule ids), each
    an error naming the file and line, for the caller to print and count as a bad input."""

    path: Path | None = None
    suppressions: tuple[Suppression, ...] = ()
    disabled: tuple[str, ...] = ()
    problems: tuple[St9xError, ...] = field(default_factory=tuple)
    not_applicable: tuple[NotApplicable, ...] = ()

    def with_choices(self, entries: Sequence[NotApplicable],
                     problems: Sequence[St9xError] = ()) -> LintConfig:
        """This configuration with more not-applicable choices (a corpus manifest's), and
        the problems met reading them."""
        return dataclasses.replace(self, not_applicable=(*self.not_applicable, *entries),
                                   problems=(*self.problems, *problems))

    def enabled(self, rule: str) -> bool:
        return not any(fnmatchcase(rule, pattern) for pattern in self.disabled)

    def suppression(self, rule: str, paths: Sequence[str], location: str) -> Suppression | None:
        for suppression in self.suppressions:
            if suppression.matches(rule, paths, location):
                return suppression
        return None

    def unused(self, used: Collection[int]) -> list[Suppression]:
        """The suppressions whose index is not in ``used``: they matched no finding."""
        return [s for s in self.suppressions if s.index not in used]


def _line_of(text: str, value: str, after: int = 0) -> int | None:
    """The line (from ``after`` on) where the quoted ``value`` is written: TOML readers give no
    positions, and a person fixes a rule id by its line."""
    lines = text.splitlines()
    for number in range(after, len(lines)):
        if f'"{value}"' in lines[number] or f"'{value}'" in lines[number]:
            return number + 1
    return None


def load_config(path: Path, known_rules: Collection[str]) -> LintConfig:
    """Read and check the file at ``path``; entries naming no rule of ``known_rules`` become
    ``problems``. A file that cannot be read or breaks the format is a UsageError: nothing
    could be said about which findings to keep."""
    try:
        data = read_limited(path, UsageError)
    except OSError as exc:
        raise UsageError(f"cannot read the lint configuration: {exc.strerror or exc}",
                         path=path) from None
    try:
        text = data.decode("utf-8")
        document = tomllib.loads(text)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"not a TOML lint configuration: {exc}", path=path) from None
    try:
        formats.check("lint-config", document, path=path)
    except FormatError as exc:
        raise UsageError(exc.message, path=path) from None
    problems: list[St9xError] = []
    known = list(known_rules)

    def exists(pattern: str, line: int | None) -> bool:
        if any(fnmatchcase(rule, pattern) for rule in known):
            return True
        problems.append(FormatError(f"unknown rule {pattern!r}: no installed linter has a rule "
                                    "of this id; the entry is left out", path=path, line=line))
        return False

    disabled = tuple(p for p in document.get("disable", []) if exists(p, _line_of(text, p)))
    suppressions = []
    cursor = 0
    for index, entry in enumerate(document.get("suppress", [])):
        line = _line_of(text, entry["rule"], cursor)
        cursor = line or cursor
        if not exists(entry["rule"], line):
            continue
        suppressions.append(Suppression(index, entry["rule"], entry["path"], entry["reason"],
                                        entry.get("location"), line))
    chosen = []
    cursor = 0
    for entry in document.get("not_applicable", []):
        line = _line_of(text, entry["chapter"], cursor)
        cursor = line or cursor
        problem = chapter_problem(entry["chapter"], path, line)
        if problem is not None:
            problems.append(problem)
            continue
        chosen.append(NotApplicable(entry["path"], entry["chapter"], entry["reason"],
                                    str(path), line))
    return LintConfig(path, tuple(suppressions), disabled, tuple(problems), tuple(chosen))
