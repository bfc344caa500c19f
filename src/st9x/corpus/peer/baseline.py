"""The known failures of validators on a peer suite, as a ledger written from a run.

A peer suite is not written for st9x's validators, and each of them fails some of its tests
(a format it does not check, a regex flavour, a remote reference st9x refuses). For pytest's
sampled peer suite to pass while still catching change, those failures are recorded as a
ledger: strict xfails, so a new failure fails the run and a fixed one shows as XPASS. The
ledger is written from the summaries of ``st9x run`` over the same sample, one entry per
adapter, corpus and judgement, naming the cases exactly and quoting the first one's error.

    python -m st9x.corpus.peer.baseline [--exclude GLOB]... LEDGER.json SUMMARY.json...

``--exclude`` leaves out failures whose case key matches (``jsts/*/format/*``: the tests a suite
file leaves out with ``exclude-tags``).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import orjson

from st9x import formats

REFERENCE = "docs/peer-suites.md#known-failures"
_PATH = re.compile(r"(?<![:/\w])(?:/[^/\s:'\"]+)+/([^/\s:'\"]+)")  # a file path, not a URL


def escape(key: str) -> str:
    """A case key as a ledger pattern that matches itself only (``[``, ``*``, ``?`` quoted)."""
    return "".join(f"[{c}]" if c in "[*?" else c for c in key)


def entries(failures: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Ledger entries for summary ``failures`` rows: one per adapter, corpus and judgement."""
    groups: dict[tuple[str, str, str], list[Mapping[str, Any]]] = {}
    for row in failures:
        corpus = _corpus_of(row["case"])
        groups.setdefault((row["adapter"], corpus, row["judgement"]), []).append(row)
    out = []
    for (adapter, corpus, _judgement), rows in sorted(groups.items()):
        rows = sorted(rows, key=lambda r: r["case"])
        error = _PATH.sub(r"\1", rows[0]["first_error"] or "")  # no machine's paths in it
        example = f"; first: {rows[0]['case']}: {error}" if error else ""
        out.append(
            {
                "case": [escape(r["case"]) for r in rows],
                "adapter": adapter,
                "reason": (
                    f"baseline: on {len(rows)} test(s) of {corpus} {adapter} says "
                    f"{_joined(rows, 'verdict')} where the suite expects "
                    f"{_joined(rows, 'expected')}{example}"
                )[:600],
                "reference": REFERENCE,
            }
        )
    return out


def _joined(rows: Sequence[Mapping[str, Any]], key: str) -> str:
    return " or ".join(sorted({r[key] for r in rows}))


def _corpus_of(case_key: str) -> str:
    """The corpus part of a peer case key: ``jsts/<folder>`` or ``w3c-xsd-<v>/<who>/<set>``."""
    parts = case_key.split("/")
    return "/".join(parts[:3] if parts[0].startswith("w3c-xsd-") else parts[:2])


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m st9x.corpus.peer.baseline")
    parser.add_argument("--exclude", action="append", default=[], metavar="GLOB")
    parser.add_argument("ledger", type=Path)
    parser.add_argument("summaries", type=Path, nargs="+")
    args = parser.parse_args(argv)
    failures = []
    for path in args.summaries:
        failures += [
            row
            for row in orjson.loads(path.read_bytes())["failures"]
            if not any(fnmatchcase(row["case"], glob) for glob in args.exclude)
        ]
    ledger = {"format": "st9x-ledger/1", "entries": entries(failures)}
    formats.check("ledger", ledger, path=args.ledger)
    args.ledger.write_bytes(orjson.dumps(ledger, option=orjson.OPT_INDENT_2) + b"\n")
    print(f"{args.ledger}: {len(ledger['entries'])} entries, {len(failures)} failures")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
