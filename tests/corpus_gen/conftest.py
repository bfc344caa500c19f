"""Fixtures for the generator and mutation-engine tests: real schemas only, no mocks.

Small inline XSDs are written to ``tmp_path``; the real WIPO ST.96 V6_0 package is used when
``<project>/../shared/corpora/wipo-st96-v6_0`` exists (built once per session: building a V6_0
document schema takes about a second for each validator).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from st9x.corpus.synth.xml.check import DualValidator
from st9x.corpus.synth.xml.model import SchemaModel, load_schema

PROJECT = Path(__file__).resolve().parents[2]
V6_DIR = PROJECT.parent / "shared" / "corpora" / "wipo-st96-v6_0" / "schemas"
ST96_COMMON = "http://www.wipo.int/standards/XMLSchema/ST96/Common"


@pytest.fixture
def write_xsd(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write an XSD body into a schema document targeting the ST.96 Common namespace."""

    def write(body: str, name: str = "test.xsd") -> Path:
        path = tmp_path / name
        path.write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema"'
            f' xmlns:com="{ST96_COMMON}" targetNamespace="{ST96_COMMON}"'
            ' elementFormDefault="qualified">\n'
            f"{body}\n</xsd:schema>\n",
            encoding="utf-8",
        )
        return path

    return write


def _v6(name: str, root: str) -> tuple[Path, SchemaModel, DualValidator]:
    path = V6_DIR / name
    if not path.exists():
        pytest.skip(f"WIPO ST.96 V6_0 schemas not found at {V6_DIR} (../shared is not present)")
    model = SchemaModel(load_schema(path), root)
    return path, model, DualValidator(path, model.schema)


@pytest.fixture(scope="session")
def v6_trademark() -> tuple[Path, SchemaModel, DualValidator]:
    return _v6("TrademarkApplication_V6_0.xsd", "TrademarkApplication")


@pytest.fixture(scope="session")
def v6_patent() -> tuple[Path, SchemaModel, DualValidator]:
    return _v6("PatentPublication_V6_0.xsd", "PatentPublication")
