"""Bags for the bulk conversion tests: st96-core trademark applications wrapped in a
``TrademarkApplicationBag`` (runs without ../shared), generated V6_0 trademarks wrapped in a
``TrademarkBag`` (with ../shared), and a large bag cached outside the repository."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from lxml import etree

REPO = Path(__file__).resolve().parents[2]
CORE = REPO / "corpora" / "st96-core"
CORE_XSD = CORE / "schemas" / "trademark" / "TrademarkApplication.xsd"
TMK = "http://www.wipo.int/standards/XMLSchema/ST96/Trademark"
SHARED = REPO.parent / "shared" / "corpora" / "wipo-st96-v6_0"
ST9X = Path(sys.executable).parent / "st9x"
V6_XSD = SHARED / "schemas" / "Trademark_V6_0.xsd"


def core_records() -> list[Path]:
    return sorted((CORE / "instances" / "valid").glob("tm-app-*.xml"))


def wrap(records: list[etree._Element], root: str) -> bytes:
    """The records under one bag root declaring the first record's prefixes, one record per
    indented block, as an office's bulk file would have them."""
    bag = etree.Element(root, nsmap=records[0].nsmap)
    bag.text = "\n  "
    for record in records:
        record.tail = "\n  "
        bag.append(record)
    records[-1].tail = "\n"
    return etree.tostring(bag, xml_declaration=True, encoding="UTF-8")


def parse(path: Path) -> etree._Element:
    return etree.parse(str(path), etree.XMLParser(remove_comments=True)).getroot()


def core_bag(path: Path, copies: int = 1) -> Path:
    records = [parse(p) for _ in range(copies) for p in core_records()]
    path.write_bytes(wrap(records, f"{{{TMK}}}TrademarkApplicationBag"))
    return path


def cache_dir() -> Path:
    """Large generated inputs live outside the repository and are made once."""
    base = os.environ.get("ST9X_CACHE") or Path.home() / ".cache" / "st9x"
    path = Path(base) / "bulk"
    path.mkdir(parents=True, exist_ok=True)
    return path


def big_core_bag(megabytes: int = 64) -> Path:
    """A bag of about ``megabytes`` MB of the st96-core trademark applications over and over,
    streamed to disk (never held whole in memory)."""
    path = cache_dir() / f"tm-app-bag-{megabytes}mb.xml"
    if path.is_file():
        return path
    blocks = []
    for source in core_records():
        record = parse(source)
        blocks.append(etree.tostring(record, encoding="utf-8"))
    head = wrap([parse(core_records()[0])], f"{{{TMK}}}TrademarkApplicationBag")
    open_tag = head[: head.index(b">", head.index(b"<tmk:TrademarkApplicationBag")) + 1]
    partial = path.with_suffix(".partial")
    with partial.open("wb") as out:
        out.write(open_tag + b"\n")
        written, n = 0, 0
        while written < megabytes << 20:
            block = blocks[n % len(blocks)] + b"\n"
            out.write(block)
            written += len(block)
            n += 1
        out.write(b"</tmk:TrademarkApplicationBag>\n")
    partial.replace(path)
    return path


def v6_bag(path: Path, count: int = 8) -> Path:
    """``count`` generated V6_0 trademarks in a ``tmk:TrademarkBag`` (needs ../shared)."""
    corpus = path.parent / "v6-generated"
    subprocess.run(
        [str(ST9X), "corpus", "generate", "--schema", str(V6_XSD),
         "--root", f"{{{TMK}}}Trademark", "--count", str(count), "-o", str(corpus)],
        check=True, capture_output=True,
    )
    records = [parse(p) for p in sorted((corpus / "instances").glob("*.xml"))]
    path.write_bytes(wrap(records, f"{{{TMK}}}TrademarkBag"))
    return path
