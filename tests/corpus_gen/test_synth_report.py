"""The shared records and report: what validators' answers mean together, and every report
shape (problems included) conforms to the ``synth-report`` format."""

from __future__ import annotations

import pytest

from st9x.corpus.synth.json.check import JsonVerdicts
from st9x.corpus.synth.records import Document, Mutant
from st9x.corpus.synth.report import Report
from st9x.corpus.synth.xml.check import XmlVerdicts
from st9x.errors import FormatError
from st9x.formats import check


def test_a_validator_that_did_not_judge_does_not_count() -> None:
    assert JsonVerdicts(False, None).invalid and JsonVerdicts(False, None).agree
    assert JsonVerdicts(True, None).valid
    disagree = JsonVerdicts(False, True)
    assert not disagree.agree and not disagree.valid and not disagree.invalid


@pytest.mark.parametrize(
    ("verdicts", "mutant", "document"),
    [
        (XmlVerdicts(False, False), "rejected", "invalid"),
        (XmlVerdicts(True, True), "accepted", "valid"),
        (XmlVerdicts(True, False), "disagreement", "disagreement"),
        (JsonVerdicts(False, False), "rejected", "invalid"),
        (JsonVerdicts(True, None), "accepted", "valid"),
        (JsonVerdicts(True, False), "disagreement", "disagreement"),
    ],
)
def test_statuses(verdicts, mutant: str, document: str) -> None:
    assert Mutant("c", "pattern", "d", b"", verdicts).status == mutant
    assert Document(0, b"", verdicts).status == document


def test_every_report_shape_with_problems_conforms() -> None:
    xml_gen = Report(
        "st9x.corpus.generate",
        {"schema": "s.xsd", "root": "R", "seed": 1, "count": 3, "size": "small"},
        documents=[
            Document(0, b"<R/>", XmlVerdicts(True, True)),
            Document(1, b"<R/>", XmlVerdicts(False, False, "e", "e"), ["no value"]),
            Document(2, b"<R/>", XmlVerdicts(True, False, None, "e")),
        ],
        coverage={"elements": {"declared": 2, "used": 1, "ratio": 0.5, "unused_count": 1}},
    )
    summary = xml_gen.as_dict()
    assert summary["documents"]["statuses"] == {"valid": 1, "invalid": 1, "disagreement": 1}
    assert [p["index"] for p in summary["problems"]] == [1, 2]
    json_gen = Report(
        "st9x.corpus.jsongen",
        {"schema": "s.json", "seed": 1},
        documents=[Document(0, b"{}", JsonVerdicts(True, False, "", "e"), attempt=3)],
        requested=2,
        attempts=30,
        rejected_attempts={"invalid: x": 4},
        failures=[{"index": 1, "status": "generator-failure", "last_reason": "r"}],
        validators={"python_jsonschema": "used", "python_jsonschema_formats_not_asserted": []},
    )
    summary = json_gen.as_dict()
    assert summary["written"] == 0 and summary["requested"] == 2
    assert [p["status"] for p in summary["problems"]] == ["generator-failure", "disagreement"]
    xml_mut = Report(
        "st9x.corpus.mutate",
        {"source_corpus": "c", "seed": 0, "kinds": ["pattern", "length"]},
        mutants=[Mutant("a", "pattern", "d", b"", XmlVerdicts(True, True))],
        kinds=["pattern", "length"],
    )
    assert xml_mut.as_dict()["kinds_without_site"] == ["length"]
    json_mut = Report(
        "st9x.corpus.jsonmutate",
        {"source_corpus": "c", "seed": 0, "kinds": ["pattern"]},
        mutants=[Mutant("a", "pattern", "d", b"", JsonVerdicts(False, True, "e"))],
        kinds=["pattern"],
        validators={
            "python_jsonschema_skipped": {"s": "why"},
            "python_jsonschema_formats_not_asserted": {},
        },
    )
    for report in (xml_gen, json_gen, xml_mut, json_mut):
        check("synth-report", report.as_dict(), path=None)


def test_a_report_with_the_other_formats_verdicts_is_caught() -> None:
    report = Report(
        "st9x.corpus.mutate",
        {"source_corpus": "c", "seed": 0, "kinds": ["pattern"]},
        mutants=[Mutant("a", "pattern", "d", b"", JsonVerdicts(True, True))],
        kinds=["pattern"],
    )
    with pytest.raises(FormatError, match="lxml"):
        check("synth-report", report.as_dict(), path=None)
