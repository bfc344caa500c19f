"""Copy a schema and every file it includes or imports into a corpus directory.

A corpus manifest may only name files inside the corpus (the loader resolves symlinks and
refuses paths that leave it), while the schema a corpus is generated from lives elsewhere
(e.g. ``../shared/corpora/wipo-st96-v6_0``). Copying the closure of ``xsd:include``/
``xsd:import``/``xsd:redefine`` keeps a generated corpus self-contained and reproducible even if
the source package changes later; generated corpora are made on demand and not committed, so
the extra megabyte or so is not a concern. Relative layout is preserved, so schemaLocation
attributes keep working unchanged.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from lxml import etree

from st9x.errors import SchemaError

XSD_NS = "http://www.w3.org/2001/XMLSchema"
_REFERENCES = ("include", "import", "redefine", "override")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def schema_closure(schema_path: str | Path) -> list[Path]:
    """The schema file and every local file reachable through its schemaLocations, in a
    stable order (the main file first)."""
    start = Path(schema_path).resolve()
    order: list[Path] = []
    pending = [start]
    seen: set[Path] = set()
    while pending:
        path = pending.pop(0)
        if path in seen:
            continue
        seen.add(path)
        order.append(path)
        try:
            root = etree.parse(str(path), _PARSER).getroot()
        except (etree.XMLSyntaxError, OSError) as exc:
            raise SchemaError(f"cannot read schema: {exc}", path=path) from None
        for tag in _REFERENCES:
            for ref in root.iter(f"{{{XSD_NS}}}{tag}"):
                location = ref.get("schemaLocation")
                if not location:
                    continue
                if "://" in location or location.startswith("/"):
                    raise SchemaError(
                        f"schemaLocation {location!r} is not a relative local path; "
                        "generated corpora copy schemas and cannot follow it",
                        path=path,
                    )
                pending.append((path.parent / location).resolve())
    return order


def copy_schema_closure(schema_path: str | Path, target_dir: Path) -> Path:
    """Copy the closure under ``target_dir``; returns the copied main schema's path."""
    files = schema_closure(schema_path)
    base = Path(_common_parent(files))
    target_dir.mkdir(parents=True, exist_ok=True)
    for source in files:
        destination = target_dir / source.relative_to(base)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
    return target_dir / files[0].relative_to(base)


def _common_parent(files: list[Path]) -> Path:
    parents = [f.parent for f in files]
    common = parents[0]
    while not all(p == common or common in p.parents for p in parents):
        common = common.parent
    return common
