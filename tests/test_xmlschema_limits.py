"""A document beyond xmlschema's resource limits is a gap of the library (skipped, with the
limit named), not "not well-formed XML"."""

from __future__ import annotations

from pathlib import Path

import pytest
import xmlschema.limits

from st9x.corpus.model import SchemaSpec
from st9x.subjects.validators.base import Unsupported
from st9x.subjects.validators.xmlschema_xsd import XmlSchema10Adapter


def test_too_many_elements_is_a_limit_not_bad_xml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    xsd = tmp_path / "s.xsd"
    xsd.write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="r">'
        '<xs:complexType><xs:sequence><xs:element name="i" maxOccurs="unbounded"/>'
        "</xs:sequence></xs:complexType></xs:element></xs:schema>"
    )
    doc = tmp_path / "d.xml"
    doc.write_text("<r>" + "<i/>" * 50 + "</r>")
    compiled = XmlSchema10Adapter().compile(SchemaSpec("t", "s", xsd, "xsd"))
    assert str(compiled.validate(doc).verdict) == "valid"
    monkeypatch.setattr(xmlschema.limits, "MAX_XML_ELEMENTS", 10)
    with pytest.raises(Unsupported, match=r"beyond xmlschema's limits"):
        compiled.validate(doc)
