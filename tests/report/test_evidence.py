"""The register's evidence page on a real ``st9x run`` of st96-core: the numbers are the
records' (recomputed here from the raw lines, independently of st9x.matrix.evidence), every
register item 1–10 has its section, options whose converter did not run say so."""

from __future__ import annotations

import json
import re
import shutil
import statistics
from html import unescape
from pathlib import Path
from typing import Any

import pytest

from st9x.cli import main
from st9x.matrix.evidence import REGISTER, evidence
from st9x.matrix.runs import load_run
from st9x.report.site import build_site

#: a subset of the converters, so that some options are measured and others are not
IN_RUN = ("st97-v1-legacy", "st97-v2", "st97-v2-text-only", "st97-v2-version-property",
          "st97-v2-version-id")
NOT_IN_RUN = ("st97-v2-ordered", "st97-v2-strict", "st97-v2-jsonml", "st97-v2-draft7")


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("evidence") / "run"
    argv = ["run", "--corpus", "st96-core", "--adapter", "xmlschema-1.0", "--adapter",
            "jsonschema-rs", "--out", str(out), "--quiet"]
    for name in IN_RUN:
        argv += ["--converter", name]
    assert main(argv) == 0
    return out


@pytest.fixture(scope="module")
def site(run_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("evidence-site")
    build_site([load_run(run_dir)], out)
    return (out / "evidence.html").read_text(encoding="utf-8")


def raw_records(run_dir: Path, converter: str, kind: str) -> list[dict[str, Any]]:
    lines = (run_dir / "conversions.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    return [r for r in records if r.get("type") == kind and r.get("converter") == converter]


def section(html: str, ident: str) -> str:
    """The HTML of the ``<section id=ident>``, up to the next item's section."""
    start = html.index(f'id="{ident}"')
    end = html.find('<section id="', start + 1)
    return html[start:end if end > 0 else len(html)]


def text(fragment: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", fragment)))


def num(n: int) -> str:
    """A number as the page groups it, after :func:`text` (the narrow no-break space that
    groups thousands is white space there)."""
    return f"{n:,}".replace(",", " ")


def row_text(html: str, item: int, converter: str) -> str:
    part = section(html, f"corpus-st96-core-item-{item}")
    rows = re.findall(r"<tr>.*?</tr>", part, flags=re.S)
    found = [r for r in rows if f"<code>{converter}</code>" in r]
    assert len(found) == 1, (item, converter)
    return text(found[0])


def test_every_register_item_has_a_section(run_dir: Path, site: str) -> None:
    found = evidence(load_run(run_dir))
    assert [b.corpus for b in found.corpora] == ["st96-core"]
    assert [ie.item.number for ie in found.corpora[0].items] == list(range(1, 11))
    for n in range(1, 11):
        part = section(site, f"corpus-st96-core-item-{n}")
        assert f"#{n} " in text(part)
    for n in (2, 3):  # no conversion requirement: said plainly, no table, no number
        part = section(site, f"corpus-st96-core-item-{n}")
        assert "no conversion requirement" in part and "nothing to measure" in part
        assert "<table" not in part


def test_missing_converters_say_so(run_dir: Path, site: str) -> None:
    found = evidence(load_run(run_dir))
    assert set(found.missing) == set(NOT_IN_RUN)
    for block in found.corpora:
        for ie in block.items:
            for row in ie.rows:
                assert (row.measured is None) == (row.option.converter in NOT_IN_RUN)
    for name in NOT_IN_RUN:
        item = {"st97-v2-ordered": 6, "st97-v2-strict": 5, "st97-v2-jsonml": 9,
                "st97-v2-draft7": 8}[name]
        assert row_text(site, item, name).strip().endswith(
            f"not in this run: st9x run --converter {name} would add it")


def test_round_trip_and_agreement_cells_are_the_records(run_dir: Path, site: str) -> None:
    cases = raw_records(run_dir, "st97-v2-text-only", "case")
    valid = [r for r in cases if r["xsd_verdict"] == "valid"]
    trips = [r["roundtrip"]["status"] for r in valid if r["conversion"]["status"] == "ok"]
    faithful = trips.count("exact") + trips.count("normalised")
    assert trips.count("lossy") > 0  # text only drops inline markup: a real difference
    expected = f"{faithful}/{len(valid)} ({100 * faithful / len(valid):.1f} %) faithful"
    assert expected in row_text(site, 9, "st97-v2-text-only")

    invalid = [r for r in cases if r["xsd_verdict"] == "invalid"]
    agree = disagree = 0
    for r in invalid:
        if r["conversion"]["status"] in ("failed", "errored"):
            agree += 1  # refusing invalid data agrees with the XSD
            continue
        verdicts = [v["verdict"] for a, v in r["json_verdicts"].items()
                    if a in r["json_judges"] and v["verdict"] in ("valid", "invalid")]
        if verdicts:
            agree += all(v == "invalid" for v in verdicts)
            disagree += not all(v == "invalid" for v in verdicts)
    assert disagree > 0  # the anyOf gap and the lost sequence order
    decided = agree + disagree
    assert (f"{agree}/{decided} ({100 * agree / decided:.1f} %) agree, {disagree} disagree"
            in row_text(site, 9, "st97-v2-text-only"))


def test_size_and_time_cells_are_the_records(run_dir: Path, site: str) -> None:
    schemas = raw_records(run_dir, "st97-v2-version-property", "schema")
    total = sum(r["sizes"]["schema"] for r in schemas)
    shown = row_text(site, 10, "st97-v2-version-property")
    assert num(total) + f" ({len(schemas)} of {len(schemas)} schemas)" \
        in shown
    base = sum(r["sizes"]["schema"] for r in raw_records(run_dir, "st97-v2", "schema"))
    assert f"+{num(total - base)} bytes ({100 * (total / base - 1):+.1f} %) vs the first option" \
        in shown
    assert total > base  # the required schemaVersion property is in every schema

    cases = [r for r in raw_records(run_dir, "st97-v2-version-property", "case")
             if r["conversion"]["status"] == "ok"]
    json_bytes = sum(r["sizes"]["json"] for r in cases)
    assert num(json_bytes) + f" ({len(cases)} instances;" in shown
    conversion = statistics.median(r["conversion"]["seconds"] * 1000 for r in cases)
    assert f"{conversion:.2f} ms (n={len(cases)})" in shown
    validation = [r["json_verdicts"]["jsonschema-rs"]["seconds"] * 1000 for r in cases]
    assert f"jsonschema-rs: {statistics.median(validation):.2f} ms" in shown


def compact_size(path: Path) -> int:
    """The bytes of a written (indented) JSON file without the white space between tokens:
    the numbers keep their digits (``40.00``), which a parse and dump would not."""
    raw = path.read_text(encoding="utf-8")
    compact = re.sub(r'("(?:[^"\\]|\\.)*")|\s+', lambda m: m.group(1) or "", raw)
    return len(compact.encode("utf-8"))


def test_recorded_sizes_are_the_artefacts(run_dir: Path) -> None:
    """A schema's recorded size is its written artefact's, compact; an instance's the XML
    file's and the converted JSON's, compact; every verdict a validator gave is timed."""
    for r in raw_records(run_dir, "st97-v2", "schema"):
        assert r["sizes"]["schema"] == compact_size(run_dir / r["artefacts"]["schema"])
    cases = [r for r in raw_records(run_dir, "st97-v2", "case")
             if r["conversion"]["status"] == "ok"]
    assert cases
    corpus = Path(__file__).resolve().parents[2] / "corpora" / "st96-core"
    for r in cases:
        assert r["sizes"]["json"] == compact_size(run_dir / r["artefacts"]["json"])
        xml = [p for p in corpus.rglob(f"{r['case']}.xml")]
        assert len(xml) == 1 and r["sizes"]["xml"] == xml[0].stat().st_size
        for verdict in r["json_verdicts"].values():
            if verdict["verdict"] in ("valid", "invalid"):
                assert verdict["seconds"] >= 0


def test_rule_verdicts_are_the_conversion_summary(run_dir: Path, site: str) -> None:
    run = load_run(run_dir)
    summary = run.conversion_summary
    assert summary is not None
    block = evidence(run).corpora[0]
    checked = 0
    for ie in block.items:
        for row in ie.rows:
            verdict = row.rule(ie.item)
            if verdict is None:
                continue
            folded = summary["decisions"][row.option.converter]
            for level, counts in (("schema", verdict.schema), ("instance", verdict.instance)):
                expected = {s: n for s, n in folded[level][ie.item.rule].items() if s != "loss"}
                assert dict(counts) == expected
            checked += 1
    assert checked == 10  # items 1, 4, 5, 7, 8: legacy and st97-v2
    assert row_text(site, 4, "st97-v1-legacy").endswith("fail: schemas 3 fail; instances "
                                                        f"{verdict_count(summary, '4')} fail ")


def verdict_count(summary: dict[str, Any], decision: str) -> int:
    return int(summary["decisions"]["st97-v1-legacy"]["instance"][decision]["fail"])


def test_new_converters_implement_their_option(run_dir: Path) -> None:
    """The version options (#10) and text-only mixed content (#9), on the run's artefacts."""
    prop = raw_records(run_dir, "st97-v2-version-property", "schema")[0]
    schema = json.loads((run_dir / prop["artefacts"]["schema"]).read_bytes())
    assert "schemaVersion" in schema["required"]
    ident = raw_records(run_dir, "st97-v2-version-id", "schema")[0]
    schema = json.loads((run_dir / ident["artefacts"]["schema"]).read_bytes())
    assert schema["$id"].startswith("urn:st97:st97-v2:")
    case = next(r for r in raw_records(run_dir, "st97-v2-version-property", "case")
                if r["conversion"]["status"] == "ok")
    assert "schemaVersion" in json.loads((run_dir / case["artefacts"]["json"]).read_bytes())
    mixed = next(r for r in raw_records(run_dir, "st97-v2-text-only", "case")
                 if r["case"] == "tm-app-word-mark-mixed-content")
    assert mixed["roundtrip"]["status"] == "lossy"
    assert {x["construct"] for x in mixed["roundtrip"]["losses"]} >= {"mixed-content"}


def test_old_results_without_sizes(run_dir: Path, tmp_path: Path) -> None:
    """Results written before sizes and validation times were recorded still load; schema
    sizes then come from the written schemas inside the results folder."""
    old = tmp_path / "old"
    shutil.copytree(run_dir, old)
    lines = []
    for line in (old / "conversions.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        record.pop("sizes", None)
        for verdict in record.get("json_verdicts", {}).values():
            verdict.pop("seconds", None)
        lines.append(json.dumps(record))
    (old / "conversions.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    measured = evidence(load_run(old)).corpora[0].items[0].rows[1].measured
    assert measured is not None and measured.converter == "st97-v2"
    recorded = sum(r["sizes"]["schema"] for r in raw_records(run_dir, "st97-v2", "schema"))
    assert measured.schema_sizes.total == recorded
    assert measured.schema_sizes.from_artefacts == measured.schema_sizes.schemas == 3
    assert measured.instance_sizes.instances == 0
    assert all(t.median_ms is None for t in measured.validation.values())


def test_run_without_conversions(run_dir: Path, tmp_path: Path) -> None:
    """A run without converter records still shows every item, each option not in the run."""
    plain = tmp_path / "plain"
    plain.mkdir()
    for name in ("results.jsonl", "ledger.json"):
        shutil.copy(run_dir / name, plain / name)
    found = evidence(load_run(plain))
    assert [b.corpus for b in found.corpora] == [None]
    assert all(row.measured is None for ie in found.corpora[0].items for row in ie.rows)
    out = tmp_path / "site"
    build_site([load_run(plain)], out)
    html = (out / "evidence.html").read_text(encoding="utf-8")
    for n in range(1, 11):
        assert f'id="corpus-none-item-{n}"' in html
    assert "st9x run --converter st97-v2-version-id" in html
    assert len(REGISTER) == 10
