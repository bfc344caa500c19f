"""Generate valid XML instances from an XSD, for conformance corpora and benchmarks.

Entry points for the CLI (``st9x corpus generate``):

- :func:`generate` returns a :class:`~st9x.corpus.synth.report.Report` holding the documents;
- :func:`write_corpus` writes them as an ``st9x-corpus/1`` corpus directory.

The generator walks xmlschema's component model (no XSD parsing of its own), is a pure
function of ``(schema, root, count, seed, size)``, steers each decision toward schema parts
the corpus has not exercised yet, and checks every document with lxml and xmlschema. Documents
that fail the check are reported, never silently dropped.
"""

from __future__ import annotations

import random
import re
import time
from pathlib import Path
from typing import Any

from lxml import etree

from st9x.corpus.synth.records import Document
from st9x.corpus.synth.report import Report
from st9x.corpus.synth.writer import CorpusWriter, make_id
from st9x.corpus.synth.xml.builder import BuildOptions, InstanceBuilder
from st9x.corpus.synth.xml.check import DualValidator
from st9x.corpus.synth.xml.coverage import Coverage
from st9x.corpus.synth.xml.model import SchemaModel, load_schema
from st9x.corpus.synth.xml.schemafiles import copy_schema_closure

#: Target size of ``size="large"`` documents, in bytes (as written, pretty-printed).
LARGE_BYTES = 1_000_000

SizeSpec = str | int | None


_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*(k|kb|m|mb|g|gb)?")
_FACTORS = {None: 1, "k": 1000, "kb": 1000, "m": 1_000_000, "mb": 1_000_000,
            "g": 1_000_000_000, "gb": 1_000_000_000}


def parse_size(size: SizeSpec) -> int | None:
    """``"small"``/None → no target; ``"large"`` → :data:`LARGE_BYTES`; an int or a number of
    bytes with an optional decimal suffix (``250k``, ``10m``, ``1.5MB``, ``1g``) → that many
    bytes."""
    if size is None or size == "small":
        return None
    if size == "large":
        return LARGE_BYTES
    if isinstance(size, int):
        if size <= 0:
            raise ValueError("size must be positive")
        return size
    match = _SIZE.fullmatch(size.strip().lower())
    if match is None:
        raise ValueError(
            f"size must be small, large or a number of bytes (250k, 10m, 1g), not {size!r}"
        )
    number, suffix = match.groups()
    value = int(float(number) * _FACTORS[suffix])
    if value <= 0:
        raise ValueError("size must be positive")
    return value


def generate(
    schema_path: str | Path,
    root: str,
    count: int,
    seed: int,
    size: SizeSpec = "small",
    *,
    check: bool = True,
    options: BuildOptions | None = None,
    model: SchemaModel | None = None,
    validator: DualValidator | None = None,
) -> Report:
    """Generate ``count`` documents; the report holds the documents and their checks.

    ``model``/``validator`` let callers (tests, the mutation engine) reuse built schemas.
    """
    timings: dict[str, float] = {}
    started = time.perf_counter()
    if model is None:
        model = SchemaModel(load_schema(schema_path), root)
    if check and validator is None:
        validator = DualValidator(schema_path, model.schema)
    timings["schema_build"] = time.perf_counter() - started

    coverage = Coverage()
    for name, dim in model.coverage_universe.dims.items():
        coverage.dims[name].universe = dict(dim.universe)
    builder = InstanceBuilder(model, coverage, random.Random(seed), options)
    target = parse_size(size)

    documents: list[Document] = []
    generate_time = check_time = 0.0
    for index in range(count):
        t0 = time.perf_counter()
        result = builder.build(target)
        data = serialize(result.root)
        t1 = time.perf_counter()
        verdicts = validator.check_bytes(data) if validator else None
        t2 = time.perf_counter()
        generate_time += t1 - t0
        check_time += t2 - t1
        documents.append(Document(index, data, verdicts, list(result.context.problems)))
    timings["generate"] = generate_time
    timings["check"] = check_time
    request = {
        "schema": str(schema_path),
        "root": model.root.name,
        "seed": seed,
        "count": count,
        "size": size,
    }
    return Report(
        "st9x.corpus.generate",
        request,
        documents=documents,
        coverage=coverage.report(),
        timings=timings,
    )


def serialize(root: Any) -> bytes:
    """The one serialization used everywhere, so that a seed always gives the same bytes."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_corpus(
    schema_path: str | Path,
    root: str,
    count: int,
    seed: int,
    out_dir: str | Path,
    size: SizeSpec = "small",
    *,
    corpus_id: str | None = None,
    title: str | None = None,
    options: BuildOptions | None = None,
) -> Report:
    """Generate and write a corpus directory; returns the report (also in ``report.json``).

    Layout: ``schemas/`` (the schema and every file it includes/imports, copied so that the
    manifest only names files inside the corpus), ``instances/gen-NNNNN.xml``,
    ``problems/`` (documents both validators reject: generator bugs, not cases),
    ``manifest.json`` and ``report.json``. Documents the validators disagree on become cases
    with ``expected: unknown`` and the tag ``validator-disagreement``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    main_schema = copy_schema_closure(schema_path, out / "schemas")
    report = generate(schema_path, root, count, seed, size, options=options)
    schema_id = make_id(Path(schema_path).stem)
    writer = CorpusWriter(out, ".xml")
    for doc in report.documents:
        case_id = f"gen-{doc.index:05d}"
        if doc.status == "invalid":
            writer.add_problem(case_id, doc.data)
            continue
        expected = "valid" if doc.status in ("valid", "unchecked") else "unknown"
        case = writer.add_case(case_id, doc.data, case_id, schema_id, expected, tags=["generated"])
        if doc.status == "disagreement":
            case["tags"].append("validator-disagreement")
            case["description"] = "lxml and xmlschema disagree; see report.json"
    schema_entry = {
        "id": schema_id,
        "path": main_schema.relative_to(out).as_posix(),
        "kind": "xsd",
        "root": report.request["root"],
    }
    writer.finish(
        report,
        corpus_id=corpus_id or make_id(f"gen-{Path(schema_path).stem}-{seed}"),
        title=title or f"Generated instances of {Path(schema_path).name}",
        description=f"{count} instances generated by st9x.corpus.generate (seed {seed}, "
        f"size {size}).",
        source=f"generated from {Path(schema_path).name}",
        schemas=[schema_entry],
        notes="Regenerate with the same schema, root, count, seed and size for the same bytes.",
    )
    return report
