"""Survey: every ST.96 rule over every XSD of a schema folder, findings counted per rule.

Run from the project root::

    .venv/bin/python benchmarks/st96_lint_survey.py ../shared/corpora/wipo-st96-v6_0/schemas

It loads each file as the linter does (lxml tree with source lines; xmlschema's model of the
file, or None when the file cannot be built on its own), runs the ST.96 table and prints, per
rule, the number of failing findings, the files they are in and the first few places, then the
time taken: the V6_0 survey's figures in ``docs/lint.md``. ``--all`` prints every failing finding.
"""

from __future__ import annotations

import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from lxml import etree

from st9x.rules.lint import XsdDocument
from st9x.rules.model import Finding, Status
from st9x.rules.st96 import RULES
from st9x.xmlsafe import safe_parser
from st9x.xsdload import load_xmlschema


def load(path: Path) -> XsdDocument:
    tree = etree.parse(str(path), safe_parser())
    try:
        schema = load_xmlschema(path, "1.0")
    except Exception:  # a fragment that cannot be built alone: the rules read its tree only
        schema = None
    return XsdDocument(path, tree, schema, dict(tree.getroot().nsmap))


def main(folder: str, show_all: bool = False) -> None:
    started = time.perf_counter()
    failed: dict[str, list[tuple[str, Finding]]] = defaultdict(list)
    statuses: dict[str, Counter[str]] = defaultdict(Counter)
    files = sorted(Path(folder).glob("*.xsd"))
    for path in files:
        doc = load(path)
        for rule_id, findings in RULES.run(doc).items():
            for finding in findings:
                statuses[rule_id][finding.status] += 1
                if finding.status in (Status.FAIL, Status.ERRORED):
                    failed[rule_id].append((path.name, finding))
    elapsed = time.perf_counter() - started
    for rule_id in RULES:
        found = failed[rule_id]
        counts = dict(statuses[rule_id])
        print(f"\n{rule_id}: {len(found)} failing in {len({f for f, _ in found})} files "
              f"{counts}")
        for name, finding in found if show_all else found[:6]:
            print(f"  {name}:{finding.line} {finding.detail}")
    print(f"\n{len(files)} files, {elapsed:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1], "--all" in sys.argv[2:])
