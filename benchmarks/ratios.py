"""Turn a pytest-benchmark JSON file into the ratio table of docs/benchmarks.md.

Usage: python benchmarks/ratios.py .benchmarks/run.json

Within each group the floor is the benchmark whose name contains ``parse_only`` (for compile
groups, ``lxml``); every row gives its median and its factor to that floor, so figures from
different machines can be compared by their ratios.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path


def main(path: str) -> None:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    groups: dict[str, list[dict]] = defaultdict(list)
    for bench in data["benchmarks"]:
        groups[bench["group"] or ""].append(bench)
    for group, benches in groups.items():
        floor = next((b for b in benches if "parse_only" in b["name"]), None) or next(
            (b for b in benches if "lxml" in b["name"]), benches[0]
        )
        base = floor["stats"]["median"]
        print(f"\n### {group}\n")
        print("| benchmark | median | ratio to floor |")
        print("|---|---|---|")
        for bench in sorted(benches, key=lambda b: b["stats"]["median"]):
            median = bench["stats"]["median"]
            print(f"| {bench['name']} | {median * 1e3:.3f} ms | {median / base:.1f}× |")


if __name__ == "__main__":
    main(sys.argv[1])
