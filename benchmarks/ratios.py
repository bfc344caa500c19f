"""Turn a pytest-benchmark JSON file into the ratio table of docs/benchmarks.md.

Usage: python benchmarks/ratios.py .benchmarks/run.json

Within each group the floor is the benchmark whose name contains ``parse_only`` (for compile
groups, ``lxml``); every row gives its median and its factor to that floor, so figures from
different machines can be compared by their ratios. The table is
:func:`st9x.matrix.throughput.read_benchmarks`'s, the same one ``st9x report --benchmarks``
shows on the site's throughput page.
"""

from __future__ import annotations

import sys
from pathlib import Path

from st9x.matrix.throughput import read_benchmarks


def main(path: str) -> None:
    for group in read_benchmarks(Path(path)):
        print(f"\n### {group.name}\n")
        print("| benchmark | median | ratio to floor |")
        print("|---|---|---|")
        for bench in group.benchmarks:
            print(f"| {bench.name} | {bench.median * 1e3:.3f} ms | {bench.ratio:.1f}× |")


if __name__ == "__main__":
    main(sys.argv[1])
