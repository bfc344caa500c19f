"""The lists of broken and ledgered items a summary keeps, filled the same way for every kind
of judged item (converter checks, design-rule checks): one row shape, one rule for which list
an item goes to."""

from __future__ import annotations

from typing import Any, Protocol

from st9x.engine.judge import BROKEN, Judgement
from st9x.ledger import Entry


class JudgedItem(Protocol):
    item: str
    subject: str
    judgement: Judgement
    entry: Entry | None
    problems: tuple[str, ...]


def file_judged(judged: JudgedItem, broken: list[dict[str, Any]],
                expected: list[dict[str, Any]]) -> None:
    """Add ``judged`` to ``broken`` (fail, errored, xpass) or, as an expected failure with the
    ledger's reason, to ``expected``; anything else goes to neither."""
    row = {"item": judged.item, "subject": judged.subject, "judgement": str(judged.judgement),
           "problem": judged.problems[0] if judged.problems else None}
    if judged.judgement in BROKEN:
        broken.append(row)
    elif judged.judgement is Judgement.XFAIL and judged.entry is not None:
        expected.append({**row, "reason": judged.entry.reason})
