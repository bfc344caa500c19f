"""The sized benchmark inputs: generated once, reused from the cache, valid, of the size asked;
and the rows of the size-by-size suites carry their rates, ratios and skip reasons into the
benchmark JSON and the Markdown tables."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema_rs
import orjson
import pytest
from lxml import etree

from st9x.corpus.synth.xml.generate import parse_size
from st9x.testing.sized_inputs import (
    DEFAULT_SIZES,
    SIZES_ENV,
    Recipe,
    cache_key,
    default_recipe,
    parse_sizes,
    sized_input,
)
from st9x.testing.sized_tables import markdown

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bench-cache")


def test_second_call_reuses_the_cache(cache: Path) -> None:
    first = sized_input("50k", cache=cache)
    assert first.generated
    stamp = first.xml.stat()
    again = sized_input("50k", cache=cache)
    assert not again.generated
    assert again.directory == first.directory
    later = again.xml.stat()
    assert (later.st_ino, later.st_mtime_ns) == (stamp.st_ino, stamp.st_mtime_ns)
    assert [p.name for p in cache.iterdir()] == [first.directory.name]  # no leftover work dir


def test_generated_document_is_valid_and_near_its_target(cache: Path) -> None:
    made = sized_input("50k", cache=cache)
    assert 0.8 * 50_000 <= made.xml_bytes <= 1.2 * 50_000
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    for xsd in (made.xsd, default_recipe().schema):  # the cached copy and the original
        schema = etree.XMLSchema(etree.parse(str(xsd), parser))
        assert schema.validate(etree.parse(str(made.xml), parser)), schema.error_log
    document = orjson.loads(made.json.read_bytes())
    for path in (made.json_schema, made.json_schema_portable, made.json_schema_draft7):
        validator = jsonschema_rs.validator_for(orjson.loads(path.read_bytes()))
        assert validator.is_valid(document), path.name


def test_cache_key_follows_what_the_bytes_depend_on() -> None:
    recipe = default_recipe()
    assert cache_key(recipe, "1m") == cache_key(recipe, "1m")
    assert cache_key(recipe, "1m") != cache_key(recipe, "2m")
    other_seed = Recipe(recipe.schema, recipe.root, seed=1)
    assert cache_key(recipe, "1m") != cache_key(other_seed, "1m")


def test_sizes_from_the_environment_list() -> None:
    assert parse_sizes(None) == DEFAULT_SIZES
    assert parse_sizes(" ") == DEFAULT_SIZES
    assert parse_sizes("10m, 100k,1m,100k") == ("100k", "1m", "10m")
    with pytest.raises(ValueError, match=SIZES_ENV):
        parse_sizes("100k,lots")
    with pytest.raises(ValueError, match=SIZES_ENV):
        parse_sizes("small")


def test_size_suffixes() -> None:
    assert parse_size("100m") == 100_000_000
    assert parse_size("1g") == parse_size("1GB") == 1_000_000_000
    assert parse_size("1.5mb") == 1_500_000
    for bad in ("12q", "m", "-1k", "0k"):
        with pytest.raises(ValueError):
            parse_size(bad)


def test_rows_get_rates_ratios_and_skip_reasons(tmp_path: Path) -> None:
    """A real benchmark run of the XML rows at two small sizes: every row carries bytes,
    documents/s, MB/s and its ratio to the floor; a row whose call the smaller size predicts
    to be too slow is skipped with the estimate; ratios.py prints the Markdown table."""
    out = tmp_path / "run.json"
    # without pytest-xdist's worker variables: under ``pytest -n`` they would make the inner
    # run's pytest-benchmark disable itself
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_XDIST")}
    env = {**inherited, SIZES_ENV: "20k,40k", "ST9X_BENCH_CACHE": str(tmp_path / "cache"),
           "ST9X_BENCH_BUDGET": "0.05", "ST9X_BENCH_MAX_CALL": "0.004"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rs",
         "benchmarks/test_benchsizes_throughput.py", "-k", "xml and not compile",
         "--benchmark-only", f"--benchmark-json={out}"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "over $ST9X_BENCH_MAX_CALL=0.004" in done.stdout  # xmlschema at 40k
    document = json.loads(out.read_text())
    rows = [b for b in document["benchmarks"] if b["extra_info"].get("format") == "xml"]
    assert {r["extra_info"]["size"] for r in rows} == {"20k", "40k"}
    for row in rows:
        info = row["extra_info"]
        assert info["bytes"] > 0 and info["documents_per_s"] > 0 and info["mb_per_s"] > 0
        assert info["ratio_to_floor"] == pytest.approx(
            row["stats"]["median"] / next(
                r["stats"]["median"] for r in rows
                if r["group"] == row["group"] and r["extra_info"]["floor"]))
    floors = [r for r in rows if r["extra_info"]["floor"]]
    assert len(floors) == 2 and all(f["extra_info"]["ratio_to_floor"] == 1.0 for f in floors)
    table = markdown(document)
    assert "### XML validation" in table and "| lxml parse-only | " in table
    printed = subprocess.run([sys.executable, "benchmarks/ratios.py", str(out)], cwd=ROOT,
                             capture_output=True, text=True, timeout=60, check=True).stdout
    assert table in printed
