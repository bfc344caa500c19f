"""The trademark applications the reference API serves: the valid ST.97 instances of st97-core.

The API serves real ST.97 documents so that a live check can validate what it retrieves against
the ST.97 JSON Schema the response declares. They are found through the corpus manifest (the
cases of schema ``tm-app`` expected valid), so a document added to the corpus is served too, and
each is served exactly as stored. A trademark's id is its case id (``tm-app-full``): stable,
lower-case and safe in a URL path.

Search works on a summary of each document (:class:`Summary`), the flat fields an office's
search API would list; its field names are the search response's item properties.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from st9x.corpus.load import embedded_corpora_dir, load_corpus
from st9x.errors import CorpusError
from st9x.filelimit import read_limited

CORPUS = "st97-core"
SCHEMA_ID = "tm-app"
ROOT = "trademarkApplication"  # the document is {"trademarkApplication": {...}}

#: the summary fields, in the order items list them (also the names ``fields`` accepts)
SUMMARY_FIELDS = (
    "id",
    "ipOfficeCode",
    "applicationNumber",
    "filingDate",
    "markCategory",
    "markFeatureCategory",
    "markText",
    "applicantNames",
    "niceClasses",
)


@dataclass(frozen=True)
class Summary:
    """What search lists of one trademark application; None where the document has nothing."""

    id: str
    ipOfficeCode: str | None  # camelCase: the JSON property names, as served
    applicationNumber: str | None
    filingDate: str
    markCategory: str
    markFeatureCategory: str
    markText: str | None
    applicantNames: tuple[str, ...]
    niceClasses: tuple[int, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            name: list(value) if isinstance(value, tuple) else value
            for name in SUMMARY_FIELDS
            for value in (getattr(self, name),)
        }

    def search_text(self) -> str:
        """What ``q`` is matched against, case-folded: mark text, applicants, numbers, id."""
        parts = [self.id, self.markText or "", self.applicationNumber or "", *self.applicantNames]
        return "\n".join(parts).casefold()


@dataclass(frozen=True)
class Trademark:
    """One served trademark application: its id, the stored document, and its summary."""

    id: str
    document: Mapping[str, Any]  # shared and never changed: the app copies before altering
    summary: Summary


def text_of(value: Any) -> str:
    """The character data of an ST.97 mixed-content value (strings, and objects whose values
    hold more of them, such as ``{"b": {"content": ["Vital"]}}``), concatenated in order."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(text_of(item) for item in value)
    if isinstance(value, dict):
        return "".join(text_of(item) for item in value.values())
    return ""


def _names(party: Mapping[str, Any]) -> Iterator[str]:
    contact = party.get("contact") or {}
    for organisation in contact.get("organizationName") or ():
        if isinstance(organisation, dict) and organisation.get("value"):
            yield str(organisation["value"])
    for person in contact.get("name") or ():
        if isinstance(person, dict):
            words = [person.get("firstName"), *(person.get("middleName") or ()),
                     person.get("lastName")]
            yield " ".join(str(w) for w in words if w)


def summarise(case_id: str, document: Mapping[str, Any]) -> Summary:
    """The summary of one stored document (a valid tm-app instance)."""
    application = document[ROOT]
    number = application.get("applicationNumber") or {}
    word = application["markRepresentation"].get("markReproduction", {}).get(
        "wordMarkSpecification"
    )
    mark_text = text_of(word["markVerbalElementText"]).strip() if word else ""
    applicants = application["partyBag"].get("applicantBag") or ()
    return Summary(
        id=case_id,
        ipOfficeCode=number.get("ipOfficeCode"),
        applicationNumber=number.get("applicationNumberText"),
        filingDate=application["filingDate"],
        markCategory=application["markCategory"],
        markFeatureCategory=application["markFeatureCategory"],
        markText=mark_text or None,
        applicantNames=tuple(name for party in applicants for name in _names(party)),
        niceClasses=tuple(
            item["classNumber"] for item in application["goodsServicesBag"]
            if isinstance(item.get("classNumber"), int)
        ),
    )


@functools.cache
def trademarks() -> tuple[Trademark, ...]:
    """Every valid tm-app instance of st97-core, in case id order (read once per process)."""
    corpus = load_corpus(embedded_corpora_dir() / CORPUS)
    served: dict[str, Trademark] = {}
    for case in corpus.cases:
        if case.expected != "valid" or case.schema is None or case.schema.id != SCHEMA_ID:
            continue
        try:
            document = orjson.loads(read_limited(case.instance, CorpusError))
        except (OSError, orjson.JSONDecodeError) as exc:
            raise CorpusError(f"cannot read a served trademark: {exc}", path=case.instance) \
                from exc
        served[case.id] = Trademark(case.id, document, summarise(case.id, document))
    return tuple(served[key] for key in sorted(served))


@functools.cache
def by_id() -> dict[str, Trademark]:
    """The served trademarks by id."""
    return {trademark.id: trademark for trademark in trademarks()}
