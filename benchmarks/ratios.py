"""Turn a pytest-benchmark JSON file into the tables of docs/benchmarks.md and
docs/performance.md.

Usage: python benchmarks/ratios.py .benchmarks/run.json

Rows that describe themselves (the size-by-size suites, ``st9x.testing.bench_rows``) become
Markdown tables by format: MB/s with the factor to the floor and documents/s, one column per
size, and compile times (:mod:`st9x.testing.sized_tables`). Every other group gets the ratio
table: within each group the floor is the benchmark whose name contains ``parse_only`` (for
compile groups, ``lxml``); every row gives its median and its factor to that floor, so figures
from different machines can be compared by their ratios. That table is
:func:`st9x.matrix.throughput.read_benchmarks`'s, the same one ``st9x report --benchmarks``
shows on the site's throughput page.
"""

from __future__ import annotations

import sys
from pathlib import Path

from st9x.corpus.manifest import read_json_file
from st9x.errors import FormatError
from st9x.matrix.throughput import read_benchmarks
from st9x.testing.sized_tables import markdown, sized_rows


def main(path: str) -> None:
    groups = read_benchmarks(Path(path))  # checks the file against its format first
    document = read_json_file(Path(path), error=FormatError)
    described = {bench.get("group") for bench in document["benchmarks"]
                 if bench.get("extra_info", {}).get("subject")}
    if sized_rows(document):
        print(markdown(document))
    for group in groups:
        if group.name in described:
            continue
        print(f"\n### {group.name}\n")
        print("| benchmark | median | ratio to floor |")
        print("|---|---|---|")
        for bench in group.benchmarks:
            print(f"| {bench.name} | {bench.median * 1e3:.3f} ms | {bench.ratio:.1f}× |")


if __name__ == "__main__":
    main(sys.argv[1])
