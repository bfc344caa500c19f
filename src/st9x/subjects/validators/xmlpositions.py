"""Where an element starts in an XML file: the line and column of its start tag's ``<``.

The XML validators name the element each error is about, but not where it is in the text as a
person reads it: libxml2 gives the line where the start tag *ends* and no column, xmlschema
(reading through ElementTree) gives neither. One pass of expat over the same file, which knows
the position of every start tag as it reads it, gives each such element its line and column, the
same for every XML validator, so that two validators' errors on one element point at one place.

The file has already been read by the validator's own safe parser, which refuses entities; expat
is told to refuse them too, and a file it cannot read the same way (an encoding it does not
know) simply keeps the library's own line.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence
from pathlib import Path
from xml.parsers import expat

from st9x.subjects.validators.base import Problem


class _Enough(Exception):
    """Every wanted start tag has been seen: the rest of the file need not be read."""


class _Refused(Exception):
    """The file declares an entity: positions after its expansion could not be trusted."""


def start_tags(path: Path, numbers: Collection[int]) -> dict[int, tuple[int, int]]:
    """Line and column (1-based; the column counts characters) of the start tags of the
    elements numbered ``numbers``, counting every element in document order from 0 (the root);
    empty when expat cannot read the file as the validator did."""
    wanted = set(numbers)
    if not wanted:
        return {}
    last = max(wanted)
    found: dict[int, tuple[int, int]] = {}
    parser = expat.ParserCreate()
    seen = 0

    def start(name: str, attributes: object) -> None:
        nonlocal seen
        if seen in wanted:
            found[seen] = (parser.CurrentLineNumber, parser.CurrentColumnNumber + 1)
        seen += 1
        if seen > last:
            raise _Enough

    def refuse(*args: object) -> None:
        raise _Refused

    parser.StartElementHandler = start
    parser.EntityDeclHandler = refuse
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        with path.open("rb") as handle:
            parser.ParseFile(handle)
    except _Enough:
        pass
    except (_Refused, expat.ExpatError, OSError, ValueError, LookupError):
        return {}
    return found


def locate_elements(
    instance: Path, located: Sequence[tuple[Problem, int | None]]
) -> list[Problem]:
    """Each problem, given the line and column of the start tag of the element numbered beside
    it (document order, see :func:`start_tags`); one without a number, or whose element expat
    did not find, keeps the location the library gave."""
    positions = start_tags(instance, {n for _, n in located if n is not None})
    problems = []
    for problem, number in located:
        where = positions.get(number) if number is not None else None
        if where is not None:
            problem = dataclasses.replace(problem, line=where[0], column=where[1])
        problems.append(problem)
    return problems
