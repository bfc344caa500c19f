"""Generate valid XML instances from an XSD, for conformance corpora and benchmarks.

Entry points for the CLI (``st9x corpus generate``):

- :func:`generate` returns the documents (bytes) and a :class:`GenerationReport`;
- :func:`write_corpus` writes them as an ``st9x-corpus/1`` corpus directory.

The generator walks xmlschema's component model (no XSD parsing of its own), is a pure
function of ``(schema, root, count, seed, size)``, steers each decision toward schema parts
the corpus has not exercised yet, and checks every document with lxml and xmlschema. Documents
that fail the check are reported, never silently dropped.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from st9x.corpus.synth.xml.builder import BuildOptions, InstanceBuilder
from st9x.corpus.synth.xml.check import DualValidator, Verdicts
from st9x.corpus.synth.writer import (
    MANIFEST_NAME,
    REPORT_NAME,
    make_id,
    manifest,
    write_json,
)
from st9x.corpus.synth.xml.coverage import Coverage
from st9x.corpus.synth.xml.model import SchemaModel, load_schema
from st9x.corpus.synth.xml.schemafiles import copy_schema_closure

#: Target size of ``size="large"`` documents, in bytes (before pretty-printing).
LARGE_BYTES = 1_000_000

SizeSpec = str | int | None


def parse_size(size: SizeSpec) -> int | None:
    """``"small"``/None → no target; ``"large"`` → :data:`LARGE_BYTES`; an int or a string of
    digits (optionally with ``k``/``M`` suffix) → that many bytes."""
    if size is None or size == "small":
        return None
    if size == "large":
        return LARGE_BYTES
    if isinstance(size, int):
        if size <= 0:
            raise ValueError("size must be positive")
        return size
    text = size.strip().lower()
    factor = 1
    if text.endswith(("k", "kb")):
        factor, text = 1000, text.rstrip("kb")
    elif text.endswith(("m", "mb")):
        factor, text = 1_000_000, text.rstrip("mb")
    if not text.isdigit():
        raise ValueError(f"size must be small, large or a number of bytes, not {size!r}")
    return int(text) * factor


@dataclass
class GeneratedDocument:
    index: int
    data: bytes
    verdicts: Verdicts | None
    problems: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        """``valid`` (both validators accept), ``invalid`` (both reject: a generator bug),
        ``disagreement`` (a validator bug or a generator bug), ``unchecked``."""
        if self.verdicts is None:
            return "unchecked"
        if self.verdicts.both_valid:
            return "valid"
        if self.verdicts.both_invalid:
            return "invalid"
        return "disagreement"


@dataclass
class GenerationReport:
    schema: str
    root: str
    seed: int
    count: int
    size: SizeSpec
    coverage: dict[str, Any]
    timings: dict[str, float]
    documents: list[GeneratedDocument]

    def problems(self) -> list[dict[str, Any]]:
        found = []
        for doc in self.documents:
            if doc.status in ("valid", "unchecked") and not doc.problems:
                continue
            entry: dict[str, Any] = {"index": doc.index, "status": doc.status}
            if doc.problems:
                entry["generator_problems"] = doc.problems
            if doc.verdicts is not None and not doc.verdicts.both_valid:
                entry["verdicts"] = doc.verdicts.as_dict()
            found.append(entry)
        return found

    def as_dict(self) -> dict[str, Any]:
        sizes = [len(d.data) for d in self.documents]
        statuses: dict[str, int] = {}
        for doc in self.documents:
            statuses[doc.status] = statuses.get(doc.status, 0) + 1
        return {
            "tool": "st9x.corpus.generate",
            "schema": self.schema,
            "root": self.root,
            "seed": self.seed,
            "count": self.count,
            "size": self.size,
            "documents": {
                "statuses": statuses,
                "bytes_total": sum(sizes),
                "bytes_mean": round(sum(sizes) / len(sizes)) if sizes else 0,
                "bytes_max": max(sizes, default=0),
            },
            "timings_s": {k: round(v, 3) for k, v in self.timings.items()},
            "coverage": self.coverage,
            "problems": self.problems(),
        }


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
) -> GenerationReport:
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

    documents: list[GeneratedDocument] = []
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
        documents.append(GeneratedDocument(index, data, verdicts, list(result.context.problems)))
    timings["generate"] = generate_time
    timings["check"] = check_time
    return GenerationReport(
        schema=str(schema_path),
        root=model.root.name,
        seed=seed,
        count=count,
        size=size,
        coverage=coverage.report(),
        timings=timings,
        documents=documents,
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
) -> GenerationReport:
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
    corpus_id = corpus_id or make_id(f"gen-{Path(schema_path).stem}-{seed}")
    cases: list[dict[str, Any]] = []
    (out / "instances").mkdir(exist_ok=True)
    for doc in report.documents:
        case_id = f"gen-{doc.index:05d}"
        if doc.status == "invalid":
            (out / "problems").mkdir(exist_ok=True)
            (out / "problems" / f"{case_id}.xml").write_bytes(doc.data)
            continue
        path = out / "instances" / f"{case_id}.xml"
        path.write_bytes(doc.data)
        case: dict[str, Any] = {
            "id": case_id,
            "instance": path.relative_to(out).as_posix(),
            "schema": schema_id,
            "expected": "valid" if doc.status in ("valid", "unchecked") else "unknown",
            "tags": ["generated"],
        }
        if doc.status == "disagreement":
            case["tags"].append("validator-disagreement")
            case["description"] = "lxml and xmlschema disagree; see report.json"
        cases.append(case)
    schema_entry = {
        "id": schema_id,
        "path": main_schema.relative_to(out).as_posix(),
        "kind": "xsd",
        "root": report.root,
    }
    document = manifest(
        corpus_id,
        title or f"Generated instances of {Path(schema_path).name}",
        f"{count} instances generated by st9x.corpus.generate (seed {seed}, size {size}).",
        f"generated from {Path(schema_path).name}",
        [schema_entry],
        cases,
        notes="Regenerate with the same schema, root, count, seed and size for the same bytes.",
    )
    write_json(out / MANIFEST_NAME, document)
    write_json(out / REPORT_NAME, report.as_dict())
    return report
