"""Inline-XSD helpers shared by the converter and rule-catalogue tests (imported by name:
tests/ has no packages, and this folder is on the path through its conftest)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from lxml import etree

PROJECT = Path(__file__).resolve().parents[1]
V6 = PROJECT / ".." / "shared" / "corpora" / "wipo-st96-v6_0"
ST96_CORE = PROJECT / "corpora" / "st96-core"

NS = "urn:test"
SAFE = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def xsd_text(body: str, *, extra_ns: str = "") -> str:
    """An XSD document around an inline body, in namespace ``urn:test`` with prefix ``t``."""
    return textwrap.dedent(f"""\
        <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:t="{NS}" {extra_ns}
                   targetNamespace="{NS}" elementFormDefault="qualified"
                   attributeFormDefault="unqualified" version="V1_0">
        {textwrap.dedent(body)}
        </xs:schema>
        """)


def xml(body: str) -> bytes:
    return textwrap.dedent(body).strip().encode()
