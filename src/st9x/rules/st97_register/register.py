"""The register's decisions this catalogue checks, and the JSON names and shapes they speak of.

Shared by the schema-level and instance-level rules, so both judge a name or a JsonML element the
same way.
"""

from __future__ import annotations

import re
from typing import Any

DECISIONS = {
    "1": "Bag names kept",
    "4": "arrays without wrappers",
    "5": "no ChoiceN wrappers",
    "7": "text under value, no $",
    "8": "extension as allOf",
}
TEXT_KEYS = {"$", "#text", "$t", "_", "#value"}  # pre-decision text keys seen in the wild
VALUE_KEY = "value"
#: the generated wrapper names decision 5 removes (``contactChoice1``, ``Choice2``); a name that
#: merely ends in "Choice" (MathML's ``intervalChoice``… would be one) is an element's own name
CHOICE = re.compile(r"Choice\d+$", re.IGNORECASE)
#: loss constructs with which a converter says it did not apply decision 8 to a type
EXTENSION_LOSSES = ("mixed-extension", "extension-structure")


def local(key: str) -> str:
    """``com:ApplicantBag`` / ``@com:x`` / ``applicantBag`` → ``applicantbag``: names compared
    without prefix and case, so converters that keep XML names are judged like ours."""
    return str(key).lstrip("@").rsplit(":", 1)[-1].lower()


def jsonml(value: Any, name: str | None = None) -> bool:
    """A JsonML element ``[name, {attributes}?, child…]``. With the element's local name, only
    a list whose first item is that name counts, so that an array of strings (``["Anna",
    "Maria"]``) is not mistaken for one."""
    if not (isinstance(value, list) and value and isinstance(value[0], str)):
        return False
    if name is not None:
        return local(value[0]) == name.lower()
    return len(value) == 1 or isinstance(value[1], dict | list) or ":" in value[0]


def kind(value: Any) -> str:
    """What a JSON value is, in the words of a finding (``an object``, ``a JsonML element``)."""
    if jsonml(value):
        return "a JsonML element"
    return {dict: "an object", list: "an array", str: "a string"}.get(
        type(value), f"a {type(value).__name__}")
