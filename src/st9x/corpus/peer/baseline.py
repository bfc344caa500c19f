"""The known failures of validators on a peer suite, as a ledger written from a run.

A peer suite is not written for st9x's validators, and each of them fails some of its tests
(a format it does not check, a regex flavour, a remote reference st9x refuses). For pytest's
sampled peer suite to pass while still catching change, those failures are recorded as a
ledger: strict xfails, so a new failure fails the run and a fixed one shows as XPASS. The
ledger is written from the summaries of ``st9x run`` over the same sample, naming the cases
exactly and quoting the first one's error.

    python -m st9x.corpus.peer.baseline [--exclude GLOB]... [--causes TOML]...
        [--cause ADAPTER CASE REASON]... LEDGER.json SUMMARY.json...

``--exclude`` leaves out failures whose case key matches (the tests a suite file leaves out with
``exclude-tags``). A *cause* says why a group of failures fails: the failures of an adapter
matching one of its adapter globs on a case matching one of its case globs become one entry
whose reason starts with the cause's, whatever their corpus ("formats asserted by st9x's
configuration" across 2019-09 and 2020-12). ``--causes`` reads them from the ``[[ledger-cause]]``
tables of a TOML file (``adapter``, ``case``: a glob or a list of globs; ``reason``), which is
how ``suites/peer.suite.toml`` keeps them beside the sample they explain; ``--cause`` gives one
on the command line (tried first). The first cause that matches a failure wins; failures without
one are grouped by adapter, corpus and judgement with a reason written from their verdicts.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import orjson

from st9x import formats
from st9x.errors import FormatError

REFERENCE = "docs/peer-suites.md#known-failures"
_PATH = re.compile(r"(?<![:/\w])(?:/[^/\s:'\"]+)+/([^/\s:'\"]+)")  # a file path, not a URL


@dataclass(frozen=True)
class Cause:
    """Why some adapters fail some cases: shell-style globs on adapter names and case keys."""

    adapters: tuple[str, ...]
    cases: tuple[str, ...]
    reason: str

    def matches(self, case_key: str, adapter: str) -> bool:
        return any(fnmatchcase(adapter, a) for a in self.adapters) and any(
            fnmatchcase(case_key, c) for c in self.cases
        )


def escape(key: str) -> str:
    """A case key as a ledger pattern that matches itself only (``[``, ``*``, ``?`` quoted)."""
    return "".join(f"[{c}]" if c in "[*?" else c for c in key)


def entries(
    failures: Iterable[Mapping[str, Any]], causes: Sequence[Cause] = ()
) -> list[dict[str, Any]]:
    """Ledger entries for summary ``failures`` rows: one per adapter and cause (the first of
    ``causes`` that matches), else one per adapter, corpus and judgement."""
    groups: dict[tuple[str, Cause | str, str], list[Mapping[str, Any]]] = {}
    for row in failures:
        cause = next((c for c in causes if c.matches(row["case"], row["adapter"])), None)
        # a caused group may span corpora; an uncaused one is one corpus and judgement
        key = (
            (row["adapter"], cause, "")
            if cause
            else (row["adapter"], _corpus_of(row["case"]), row["judgement"])
        )
        groups.setdefault(key, []).append(row)
    out = []
    for (adapter, group, _judgement), rows in groups.items():
        rows = sorted(rows, key=lambda r: r["case"])
        error = _PATH.sub(r"\1", rows[0]["first_error"] or "")  # no machine's paths in it
        example = f"; first: {rows[0]['case']}: {error}" if error else ""
        said = (
            f"{adapter} says {_joined(rows, 'verdict')} where the suite expects "
            f"{_joined(rows, 'expected')}"
        )
        if isinstance(group, Cause):
            corpora = ", ".join(sorted({_corpus_of(r["case"]) for r in rows}))
            reason = f"{group.reason} ({said} on {len(rows)} test(s) of {corpora}{example})"
        else:
            reason = f"baseline: on {len(rows)} test(s) of {group} {said}{example}"
        out.append(
            {
                "case": [escape(r["case"]) for r in rows],
                "adapter": adapter,
                "reason": reason[:600],
                "reference": REFERENCE,
            }
        )
    return sorted(out, key=lambda e: (e["adapter"], e["case"][0]))


def read_causes(path: Path) -> list[Cause]:
    """The ``[[ledger-cause]]`` tables of a TOML file, in order."""
    try:
        tables = tomllib.loads(path.read_text(encoding="utf-8")).get("ledger-cause", [])
        return [Cause(_globs(t["adapter"]), _globs(t["case"]), str(t["reason"])) for t in tables]
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, AttributeError) as exc:
        raise FormatError(f"cannot read [[ledger-cause]] tables: {exc}", path=path) from exc


def _globs(value: str | list[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def _joined(rows: Sequence[Mapping[str, Any]], key: str) -> str:
    return " or ".join(sorted({r[key] for r in rows}))


def _corpus_of(case_key: str) -> str:
    """The corpus part of a peer case key: ``jsts/<folder>`` or ``w3c-xsd-<v>/<who>/<set>``."""
    parts = case_key.split("/")
    return "/".join(parts[:3] if parts[0].startswith("w3c-xsd-") else parts[:2])


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m st9x.corpus.peer.baseline")
    parser.add_argument("--exclude", action="append", default=[], metavar="GLOB")
    parser.add_argument("--causes", action="append", default=[], type=Path, metavar="TOML")
    parser.add_argument(
        "--cause", action="append", default=[], nargs=3, metavar=("ADAPTER", "CASE", "REASON")
    )
    parser.add_argument("ledger", type=Path)
    parser.add_argument("summaries", type=Path, nargs="+")
    args = parser.parse_args(argv)
    causes = [Cause((a,), (c,), r) for a, c, r in args.cause]
    for path in args.causes:
        causes += read_causes(path)
    failures = []
    for path in args.summaries:
        failures += [
            row
            for row in orjson.loads(path.read_bytes())["failures"]
            if not any(fnmatchcase(row["case"], glob) for glob in args.exclude)
        ]
    ledger = {"format": "st9x-ledger/1", "entries": entries(failures, causes)}
    formats.check("ledger", ledger, path=args.ledger)
    args.ledger.write_bytes(orjson.dumps(ledger, option=orjson.OPT_INDENT_2) + b"\n")
    caused = sum(
        1 for row in failures if any(c.matches(row["case"], row["adapter"]) for c in causes)
    )
    print(
        f"{args.ledger}: {len(ledger['entries'])} entries, {len(failures)} failures "
        f"({caused} with a named cause)"
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
