"""The known-failures ledger: one data file of expected failures, each with a reason.

An entry names ``corpus/case`` and an adapter (shell-style wildcards allowed, so that one entry
can cover "every draft-07 case with a \\p{..} pattern under fastjsonschema"). pytest turns entries
into strict xfails and ``st9x run`` into non-breaking failures; either way an entry that starts
passing shows up (XPASS) so that a fixed validator is noticed and the ledger stays true.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path

from st9x import formats
from st9x.corpus.manifest import read_json_file
from st9x.errors import FormatError

LEDGER_NAME = "known-failures.json"


@dataclass(frozen=True)
class Entry:
    case: str | tuple[str, ...]
    adapter: str
    reason: str
    reference: str

    @property
    def cases(self) -> tuple[str, ...]:
        return (self.case,) if isinstance(self.case, str) else self.case

    def matches(self, case_key: str, adapter: str) -> bool:
        return fnmatchcase(adapter, self.adapter) and any(
            fnmatchcase(case_key, pattern) for pattern in self.cases
        )


@dataclass
class Ledger:
    entries: tuple[Entry, ...] = ()
    path: Path | None = None
    # every record is looked up when it is folded and again when a report judges it: a run of
    # 100,000 records against a ledger of wildcards is millions of fnmatch calls without this
    _found: dict[tuple[str, str], Entry | None] = field(
        default_factory=dict, repr=False, compare=False
    )

    def lookup(self, case_key: str, adapter: str) -> Entry | None:
        key = (case_key, adapter)
        try:
            return self._found[key]
        except KeyError:
            pass
        found = next((e for e in self.entries if e.matches(case_key, adapter)), None)
        self._found[key] = found
        return found

    def unused(
        self, keys: set[tuple[str, str]], corpora: set[str], subjects: set[str]
    ) -> list[Entry]:
        """Entries about the corpora and subjects (adapters, converter checks) of a run that
        match none of its (case, subject) keys: stale or mistyped. Entries about corpora or
        subjects that were not in the run say nothing either way."""
        return [
            e
            for e in self.entries
            if any(fnmatchcase(c, p.split("/", 1)[0]) for p in e.cases for c in corpora)
            and any(fnmatchcase(s, e.adapter) for s in subjects)
            and not any(e.matches(c, a) for c, a in keys)
        ]


def default_ledger_path() -> Path:
    from st9x.corpus.load import embedded_corpora_dir

    return embedded_corpora_dir().parent / LEDGER_NAME


def load_ledger(path: Path | None = None) -> Ledger:
    """Load the ledger; a missing default ledger is an empty one, a missing named one an error."""
    explicit = path is not None
    path = path or default_ledger_path()
    if not path.is_file():
        if explicit:
            raise FormatError("ledger file not found", path=path)
        return Ledger()
    document = read_json_file(path, error=FormatError)
    formats.check("ledger", document, path=path)
    return ledger_from_document(document, path)


def ledger_from_document(document: dict, path: Path | None = None) -> Ledger:
    """A ledger from its JSON document, already checked against the ledger format."""
    entries = []
    for item in document["entries"]:
        case = item["case"] if isinstance(item["case"], str) else tuple(item["case"])
        entries.append(Entry(case, item["adapter"], item["reason"], item["reference"]))
    return Ledger(tuple(entries), path)


def ledger_document(ledger: Ledger) -> dict:
    """The ledger as its JSON document (the ledger format), e.g. for the copy a run keeps."""
    return {
        "format": "st9x-ledger/1",
        "entries": [
            {"case": e.case if isinstance(e.case, str) else list(e.case), "adapter": e.adapter,
             "reason": e.reason, "reference": e.reference}
            for e in ledger.entries
        ],
    }
