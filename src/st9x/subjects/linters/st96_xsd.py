"""``st96-xsd``: the ST.96 design rules (:data:`st9x.rules.st96.RULES`) on XSD files.

A file is read twice over: lxml's tree of the file itself, with source lines, for what is
written where (names, annotations, attributes of ``xsd:schema``), and xmlschema's component
model of the schema it belongs to, for what the declarations mean. Both go through st9x's safe
readers: no DTD, no entity, no network, and includes only inside the given bounds. An included
fragment often cannot be built alone (its types name components of the including schema): its
rules then read the tree only (``schema`` is None), which is no error.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from st9x.errors import SchemaError
from st9x.rules import st96
from st9x.rules.lint import LintCatalogue, LintRule, XsdDocument
from st9x.rules.model import Finding as RuleFinding
from st9x.subjects.linters.base import Finding, LinterInfo, SchemaKind
from st9x.subjects.linters.table import plain_findings, run_table, table_info
from st9x.xmlsafe import XSD_NS, parse_xml, schema_files
from st9x.xsdload import load_xmlschema

MAX_MODELS = 8  # as st9x.xsdload keeps: a V6_0 document schema's model takes ~15 MB


class St96XsdLinter:
    """The ST.96 design rules on one XSD file. ``catalogue`` replaces the project's table (a
    test's own rules, an office's extension of them)."""

    name = "st96-xsd"
    schema_kind: SchemaKind = "xsd"
    suffixes: tuple[str, ...] = (".xsd",)

    def __init__(self, catalogue: LintCatalogue[XsdDocument] | None = None) -> None:
        self._catalogue = catalogue
        # the files of the models built last (a component file's model is then the one its
        # document schema already built, not a second load), a few models at most
        self._parts: OrderedDict[Path, dict[Path, Any]] = OrderedDict()

    @property
    def catalogue(self) -> LintCatalogue[XsdDocument]:
        # read when used, not when built: the table is the module's, as installed now
        return self._catalogue if self._catalogue is not None else st96.RULES

    def info(self) -> LinterInfo:
        return table_info(self.name, self.catalogue, "ST.96 design rules on XSD files")

    def rules(self) -> list[LintRule[Any]]:
        return self.catalogue.lint_rules()

    def load(self, target: Path, bounds: tuple[Path, ...] = ()) -> XsdDocument:
        """The document the rules read; SchemaError when the file is no XSD st9x can read."""
        tree = parse_xml(target, SchemaError)
        root = tree.getroot()
        if root.tag != f"{{{XSD_NS}}}schema":
            raise SchemaError(f"not an XSD: the root element is {root.tag!r}, not xs:schema",
                              path=target, line=root.sourceline)
        namespaces = {prefix or "": uri for prefix, uri in root.nsmap.items()}
        return XsdDocument(target, tree, self._model(target, bounds), namespaces)

    def _model(self, target: Path, bounds: tuple[Path, ...]) -> Any | None:
        """The model of ``target``: its part of a model already built (a V6_0 document schema
        builds every component it imports, so linting the package loads each once), else a
        model of its own; None when it cannot be built alone."""
        resolved = target.resolve()
        for parts in self._parts.values():
            if resolved in parts:
                return parts[resolved]
        schema = _model(target, bounds)
        if schema is not None:
            self._parts[resolved] = _files(schema)
            while len(self._parts) > MAX_MODELS:
                self._parts.popitem(last=False)
        return schema

    def check(
        self, target: Path, rules: Collection[str] | None = None, *,
        bounds: tuple[Path, ...] = (),
    ) -> dict[str, list[RuleFinding]]:
        return run_table(self.catalogue, self.load(target, bounds), rules)

    def lint(self, target: Path) -> Iterable[Finding]:
        return plain_findings(self.catalogue, self.check(target))


def _files(schema: Any) -> dict[Path, Any]:
    """Each local file of a model, with its own schema object in it."""
    out = {}
    for part in schema.maps.iter_schemas():
        parsed = urlsplit(part.url or "")
        if parsed.scheme == "file":
            out[Path(url2pathname(parsed.path)).resolve()] = part
    return out


def _model(target: Path, bounds: tuple[Path, ...]) -> Any | None:
    """xmlschema's model of the schema at ``target``, or None when it cannot be built on its
    own (a fragment, a reference leading outside ``bounds``, a schema xmlschema rejects): the
    rules that need it say ``n/a`` then, and the tree's rules still run."""
    try:
        roots = tuple(p.resolve() for p in bounds) or None
        schema_files(target, roots)
        return load_xmlschema(target)
    except Exception:
        return None
