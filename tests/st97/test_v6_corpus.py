"""The converter on the real WIPO ST.96 V6_0 schemas and Annex VII examples.

Each schema is compiled once per session (xmlschema needs about a second per V6_0 document
schema). Skipped, with the reason, when ``../shared/corpora/wipo-st96-v6_0`` is absent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs
import pytest
from lxml import etree
from xsd_helpers import SAFE, V6

from st9x.st97 import Mapper, compare_xml, compile_schema, jsonio, load_xsd
from st9x.st97.compilation import Compilation

NAMESPACE_SCHEMAS = ["Common", "Copyright", "Design", "GeographicalIndication", "Patent",
                     "Trademark"]
EXAMPLES = ["TrademarkApplication", "PatentPublication", "GIApplication"]


def _document_schemas() -> list[str]:
    folder = V6 / "schemas"
    if not folder.is_dir():
        return []
    names = []
    for path in sorted(folder.glob("*_V6_0.xsd")):
        stem = path.name[: -len("_V6_0.xsd")]
        if stem not in NAMESPACE_SCHEMAS:
            names.append(stem)
    return names


DOCUMENT_SCHEMAS = _document_schemas()
CONFIGS: dict[str, tuple[str, dict[str, str]]] = {
    "v2": ("st97-v2", {}),
    "v2-ordered": ("st97-v2", {"choice-unbounded": "ordered"}),
    "v2-strict-expand": ("st97-v2", {"strict-choice": "true", "regex-unicode": "expand",
                                     "version": "property"}),
    "v2-jsonml": ("st97-v2", {"mixed": "jsonml", "choice-unbounded": "ordered"}),
    "legacy": ("st97-v1-legacy", {}),
}

_cache: dict[tuple[str, str], Compilation] = {}
_xsd: dict[str, Any] = {}


def compiled(v6: Path, name: str, config: str = "v2") -> Compilation:
    key = (name, config)
    if key not in _cache:
        profile, options = CONFIGS[config]
        root = None if name in NAMESPACE_SCHEMAS else "auto"
        if name not in _xsd:  # load once, compile per configuration
            _xsd[name] = load_xsd(v6 / "schemas" / f"{name}_V6_0.xsd")
        _cache[key] = compile_schema(_xsd[name], root=root, profile=profile, options=options)
    return _cache[key]


def test_there_are_28_document_schemas(v6: Path) -> None:
    assert len(DOCUMENT_SCHEMAS) == 28


@pytest.mark.needs_shared
@pytest.mark.parametrize("name", DOCUMENT_SCHEMAS + NAMESPACE_SCHEMAS)
def test_schema_compiles(v6: Path, name: str) -> None:
    c = compiled(v6, name)
    assert c.schema["$defs"]
    if name not in NAMESPACE_SCHEMAS:
        assert len(c.roots) == 1  # root="auto" finds the one document root
    jsonschema_rs.validator_for(c.schema)  # a JSON Schema the Rust validator accepts
    # (jsonschema's check_schema rejects the default \p{..} patterns: see the expand config)
    for loss in c.losses:  # reported, each with a construct, a location and a reason
        assert loss.construct and loss.location and loss.reason


@pytest.mark.needs_shared
@pytest.mark.parametrize("config", list(CONFIGS))
@pytest.mark.parametrize("name", EXAMPLES)
def test_example_round_trip(v6: Path, name: str, config: str) -> None:
    c = compiled(v6, name, config)
    source = v6 / "examples" / f"{name}_Example.xml"
    mapper = Mapper(c)
    doc = mapper.to_json(source)
    text = jsonio.dumps(doc)
    plain = jsonio.plain(doc)
    rs_errors = [e.message[:200] for e in jsonschema_rs.validator_for(c.schema).iter_errors(plain)]
    assert rs_errors == []
    if CONFIGS[config][1].get("regex-unicode") == "expand":
        # Python's re has no \p{..}: the jsonschema package only works with expanded classes
        jsonschema.Draft202012Validator.check_schema(c.schema)
        py = jsonschema.Draft202012Validator(c.schema)
        assert [e.message[:200] for e in py.iter_errors(plain)] == []
    back = mapper.to_xml(jsonio.loads(text))
    xsd = etree.XMLSchema(etree.parse(str(v6 / "schemas" / f"{name}_V6_0.xsd"), SAFE))
    assert xsd.validate(etree.ElementTree(back)), str(xsd.error_log)[:500]
    comparison = compare_xml(source.read_bytes(), back)
    if not comparison.equal:
        # only the per-alternative answer to register item #6 may reorder; it must say so
        assert CONFIGS[config][1].get("choice-unbounded", "per-alternative") == \
            "per-alternative", comparison.difference
        assert "choice-order" in c.loss_counts()
    assert set(comparison.normalised) <= {"xsi", "whitespace", "comment", "prefix", "lexical"}


@pytest.mark.needs_shared
def test_v6_instance_with_unknown_element_stops_with_line(v6: Path) -> None:
    c = compiled(v6, "GIApplication")
    data = (v6 / "examples" / "GIApplication_Example.xml").read_bytes()
    data = data.replace(b"</gin:GINameBag>", b"<gin:Unknown/></gin:GINameBag>", 1)
    with pytest.raises(Exception, match="Unknown") as info:
        Mapper(c).to_json(data)
    assert getattr(info.value, "line", None)
