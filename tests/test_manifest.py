"""Loading corpora from manifest.json: a good manifest, and every kind of bad one.

A bad manifest must fail as one ``ManifestError`` line that names the file and the field (JSON
Pointer), because that line is all a user sees in ``st9x run``'s output; a problem with one case
only (a path escaping through a symlink) must not cost the corpus and becomes an errored record.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from fixtures import (
    TNS,
    assert_one_line,
    default_cases,
    make_corpus,
    manifest_document,
    write,
)

from st9x.corpus.load import load_corpus
from st9x.corpus.manifest import load_manifest
from st9x.engine.tasks import Task
from st9x.engine.worker import Worker
from st9x.errors import ManifestError


def test_good_manifest_loads_cases_schemas_pairs_and_tags(tmp_path: Path) -> None:
    manifest = make_corpus(
        tmp_path, pairs=[{"xml": "xml-valid", "json": "json-valid"}], description="tiny"
    )
    corpus = load_manifest(manifest)

    assert corpus.id == "mini"
    assert corpus.manifest == manifest
    assert corpus.description == "tiny"
    assert sorted(corpus.schemas) == ["doc", "doc-json"]
    doc = corpus.schemas["doc"]
    assert doc.kind == "xsd" and doc.format == "xml"  # kind defaulted from the .xsd extension
    assert doc.root == f"{{{TNS}}}Doc"
    assert doc.path == (tmp_path / "schemas" / "doc.xsd").resolve()
    assert doc.key == "mini/doc"
    assert corpus.schemas["doc-json"].kind == "json-schema"

    by_id = {case.id: case for case in corpus.cases}
    assert sorted(by_id) == sorted(c["id"] for c in default_cases())
    invalid = by_id["xml-invalid"]
    assert invalid.expected == "invalid"
    assert invalid.constraint == "datatype"
    assert invalid.tags == ("xml",)
    assert invalid.format == "xml"
    assert invalid.schema is doc
    assert invalid.source == "instances/invalid.xml"
    assert invalid.problem is None
    assert invalid.key == "mini/xml-invalid"
    assert by_id["json-valid"].tags == ("smoke", "json")
    assert by_id["json-valid"].format == "json"

    assert corpus.pairs == [("mini/xml-valid", "mini/json-valid")]
    assert corpus.counts() == {"invalid": 3, "valid": 2}


def test_load_corpus_finds_manifest_in_directory(tmp_path: Path) -> None:
    make_corpus(tmp_path)
    assert load_corpus(tmp_path).manifest == tmp_path / "manifest.json"
    assert load_corpus(tmp_path / "manifest.json").id == "mini"


def _load_bad(tmp_path: Path, document: Any) -> ManifestError:
    """Write a corpus whose manifest is ``document`` and return the error loading it gave."""
    make_corpus(tmp_path)
    manifest = tmp_path / "manifest.json"
    write(manifest, document if isinstance(document, str) else json.dumps(document))
    with pytest.raises(ManifestError) as info:
        load_manifest(manifest)
    message = str(info.value)
    assert_one_line(message)
    assert message.startswith(str(manifest)), f"does not name the manifest: {message}"
    return info.value


def test_not_json_reports_line_and_column(tmp_path: Path) -> None:
    text = '{\n  "format": "st9x-corpus/1",\n  "id": "mini",\n  oops\n}\n'
    error = _load_bad(tmp_path, text)
    assert error.line == 4
    assert str(error).startswith(f"{tmp_path / 'manifest.json'}:4:")
    assert "not valid JSON" in str(error)


def _without(document: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != key}


def _case_with(**changes: Any) -> dict[str, Any]:
    """The default manifest with its second case (xml-invalid) changed."""
    cases = default_cases()
    cases[1] = {k: v for k, v in {**cases[1], **changes}.items() if v is not None}
    return manifest_document(cases=cases)


@pytest.mark.parametrize(
    ("document", "fragments"),
    [
        pytest.param(
            _without(manifest_document(), "provenance"),
            ("at /:", "'provenance' is a required property"),
            id="missing-required-field",
        ),
        pytest.param(
            {**manifest_document(), "cases": {"x": 1}},
            ("at /cases:", "is not of type 'array'"),
            id="wrong-type",
        ),
        pytest.param(
            _case_with(tags="xml"),
            ("at /cases/1/tags:", "is not of type 'array'"),
            id="wrong-type-nested",
        ),
        pytest.param(
            _case_with(constraint="too-blue"),
            ("at /cases/1/constraint:", "'too-blue'"),
            id="unknown-constraint-kind",
        ),
        pytest.param(
            _case_with(constraint=None),
            ("at /cases/1:", "'constraint' is a required property"),
            id="invalid-case-without-constraint",
        ),
        pytest.param(
            _case_with(instance="../outside.xml"),
            ("at /cases/1/instance:", "../outside.xml"),
            id="dotdot-path",
        ),
        pytest.param(
            _case_with(instance="/etc/passwd.xml"),
            ("at /cases/1/instance:", "/etc/passwd.xml"),
            id="absolute-path",
        ),
        pytest.param(
            {**manifest_document(), "format": "st9x-corpus/9"},
            ("at /format:",),
            id="unknown-format-version",
        ),
        pytest.param(
            {**manifest_document(), "surplus": True},
            ("at /:", "surplus"),
            id="unknown-top-level-field",
        ),
    ],
)
def test_format_violations_name_the_field(
    tmp_path: Path, document: dict[str, Any], fragments: tuple[str, ...]
) -> None:
    error = _load_bad(tmp_path, document)
    assert_one_line(str(error), "manifest format", *fragments)


def test_case_naming_unknown_schema(tmp_path: Path) -> None:
    error = _load_bad(tmp_path, _case_with(schema="nope"))
    assert_one_line(str(error), "at /cases/1/schema:", "'nope'")


def test_duplicate_case_id(tmp_path: Path) -> None:
    cases = default_cases()
    cases[3]["id"] = cases[0]["id"]
    error = _load_bad(tmp_path, manifest_document(cases=cases))
    assert_one_line(str(error), "at /cases/3/id:", "duplicate case id 'xml-valid'")


def test_duplicate_schema_id(tmp_path: Path) -> None:
    document = manifest_document()
    document["schemas"][1]["id"] = "doc"
    error = _load_bad(tmp_path, document)
    assert_one_line(str(error), "at /schemas/1/id:", "duplicate schema id 'doc'")


def test_instance_with_unsupported_extension(tmp_path: Path) -> None:
    write(tmp_path / "instances" / "valid.txt", "<Doc/>")
    error = _load_bad(tmp_path, _case_with(instance="instances/valid.txt"))
    assert_one_line(str(error), "at /cases/1/instance:", "'instances/valid.txt'", ".xml", ".json")


def test_instance_format_must_match_schema_kind(tmp_path: Path) -> None:
    error = _load_bad(tmp_path, _case_with(instance="instances/valid.json"))
    assert_one_line(str(error), "at /cases/1:", "json instance", "xsd schema 'doc'")


def test_schema_symlink_leading_outside_is_refused(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    outside = write(tmp_path / "elsewhere" / "doc.xsd", "<x/>")
    make_corpus(corpus)
    (corpus / "schemas" / "link.xsd").symlink_to(outside)
    document = manifest_document()
    document["schemas"][0]["path"] = "schemas/link.xsd"
    write(corpus / "manifest.json", document)
    with pytest.raises(ManifestError) as info:
        load_manifest(corpus / "manifest.json")
    assert_one_line(str(info.value), str(corpus / "manifest.json"), "at /schemas/0/path:")
    assert "outside the corpus" in str(info.value)


def test_instance_symlink_leading_outside_becomes_errored_record(
    tmp_path: Path, adapters: dict[str, Any]
) -> None:
    """One case escaping the corpus is kept, with its problem, and every adapter records it as
    errored; the other cases load normally and the outside file is never read."""
    corpus = tmp_path / "corpus"
    make_corpus(corpus)
    secret = write(tmp_path / "private" / "secret.xml", "<Doc>not yours</Doc>")
    os.symlink(secret, corpus / "instances" / "escape.xml")
    document = manifest_document(cases=[*default_cases()])
    document["cases"].append(
        {"id": "escape", "instance": "instances/escape.xml", "schema": "doc", "expected": "valid"}
    )
    write(corpus / "manifest.json", document)

    loaded = load_manifest(corpus / "manifest.json")
    by_id = {case.id: case for case in loaded.cases}
    assert len(by_id) == len(default_cases()) + 1
    escape = by_id["escape"]
    assert escape.problem is not None and "leads outside the corpus" in escape.problem
    assert all(case.problem is None for case in loaded.cases if case.id != "escape")

    worker = Worker(adapters)
    for name in ("lxml", "xmlschema-1.0", "xmlschema-1.1"):
        record = worker.run(Task(escape, name))
        assert record["verdict"] == "errored"
        assert record["ok"] is False
        assert_one_line(record["errors"][0]["message"], "leads outside the corpus")
        assert record["times"]["validate"] is None  # nothing was validated


def test_missing_manifest_named_explicitly(tmp_path: Path) -> None:
    with pytest.raises(ManifestError) as info:
        load_manifest(tmp_path / "manifest.json")
    assert_one_line(str(info.value), str(tmp_path / "manifest.json"), "cannot read")
