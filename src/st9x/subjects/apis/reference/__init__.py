"""The st9x reference ST.90 API: trademark search and retrieval over st97-core, with faults.

A small web API that follows ST.90, served by st9x so that its OpenAPI lint, catalog metadata
checks and live conformance checks have a compliant API to pass on, and a switchable fault per
check to be seen failing on (:data:`FAULTS`). :func:`create_app` builds the Starlette app,
:func:`serving` runs it on a free loopback port for a ``with`` block, ``st9x serve-reference``
runs it until Ctrl-C.

How a response declares its ST.97 document: the retrieval response's media type object in the
OpenAPI document carries ``x-st97-schema: st9x:st97-core/tm-app``, the schema ``tm-app`` of the
embedded corpus ``st97-core``, resolved through that corpus's manifest under
:func:`st9x.corpus.load.embedded_corpora_dir` (the other accepted form, a relative file path,
must stay inside the OpenAPI document's folder). Retrieved documents are served exactly as the
corpus stores them, so they validate against it unless ``st97-break`` is on.
"""

from __future__ import annotations

from st9x.subjects.apis.reference.app import create_app
from st9x.subjects.apis.reference.data import SUMMARY_FIELDS, Summary, Trademark, trademarks
from st9x.subjects.apis.reference.errors import Problem
from st9x.subjects.apis.reference.faults import FAULTS, Behaviour, check_faults
from st9x.subjects.apis.reference.openapi import OPENAPI_PATH, openapi_document
from st9x.subjects.apis.reference.server import RunningServer, ServerError, serving

ST97_SCHEMA = "st9x:st97-core/tm-app"  # the retrieval response's x-st97-schema

__all__ = [
    "FAULTS",
    "OPENAPI_PATH",
    "ST97_SCHEMA",
    "SUMMARY_FIELDS",
    "Behaviour",
    "Problem",
    "RunningServer",
    "ServerError",
    "Summary",
    "Trademark",
    "check_faults",
    "create_app",
    "openapi_document",
    "serving",
    "trademarks",
]
