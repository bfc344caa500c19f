"""Writing a generated or mutated corpus directory, the same ``st9x-corpus/1`` layout for every
format: ``schemas/`` (the schema files, copied by the format's side), ``instances/`` (the cases),
``problems/`` (documents that must not become cases, kept so a person can look at them),
``manifest.json`` and ``report.json`` (checked against the ``synth-report`` format first, so a
report that breaks its own schema is a bug caught here, not in whatever reads it later).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import orjson

from st9x.corpus.synth.report import Report
from st9x.formats import check

MANIFEST_FORMAT = "st9x-corpus/1"
MANIFEST_NAME = "manifest.json"
REPORT_NAME = "report.json"
LICENCE = "Generated data (no rights claimed); copied schema files keep their publisher's terms"


def make_id(text: str) -> str:
    """Turn any text into a manifest id (``^[a-z0-9][a-z0-9._-]*$``)."""
    cleaned = re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-._")
    return cleaned if cleaned and cleaned[0].isalnum() else f"x{cleaned}"


def write_json(path: Path, document: Any) -> None:
    path.write_bytes(orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n")


def read_json(path: Path) -> Any:
    return orjson.loads(path.read_bytes())


def manifest(
    corpus_id: str,
    title: str,
    description: str,
    source: str,
    schemas: list[dict[str, Any]],
    cases: list[dict[str, Any]],
    notes: str = "",
) -> dict[str, Any]:
    provenance: dict[str, Any] = {"source": source, "licence": LICENCE}
    if notes:
        provenance["notes"] = notes
    return {
        "format": MANIFEST_FORMAT,
        "id": corpus_id,
        "title": title,
        "description": description,
        "provenance": provenance,
        "schemas": schemas,
        "cases": cases,
    }


class CorpusWriter:
    """Writes one corpus directory as its documents come: cases to ``instances/``, the rest to
    ``problems/``; :meth:`finish` writes the manifest (listing the cases) and the report."""

    def __init__(self, out: str | Path, suffix: str) -> None:
        self.out = Path(out)
        self.suffix = suffix
        self.cases: list[dict[str, Any]] = []
        (self.out / "instances").mkdir(parents=True, exist_ok=True)

    def add_case(
        self, stem: str, data: bytes, case_id: str, schema: str, expected: str, **rest: Any
    ) -> dict[str, Any]:
        """Write ``instances/<stem><suffix>`` and list it as a case (``rest`` follows
        ``expected`` in the entry, in the order given); returns the entry, still editable."""
        path = self.out / "instances" / f"{stem}{self.suffix}"
        path.write_bytes(data)
        case = {
            "id": case_id,
            "instance": path.relative_to(self.out).as_posix(),
            "schema": schema,
            "expected": expected,
            **rest,
        }
        self.cases.append(case)
        return case

    def add_problem(self, stem: str, data: bytes) -> None:
        """Keep a document that must not become a case, for a person to look at."""
        (self.out / "problems").mkdir(exist_ok=True)
        (self.out / "problems" / f"{stem}{self.suffix}").write_bytes(data)

    def finish(
        self,
        report: Report,
        *,
        corpus_id: str,
        title: str,
        description: str,
        source: str,
        schemas: list[dict[str, Any]],
        notes: str = "",
    ) -> None:
        document = manifest(corpus_id, title, description, source, schemas, self.cases, notes)
        write_json(self.out / MANIFEST_NAME, document)
        summary = report.as_dict()
        write_json(self.out / REPORT_NAME, summary)  # first: its problems are never lost
        check("synth-report", summary, path=self.out / REPORT_NAME)
