"""`st9x corpus generate|mutate` end to end: generated corpora feed `st9x run` unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from st9x.cli import main
from st9x.corpus.load import load_corpus

ROOT = Path(__file__).resolve().parents[1]
TM_SCHEMA = ROOT / "corpora" / "st96-core" / "schemas" / "trademark" / "TrademarkApplication.xsd"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gen") / "tm"
    code = main(
        [
            "corpus",
            "generate",
            "--schema",
            str(TM_SCHEMA),
            "--root",
            "TrademarkApplication",
            "--count",
            "6",
            "--seed",
            "3",
            "-o",
            str(out),
        ]
    )
    assert code == 0
    return out


def test_generate_writes_a_corpus_that_runs_clean(generated: Path, tmp_path: Path) -> None:
    corpus = load_corpus(generated)
    assert len(corpus.cases) == 6
    assert {c.expected for c in corpus.cases} == {"valid"}
    report = json.loads((generated / "report.json").read_text(encoding="utf-8"))
    assert report["documents"]["statuses"] == {"valid": 6}
    # the validators are what a generated corpus is checked with; converters judge their own
    # round trips on it elsewhere (docs/findings.md: whitespace-collapsed values)
    assert main(["run", "--corpus", str(generated), "--out", str(tmp_path / "r"), "--quiet",
                 "--converter", "none"]) == 0


def test_same_seed_same_bytes(generated: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    main(
        [
            "corpus",
            "generate",
            "--schema",
            str(TM_SCHEMA),
            "--root",
            "TrademarkApplication",
            "--count",
            "6",
            "--seed",
            "3",
            "-o",
            str(again),
        ]
    )
    for case in load_corpus(generated).cases:
        twin = again / case.instance.relative_to(generated)
        assert twin.read_bytes() == case.instance.read_bytes(), case.id


def test_mutate_writes_invalid_cases_each_with_a_kind(generated: Path, tmp_path: Path) -> None:
    out = tmp_path / "mutants"
    code = main(
        [
            "corpus",
            "mutate",
            "--corpus",
            str(generated),
            "--kinds",
            "enumeration",
            "pattern",
            "missing-st96-version",
            "-o",
            str(out),
        ]
    )
    assert code == 0
    corpus = load_corpus(out)
    assert corpus.cases
    assert {c.expected for c in corpus.cases} == {"invalid"}
    assert {c.constraint for c in corpus.cases} <= {
        "enumeration",
        "pattern",
        "missing-st96-version",
    }
    assert main(["run", "--corpus", str(out), "--out", str(tmp_path / "r"), "--quiet",
                 "--converter", "none"]) == 0


def test_unknown_kind_is_a_usage_error(generated: Path, tmp_path: Path, capsys) -> None:
    code = main(
        [
            "corpus",
            "mutate",
            "--corpus",
            str(generated),
            "--kinds",
            "nonsense",
            "-o",
            str(tmp_path / "m"),
        ]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "nonsense" in err and len(err.strip().splitlines()) == 1


ST97_DRAFT7 = (
    ROOT / "corpora" / "st97-core" / "schemas" / "draft-07" / "trademarkApplication.schema.json"
)


def test_json_generate_and_mutate_feed_st9x_run(tmp_path: Path) -> None:
    valid, invalid = tmp_path / "valid", tmp_path / "invalid"
    assert (
        main(
            [
                "corpus",
                "generate-json",
                "--schema",
                str(ST97_DRAFT7),
                "--count",
                "8",
                "--seed",
                "5",
                "-o",
                str(valid),
            ]
        )
        == 0
    )
    assert main(["corpus", "mutate-json", "--corpus", str(valid), "-o", str(invalid)]) == 0
    assert {c.expected for c in load_corpus(valid).cases} == {"valid"}
    mutants = load_corpus(invalid).cases
    assert mutants and all(c.expected == "invalid" and c.constraint for c in mutants)
    out = tmp_path / "r"
    assert (
        main(
            [
                "run",
                "--corpus",
                str(valid),
                "--corpus",
                str(invalid),
                "--out",
                str(out),
                "--quiet",
                "--converter",
                "none",
            ]
        )
        == 0
    )
