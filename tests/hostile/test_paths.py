"""A path means the same file to st9x's checks and to every library that opens it.

xmlschema (through urllib) strips whitespace around a location, drops TAB/CR/LF anywhere in
it, takes ``\\`` for ``/`` and decodes percent-escapes; libxml2 decodes percent-escapes and
refuses what it cannot make a URI of. Each test below builds a location or a file name that a
literal reading puts inside the corpus (with a harmless decoy there, so the old check let it
through) while a library's reading reaches a secret outside it, and shows that no library ever
opens the secret (inotify sees C code too) and that the refusal is one line naming the file and
line. The agreement tests show the other side: a location every reading agrees on is loaded by
both libraries exactly as st9x resolved it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from st9x.corpus.load import load_corpus
from st9x.corpus.manifest import load_manifest
from st9x.errors import ManifestError, SchemaError
from st9x.locations import LocationRefused, name_problem, readings, resolve_location
from st9x.subjects.registry import select_adapters
from st9x.testing.guards import Guard, OpenWatch, read_log
from st9x.xmlsafe import schema_files
from st9x.xsdload import load_xmlschema

from .helpers import HOSTILE, SECRET, Outside, empty_ledger, guarded_cli, one_line, results

XSD_NS = 'xmlns:xsd="http://www.w3.org/2001/XMLSchema"'
XML_ADAPTERS = ("lxml", "xmlschema-1.0", "xmlschema-1.1")


def _attribute(text: str) -> str:
    """``text`` as an XML attribute value, whitespace characters kept as character references
    (a literal TAB or newline in an attribute would be normalised to a space by the parser)."""
    out = text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    for char in "\t\n\r":
        out = out.replace(char, f"&#{ord(char)};")
    return out


def _schema(location: str, name: str = "Doc") -> str:
    return (
        f'<xsd:schema {XSD_NS} xmlns="urn:st9x:hostile" targetNamespace="urn:st9x:hostile" '
        'elementFormDefault="qualified">\n'
        f'  <xsd:include schemaLocation="{_attribute(location)}"/>\n'
        f'  <xsd:element name="{name}" type="xsd:anyType"/>\n'
        "</xsd:schema>\n"
    )


def _part(element: str) -> str:
    return (
        f'<xsd:schema {XSD_NS} targetNamespace="urn:st9x:hostile">'
        f'<xsd:element name="{element}" type="xsd:string"/></xsd:schema>\n'
    )


def _secret_schema(outside: Outside) -> Path:
    """A schema outside the corpus whose content would show up in results if it were read."""
    path = outside.dir / "s.xsd"
    path.write_text(_part(SECRET), encoding="utf-8")
    return path


# Each variant: (location, literal path of the decoy below the schemas folder), given the
# secret's absolute path and how many ".." lead from the schemas folder to "/".
Variant = Callable[[Path, int], tuple[str, str]]
_VARIANTS: dict[str, Variant] = {
    "leading-space": lambda t, _d: (f" {t}", f" {t}"),
    "leading-tab": lambda t, _d: (f"\t{t}", f"\t{t}"),
    "trailing-newline": lambda t, d: (f"{'../' * d}{str(t)[1:]}\n", ""),
    "tab-dotdot": lambda t, d: ("..\t/" * d + str(t)[1:], "..\t/" * d + str(t)[1:]),
    "cr-inside-dotdot": lambda t, d: (".\r./" * d + str(t)[1:], ".\r./" * d + str(t)[1:]),
    "backslash": lambda t, d: (
        "..\\" * d + str(t)[1:].replace("/", "\\"),
        "..\\" * d + str(t)[1:].replace("/", "\\"),
    ),
    "percent-dotdot": lambda t, d: ("%2e%2e/" * d + str(t)[1:], "%2e%2e/" * d + str(t)[1:]),
    "percent-slash": lambda t, d: (
        "..%2f" * d + str(t)[1:].replace("/", "%2f"),
        "..%2f" * d + str(t)[1:].replace("/", "%2f"),
    ),
    "nbsp-absolute": lambda t, _d: (f"\u00a0{t}", f"\u00a0{t}"),
}


def _decoy_corpus(root: Path, outside: Outside, variant: str) -> tuple[Path, str]:
    """A corpus whose schema includes the secret through ``variant``, with a harmless decoy
    at the location's literal reading, so that the literal check alone would pass."""
    target = _secret_schema(outside)
    schemas = root / "schemas"
    schemas.mkdir(parents=True)
    depth = len(schemas.resolve().parts) - 1
    location, decoy = _VARIANTS[variant](target, depth)
    if decoy:
        try:
            (schemas / decoy).parent.mkdir(parents=True, exist_ok=True)
            (schemas / decoy).write_text(_part("Harmless"), encoding="utf-8")
        except OSError as exc:  # pragma: no cover - a name this file system refuses
            pytest.skip(f"the file system refuses the decoy name: {exc}")
    (schemas / "main.xsd").write_text(_schema(location), encoding="utf-8")
    (root / "xml").mkdir()
    (root / "xml" / "doc.xml").write_text('<Doc xmlns="urn:st9x:hostile"/>\n', encoding="utf-8")
    manifest = {
        "format": "st9x-corpus/1",
        "id": "paths",
        "title": "a location read differently by the libraries",
        "provenance": {"source": "tests/hostile/test_paths.py", "licence": "Apache-2.0"},
        "schemas": [{"id": "main", "path": "schemas/main.xsd", "root": "{urn:st9x:hostile}Doc"}],
        "cases": [
            {"id": "doc", "instance": "xml/doc.xml", "schema": "main", "expected": "errored"}
        ],
    }
    (root / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return schemas / "main.xsd", location


def _all_output(out: Path) -> str:
    return "".join(
        p.read_text(encoding="utf-8", errors="replace") for p in out.rglob("*") if p.is_file()
    )


@pytest.mark.parametrize("variant", sorted(_VARIANTS))
def test_a_location_read_differently_is_refused_by_every_command(
    variant: str, tmp_path: Path, outside: Outside
) -> None:
    """``st9x run`` and ``st9x validate`` with every XML validator: each record is errored with
    one line naming the schema and the line of the include; the secret is never opened by
    anyone (inotify) and appears in no output."""
    main, location = _decoy_corpus(tmp_path / "corpus", outside, variant)
    out = tmp_path / "out"
    adapters = [arg for name in XML_ADAPTERS for arg in ("--adapter", name)]
    with OpenWatch([outside.dir]) as watch:
        ran = guarded_cli(
            tmp_path / "run.log", [tmp_path / "corpus", out, tmp_path / "ledger.json"], "run",
            "--corpus",
            tmp_path / "corpus", *adapters, "--out", out, "--quiet",
            "--ledger", empty_ledger(tmp_path / "ledger.json"),
        )  # fmt: skip
        validated = guarded_cli(
            tmp_path / "validate.log", [tmp_path / "corpus"], "validate", "--schema", main,
            *adapters, "--format", "json", tmp_path / "corpus" / "xml" / "doc.xml",
        )  # fmt: skip
    assert "Traceback" not in ran.stderr + validated.stderr
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert [str(o) for o in watch.opened if o.path.endswith("s.xsd")] == []
    assert read_log(tmp_path / "run.log") == [] and read_log(tmp_path / "validate.log") == []
    _header, records, _footer = results(out)
    assert {r["adapter"] for r in records} == set(XML_ADAPTERS)
    for record in records:
        assert record["verdict"] == "errored", record
        (error,) = record["errors"]
        assert one_line(error["message"]), error
        assert f"{main}:2:" in error["message"], error["message"]
        assert repr(location) in error["message"]
    assert SECRET not in _all_output(out) + validated.stdout + validated.stderr
    assert f"{main}:2:" in validated.stdout


@pytest.mark.parametrize(
    ("location", "why"),
    [
        (" s.xsd", "whitespace"),
        ("s.xsd ", "whitespace"),
        ("s.xsd\u2028", "whitespace"),
        ("s\t.xsd", "control character"),
        ("s.x\nsd", "control character"),
        ("\x85s.xsd", "control character"),
        ("\x7fs.xsd", "control character"),
        (".\\s.xsd", "backslash"),
        ("s%2Exsd", "percent-escape"),
        ("a%20b.xsd", "percent-escape"),
        ("a b.xsd", "libxml2 cannot make a URI"),
        ("é.xsd", "libxml2 cannot make a URI"),
        ("x[1].xsd", "libxml2 cannot make a URI"),
        ("x%y.xsd", "libxml2 cannot make a URI"),
        ("s.xsd#fragment", "query or fragment"),
        ("s.xsd?query", "query or fragment"),
        ("file:s.xsd", "file: URL must be absolute"),
        ("file://elsewhere.invalid/s.xsd", "file: URL must be absolute and local"),
        # xmlschema turns file://localhost/x into file:////localhost/x: another file
        ("file://localhost{here}/s.xsd", "outside the corpus as xmlschema reads it"),
    ],
)
def test_the_readings_table_refuses_what_any_library_reads_otherwise(
    tmp_path: Path, location: str, why: str
) -> None:
    for name in ("s.xsd", "a b.xsd", "a%20b.xsd"):
        (tmp_path / name).write_text(_part("S"), encoding="utf-8")
    location = location.replace("{here}", str(tmp_path.resolve()))
    with pytest.raises(LocationRefused, match=why) as info:
        resolve_location(tmp_path / "main.xsd", location, (tmp_path.resolve(),))
    assert one_line(str(info.value))


def test_readings_name_each_library(tmp_path: Path) -> None:
    """The table itself: the brief's example read three ways."""
    base = tmp_path / "schemas" / "main.xsd"
    st9x, xmlschema, libxml2 = readings(base, " /abs/s.xsd")
    assert (st9x.reader, st9x.path) == ("st9x", tmp_path / "schemas" / " /abs/s.xsd")
    assert (xmlschema.reader, xmlschema.path) == ("xmlschema", Path("/abs/s.xsd"))
    assert (libxml2.reader, libxml2.path) == ("libxml2", None)
    _s, xml_pct, lib_pct = readings(base, "%2e%2e/x.xsd")
    assert xml_pct.path is not None and lib_pct.path == tmp_path / "schemas" / ".." / "x.xsd"
    assert xml_pct.path.resolve() == (tmp_path / "x.xsd").resolve()


def _agreeing_schema(root: Path) -> Path:
    """A schema whose locations are unusual but read the same way by everyone."""
    parts = root / "parts"
    parts.mkdir(parents=True)
    names = (("a.xsd", "A"), ("p~!$'()*+,;=@&.xsd", "E"), ("b.xsd", "B"), ("c.xsd", "C"))
    for name, element in names:
        (parts / name).write_text(_part(element), encoding="utf-8")
    locations = ["parts/a.xsd", "./parts/../parts/p~!$'()*+,;=@&.xsd", (parts / "b.xsd").as_uri(),
                 "file:" + str((parts / "c.xsd").resolve())]  # fmt: skip
    main = root / "main.xsd"
    main.write_text(
        f'<xsd:schema {XSD_NS} targetNamespace="urn:st9x:hostile">'
        + "".join(f'<xsd:include schemaLocation="{_attribute(loc)}"/>' for loc in locations)
        + '<xsd:element name="Doc" type="xsd:anyType"/></xsd:schema>\n',
        encoding="utf-8",
    )
    return main


def test_locations_every_reading_agrees_on_are_loaded_as_resolved(tmp_path: Path) -> None:
    """Both libraries load exactly the files st9x resolved: the loaders they are handed
    refuse anything else, so a compile that succeeds proves the readings agreed."""
    from st9x.corpus.model import SchemaSpec

    main = _agreeing_schema(tmp_path / "schemas")
    spec = SchemaSpec("t", "main", main.resolve(), "xsd", bounds=(tmp_path,))
    files = schema_files(spec.path, spec.allowed_roots())
    assert len(files) == 5
    adapters = select_adapters(list(XML_ADAPTERS))
    with Guard([tmp_path]) as guard:
        for adapter in adapters.values():
            adapter.compile(spec)  # raises SchemaError if a library asked for anything else
    assert guard.attempts == []
    model = load_xmlschema(spec.path)
    loaded = {
        Path(s.url).name
        for s in model.maps.iter_schemas()
        if s.url and s.url.startswith("file://") and "site-packages" not in s.url
    }
    odd = "p~%21%24%27%28%29%2A%2B%2C%3B%3D%40%26.xsd"  # xmlschema's URL of the odd name
    assert loaded == {"main.xsd", "a.xsd", odd, "b.xsd", "c.xsd"}


def test_a_schema_changed_after_the_check_loads_nothing_unchecked(
    tmp_path: Path, outside: Outside
) -> None:
    """The loaders are the second line: a schema rewritten after the gate approved it (or a
    reading the table did not foresee) asks for a file the gate never approved, and both
    libraries are refused it with a SchemaError naming the schema."""
    from st9x.corpus.model import SchemaSpec

    secret = _secret_schema(outside)
    main = tmp_path / "corpus" / "main.xsd"
    main.parent.mkdir()
    main.write_text(_schema("part.xsd"), encoding="utf-8")
    (main.parent / "part.xsd").write_text(_part("Part"), encoding="utf-8")
    spec = SchemaSpec("t", "main", main.resolve(), "xsd", bounds=(main.parent,))
    schema_files(spec.path, spec.allowed_roots())
    main.write_text(_schema(str(secret)), encoding="utf-8")  # after the check
    os.utime(main, ns=(1, 1))
    adapters = select_adapters(list(XML_ADAPTERS))
    with OpenWatch([outside.dir]) as watch:
        for adapter in adapters.values():
            with pytest.raises(SchemaError) as info:
                adapter.compile(spec)
            assert "refusing to load" in str(info.value) and str(main) in str(info.value)
    assert [o for o in watch.opened if o.path.endswith("s.xsd")] == []


# --- file names ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["..\t", ".\r.", "..\n", " ..", ".. ", "..\\..", "%2e%2e", "\x85", "a\x00b"[:1] + "\x01"],
)
def test_names_read_differently_are_named_problems(name: str) -> None:
    assert name_problem(f"xml/{name}/doc.xml")


def test_plain_names_have_no_problem() -> None:
    for name in ("xml/doc.xml", "a b/c.xml", "é/ü.xsd", "100%/x.xml", "a..b/c.xml"):
        assert name_problem(name) is None, name


def test_an_indexed_directory_named_dotdot_tab_is_never_read(
    tmp_path: Path, outside: Outside
) -> None:
    """A directory literally named ``..<TAB>`` inside an indexed folder: ``..`` once xmlschema
    drops the TAB. Its instance becomes an errored case naming the problem and its schema a
    note; the file the libraries would have read instead (beside the corpus) is never opened."""
    root = tmp_path / "corpus"
    odd = root / "..\t"
    odd.mkdir(parents=True)
    (root / "doc.xsd").write_bytes((HOSTILE / "schemas" / "doc.xsd").read_bytes())
    (odd / "doc.xml").write_text('<Doc xmlns="urn:st9x:hostile"/>\n', encoding="utf-8")
    (odd / "other.xsd").write_text(_part("Other"), encoding="utf-8")
    (root / "ok.xml").write_text('<Doc xmlns="urn:st9x:hostile"/>\n', encoding="utf-8")
    beside = tmp_path / "doc.xml"  # what "corpus/..\t/doc.xml" is to xmlschema
    beside.write_text(f'<Doc xmlns="urn:st9x:hostile">{SECRET}</Doc>\n', encoding="utf-8")
    corpus = load_corpus(root)
    assert any("other.xsd: not indexed" in n and "'\\t'" in n for n in corpus.notes), corpus.notes
    (case,) = [c for c in corpus.cases if c.problem]
    assert "would read as another path" in case.problem and one_line(case.problem)
    out = tmp_path / "out"
    adapters = [arg for name in XML_ADAPTERS for arg in ("--adapter", name)]
    with OpenWatch([tmp_path]) as watch:
        ran = guarded_cli(
            tmp_path / "run.log", [root, out, tmp_path / "ledger.json"], "run", "--corpus", root,
            *adapters,
            "--out", out, "--quiet", "--ledger", empty_ledger(tmp_path / "ledger.json"),
        )  # fmt: skip
    assert "Traceback" not in ran.stderr
    assert [o for o in watch.opened if o.path == str(beside)] == []
    _header, records, _footer = results(out)
    verdicts = {(r["case"], r["adapter"]): r["verdict"] for r in records}
    assert {v for (c, _a), v in verdicts.items() if c == "ok"} == {"valid"}
    assert {v for (c, _a), v in verdicts.items() if c != "ok"} == {"errored"}
    assert SECRET not in _all_output(out)


def _manifest(root: Path, **changes: Any) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    document: dict[str, Any] = {
        "format": "st9x-corpus/1",
        "id": "m",
        "title": "t",
        "provenance": {"source": "x", "licence": "x"},
        "schemas": [{"id": "doc", "path": changes.get("schema", "schemas/doc.xsd")}],
        "cases": [
            {"id": "c", "instance": changes.get("instance", "xml/doc.xml"), "schema": "doc",
             "expected": "valid"}
        ],
    }  # fmt: skip
    (root / "manifest.json").write_text(json.dumps(document), encoding="utf-8")
    return root / "manifest.json"


# (control characters and backslashes are refused by the manifest format already)
@pytest.mark.parametrize("path", [" schemas/doc.xsd", "schemas /doc.xsd", "%2e%2e/doc.xsd",
                                  "schemas/\u00a0/doc.xsd", "schemas/\u2028x/doc.xsd"])  # fmt: skip
def test_a_manifest_schema_path_read_differently_is_a_manifest_error(
    tmp_path: Path, path: str
) -> None:
    with pytest.raises(ManifestError, match="read as another path") as info:
        load_manifest(_manifest(tmp_path / "c", schema=path))
    assert one_line(str(info.value)) and "/schemas/0/path" in str(info.value)


@pytest.mark.parametrize("path", ["xml/%2e%2e/doc.xml", " xml/doc.xml", "xml/ a/doc.xml",
                                  "xml/\x85/doc.xml", "xml/\u3000/doc.xml"])  # fmt: skip
def test_a_manifest_instance_path_read_differently_is_an_errored_case(
    tmp_path: Path, path: str
) -> None:
    corpus = load_manifest(_manifest(tmp_path / "c", instance=path))
    (case,) = corpus.cases
    assert case.problem and "read as another path" in case.problem and one_line(case.problem)


def test_the_committed_cases_are_refused_as_read_differently() -> None:
    """The committed hostile schemas of this class: each refused by the gate, naming the
    schema file and the line of the include."""
    corpus = load_corpus(HOSTILE)
    found = [c for c in corpus.cases if "location-reading" in c.tags]
    assert len(found) >= 5
    for case in found:
        assert case.schema is not None
        with pytest.raises(SchemaError) as info:
            schema_files(case.schema.path, case.schema.allowed_roots())
        message = str(info.value)
        assert f"{case.schema.path}:6:" in message and one_line(message), message
        assert "read differently" in message, message


@pytest.mark.parametrize("folder", ["..\t", ".\r.", "%2e%2e", " ", "..\\.."])
def test_validate_reads_the_instance_named_not_another(
    tmp_path: Path, outside: Outside, folder: str
) -> None:
    """``st9x validate`` given an instance in an oddly named folder: every validator reads that
    file (valid), none the one a cleaned-up name would lead to (the secret, invalid)."""
    root = outside.dir / "corpus"
    (root / folder).mkdir(parents=True)
    schema = root / "doc.xsd"
    schema.write_bytes((HOSTILE / "schemas" / "doc.xsd").read_bytes())
    instance = root / folder / "doc.xml"
    instance.write_text('<Doc xmlns="urn:st9x:hostile"/>\n', encoding="utf-8")
    secret = outside.dir / "doc.xml"  # "corpus/..<TAB>/doc.xml" with the TAB dropped
    secret.write_text(f'<Doc xmlns="urn:st9x:hostile"><{SECRET}/></Doc>\n', encoding="utf-8")
    adapters = [arg for name in XML_ADAPTERS for arg in ("--adapter", name)]
    with OpenWatch([outside.dir]) as watch:
        done = guarded_cli(
            tmp_path / "v.log", [root], "validate", "--schema", schema, *adapters,
            "--format", "json", instance,
        )  # fmt: skip
    assert "Traceback" not in done.stderr and SECRET not in done.stdout, done.stderr[-2000:]
    assert [o for o in watch.opened if o.path == str(secret)] == []
    assert read_log(tmp_path / "v.log") == []
    assert done.stdout.count('"valid"') >= len(XML_ADAPTERS), done.stdout[-2000:]
