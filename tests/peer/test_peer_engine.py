"""What the core gained for peer suites, on real adapters: schema tests judged by compiling,
schemas judged under an XSD version, and URI prefixes served from a local folder."""

from __future__ import annotations

from pathlib import Path

from fixtures import Loopback
from peer_suites import BROKEN_XSD, SIMPLE_XSD, write, write_json

from st9x.corpus.model import Case, SchemaSpec
from st9x.engine.tasks import Task
from st9x.engine.worker import Worker
from st9x.subjects.validators.base import Adapter
from st9x.subjects.validators.jsondialect import mapped_path

XML_ADAPTERS = ("lxml", "xmlschema-1.0", "xmlschema-1.1")


def _schema_case(path: Path, dialect: str | None = None) -> Case:
    spec = SchemaSpec("peer", path.stem, path, "xsd", dialect=dialect)
    return Case("peer", path.stem, path, "xml", spec, "valid", kind="schema")


def test_a_schema_test_is_valid_when_it_compiles_invalid_when_rejected(
    tmp_path: Path, worker: Worker
) -> None:
    good = _schema_case(write(tmp_path / "good.xsd", SIMPLE_XSD))
    bad = _schema_case(write(tmp_path / "bad.xsd", BROKEN_XSD))
    for adapter in XML_ADAPTERS:
        record = worker.run(Task(good, adapter))
        assert (record["verdict"], record["ok"]) == ("valid", True)
        assert record["times"]["compile"] is not None and record["times"]["validate"] is None
        record = worker.run(Task(bad, adapter))
        assert (record["verdict"], record["ok"]) == ("invalid", False)
        assert "does not compile" in record["errors"][0]["message"]


def test_a_schema_st9x_refuses_is_errored_not_invalid(
    tmp_path: Path, worker: Worker, loopback: Loopback
) -> None:
    remote = write(
        tmp_path / "remote.xsd",
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
        f'<xs:include schemaLocation="{loopback.url}/x.xsd"/></xs:schema>',
    )
    for adapter in XML_ADAPTERS:
        record = worker.run(Task(_schema_case(remote), adapter))
        assert record["verdict"] == "errored", record
        assert "refusing remote schemaLocation" in record["errors"][0]["message"]
    assert loopback.close() == 0


def test_an_adapter_of_another_xsd_version_skips(tmp_path: Path, worker: Worker) -> None:
    schema = write(tmp_path / "s.xsd", SIMPLE_XSD)
    instance = write(tmp_path / "i.xml", "<n>1</n>")
    verdicts = {}
    for dialect in ("xsd-1.0", "xsd-1.1"):
        spec = SchemaSpec("peer", "s", schema, "xsd", dialect=dialect)
        case = Case("peer", f"i-{dialect}", instance, "xml", spec, "valid")
        for adapter in XML_ADAPTERS:
            verdicts[dialect, adapter] = worker.run(Task(case, adapter))["verdict"]
    # the same file under two dialects is two compilations, not one cached answer
    assert verdicts == {
        ("xsd-1.0", "lxml"): "valid",
        ("xsd-1.0", "xmlschema-1.0"): "valid",
        ("xsd-1.0", "xmlschema-1.1"): "skipped",
        ("xsd-1.1", "lxml"): "skipped",
        ("xsd-1.1", "xmlschema-1.0"): "skipped",
        ("xsd-1.1", "xmlschema-1.1"): "valid",
    }


def test_a_mapped_uri_prefix_is_read_locally_by_every_json_adapter(
    tmp_path: Path, adapters: dict[str, Adapter], loopback: Loopback
) -> None:
    """The prefix is the loopback server's own URL: zero connections proves nothing was fetched,
    and a reference outside the mapped folder (``..``) is still refused."""
    served = tmp_path / "served"
    write_json(served / "nested" / "integer.json", {"type": "integer"})
    write_json(tmp_path / "secret.json", {"type": "string"})
    schema = write_json(
        tmp_path / "schema.json",
        {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "properties": {"n": {"$ref": f"{loopback.url}/nested/integer.json"}},
        },
    )
    escape = write_json(
        tmp_path / "escape.json",
        {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "$ref": f"{loopback.url}/../secret.json",
        },
    )
    good = write_json(tmp_path / "good.json", {"n": 1})
    bad = write_json(tmp_path / "bad.json", {"n": "one"})
    uri_map = ((f"{loopback.url}/", served),)
    spec = SchemaSpec("peer", "schema", schema, "json-schema", uri_map=uri_map)
    escaping = SchemaSpec("peer", "escape", escape, "json-schema", uri_map=uri_map)
    worker = Worker(adapters)
    for adapter in ("jsonschema", "fastjsonschema", "jsonschema-rs"):
        for instance, verdict in ((good, "valid"), (bad, "invalid")):
            case = Case("peer", instance.stem, instance, "json", spec, verdict)
            record = worker.run(Task(case, adapter))
            assert record["verdict"] == verdict, record
        case = Case("peer", "escape", good, "json", escaping, "valid")
        record = worker.run(Task(case, adapter))
        assert record["verdict"] == "errored", record
    assert loopback.close() == 0


def test_mapped_path_stays_inside_its_folder(tmp_path: Path) -> None:
    uri_map = (("http://localhost:1234/", tmp_path / "remotes"),)
    target = tmp_path / "remotes" / "draft7" / "name.json"
    assert mapped_path("http://localhost:1234/draft7/name.json#/definitions/x", uri_map) == target
    assert mapped_path("http://localhost:1234/%2e%2e/secret.json", uri_map) is None
    assert mapped_path("http://localhost:1234/../secret.json", uri_map) is None
    assert mapped_path("http://localhost:12345/x.json", uri_map) is None
