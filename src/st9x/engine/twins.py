"""Hand-written ST.97 twins: the JSON a corpus pairs with an XML case, and the known reasons
why a converter's output may differ from it.

A twin corpus may declare, in ``twin-differences.json`` beside its manifest, why a converter's
output differs from a twin: ``{"converters": [glob…], "cases": [glob…], "paths": [glob…],
"reason": …}``. A difference is *explained* when converter, case and the JSON pointer of every
difference match one entry, so a reason never hides a difference it does not name.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson

from st9x.corpus.model import Corpus


def twin_index(corpora: Iterable[Corpus]) -> dict[str, Path]:
    """``xml corpus/case`` → the JSON instance a corpus pairs with it (first pair wins)."""
    out: dict[str, Path] = {}
    for corpus in corpora:
        by_key = {case.key: case.instance for case in corpus.cases}
        for xml_key, json_key in corpus.pairs:
            if json_key in by_key:
                out.setdefault(xml_key, by_key[json_key])
    return out


TWIN_DIFFERENCES = "twin-differences.json"


def twin_reasons(corpora: Iterable[Corpus]) -> list[dict[str, Any]]:
    """The known differences a twin corpus declares in ``twin-differences.json`` beside its
    manifest: ``{"converters": [glob…], "cases": [glob…], "paths": [glob…], "reason": …}``.
    A difference is explained when converter, case and the JSON pointer of *every* difference
    match one entry, so a reason never hides a difference it does not name."""
    out: list[dict[str, Any]] = []
    for corpus in corpora:
        path = corpus.root / TWIN_DIFFERENCES
        if not path.is_file():
            continue
        try:
            entries = orjson.loads(path.read_bytes()).get("differences", [])
        except (OSError, orjson.JSONDecodeError, AttributeError):
            continue  # no reasons then: every difference stays unexplained
        out += [e for e in entries if isinstance(e, dict) and isinstance(e.get("reason"), str)]
    return out


def _number_equal(a: Any, b: Any) -> bool:
    """Two JSON numbers with the same value (``Decimal("1.0") == 1``), as :mod:`jsondiff`."""
    def number(v: Any) -> bool:
        return isinstance(v, int | float | Decimal) and not isinstance(v, bool)
    return number(a) and number(b) and Decimal(str(a)) == Decimal(str(b))


def all_differences(a: Any, b: Any, pointer: str = "") -> Iterable[str]:
    """The JSON pointer of every difference between two documents (numbers by value)."""
    if _number_equal(a, b):
        return
    if type(a) is not type(b):
        yield pointer or "/"
    elif isinstance(a, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                yield f"{pointer}/{key}"
            else:
                yield from all_differences(a[key], b[key], f"{pointer}/{key}")
    elif isinstance(a, list):
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            yield from all_differences(x, y, f"{pointer}/{i}")
        if len(a) != len(b):
            yield pointer or "/"
    elif a != b:
        yield pointer or "/"


def explain_twin(reasons: Sequence[dict[str, Any]], converter: str, case: str,
                 pointers: Sequence[str]) -> list[str]:
    """The reasons that together cover every differing pointer, or ``[]``."""
    matching = [e for e in reasons
                if any(fnmatch.fnmatchcase(converter, g) for g in e.get("converters", ["*"]))
                and any(fnmatch.fnmatchcase(case, g) for g in e.get("cases", ["*"]))]
    used: list[str] = []
    for pointer in pointers:
        entry = next((e for e in matching
                      if any(fnmatch.fnmatchcase(pointer, g) for g in e.get("paths", ["*"]))),
                     None)
        if entry is None:
            return []
        if entry["reason"] not in used:
            used.append(entry["reason"])
    return used
