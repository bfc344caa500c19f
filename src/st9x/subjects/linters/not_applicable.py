"""ST.90 chapters an API leaves out by choice: the "not applicable" entries of the compatibility
matrix, each with its reason.

ST.90 lets an office pick the parts of the standard that apply to its API (an open-data service
may have no security scheme on purpose). Such a choice is written down, with its reason, either
in the lint configuration (``[[not_applicable]]`` with ``path``, ``chapter``, ``reason``) or in a
corpus manifest's schema entry (``"not_applicable": {"security": "reason"}``). Both become
:class:`NotApplicable` entries carried in the run's lint header, so that a report folded again
from the results files shows the same choices. A choice never removes a finding: failures in a
chapter marked not applicable stay in the records and are counted apart.

A chapter key that is not one of :data:`st9x.rules.st90.chapters.CHAPTERS` is an error naming
the file and line; the entry is left out and the rest applies. ``gate`` cannot be chosen: it is
the precondition of every other chapter, not a part of ST.90.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

from st9x.corpus.model import Corpus
from st9x.errors import FormatError, St9xError
from st9x.rules.st90.chapters import CHAPTERS

GATE = "gate"


@dataclass(frozen=True)
class NotApplicable:
    """One chosen absence: the APIs it covers (``path``, a shell-style pattern over the names a
    document goes by, or a ``corpus/schema`` key), the chapter, the reason, and where it is
    written (``source`` and ``line``) so a report can point at it."""

    path: str
    chapter: str
    reason: str
    source: str = ""
    line: int | None = None

    def matches(self, names: Sequence[str]) -> bool:
        return any(fnmatchcase(name, self.path) for name in names)


def chapter_problem(chapter: str, path: Path | None, line: int | None) -> St9xError | None:
    """The error of an entry naming ``chapter``, or None when it names a chapter that may be
    chosen."""
    if chapter == GATE:
        return FormatError("chapter 'gate' cannot be not applicable: it is the precondition "
                           "of every ST.90 check; the entry is left out", path=path, line=line)
    if chapter not in CHAPTERS:
        return FormatError(f"unknown ST.90 chapter {chapter!r} (chapters: "
                           f"{', '.join(k for k in CHAPTERS if k != GATE)}); the entry is left "
                           "out", path=path, line=line)
    return None


def _line_after(lines: Sequence[str], needle: str, start: int) -> int | None:
    for number in range(start, len(lines)):
        if needle in lines[number]:
            return number + 1
    return None


def from_corpora(corpora: Iterable[Corpus]) -> tuple[list[NotApplicable], list[St9xError]]:
    """The manifest's ``not_applicable`` choices of every schema of ``corpora`` (path: the
    schema's ``corpus/id`` key, matched exactly), and an error for each unknown chapter with
    the manifest's line (found in its text: JSON readers keep no positions)."""
    entries: list[NotApplicable] = []
    problems: list[St9xError] = []
    for corpus in corpora:
        chosen = [spec for spec in corpus.schemas.values() if spec.not_applicable]
        if not chosen:
            continue
        lines: list[str] = []
        if corpus.manifest is not None:
            try:
                lines = corpus.manifest.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                lines = []
        source = str(corpus.manifest or corpus.root)
        for spec in chosen:
            start = (_line_after(lines, f'"{spec.id}"', 0) or 1) - 1
            for chapter, reason in spec.not_applicable:
                line = _line_after(lines, f'"{chapter}"', start)
                problem = chapter_problem(chapter, corpus.manifest, line)
                if problem is not None:
                    problems.append(problem)
                    continue
                entries.append(NotApplicable(spec.key, chapter, reason, source, line))
    return entries, problems
