"""No network, no external entities, whatever the schema or the instance asks for.

A real TCP server listens on 127.0.0.1 (``Loopback`` in tests/fixtures.py) and every location in
these files points at it; the tests assert that not one connection was made while every adapter
ran. Refusing is allowed to make a schema fail to compile, but then with one clear line saying
that remote locations are refused, not a time-out or a library's stack trace.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from fixtures import (
    DOC_XSD,
    JSON_ADAPTERS,
    TNS,
    VALID_JSON,
    XML_ADAPTERS,
    Loopback,
    assert_one_line,
    json_spec,
    run_one,
    write,
    xsd_spec,
)

from st9x.engine.worker import Worker
from st9x.errors import InstanceError, SchemaError
from st9x.subjects.validators.base import Adapter
from st9x.xmlsafe import parse_xml, schema_files

XSD = "http://www.w3.org/2001/XMLSchema"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


def remote_schema(url: str, directive: str) -> str:
    """A schema whose import or include points at the loopback server."""
    if directive == "import":
        reference = f'<xsd:import namespace="urn:other" schemaLocation="{url}/other.xsd"/>'
    else:
        reference = f'<xsd:include schemaLocation="{url}/part.xsd"/>'
    return (
        f'<?xml version="1.0"?>\n<xsd:schema xmlns:xsd="{XSD}" targetNamespace="{TNS}" '
        f'xmlns="{TNS}">\n  {reference}\n  <xsd:element name="Doc" type="xsd:string"/>\n'
        "</xsd:schema>\n"
    )


@pytest.mark.parametrize("directive", ["import", "include"])
def test_remote_schema_location_in_schema_is_refused_without_connecting(
    directive: str, tmp_path: Path, loopback: Loopback, worker: Worker
) -> None:
    schema = write(tmp_path / "remote.xsd", remote_schema(loopback.url, directive))
    instance = write(tmp_path / "doc.xml", f'<Doc xmlns="{TNS}">x</Doc>')

    with pytest.raises(SchemaError) as info:
        schema_files(schema.resolve())
    assert_one_line(str(info.value), f"{schema.resolve()}:3:", "refusing remote", loopback.url)

    for name in XML_ADAPTERS:
        record = run_one(worker, name, xsd_spec(schema), instance)
        assert record["verdict"] == "errored", name
        assert_one_line(record["errors"][0]["message"], "refusing remote", str(schema.resolve()))
    assert loopback.close() == 0


def test_instance_schema_location_hints_are_not_fetched(
    tmp_path: Path, loopback: Loopback, worker: Worker
) -> None:
    """xsi:schemaLocation hints (on the root and deeper) point at the server; a strict wildcard
    would tempt a validator to fetch the schema for urn:other, and none may."""
    schema = write(
        tmp_path / "open.xsd",
        f'<xsd:schema xmlns:xsd="{XSD}" targetNamespace="{TNS}" xmlns="{TNS}">'
        '<xsd:element name="Doc"><xsd:complexType><xsd:sequence>'
        '<xsd:any namespace="##other" processContents="strict" minOccurs="0"/>'
        "</xsd:sequence></xsd:complexType></xsd:element></xsd:schema>",
    )
    instance = write(
        tmp_path / "hinted.xml",
        f'<Doc xmlns="{TNS}" xmlns:xsi="{XSI}" '
        f'xsi:schemaLocation="{TNS} {loopback.url}/doc.xsd urn:other {loopback.url}/other.xsd">'
        f'<o:X xmlns:o="urn:other" xsi:noNamespaceSchemaLocation="{loopback.url}/nons.xsd" '
        f'xsi:schemaLocation="urn:other {loopback.url}/other2.xsd"/></Doc>',
    )
    for name in XML_ADAPTERS:
        record = run_one(worker, name, xsd_spec(schema), instance)
        # no schema for urn:other is available locally, so the strict wildcard fails
        assert record["verdict"] == "invalid", (name, record["errors"])
    assert loopback.close() == 0


def test_remote_dtd_is_not_loaded(tmp_path: Path, loopback: Loopback, worker: Worker) -> None:
    schema = write(tmp_path / "doc.xsd", DOC_XSD)
    instance = write(
        tmp_path / "dtd.xml",
        f'<?xml version="1.0"?>\n<!DOCTYPE Doc SYSTEM "{loopback.url}/doc.dtd">\n'
        f'<Doc xmlns="{TNS}"><Name>x</Name><Count>1</Count></Doc>\n',
    )
    parse_xml(instance)
    for name in XML_ADAPTERS:
        record = run_one(worker, name, xsd_spec(schema), instance)
        assert record["verdict"] in ("valid", "errored"), (name, record)
    assert loopback.close() == 0


@pytest.mark.parametrize(
    "dialect",
    ["http://json-schema.org/draft-07/schema#", "https://json-schema.org/draft/2020-12/schema"],
)
def test_remote_json_ref_is_refused_without_connecting(
    dialect: str, tmp_path: Path, loopback: Loopback, adapters: dict[str, Adapter], worker: Worker
) -> None:
    schema = write(
        tmp_path / "remote.json",
        {"$schema": dialect, "properties": {"a": {"$ref": f"{loopback.url}/x.json"}}},
    )
    instance = write(tmp_path / "i.json", VALID_JSON)
    records = {name: run_one(worker, name, json_spec(schema), instance) for name in JSON_ADAPTERS}
    raised: dict[str, BaseException | None] = {}
    for name in JSON_ADAPTERS:
        try:
            adapters[name].compile(json_spec(schema)).validate(instance)
        except Exception as exc:
            raised[name] = exc
        else:
            raised[name] = None
    assert loopback.close() == 0  # first: whatever the messages, nothing went out

    for name, record in records.items():
        if record["verdict"] == "skipped":  # fastjsonschema on 2020-12
            assert name == "fastjsonschema" and "2020" in dialect
            continue
        assert record["verdict"] == "errored", (name, record)
        url = f"{loopback.url}/x.json"
        assert_one_line(record["errors"][0]["message"], "refusing remote", url)
        # the refusal is st9x's SchemaError, at compile time or at the latest when validating
        assert isinstance(raised[name], SchemaError), (name, raised[name])


def test_local_ref_to_missing_file_names_the_file(
    tmp_path: Path, adapters: dict[str, Adapter], worker: Worker
) -> None:
    schema = write(
        tmp_path / "s.json",
        {"$schema": "http://json-schema.org/draft-07/schema#", "$ref": "gone.json#/x"},
    )
    instance = write(tmp_path / "i.json", VALID_JSON)
    for name in JSON_ADAPTERS:
        record = run_one(worker, name, json_spec(schema), instance)
        assert record["verdict"] == "errored", name
        assert_one_line(record["errors"][0]["message"], str(tmp_path / "gone.json"))


# --- external entities (XXE) ----------------------------------------------------------------

SECRET = "TOPSECRET-7f3a9c"


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    return write(tmp_path / "private" / "secret.txt", SECRET + "\n")


def _xxe_schema(tmp_path: Path) -> Path:
    # maxLength 3: were the entity expanded, the error message would quote the secret
    return write(
        tmp_path / "x.xsd",
        f'<xsd:schema xmlns:xsd="{XSD}"><xsd:element name="x"><xsd:simpleType>'
        '<xsd:restriction base="xsd:string"><xsd:maxLength value="3"/></xsd:restriction>'
        "</xsd:simpleType></xsd:element></xsd:schema>",
    )


def _assert_parsed_without(instance: Path, secret: str) -> None:
    """st9x's own parser either refuses the document or leaves the entity unexpanded."""
    try:
        tree = parse_xml(instance)
    except InstanceError as exc:
        assert secret not in str(exc)
        assert_one_line(str(exc), str(instance))
    else:
        assert secret not in "".join(tree.getroot().itertext())


def test_internal_subset_external_entity_is_not_expanded(
    tmp_path: Path, secret: Path, worker: Worker
) -> None:
    schema = _xxe_schema(tmp_path)
    instance = write(
        tmp_path / "xxe.xml",
        f'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "{secret.as_uri()}">]>\n'
        "<x>&e;</x>\n",
    )
    _assert_parsed_without(instance, SECRET)
    for name in XML_ADAPTERS:
        record = run_one(worker, name, xsd_spec(schema), instance)
        assert SECRET not in json.dumps(record), name


def test_entity_reference_gives_a_clear_error_naming_the_file(
    tmp_path: Path, secret: Path, worker: Worker
) -> None:
    """Whether an unexpanded entity makes the instance errored or invalid, the record must say
    which file and why, not 'Internal error in XML Schema validation'."""
    schema = _xxe_schema(tmp_path)
    instance = write(
        tmp_path / "xxe.xml",
        f'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "{secret.as_uri()}">]>\n'
        "<x>&e;</x>\n",
    )
    for name in XML_ADAPTERS:
        record = run_one(worker, name, xsd_spec(schema), instance)
        assert record["verdict"] == "errored", (name, record)
        message = record["errors"][0]["message"]
        assert_one_line(message, str(instance))
        assert "raised" not in message, f"{name} crashed: {message}"


def test_external_dtd_is_not_loaded(tmp_path: Path, secret: Path, worker: Worker) -> None:
    """The DTD defines an entity holding the secret; loading it would expand &f;."""
    dtd = write(tmp_path / "private" / "ext.dtd", f"<!ENTITY f '{SECRET}'>\n")
    schema = _xxe_schema(tmp_path)
    instance = write(
        tmp_path / "dtd.xml",
        f'<?xml version="1.0"?>\n<!DOCTYPE x SYSTEM "{dtd.as_uri()}">\n<x>&f;</x>\n',
    )
    _assert_parsed_without(instance, SECRET)
    for name in XML_ADAPTERS:
        record = run_one(worker, name, xsd_spec(schema), instance)
        assert SECRET not in json.dumps(record), name


def test_schema_with_external_entity_does_not_leak(
    tmp_path: Path, secret: Path, worker: Worker
) -> None:
    """A schema is XML too: an entity in it must not pull a local file into the compiled
    schema (here, into an enumeration value that an error message would then quote)."""
    schema = write(
        tmp_path / "leaky.xsd",
        f'<?xml version="1.0"?>\n<!DOCTYPE xsd:schema [<!ENTITY e SYSTEM "{secret.as_uri()}">]>\n'
        f'<xsd:schema xmlns:xsd="{XSD}"><xsd:element name="x"><xsd:simpleType>'
        '<xsd:restriction base="xsd:string"><xsd:enumeration value="&e;"/></xsd:restriction>'
        "</xsd:simpleType></xsd:element></xsd:schema>",
    )
    instance = write(tmp_path / "x.xml", "<x>nope</x>")
    for name in XML_ADAPTERS:
        record = run_one(worker, name, xsd_spec(schema), instance)
        assert SECRET not in json.dumps(record), (name, record)


def test_loopback_server_does_count_connections(loopback: Loopback) -> None:
    """The zero-connection assertions above mean something only if a fetch would be seen."""
    with socket.create_connection(("127.0.0.1", loopback.port), timeout=5):
        pass
    assert loopback.close() == 1
