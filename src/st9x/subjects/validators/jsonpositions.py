"""Where a JSON Pointer leads in a JSON file: the line and column where that value starts.

The JSON validators locate each error by a JSON Pointer into the parsed document, which says
*which* value is wrong but not where a person finds it in the file. One scan of the file's text
gives each pointed-to value its line and column, so a JSON error is located like an XML one.

The scan reads tokens only (strings, punctuation, bare literals) and follows only the containers
that lead to a wanted pointer; it stops once every pointer is found. It runs on a file
:func:`st9x.jsonload.load_json` has already read strictly (UTF-8, no byte order mark, no
duplicate key), so the text is JSON and each pointer names one value; anything unexpected
leaves the errors with their pointer only.
"""

from __future__ import annotations

import bisect
import dataclasses
import json
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from st9x.subjects.validators.base import Problem

# a string (escapes included), one punctuation character, or a bare literal (number, true...)
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],:]|[^\s{}\[\],:"]+', re.DOTALL)


@dataclass
class _Container:
    pointer: str | None  # None: no wanted pointer lies inside, so nothing below is named
    is_object: bool
    index: int = 0
    expects_key: bool = False


def _child(pointer: str | None, token: str) -> str | None:
    if pointer is None:
        return None
    return pointer + "/" + token.replace("~", "~0").replace("/", "~1")


def value_offsets(text: str, pointers: Collection[str]) -> dict[str, int]:
    """The offset in ``text`` of the first character of the value each pointer names."""
    wanted = set(pointers)
    prefixes = {""}
    for pointer in wanted:
        parts = pointer.split("/")
        prefixes.update("/".join(parts[:end]) for end in range(1, len(parts)))
    found: dict[str, int] = {}
    stack: list[_Container] = []
    pending: str | None = ""  # the pointer of the next value, None when it leads nowhere wanted
    for match in _TOKEN.finditer(text):
        token = match.group()
        first = token[0]
        if first == ":":
            continue
        if first == ",":
            top = stack[-1]
            if top.is_object:
                top.expects_key = True
            else:
                top.index += 1
                pending = _child(top.pointer, str(top.index))
            continue
        if first in "}]":
            stack.pop()
            continue
        if stack and stack[-1].expects_key:
            top = stack[-1]
            top.expects_key = False
            pending = _child(top.pointer, json.loads(token)) if top.pointer is not None else None
            continue
        if pending is not None and pending in wanted and pending not in found:
            found[pending] = match.start()
            if len(found) == len(wanted):
                break
        if first in "{[":
            inside = pending if pending in prefixes else None
            stack.append(_Container(inside, first == "{", expects_key=first == "{"))
            pending = _child(inside, "0") if first == "[" else None
    return found


def line_columns(text: str, offsets: Collection[int]) -> dict[int, tuple[int, int]]:
    """Line and column (1-based; the column counts characters) of each offset in ``text``."""
    if not offsets:
        return {}
    newlines = [m.start() for m in re.finditer("\n", text)]
    out = {}
    for offset in offsets:
        line = bisect.bisect_left(newlines, offset)  # newlines before the offset
        start = newlines[line - 1] + 1 if line else 0
        out[offset] = (line + 1, offset - start + 1)
    return out


def locate_pointers(instance: Path, problems: list[Problem]) -> list[Problem]:
    """The problems, each given the line and column of the value its pointer names in the
    instance file; unchanged when the file cannot be scanned."""
    pointers = {p.location for p in problems if p.location is not None}
    if not pointers:
        return problems
    try:
        text = instance.read_bytes().decode("utf-8")
        offsets = value_offsets(text, pointers)
    except (OSError, ValueError, IndexError):
        return problems
    positions = line_columns(text, set(offsets.values()))
    located = []
    for problem in problems:
        offset = offsets.get(problem.location) if problem.location is not None else None
        if offset is not None:
            line, column = positions[offset]
            problem = dataclasses.replace(problem, line=line, column=column)
        located.append(problem)
    return located
