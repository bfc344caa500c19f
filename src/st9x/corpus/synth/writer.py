"""Writing a generated corpus: ids, manifest and report files.

Shared by the generator and the mutation engine so both write the same ``st9x-corpus/1``
layout: ``schemas/`` (copied closure), ``instances/``, ``problems/`` (documents that must not
become cases, kept so a person can look at them), ``manifest.json`` and ``report.json``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import orjson

MANIFEST_FORMAT = "st9x-corpus/1"
MANIFEST_NAME = "manifest.json"
REPORT_NAME = "report.json"


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
    provenance: dict[str, Any] = {
        "source": source,
        "licence": "Generated data (no rights claimed); copied schema files keep their "
        "publisher's terms",
    }
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
