"""Condense a peer-suite run's summary.json into the trust tables of docs/peer-suites.md.

Usage: python benchmarks/peer_tables.py reports/peer-w3c-xsd/summary.json

matrix.md lists every corpus (one per W3C test set and XSD version: some 400 rows); the docs
also want the view a reader asks for first, "how far can I trust this validator for this
dialect or XSD version", so corpora are grouped (``jsts/draft7`` and its ``-optional`` stay
apart; W3C test sets by XSD version and contributor) and rows that are all ``skipped`` (an
adapter of the other XSD version) are left out. Pass rates are over judged tests (pass, fail,
errored); skipped and unchecked are counted beside them.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

COLUMNS = ("pass", "fail", "errored", "skipped", "unchecked")


def group_of(corpus: str) -> str:
    parts = corpus.split("/")
    return "/".join(parts[:2]) if parts[0].startswith("w3c-xsd-") else corpus


def suite_part(corpus: str) -> str:
    """``jsts`` required or optional, or the W3C corpora's XSD version."""
    first = corpus.split("/")[0]
    if first == "jsts":
        return "jsts optional" if corpus.endswith("-optional") else "jsts required"
    return first


def rows(
    summary: dict[str, Any], key: Callable[[str], str]
) -> list[tuple[str, str, dict[str, int]]]:
    table: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(COLUMNS, 0))
    for corpus, per_adapter in summary["by_corpus"].items():
        for adapter, counts in per_adapter.items():
            cell = table[key(corpus), adapter]
            for column in COLUMNS:
                cell[column] += counts.get(column, 0)
    return [(g, a, c) for (g, a), c in sorted(table.items())]


def render(title: str, data: list[tuple[str, str, dict[str, int]]]) -> None:
    print(f"\n### {title}\n")
    print("| corpus | adapter | pass rate | " + " | ".join(COLUMNS) + " |")
    print("|---|---|---|" + "---|" * len(COLUMNS))
    for group, adapter, counts in data:
        judged = counts["pass"] + counts["fail"] + counts["errored"]
        if not judged and not counts["unchecked"]:
            continue  # all skipped: an adapter of the other XSD version (or dialect)
        rate = f"{100 * counts['pass'] / judged:.1f} %" if judged else "–"
        cells = " | ".join(str(counts[c]) for c in COLUMNS)
        print(f"| {group} | {adapter} | {rate} | {cells} |")


def main(path: str) -> None:
    summary = json.loads(Path(path).read_text(encoding="utf-8"))
    render("by adapter", rows(summary, suite_part))
    render("by corpus group", rows(summary, group_of))


if __name__ == "__main__":
    main(sys.argv[1])
