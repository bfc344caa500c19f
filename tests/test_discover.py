"""Indexing a directory without a manifest (an official ST.96 package, say).

Instances are matched to schemas by the root element's namespace and local name. When that is
not enough, the instance's xsi:schemaLocation file name or the ST.96 naming rule must decide;
otherwise the ambiguity is put on the case for the user to see, never guessed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures import JSON_SCHEMA_07, VALID_JSON, assert_one_line, write

from st9x.corpus.discover import discover
from st9x.corpus.load import load_corpus
from st9x.xmlsafe import XSD_NS


def xsd(tns: str | None, *elements: str, includes: tuple[str, ...] = ()) -> str:
    """A schema declaring global string elements, optionally including other files."""
    target = f' targetNamespace="{tns}" xmlns="{tns}"' if tns else ""
    parts = [f'<xsd:include schemaLocation="{loc}"/>' for loc in includes]
    parts += [f'<xsd:element name="{name}" type="xsd:string"/>' for name in elements]
    return f'<xsd:schema xmlns:xsd="{XSD_NS}"{target}>{"".join(parts)}</xsd:schema>\n'


def xml(tns: str, root: str, hint: str | None = None) -> str:
    location = ""
    if hint:
        location = (
            ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
            f' xsi:schemaLocation="{tns} {hint}"'
        )
    return f'<?xml version="1.0"?>\n<{root} xmlns="{tns}"{location}>x</{root}>\n'


def cases_by_id(root: Path) -> dict:
    return {case.id: case for case in discover(root).cases}


def test_root_matched_by_namespace_and_local_name(tmp_path: Path) -> None:
    write(tmp_path / "a.xsd", xsd("urn:a", "Doc"))
    write(tmp_path / "b.xsd", xsd("urn:b", "Doc"))
    write(tmp_path / "in" / "b-doc.xml", xml("urn:b", "Doc"))
    write(tmp_path / "in" / "a-doc.xml", xml("urn:a", "Doc"))

    cases = cases_by_id(tmp_path)
    assert cases["in/a-doc"].schema is not None and cases["in/a-doc"].schema.id == "a"
    assert cases["in/b-doc"].schema is not None and cases["in/b-doc"].schema.id == "b"
    b = cases["in/b-doc"].schema
    assert b.kind == "xsd" and b.root == "{urn:b}Doc" and b.path == (tmp_path / "b.xsd").resolve()
    for case in cases.values():
        assert case.problem is None
        assert case.expected == "valid"  # a folder without a manifest holds documents meant valid
    assert cases["in/a-doc"].source == "in/a-doc.xml"


def test_declarations_reached_through_include(tmp_path: Path) -> None:
    """A chameleon include (no targetNamespace) declares its elements in the includer's
    namespace, so the instance belongs to the including schema."""
    write(tmp_path / "main.xsd", xsd("urn:m", "Main", includes=("parts/part.xsd",)))
    write(tmp_path / "parts" / "part.xsd", xsd(None, "Piece"))
    write(tmp_path / "piece.xml", xml("urn:m", "Piece"))

    case = cases_by_id(tmp_path)["piece"]
    assert case.problem is None
    assert case.schema is not None and case.schema.id == "main"


def test_ambiguity_is_reported_not_guessed(tmp_path: Path) -> None:
    write(tmp_path / "one.xsd", xsd("urn:x", "Doc"))
    write(tmp_path / "two.xsd", xsd("urn:x", "Doc"))
    write(tmp_path / "doc.xml", xml("urn:x", "Doc"))

    case = cases_by_id(tmp_path)["doc"]
    assert case.schema is None
    assert case.problem is not None
    assert_one_line(case.problem, "ambiguous", "{urn:x}Doc", "one.xsd", "two.xsd")


def test_ambiguity_resolved_by_schema_location_hint(tmp_path: Path) -> None:
    write(tmp_path / "one.xsd", xsd("urn:x", "Doc"))
    write(tmp_path / "two.xsd", xsd("urn:x", "Doc"))
    # the hint is a URL whose file name is looked up locally, never fetched
    write(tmp_path / "doc.xml", xml("urn:x", "Doc", hint="https://example.invalid/s/two.xsd"))

    case = cases_by_id(tmp_path)["doc"]
    assert case.problem is None
    assert case.schema is not None and case.schema.id == "two"


def test_ambiguity_resolved_by_st96_naming_rule(tmp_path: Path) -> None:
    """ST.96 names a document schema after its root: Doc_V6_0.xsd is the one for <Doc>, even if
    a bag schema declares Doc too."""
    write(tmp_path / "Bag_V6_0.xsd", xsd("urn:x", "Bag", "Doc"))
    write(tmp_path / "Doc_V6_0.xsd", xsd("urn:x", "Doc"))
    write(tmp_path / "doc.xml", xml("urn:x", "Doc"))
    write(tmp_path / "bag.xml", xml("urn:x", "Bag"))

    cases = cases_by_id(tmp_path)
    assert cases["doc"].schema is not None and cases["doc"].schema.id == "Doc_V6_0"
    assert cases["bag"].schema is not None and cases["bag"].schema.id == "Bag_V6_0"


def test_root_matching_no_schema_is_a_case_problem(tmp_path: Path) -> None:
    write(tmp_path / "a.xsd", xsd("urn:a", "Doc"))
    write(tmp_path / "stray.xml", xml("urn:other", "Doc"))

    case = cases_by_id(tmp_path)["stray"]
    assert case.schema is None
    assert case.problem is not None
    assert_one_line(case.problem, "no schema", "{urn:other}Doc")


def test_malformed_root_is_a_case_problem_naming_file_and_line(tmp_path: Path) -> None:
    """Discovery reads only up to the root's start tag (cheap on big files), so the error must
    be there to show at this stage; errors further in surface as errored records later."""
    write(tmp_path / "a.xsd", xsd("urn:a", "Doc"))
    bad = write(tmp_path / "bad.xml", '<?xml version="1.0"?>\n\n<Doc xmlns="urn:a" b="1" b="2"/>\n')

    case = cases_by_id(tmp_path)["bad"]
    assert case.schema is None
    assert case.problem is not None
    assert_one_line(case.problem, f"{bad}:3:", "not well-formed")


def test_unreadable_schema_is_a_note_not_a_crash(tmp_path: Path) -> None:
    write(tmp_path / "a.xsd", xsd("urn:a", "Doc"))
    broken = write(tmp_path / "broken.xsd", "<xsd:schema")
    write(tmp_path / "doc.xml", xml("urn:a", "Doc"))

    corpus = discover(tmp_path)
    assert len(corpus.notes) == 1
    assert_one_line(corpus.notes[0], str(broken))
    assert corpus.cases[0].schema is not None and corpus.cases[0].schema.id == "a"


def test_json_instances_take_the_only_json_schema(tmp_path: Path) -> None:
    write(tmp_path / "schema.json", JSON_SCHEMA_07)
    write(tmp_path / "data" / "one.json", VALID_JSON)

    corpus = discover(tmp_path)
    assert list(corpus.schemas) == ["schema"]
    (case,) = corpus.cases
    assert case.id == "data/one" and case.format == "json"
    assert case.schema is corpus.schemas["schema"]


def test_json_instances_with_two_schemas_are_not_guessed(tmp_path: Path) -> None:
    write(tmp_path / "s1.json", JSON_SCHEMA_07)
    write(tmp_path / "s2.json", JSON_SCHEMA_07)
    write(tmp_path / "one.json", VALID_JSON)

    (case,) = discover(tmp_path).cases
    assert case.schema is None
    assert case.problem is not None and "cannot tell which of 2 JSON Schemas" in case.problem


def test_load_corpus_without_manifest_discovers(tmp_path: Path) -> None:
    write(tmp_path / "a.xsd", xsd("urn:a", "Doc"))
    write(tmp_path / "doc.xml", xml("urn:a", "Doc"))
    corpus = load_corpus(tmp_path)
    assert corpus.manifest is None
    assert corpus.counts() == {"valid": 1}
    assert load_corpus(tmp_path, "unknown").counts() == {"unknown": 1}


def test_relative_corpus_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`st9x run --corpus ../shared/corpora/x` gives a relative path: discovery must work the
    same as with an absolute one (schemas read, instances matched, no notes)."""
    corpus_dir = tmp_path / "corpus"
    write(corpus_dir / "a.xsd", xsd("urn:a", "Doc"))
    write(corpus_dir / "doc.xml", xml("urn:a", "Doc"))
    monkeypatch.chdir(tmp_path)

    corpus = discover(Path("corpus"))
    assert corpus.notes == []
    (case,) = corpus.cases
    assert case.problem is None
    assert case.schema is not None and case.schema.id == "a"


def test_official_st96_v6_examples_match_their_document_schemas(st96_v6: Path) -> None:
    corpus = discover(st96_v6)
    chosen = {case.id: case.schema.id if case.schema else case.problem for case in corpus.cases}
    assert chosen == {
        "examples/GIApplication_Example": "schemas/GIApplication_V6_0",
        "examples/PatentPublication_Example": "schemas/PatentPublication_V6_0",
        "examples/TrademarkApplication_Example": "schemas/TrademarkApplication_V6_0",
    }
    assert corpus.notes == []
    roots = {case.schema.root for case in corpus.cases if case.schema}
    assert "{http://www.wipo.int/standards/XMLSchema/ST96/Trademark}TrademarkApplication" in roots
