"""What the validate-bulk tests share: the embedded design schema, bags made from it, and
running ``st9x`` in this process or as a child process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson

from st9x.cli import main
from st9x.formats import check

ROOT = Path(__file__).resolve().parents[2]
DESIGN_XSD = ROOT / "corpora" / "st96-core" / "schemas" / "design" / "DesignApplication.xsd"
DGN = "{http://www.wipo.int/standards/XMLSchema/ST96/Design}"
SHARED_V6 = ROOT.parent / "shared" / "corpora" / "wipo-st96-v6_0"
TRADEMARK_XSD = SHARED_V6 / "schemas" / "Trademark_V6_0.xsd"
TMK = "{http://www.wipo.int/standards/XMLSchema/ST96/Trademark}"
NO_SHARED = f"needs the WIPO ST.96 V6_0 schemas in {SHARED_V6} (../shared beside the project)"


def design_bag(path: Path, size: int, invalid_every: int = 0, seed: int = 0) -> Path:
    from st9x.corpus.synth.bag import make_templates, write_bag

    templates = make_templates(DESIGN_XSD, f"{DGN}Design", 3, seed, plant=bool(invalid_every))
    write_bag(templates, f"{DGN}DesignBag", size, path, invalid_every)
    return path


def st9x(*argv: str | Path) -> int:
    """``st9x ARGV`` in this process; its exit code."""
    return main([str(arg) for arg in argv])


def child(*argv: str | Path, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """``st9x ARGV`` as a child process (stdin closed, output captured)."""
    code = "import sys; from st9x.cli import main; sys.exit(main())"
    return subprocess.run(
        [sys.executable, "-c", code, *map(str, argv)], capture_output=True, text=True,
        stdin=subprocess.DEVNULL, check=False, **kwargs,
    )


def child_command(*argv: str | Path) -> list[str]:
    code = "import sys; from st9x.cli import main; sys.exit(main())"
    return [sys.executable, "-c", code, *map(str, argv)]


def results(out: Path) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any] | None]:
    """The header, the record lines and the footer (None if absent) of ``out/bulk.jsonl``,
    every line checked against the ``bulk`` format."""
    lines = [orjson.loads(line) for line in (out / "bulk.jsonl").read_bytes().splitlines()]
    for number, line in enumerate(lines, 1):
        check("bulk", line, path=f"{out}/bulk.jsonl:{number}")
    footer = lines[-1] if lines[-1].get("kind") == "footer" else None
    return lines[0], lines[1 : -1 if footer else None], footer


def records_without_time(out: Path) -> list[dict[str, Any]]:
    return results(out)[1]
