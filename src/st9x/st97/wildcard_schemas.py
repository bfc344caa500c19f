"""Wildcards in the compiled schema: ``xsd:any`` members, ``xsd:anyAttribute`` names and the
generic element form.

An element matched by ``xsd:any`` is the member named by its Clark name, an array in document
order: typed with its global declaration (lax/strict) or, otherwise, in the generic element form,
the definition :meth:`WildcardSchemas.any_element_ref` adds on first use (also the schema of an
element of type ``xsd:anyType``). An attribute matched by ``xsd:anyAttribute`` is a
``patternProperties`` entry. See README.md, "Wildcards, xsd:anyType and xsi:type".

Apart from :mod:`st9x.st97.compiler` because a wildcard contributes members to the object (or
items to the mixed content) that the compiler builds for a shape, never a definition of its own
beside the generic form; the compiler asks for them through
:meth:`~WildcardSchemas.wildcard_members` and :meth:`~WildcardSchemas.wildcard_items`.
"""

from __future__ import annotations

from typing import Any

from st9x.st97.model import Shape, Wildcard, namespace_regex, regex_literal
from st9x.st97.xmlchars import ATTRIBUTE_NAME, ELEMENT_NAME

#: The generic element form (wildcard content, xsd:anyType): see the README.
ANY_ELEMENT_KEY = "st97_anyElement"
#: Element names in the generic form: Clark notation, ``{}`` for no namespace, local an NCName.
ANY_NAME_PATTERN = ELEMENT_NAME


class WildcardSchemas:
    """The wildcard half of the compiler, as a mixin: the compiler supplies its definitions,
    ``$ref`` construction, element schemas and the shared XML-string definition."""

    defs: dict[str, Any]

    def ref(self, key: str) -> dict[str, Any]:
        raise NotImplementedError

    def element_schema(self, decl: Any) -> dict[str, Any]:
        raise NotImplementedError

    def xml_string(self) -> dict[str, Any]:
        raise NotImplementedError

    def any_element_ref(self) -> dict[str, Any]:
        """``$ref`` to the generic element form (defined on first use)."""
        if ANY_ELEMENT_KEY not in self.defs:
            self.defs[ANY_ELEMENT_KEY] = {
                "type": "object",
                "properties": {
                    "attributes": {"type": "object",
                                   "propertyNames": {"pattern": ATTRIBUTE_NAME},
                                   "additionalProperties": self.xml_string()},
                    "content": {"type": "array", "items": {"anyOf": [
                        self.xml_string(),
                        {"type": "object", "minProperties": 1, "maxProperties": 1,
                         "propertyNames": {"pattern": ANY_NAME_PATTERN},
                         "additionalProperties": self.ref(ANY_ELEMENT_KEY)},
                    ]}},
                },
                "additionalProperties": False,
            }
        return self.ref(ANY_ELEMENT_KEY)

    def wildcard_members(self, wildcards: list[Wildcard], any_attribute: Any, *,
                         exclude: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any],
                                                           list[dict[str, Any]]]:
        """(typed member properties, patternProperties, presence constraints) of the wildcards
        of one object. Typed members (lax/strict with a global declaration) are named
        properties holding arrays of the declaration's JSON; the rest of a wildcard's namespace
        constraint is a ``patternProperties`` entry whose pattern excludes the typed names of
        the whole shape (``exclude``): a name matching both would have to satisfy both."""
        typed: dict[str, Any] = {}
        patterns: dict[str, Any] = {}
        presence: list[dict[str, Any]] = []
        lookahead = ""
        if exclude:
            names = "|".join(regex_literal(k) for k in sorted(exclude))
            lookahead = f"(?!(?:{names})$)"
        for w in wildcards:
            for key, decl in w.typed.items():
                if key not in typed:
                    typed[key] = self._member_array(self.element_schema(decl), w)
            if w.generic:
                pattern = "^" + lookahead + w.pattern[1:]
                patterns.setdefault(pattern, self._member_array(self.any_element_ref(), w))
            if w.min_occurs >= 1:
                presence.append({"not": {"propertyNames": {"not": {"pattern": w.pattern}}}})
        if any_attribute is not None:
            patterns.setdefault(namespace_regex(any_attribute, attribute=True),
                                self.xml_string())
        return typed, patterns, presence

    @staticmethod
    def _member_array(item: dict[str, Any], w: Wildcard) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "array", "items": item, "minItems": 1}
        if w.max_occurs is not None:
            out["maxItems"] = w.max_occurs
        return out

    def wildcard_items(self, shape: Shape) -> list[dict[str, Any]]:
        """The wildcard elements of mixed content: one-property items, like declared ones (typed
        members first, then one generic item per pattern, excluding the typed names)."""
        alternatives: list[dict[str, Any]] = []
        exclude = shape.typed_members()
        typed = {key: self.element_schema(decl) for key, decl in exclude.items()}
        for key, schema in typed.items():
            alternatives.append({"type": "object", "properties": {key: schema},
                                 "required": [key], "additionalProperties": False})
        lookahead = ""
        if exclude:
            names = "|".join(regex_literal(k) for k in sorted(exclude))
            lookahead = f"(?!(?:{names})$)"
        for pattern in dict.fromkeys(w.pattern for w in shape.wildcards if w.generic):
            alternatives.append({
                "type": "object", "minProperties": 1, "maxProperties": 1,
                "patternProperties": {"^" + lookahead + pattern[1:]:
                                      self.any_element_ref()},
                "additionalProperties": False,
            })
        return alternatives
