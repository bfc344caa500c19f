"""Design rules as lint rules: the metadata a linter reports with every finding, and the
documents the rules read (an XSD file, a JSON Schema file).

A lint rule is a :class:`~st9x.rules.model.Rule` of the shared model (one small function per
rule, run from a :class:`~st9x.rules.model.Catalogue`, which stamps the rule's id on what it
yields) with what a design-rule report needs besides: the part of the standard the rule derives
from, its severity, its category for the compliance matrix. A rule function yields
:class:`~st9x.rules.model.Finding` objects: ``passed`` for each place it checked and found in
order (so a matrix can say "3 of 412 elements"), ``failed`` with a sentence and the place's
line and column where it is not, and ``not_applicable`` when the document holds nothing the
rule is about.

``location`` is an XPath into the XSD file (``/xs:schema/xs:element[@name='Claims']``) or a
JSON Pointer into the JSON Schema file (``/$defs/com_ApplicantType/properties/name``). XSD rules
set ``line`` from lxml's ``sourceline``; JSON Schema rules leave it empty and the linter fills
it in from the pointer in one scan of the file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Generic, TypeVar

from st9x.rules.model import Catalogue, Finding, Level, Rule, RuleFunction

S = TypeVar("S")


class Severity(StrEnum):
    """How binding a rule is, from the wording of the standard: MUST → essential, SHOULD →
    recommended, MAY → note (WIPO's own API linting uses the first two labels)."""

    ESSENTIAL = "essential"
    RECOMMENDED = "recommended"
    NOTE = "note"


@dataclass(frozen=True)
class LintRule(Rule[S], Generic[S]):
    """One design rule. ``id`` is the project's own stable id (``st96.naming.element-upper-
    camel``); ``source`` names the part of the standard it derives from (a section title);
    ``standard_rule`` is the standard's own rule id, given only where it is known for certain,
    never guessed; ``category`` is the compliance matrix's column (naming, declarations,
    documentation, versioning, namespaces, structure, patterns, ...)."""

    source: str = ""
    severity: Severity = Severity.ESSENTIAL
    category: str = ""
    standard_rule: str | None = None
    description: str = ""


def lint_rule(
    id: str, title: str, check: RuleFunction[S], *, source: str, severity: Severity,
    category: str, standard_rule: str | None = None, description: str = "",
    counts: str = "places", absent: str = "nothing the rule applies to",
) -> LintRule[S]:
    """A lint rule, declared in one call per table row."""
    return LintRule(id, title, Level.SCHEMA, check, counts, absent, source, severity, category,
                    standard_rule, description)


class LintCatalogue(Catalogue[S]):
    """A table of lint rules for one kind of document."""

    def __init__(self, name: str, rules: Iterable[LintRule[S]]) -> None:
        super().__init__(name, rules)

    def lint_rules(self) -> list[LintRule[S]]:
        return [rule for rule in (self[r] for r in self) if isinstance(rule, LintRule)]


@dataclass
class XsdDocument:
    """One XSD file as the ST.96 rules read it: its own XML (``tree``, with source lines, for
    what is written in this file and where) and xmlschema's component model of the schema it
    belongs to (``schema``, for what the declarations mean: types, derivations, references
    across files), which is None when the file cannot be built on its own (an included
    fragment whose components make sense only in the including schema)."""

    path: Path
    tree: Any  # lxml.etree._ElementTree
    schema: Any | None = None  # xmlschema.XMLSchema
    namespaces: dict[str, str] = field(default_factory=dict)
    _lines: list[str] | None = field(default=None, repr=False, compare=False)

    def xpath_of(self, element: Any) -> str:
        """A readable XPath to ``element`` (``/xs:schema/xs:complexType[@name='X']``)."""
        parts = []
        node = element
        while node is not None and isinstance(node.tag, str):
            prefix = node.prefix or ""
            local = node.tag.rsplit("}", 1)[-1]
            step = f"{prefix}:{local}" if prefix else local
            name = node.get("name")
            if name is not None:
                step += f"[@name='{name}']"
            else:
                parent = node.getparent()
                if parent is not None:
                    same = [c for c in parent if c.tag == node.tag]
                    if len(same) > 1:
                        step += f"[{same.index(node) + 1}]"
            parts.append(step)
            node = node.getparent()
        return "/" + "/".join(reversed(parts))

    def failed(self, element: Any, detail: str) -> Finding:
        """A failing finding at ``element``, located by XPath, line and column."""
        line, column = self.place(element)
        return Finding.failed(self.xpath_of(element), detail, line=line, column=column)

    def place(self, element: Any) -> tuple[int | None, int | None]:
        """The line and column (in code points, from 1) where ``element``'s start tag opens.

        lxml keeps one line per element, the line where libxml2 finished reading its start
        tag: for a start tag written over several lines (``xsd:schema`` with its namespaces)
        that is its last line. The tag's opening ``<name`` is found in the text, on that line
        or the lines above it; when it is not there as written, the line lxml gave stands,
        without a column."""
        line = element.sourceline
        if not line or not isinstance(element.tag, str):
            return line, None
        if self._lines is None:
            try:
                self._lines = self.path.read_bytes().decode("utf-8", "replace").splitlines()
            except OSError:
                self._lines = []
        if line > len(self._lines):
            return line, None
        local = element.tag.rsplit("}", 1)[-1]
        opening = "<" + (f"{element.prefix}:{local}" if element.prefix else local)
        for number in range(line, max(0, line - MAX_START_TAG_LINES), -1):
            text = self._lines[number - 1]
            found = [i for i in _starts(text, opening)
                     if text[i + len(opening): i + len(opening) + 1] in ("", " ", "\t", "/",
                                                                         ">")]
            if found:
                # on the tag's last line, the opening before the text lxml ended on is it
                return number, found[-1 if number < line else 0] + 1
        return line, None

    def passed(self, element: Any) -> Finding:
        return Finding.passed(self.xpath_of(element))


MAX_START_TAG_LINES = 64  # lines one start tag may span before its opening is not looked for


def _starts(text: str, needle: str) -> list[int]:
    """Every index where ``needle`` starts in ``text``."""
    found, at = [], text.find(needle)
    while at >= 0:
        found.append(at)
        at = text.find(needle, at + 1)
    return found


@dataclass
class JsonSchemaDocument:
    """One JSON Schema file as the ST.97 rules read it: the parsed document, its text (so
    findings can be located by pointer), and its dialect (the ``$schema`` URI, or None)."""

    path: Path
    document: Any
    text: str = ""
    dialect: str | None = None
