"""Checks (a)–(e) and the twins on st96-core through the conversion engine, with the real
converters and validator adapters; results are derived from the data, not hard-coded."""

from __future__ import annotations

from pathlib import Path

import pytest

from st9x import formats
from st9x.corpus.load import load_corpus
from st9x.engine.results import CONVERSIONS_NAME, iter_results
from st9x.errors import FormatError
from st9x.runner import RunOutput as ConversionOutput
from st9x.runner import run_conversions
from st9x.st97 import jsonio
from st9x.subjects.registry import select_adapters, select_converters

NAMES = ["st97-v2", "st97-v2-strict", "st97-v1-legacy", "xmltodict"]


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> ConversionOutput:
    out = tmp_path_factory.mktemp("conv")
    corpora = [load_corpus("st96-core"), load_corpus("st97-core")]
    return run_conversions(corpora, select_converters(NAMES), out, select_adapters())


def cases(output: ConversionOutput, converter: str) -> list[dict]:
    return [r for r in output.conversion_records
            if r["type"] == "case" and r["converter"] == converter]


def test_records_follow_their_format_and_read_back(output: ConversionOutput) -> None:
    records = list(iter_results(output.out_dir / CONVERSIONS_NAME, kind="conversions"))
    assert records[0]["type"] == "header" and records[-1]["type"] == "footer"
    assert records[-1]["records"] == len(output.conversion_records)
    with pytest.raises(FormatError):
        formats.check("conversions", {**records[1], "status": "maybe"}, path="x")


def test_a_schema_conversion_with_losses_and_artefacts(output: ConversionOutput) -> None:
    schemas = [r for r in output.conversion_records
               if r["type"] == "schema" and r["converter"] == "st97-v2"]
    assert {r["schema"] for r in schemas} == {"tm-app", "dgn-app", "pat-pub"}
    for record in schemas:
        assert record["status"] == "ok"
        written = jsonio.loads((output.out_dir / record["artefacts"]["losses"]).read_bytes())
        assert len(written) == record["loss_total"] == sum(record["losses"].values())
        assert (output.out_dir / record["artefacts"]["schema"]).is_file()
    peers = [r for r in output.conversion_records
             if r["type"] == "schema" and r["converter"] == "xmltodict"]
    assert {r["status"] for r in peers} == {"unsupported"}


def test_b_valid_conversions_validate_where_the_validator_supports_the_schema(
    output: ConversionOutput,
) -> None:
    valid = [r for r in cases(output, "st97-v2-strict") if r["xsd_verdict"] == "valid"]
    assert valid
    verdicts = [r["json_verdicts"]["jsonschema-rs"]["verdict"] for r in valid]
    # every XSD-valid conversion validates (dates and times: the XSD lexical space, `format`
    # only where RFC 3339 agrees with it, so jsonschema-rs's format assertions reject none)
    rejected = [r["case"] for r, v in zip(valid, verdicts, strict=True) if v != "valid"]
    assert rejected == []


def test_c_round_trip_statuses(output: ConversionOutput) -> None:
    statuses = {r["case"]: r["roundtrip"]["status"] for r in cases(output, "st97-v2")
                if r["xsd_verdict"] == "valid"}
    assert statuses["tm-app-minimal"] in ("exact", "normalised")
    lossy = [c for c, s in statuses.items() if s == "lossy"]
    # per-alternative arrays lose the order between alternatives of a repeated choice
    assert lossy and all(c.startswith("pat-pub") for c in lossy)
    record = next(r for r in cases(output, "st97-v2") if r["case"] == lossy[0])
    assert record["roundtrip"]["difference"].startswith("---")
    # …and each says so: the choice-order loss the schema conversion reported, where it lies
    for r in cases(output, "st97-v2"):
        if r["xsd_verdict"] == "valid" and r["roundtrip"]["status"] == "lossy":
            assert {x["construct"] for x in r["roundtrip"]["losses"]} == {"choice-order"}, r
            assert r["roundtrip"]["where"].startswith("/pat:PatentPublication/")
    assert (output.out_dir / record["artefacts"]["roundtrip"]).is_file()


def test_d_agreement_names_the_anyof_gap_and_strict_closes_it(output: ConversionOutput) -> None:
    gaps = output.conversion_summary["gaps"]
    anyof = [g for g in gaps if g["converter"] == "st97-v2" and g["constraint"] ==
             "choice-multiple"]
    assert anyof and all("because of choice-anyof" in g["explanation"] for g in anyof)
    assert not [g for g in gaps if g["converter"] == "st97-v2-strict"
                and g["constraint"] == "choice-multiple" and g["adapter"] == "jsonschema-rs"]
    not_convertible = [r for r in cases(output, "st97-v2") if r["conversion"]["status"] ==
                       "failed"]
    assert not_convertible and all(r["conversion"]["message"] for r in not_convertible)
    assert all(r["xsd_verdict"] == "invalid" for r in not_convertible)


def test_e_decisions_separate_v2_from_legacy_and_peers(output: ConversionOutput) -> None:
    decisions = output.conversion_summary["decisions"]
    v2, legacy = decisions["st97-v2"], decisions["st97-v1-legacy"]
    for d in ("5", "7"):
        assert v2["schema"][d].get("fail", 0) == 0 and v2["instance"][d].get("fail", 0) == 0
        assert legacy["schema"][d].get("fail", 0) > 0
    assert v2["instance"]["4"].get("fail", 0) == 0
    assert legacy["instance"]["4"].get("fail", 0) > 0
    assert "schema" not in decisions["xmltodict"]
    assert decisions["xmltodict"]["instance"]["7"].get("fail", 0) > 0  # "#text"


def test_twins_are_compared(output: ConversionOutput) -> None:
    twins = output.conversion_summary["twins"]["st97-v2"]
    assert sum(twins.values()) > 100
    assert all(d["difference"] for d in output.conversion_summary["twin_differences"])


def test_matrix_is_written(output: ConversionOutput) -> None:
    text = (output.out_dir / "conversion-matrix.md").read_text()
    assert "choice-multiple: XSD rejects, st97-v2 accepts" in text


def test_a_crashing_converter_is_a_record_not_the_end(tmp_path: Path) -> None:
    class Crashing:
        name = "crashing"

        def info(self):  # type: ignore[no-untyped-def]
            from st9x.subjects.converters.base import ConverterInfo

            return ConverterInfo("crashing", "test", "0")

        def prepare(self, xsd_path: Path, root: str | None):  # type: ignore[no-untyped-def]
            raise ZeroDivisionError("boom")

    corpus = load_corpus("st96-core")
    corpus.cases = corpus.cases[:3]
    result = run_conversions([corpus], {"crashing": Crashing()}, tmp_path,  # type: ignore[dict-item]
                             select_adapters(["jsonschema-rs", "lxml"]))
    schema = next(r for r in result.conversion_records if r["type"] == "schema")
    assert schema["status"] == "errored" and "ZeroDivisionError: boom" in schema["message"]
    assert all(r["conversion"]["status"] == "errored"
               for r in result.conversion_records if r["type"] == "case")
