"""``st9x run --resume DIR``: what an interrupted run's results header may decide, and what the
user must name again.

A results file is data: it may have been edited, copied from another machine or handed over by
someone else. So resuming takes from its header only *names and numbers* the user can read in
it and that select among what st9x already has (the adapters, tags and converter suites, the
expectation of directories without a manifest, ``--max-errors``, the peer ``--sample`` and
``--seed``), each checked for its type. It never takes a *path*: the corpora (``--corpus``),
peer suites (``--peer``), external adapters (``--external``) and external converters
(``--converter-file``) are given again on the command line and must be the run's own: the same
corpus and suite folders, and TOML files with the same SHA-256 as the header records (a header
written before these were recorded: the same resolved paths). Without ``--corpus`` a resumed run
loads the embedded corpora, as any run does, and the header must name exactly those. So no
command, file to load or plug-in ever comes from a results file.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from st9x.engine.results import RESULTS_NAME, iter_results
from st9x.engine.validation import file_sha256
from st9x.errors import UsageError

EXPECT_CHOICES = ("valid", "unknown")
HOW = "st9x takes no path, command or plug-in from a results file"


@dataclass(frozen=True)
class Recorded:
    """What the interrupted run had that this one can only check after loading: its corpus
    folders and peer suites, as the header names them."""

    results: Path
    corpora: list[str]
    peers: list[tuple[str, str]]

    def check(self, corpora: Sequence[str], peers: Sequence[tuple[str, Path]]) -> None:
        """The corpora (resolved folders) and peer suites this run loaded must be the
        interrupted run's."""
        if sorted(corpora) != sorted(self.corpora):
            raise UsageError(
                "cannot resume: the run had corpora "
                f"{', '.join(self.corpora) or 'none but peer suites'}; this one has "
                f"{', '.join(corpora) or 'none'} (name the run's corpora again with --corpus; "
                f"{HOW})",
                path=self.results,
            )
        if not self._same_peers(peers):
            had = ", ".join(f"{k} {p}" for k, p in self.peers) or "none"
            raise UsageError(
                f"cannot resume: the run had peer suites {had} (name them again with --peer "
                f"KIND PATH; {HOW})",
                path=self.results,
            )


    def _same_peers(self, peers: Sequence[tuple[str, Path]]) -> bool:
        """Each suite loaded now is one the header names, by its root as recorded (resolved
        or as the loader kept it): the header's paths are compared, never opened."""
        left = list(self.peers)
        for kind, path in peers:
            form = next(
                ((kind, f) for f in (str(path), str(path.resolve())) if (kind, f) in left), None
            )
            if form is None:
                return False
            left.remove(form)
        return not left


def resume_selection(args: argparse.Namespace) -> Recorded:
    """Take the interrupted run's names and numbers from its header into ``args``, check that
    the external files given again are the run's own, and return what is checked after loading.
    A header that does not hold what it should is refused in one line naming the file."""
    results = args.resume / RESULTS_NAME
    header = next(iter_results(results), None)
    if not isinstance(header, dict) or header.get("type") != "header":
        raise UsageError("cannot resume: no results header", path=results)
    selection = header.get("selection", {})
    if not isinstance(selection, dict):
        raise UsageError("cannot resume: the header's selection is not an object", path=results)
    field = _Fields(selection, results)
    args.adapter = field.strings("adapters")
    args.tag = field.strings("tags")
    # a header written before converters were recorded has no such key: the defaults, as that
    # run had unless it named some
    args.converter = field.strings("converters")
    # a header written before expectations were recorded comes from runs that expected nothing
    # of directories without a manifest
    args.expect = field.choice("expect", EXPECT_CHOICES, "unknown")
    # the records still to run keep as many errors as those already written
    args.max_errors = field.integer("max_errors", args.max_errors, low=0)
    _same_files(args.external, selection, "external", "--external", results)
    _same_files(args.converter_file, selection, "converter_files", "--converter-file", results)
    peers = selection.get("peers", [])
    if not isinstance(peers, list) or not all(
        isinstance(p, dict) and isinstance(p.get("kind"), str) and isinstance(p.get("path"), str)
        for p in peers
    ):
        raise UsageError("cannot resume: the header's peers are not a list of suites", path=results)
    recorded_peers = [(p["kind"], p["path"]) for p in peers]
    if recorded_peers and not args.peer:
        Recorded(results, [], recorded_peers).check([], [])
    if recorded_peers:
        args.sample = field.integer("sample", None, low=1)
        args.seed = field.integer("seed", None, low=None) or 0
    if "corpora" in selection:
        corpora = field.strings("corpora")
    else:  # a header written before the selection was recorded
        corpora = [c["path"] for c in header.get("corpora", [])]
    args.out = args.resume
    return Recorded(results, corpora, recorded_peers)


@dataclass(frozen=True)
class _Fields:
    """The header's selection, read key by key with the type each must have."""

    selection: dict[str, Any]
    results: Path

    def _refuse(self, key: str, what: str) -> UsageError:
        return UsageError(f"cannot resume: the header's selection.{key} is not {what}",
                          path=self.results)

    def strings(self, key: str) -> list[str]:
        value = self.selection.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self._refuse(key, "a list of strings")
        return list(value)

    def choice(self, key: str, choices: Sequence[str], default: str) -> str:
        value = self.selection.get(key, default)
        if value not in choices:
            raise self._refuse(key, " or ".join(choices))
        return str(value)

    def integer(self, key: str, default: int | None, *, low: int | None) -> int | None:
        value = self.selection.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or (
            low is not None and value < low
        ):
            raise self._refuse(key, "an integer" + (f" of at least {low}" if low else ""))
        return value


def file_fingerprints(paths: Sequence[Path]) -> list[str]:
    """The SHA-256 of each external TOML file as the header records it (``<key>_sha256``), so
    a resumed run can tell that the files given again are the run's own."""
    return [file_sha256(Path(p)) or "" for p in paths]


def _same_files(
    given: Sequence[Path], selection: dict[str, Any], key: str, option: str, results: Path
) -> None:
    """The external files given again must be the run's: the same contents (by SHA-256) as the
    header records, or the same resolved paths where an older header recorded only those."""
    field = _Fields(selection, results)
    paths = field.strings(key)
    digests = field.strings(f"{key}_sha256") if f"{key}_sha256" in selection else None
    names = ", ".join(Path(p).name for p in paths) or "none"
    if paths and not given:
        raise UsageError(
            f"cannot resume: the run used {option} file(s) {names}; pass them again with "
            f"{option} FILE ({HOW})",
            path=results,
        )
    if digests is not None:
        same = sorted(file_fingerprints(given)) == sorted(digests)
    else:
        same = sorted(str(Path(p).resolve()) for p in given) == sorted(paths)
    if not same:
        raise UsageError(
            f"cannot resume: the {option} file(s) given are not the run's ({names}, "
            f"{'by SHA-256' if digests is not None else 'by path'}); a resumed run uses the "
            "same external commands as the records it keeps",
            path=results,
        )
