"""The reference API's switchable faults: each breaks exactly one ST.90 behaviour.

A live conformance check is only worth something if it is seen to fail on the fault it is meant
to catch, and to pass otherwise. Each fault below therefore changes one behaviour of the
reference API and nothing else, so a test can switch it on and see that exactly the check that
names it fails. :class:`Behaviour` is the single place where fault names turn into behaviour:
the routes read its fields, never the fault names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

#: fault name → what it breaks, in one sentence (``st9x serve-reference --list-faults``)
FAULTS: dict[str, str] = {
    "wrong-status": "an unknown resource (trademark id or path) answers 500 instead of 404",
    "no-405": "a method the path does not offer answers 404 instead of 405 with Allow",
    "no-406": "an Accept the API cannot serve is answered with JSON 200 instead of 406",
    "error-body": "error responses are not in the shared Error schema "
    "(status codes stay right)",
    "paging-ignored": "limit and offset are ignored by the search: every result comes back",
    "response-off-schema": "a search response breaks the operation's declared response schema "
    "(total is a string)",
    "st97-break": "a retrieved trademark breaks the ST.97 JSON Schema it declares "
    "(its required filingDate is left out)",
    "verbs-in-paths": "the API serves and documents /v1/getTrademarks instead of "
    "/v1/trademarks (caught by st9x lint openapi on the served document)",
}

COLLECTION = "/v1/trademarks"
VERB_COLLECTION = "/v1/getTrademarks"


def check_faults(faults: Iterable[str]) -> frozenset[str]:
    """``faults`` as a frozenset, or ValueError naming the unknown ones and the known ones."""
    chosen = frozenset(faults)
    unknown = sorted(chosen - FAULTS.keys())
    if unknown:
        raise ValueError(
            f"unknown fault(s) {', '.join(unknown)}; known: {', '.join(sorted(FAULTS))}"
        )
    return chosen


@dataclass(frozen=True)
class Behaviour:
    """What the app does, as the faults switched on decide it (the fault-free default first)."""

    not_found_status: int = 404  # unknown trademark id or unknown path
    wrong_method_status: int = 405  # a method the path does not offer
    send_allow: bool = True  # the Allow header on that answer
    negotiate: bool = True  # 406 for an Accept that excludes application/json
    shared_error_body: bool = True  # errors in the Error schema
    honour_paging: bool = True  # limit and offset slice the results
    search_on_schema: bool = True  # the search envelope as declared
    st97_intact: bool = True  # retrieved documents as stored in the corpus
    collection: str = COLLECTION  # the search path; retrieval is below it

    @classmethod
    def of(cls, faults: Iterable[str]) -> Behaviour:
        """The behaviour for ``faults`` (unknown names: ValueError)."""
        chosen = check_faults(faults)
        return cls(
            not_found_status=500 if "wrong-status" in chosen else 404,
            wrong_method_status=404 if "no-405" in chosen else 405,
            send_allow="no-405" not in chosen,
            negotiate="no-406" not in chosen,
            shared_error_body="error-body" not in chosen,
            honour_paging="paging-ignored" not in chosen,
            search_on_schema="response-off-schema" not in chosen,
            st97_intact="st97-break" not in chosen,
            collection=VERB_COLLECTION if "verbs-in-paths" in chosen else COLLECTION,
        )
