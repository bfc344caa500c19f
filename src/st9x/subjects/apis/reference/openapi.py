"""The reference API's OpenAPI document: the committed fault-free YAML, and its faulty variants.

The document is committed as a file of the embedded corpora (``st90-apis/openapi/
reference.yaml``), so ``st9x lint openapi`` and the catalog metadata checks read exactly what
the API serves at ``/openapi.json``. Only ``verbs-in-paths`` changes the document (its paths
are renamed the way the app renames its routes); every other fault is a behaviour of the
running API that the document, which describes the compliant API, does not follow.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from st9x.corpus.load import embedded_corpora_dir
from st9x.subjects.apis.reference.faults import COLLECTION, Behaviour

#: the committed fault-free document
OPENAPI_PATH: Path = embedded_corpora_dir() / "st90-apis" / "openapi" / "reference.yaml"


@functools.cache
def _committed() -> dict[str, Any]:
    with open(OPENAPI_PATH, encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    if not isinstance(document, dict):
        raise ValueError(f"{OPENAPI_PATH}: not an OpenAPI document (a mapping)")
    return document


def openapi_document(faults: Iterable[str] = frozenset()) -> dict[str, Any]:
    """The document the API serves with ``faults`` switched on, as a fresh dict."""
    behaviour = Behaviour.of(faults)
    document = copy.deepcopy(_committed())
    if behaviour.collection != COLLECTION:
        document["paths"] = {
            behaviour.collection + path.removeprefix(COLLECTION)
            if path.startswith(COLLECTION) else path: item
            for path, item in document["paths"].items()
        }
    return document
