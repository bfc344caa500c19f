"""The ST.97 check of a response body, with st9x's JSON validators.

A media type object's ``x-st97-schema`` names the schema either as ``st9x:<corpus>/<schema-id>``
(a schema of an embedded corpus, found through its manifest) or as a file path relative to the
OpenAPI document, which must stay inside the document's folder (else one error, nothing read).
The body is validated by the ``jsonschema-rs`` adapter, as ``st9x validate`` would validate the
same JSON file, so a located ST.97 error reads the same either way. Each schema is compiled
once per check.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from st9x.corpus.load import embedded_corpora_dir, load_corpus
from st9x.corpus.model import SchemaSpec
from st9x.errors import St9xError
from st9x.rules.st90_live.exchanges import St97Outcome
from st9x.subjects.validators.base import Verdict

ADAPTER = "jsonschema-rs"
PREFIX = "st9x:"


class St97Validator:
    """Validates bodies against the ST.97 schemas the document's ``x-st97-schema`` values
    name; ``folder``: the OpenAPI document's folder (relative paths stay inside it)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder.resolve()
        self._compiled: dict[str, Any] = {}
        self._errors: dict[str, str] = {}

    def spec(self, reference: str) -> SchemaSpec:
        """The schema ``reference`` names; ``St9xError`` naming it when there is none."""
        if reference.startswith(PREFIX):
            corpus_id, _, schema_id = reference[len(PREFIX):].partition("/")
            if not corpus_id or not schema_id or "/" in corpus_id:
                raise St9xError(f"{reference!r}: expected st9x:<corpus>/<schema-id>")
            corpus = load_corpus(embedded_corpora_dir() / corpus_id)
            spec = corpus.schemas.get(schema_id)
            if spec is None:
                raise St9xError(f"{reference!r}: corpus {corpus_id!r} has no schema "
                                f"{schema_id!r}")
            return spec
        path = (self.folder / reference).resolve()
        if not path.is_relative_to(self.folder):
            raise St9xError(f"{reference!r} leads outside the OpenAPI document's folder: "
                            "not read")
        if not path.is_file():
            raise St9xError(f"{reference!r}: no such file beside the OpenAPI document")
        return SchemaSpec("api", path.stem, path, "json-schema", bounds=(self.folder,))

    def _compile(self, reference: str) -> Any:
        if reference in self._errors:
            raise St9xError(self._errors[reference])
        if reference not in self._compiled:
            from st9x.subjects.registry import select_adapters

            try:
                adapter = select_adapters([ADAPTER])[ADAPTER]
                self._compiled[reference] = (self.spec(reference), adapter.compile(
                    self.spec(reference)))
            except St9xError as exc:
                self._errors[reference] = str(exc)
                raise
        return self._compiled[reference]

    def __call__(self, reference: str, body: bytes) -> St97Outcome:
        try:
            spec, compiled = self._compile(reference)
        except St9xError as exc:
            return St97Outcome(reference, error=str(exc))
        with tempfile.TemporaryDirectory(prefix="st9x-apicheck-") as folder:
            instance = Path(folder) / "response.json"
            instance.write_bytes(body)
            try:
                outcome = compiled.validate(instance)
            except St9xError as exc:
                return St97Outcome(spec.key, error=str(exc))
        if outcome.verdict is Verdict.VALID:
            return St97Outcome(spec.key)
        problems = tuple(f"at {p.location or '/'}: {p.message}" for p in outcome.errors)
        return St97Outcome(spec.key, problems or ("invalid",))
