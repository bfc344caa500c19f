"""The OpenAPI loader reads untrusted documents: every kind of bad input gets one line naming
the file (and line), references are followed locally and never fetched, and the gate reports
what the loader could not follow with its place."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from st9x.errors import SchemaError
from st9x.openapiload import MAX_OPENAPI_MB, load_openapi
from st9x.rules.model import Status
from st9x.subjects.linters.st90_openapi import St90OpenApiLinter

GOOD = """\
openapi: 3.0.3
info:
  title: Marks
  version: "1.0"
paths:
  /v1/marks/{id}:
    get:
      operationId: getMark
      parameters:
        - name: id
          in: path
          required: true
          schema: {type: string}
      responses:
        200:
          description: one mark
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Mark'}
components:
  schemas:
    Mark: {type: object}
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def gate(path: Path, bounds: tuple[Path, ...] = ()) -> list:
    results = St90OpenApiLinter().check(path, {"st90.gate.valid-openapi"}, bounds=bounds)
    return results["st90.gate.valid-openapi"]


def test_a_valid_document_passes_the_gate_with_its_places(tmp_path: Path) -> None:
    path = write(tmp_path, "api.yaml", GOOD)
    document = load_openapi(path)
    assert document.version == "3.0.3" and document.major_minor == "3.0"
    # YAML's integer key 200 is the string OpenAPI means
    assert "200" in document.document["paths"]["/v1/marks/{id}"]["get"]["responses"]
    # a member is placed where its key is written
    assert document.position("/paths/~1v1~1marks~1{id}/get/operationId") == (8, 7)
    assert [(o[0], o[1]) for o in document.operations()] == [("/v1/marks/{id}", "get")]
    assert [f.status for f in gate(path)] == [Status.PASS]


def test_json_documents_are_read_strictly_and_located(tmp_path: Path) -> None:
    import yaml

    document = yaml.safe_load(GOOD)
    document["paths"]["/v1/marks/{id}"]["get"]["responses"] = {
        "200": {"description": "x",
                "content": {"application/json": {"schema": {"type": "objekt"}}}}}
    path = write(tmp_path, "api.json", json.dumps(document, indent=2))
    found = [f for f in gate(path) if f.status is Status.FAIL]
    assert found and all(f.line for f in found)
    duplicate = write(tmp_path, "dup.json", '{"openapi": "3.0.3",\n "openapi": "3.1.0"}')
    with pytest.raises(SchemaError, match="duplicate key"):
        load_openapi(duplicate)


@pytest.mark.parametrize(("text", "message", "line"), [
    ("openapi: 3.0.3\ninfo: [unclosed\n", "not YAML", 3),
    ("a: 1\na: 2\n", "duplicate key 'a'", 2),
    ("- just\n- a list\n", "not an OpenAPI document", 1),
    ("", "empty", 1),
])
def test_unreadable_documents_get_one_located_line(tmp_path: Path, text: str, message: str,
                                                   line: int) -> None:
    path = write(tmp_path, "bad.yaml", text)
    with pytest.raises(SchemaError, match=message) as caught:
        load_openapi(path)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"{path}:{line}")


def test_an_alias_bomb_is_refused_not_expanded(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    path = write(tmp_path, "bomb.yaml", "\n".join(lines) + "\n")
    with pytest.raises(SchemaError, match="aliases are expanded"):
        load_openapi(path)


def test_an_alias_inside_its_own_value_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "loop.yaml", "a: &a\n  b: *a\n")
    with pytest.raises(SchemaError, match="refers to a value that contains it"):
        load_openapi(path)


def test_a_document_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.write(b"openapi: 3.0.3\n")
        handle.truncate(MAX_OPENAPI_MB * 1024 * 1024 + 10)  # sparse: costs nothing to make
    with pytest.raises(SchemaError, match="too large"):
        load_openapi(path)


def test_not_an_openapi_document_fails_the_gate(tmp_path: Path) -> None:
    path = write(tmp_path, "x.yaml", "title: a list of marks\n")
    (finding,) = gate(path)
    assert finding.status is Status.FAIL
    assert "neither an 'openapi' nor a 'swagger'" in finding.detail


def test_remote_references_are_reported_and_never_fetched(tmp_path: Path) -> None:
    text = GOOD.replace("'#/components/schemas/Mark'", "'https://example.invalid/mark.yaml'")
    path = write(tmp_path, "remote.yaml", text)
    document = load_openapi(path)
    (problem,) = document.ref_problems
    assert "never fetches" in problem.detail and problem.line == 19
    (finding,) = gate(path)
    assert finding.status is Status.FAIL and finding.line == 19


def test_local_file_references_are_followed_inside_the_bounds_only(tmp_path: Path) -> None:
    write(tmp_path / "api" / "schemas", "mark.yaml", "Mark:\n  type: object\n")
    inside = write(tmp_path / "api", "inside.yaml",
                   GOOD.replace("'#/components/schemas/Mark'", "'schemas/mark.yaml#/Mark'"))
    document = load_openapi(inside)
    assert not document.ref_problems and len(document.files) == 2
    assert document.resolve({"$ref": "schemas/mark.yaml#/Mark"}) == {"type": "object"}
    write(tmp_path, "secret.yaml", "Mark: {type: object}\n")
    outside = write(tmp_path / "api", "outside.yaml",
                    GOOD.replace("'#/components/schemas/Mark'", "'../secret.yaml#/Mark'"))
    (problem,) = load_openapi(outside).ref_problems
    assert "outside the folders" in problem.detail
    # a folder given as the bound admits it
    assert not load_openapi(outside, (tmp_path,)).ref_problems


def test_references_resolve_from_a_relative_path(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "api.yaml", GOOD)
    monkeypatch.chdir(tmp_path)
    document = load_openapi(Path("api.yaml"))
    assert document.resolve({"$ref": "#/components/schemas/Mark"}) == {"type": "object"}


def test_a_reference_leading_nowhere_fails_the_gate_instead_of_crashing_it(tmp_path: Path) -> None:
    path = write(tmp_path, "nowhere.yaml", GOOD.replace("schemas/Mark'", "schemas/Nope'"))
    (finding,) = gate(path)
    assert finding.status is Status.FAIL
    assert "no value at #/components/schemas/Nope" in finding.detail


def test_a_folder_stands_for_its_documents_not_the_parts_they_reference(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from st9x.cli import main
    from st9x.openapiload import declares_openapi

    write(tmp_path / "api" / "schemas", "mark.yaml", "Mark:\n  type: object\n")
    write(tmp_path / "api", "api.yaml",
          GOOD.replace("'#/components/schemas/Mark'", "'schemas/mark.yaml#/Mark'"))
    write(tmp_path / "api", "other.json", '{\n  "info": {}, "swagger": "2.0"\n}')
    assert declares_openapi(tmp_path / "api" / "api.yaml")
    assert declares_openapi(tmp_path / "api" / "other.json")
    assert not declares_openapi(tmp_path / "api" / "schemas" / "mark.yaml")
    main(["lint", "openapi", str(tmp_path / "api"), "--format", "json"])
    linted = {Path(r["path"]).name for r in json.loads(capsys.readouterr().out)["files"]}
    assert linted == {"api.yaml", "other.json"}
    # named on the command line, a part is linted (and fails the gate, as it is no document)
    assert main(["lint", "openapi", str(tmp_path / "api" / "schemas" / "mark.yaml")]) == 1
    empty = tmp_path / "parts"
    write(empty, "mark.yaml", "Mark:\n  type: object\n")
    assert main(["lint", "openapi", str(empty)]) == 1
    assert "no OpenAPI document (a file with an openapi or swagger field)" in \
        capsys.readouterr().err
