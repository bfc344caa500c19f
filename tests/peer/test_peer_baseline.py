"""The peer ledger writer (``python -m st9x.corpus.peer.baseline``): entries grouped by adapter,
corpus and judgement, or by a named cause across corpora; exact case patterns."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from st9x.corpus.peer import baseline
from st9x.errors import FormatError
from st9x.ledger import load_ledger


def _row(case: str, adapter: str, verdict: str, expected: str, error: str = "") -> dict[str, str]:
    judgement = "errored" if verdict == "errored" else "fail"
    return {
        "case": case,
        "adapter": adapter,
        "verdict": verdict,
        "expected": expected,
        "judgement": judgement,
        "first_error": error,
    }


FAILURES = [
    _row("jsts/draft2020-12/format/0/6", "jsonschema-rs", "invalid", "valid", "not an email"),
    _row("jsts/draft2019-09/format/3/6", "jsonschema-rs", "invalid", "valid", "not a date"),
    _row("jsts/draft2020-12/format/1/6", "jsonschema", "invalid", "valid"),
    _row("jsts/draft7-optional/format/idn-hostname/2/1", "jsonschema", "valid", "invalid"),
    _row("jsts/draft7-optional/ecmascript-regex/5/1", "jsonschema", "invalid", "valid"),
    _row("jsts/draft7-optional/ecmascript-regex/2/0", "jsonschema", "errored", "invalid"),
    _row("w3c-xsd-1.0/ms/Regex/re[1]/x*", "lxml", "valid", "invalid", "at /home/u/x/a.xsd: no"),
]

CAUSES = [
    baseline.Cause(
        ("*",),
        ("jsts/draft2019-09/format/*", "jsts/draft2020-12/format/*"),
        "formats asserted by st9x",
    ),
    baseline.Cause(("jsonschema",), ("jsts/*/format/idn-hostname/*",), "idn-hostname: lax"),
]


def test_uncaused_failures_group_by_adapter_corpus_and_judgement() -> None:
    got = baseline.entries(FAILURES)
    assert [(e["adapter"], len(e["case"])) for e in got] == [
        ("jsonschema", 1),
        ("jsonschema", 1),
        ("jsonschema", 2),  # draft7-optional, fail: the idn-hostname and regex tests together
        ("jsonschema-rs", 1),
        ("jsonschema-rs", 1),
        ("lxml", 1),
    ]
    assert all(e["reason"].startswith("baseline: on ") for e in got)
    lxml = got[-1]
    assert lxml["case"] == ["w3c-xsd-1.0/ms/Regex/re[[]1]/x[*]"], "patterns match themselves only"
    assert "/home/" not in lxml["reason"] and "a.xsd: no" in lxml["reason"]


def test_causes_group_across_corpora_first_match_wins() -> None:
    got = baseline.entries(FAILURES, CAUSES)
    by_reason = {(e["adapter"], e["reason"].split(" (")[0]): e for e in got}
    rs = by_reason["jsonschema-rs", "formats asserted by st9x"]
    assert rs["case"] == ["jsts/draft2019-09/format/3/6", "jsts/draft2020-12/format/0/6"]
    assert rs["reason"] == (
        "formats asserted by st9x (jsonschema-rs says invalid where the suite expects valid on 2 "
        "test(s) of jsts/draft2019-09, jsts/draft2020-12; first: jsts/draft2019-09/format/3/6: "
        "not a date)"
    )
    assert by_reason["jsonschema", "formats asserted by st9x"]["case"] == [
        "jsts/draft2020-12/format/1/6"
    ]
    idn = by_reason["jsonschema", "idn-hostname: lax"]
    assert idn["case"] == ["jsts/draft7-optional/format/idn-hostname/2/1"]
    # the ECMA-262 failures have no cause: one entry per judgement, as without causes
    regex = [e for e in got if "ecmascript-regex" in e["case"][0]]
    assert len(regex) == 2 and all(e["reason"].startswith("baseline: ") for e in regex)
    assert len(got) == 6


def test_main_writes_a_ledger_that_loads(tmp_path: Path) -> None:
    summary = tmp_path / "summary.json"
    summary.write_bytes(orjson.dumps({"failures": FAILURES}))
    ledger = tmp_path / "ledger.json"
    causes = tmp_path / "causes.toml"
    causes.write_text(
        '[[ledger-cause]]\nadapter = ["jsonschema", "jsonschema-rs"]\n'
        'case = ["jsts/draft2019-09/format/*", "jsts/draft2020-12/format/*"]\n'
        'reason = "formats asserted by st9x"\n',
        encoding="utf-8",
    )
    argv = ["--exclude", "w3c-xsd-*", "--causes", str(causes)]
    argv += ["--cause", "jsonschema", "jsts/*/format/idn-hostname/*", "idn-hostname: lax"]
    assert baseline.main([*argv, str(ledger), str(summary)]) == 0
    loaded = load_ledger(ledger)
    entry = loaded.lookup("jsts/draft2020-12/format/1/6", "jsonschema")
    assert entry is not None and entry.reason.startswith("formats asserted by st9x (")
    idn = loaded.lookup("jsts/draft7-optional/format/idn-hostname/2/1", "jsonschema")
    assert idn is not None and idn.reason.startswith("idn-hostname: lax (")
    assert loaded.lookup("w3c-xsd-1.0/ms/Regex/re[1]/x*", "lxml") is None, "excluded"
    assert loaded.lookup("jsts/draft2020-12/format/1/7", "jsonschema") is None


def test_unreadable_causes_are_a_format_error(tmp_path: Path) -> None:
    causes = tmp_path / "causes.toml"
    causes.write_text('[[ledger-cause]]\nadapter = "jsonschema"\n', encoding="utf-8")
    with pytest.raises(FormatError, match="ledger-cause"):
        baseline.read_causes(causes)
