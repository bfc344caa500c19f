"""The search query: its parameters read strictly, and applied to the served summaries.

Parameters follow ST.90's query patterns with the names the OpenAPI document declares: ``q``
(free text), ``limit`` and ``offset`` (paging), ``sort`` (a field, ``-`` first for descending)
and ``fields`` (a comma-separated selection of item properties). A value the API cannot honour
is a 400 naming the parameter, never silently replaced by a default, so a client learns of its
mistake. Integers are plain decimal digits (``int()`` would also take ``" 5"``, ``"+5"`` or
other scripts' digits) within the ``int32`` range the document declares.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from st9x.subjects.apis.reference.data import SUMMARY_FIELDS, Summary

DEFAULT_LIMIT = 10
MAX_LIMIT = 100
MAX_OFFSET = 2**31 - 1  # int32
MAX_Q = 200  # characters
SORT_KEYS = ("id", "applicationNumber", "filingDate")
SORT_VALUES = tuple(f"{sign}{key}" for key in SORT_KEYS for sign in ("", "-"))
_DIGITS = re.compile(r"[0-9]{1,10}")


class BadParameter(ValueError):
    """A query parameter the API cannot honour; the message names it (a 400's detail)."""


@dataclass(frozen=True)
class SearchQuery:
    q: str | None = None
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    sort: str = "id"
    fields: tuple[str, ...] = SUMMARY_FIELDS

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> SearchQuery:
        """The query of a request's parameters (unknown parameters are ignored)."""
        q = params.get("q")
        if q is not None and len(q) > MAX_Q:
            raise BadParameter(f"q: at most {MAX_Q} characters")
        return cls(
            q=q or None,
            limit=_integer(params, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT),
            offset=_integer(params, "offset", 0, 0, MAX_OFFSET),
            sort=_sort(params.get("sort")),
            fields=_fields(params.get("fields")),
        )

    def matches(self, summary: Summary) -> bool:
        return self.q is None or self.q.casefold() in summary.search_text()

    def ordered(self, summaries: Sequence[Summary]) -> list[Summary]:
        """Sorted by ``sort``; documents without the field come last either way, ties by id."""
        descending = self.sort.startswith("-")
        key = self.sort.removeprefix("-")
        present = sorted((s for s in summaries if getattr(s, key) is not None),
                         key=lambda s: s.id)
        present.sort(key=lambda s: getattr(s, key), reverse=descending)  # stable: ties by id
        absent = [s for s in summaries if getattr(s, key) is None]
        return present + sorted(absent, key=lambda s: s.id)

    def item(self, summary: Summary) -> dict[str, Any]:
        """One search result with the selected fields (``id`` always)."""
        full = summary.to_json()
        return {name: full[name] for name in SUMMARY_FIELDS if name in self.fields}


def _integer(params: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    if not _DIGITS.fullmatch(raw) or not low <= int(raw) <= high:
        raise BadParameter(f"{name}: an integer from {low} to {high} (got {raw[:40]!r})")
    return int(raw)


def _sort(raw: str | None) -> str:
    if raw is None:
        return "id"
    if raw not in SORT_VALUES:
        raise BadParameter(f"sort: one of {', '.join(SORT_VALUES)} (got {raw[:40]!r})")
    return raw


def _fields(raw: str | None) -> tuple[str, ...]:
    if raw is None:
        return SUMMARY_FIELDS
    names = [name.strip() for name in raw.split(",")]
    unknown = [name for name in names if name not in SUMMARY_FIELDS]
    if unknown or not raw.strip():
        shown = ", ".join(repr(n[:40]) for n in unknown[:3]) or "nothing"
        raise BadParameter(
            f"fields: a comma-separated list of {', '.join(SUMMARY_FIELDS)} (got {shown})"
        )
    return ("id", *names)
