"""Where the object schema of a complex type is closed: in its definition or where it is used.

Closing objects (decision 8): a type that another type extends gets an *open* definition and is
closed where it is used (``{"$ref": …, "unevaluatedProperties": false}``), because
``additionalProperties: false`` — or any closing keyword — inside the base would reject the
extension's own properties when the base is referenced from the extension's ``allOf``. All other
types are closed inside their definition (``additionalProperties: false``, or
``unevaluatedProperties: false`` when the definition is an ``allOf``).

Draft-07 has no ``unevaluatedProperties``, and ``additionalProperties`` only sees the
``properties`` of its own schema object, so decision 8 is closed by listing every allowed name
(base and added, recursively) as ``properties: {name: true, …}`` beside the ``allOf`` together
with ``additionalProperties: false`` — at the extension's definition and at every use of an open
base type. This was preferred over ``propertyNames: {"enum": […]}`` because
``additionalProperties: false`` is then the one closing idiom of the whole output: what draft-07
tooling (code generators, this project's JSON generator) reads as "closed", with the same error
message for an unknown property everywhere. The names are the type's own :attr:`Shape.props`,
which the mapper also uses, so schema and instances cannot disagree.

Apart from :mod:`st9x.st97.compiler` because this one decision, with its two dialect forms, is
asked at every place a complex type's schema is emitted or referenced; the compiler asks it
through :meth:`TypeClosing.is_open` and :meth:`TypeClosing.close`.
"""

from __future__ import annotations

from typing import Any

from st9x.st97.model import is_builtin, namespace_regex
from st9x.st97.profiles import Settings
from st9x.st97.shape_builder import ShapeBuilder


class TypeClosing:
    """The closing half of the compiler, as a mixin: the compiler supplies its settings, shape
    builder and ``xsi-type`` mode."""

    settings: Settings
    shapes: ShapeBuilder
    xsi_anyof: bool

    def is_open(self, xsd_type: Any) -> bool:
        """Open definitions, closed where used: extension bases (decision 8) and, under
        ``xsi-type=anyof``, every type derived from a named type (an xsi:type variant adds
        ``$type`` beside a ``$ref`` to it, which a closed definition would reject)."""
        if self.settings.v2 and self.shapes.is_base(xsd_type):
            return True
        if not self.xsi_anyof:
            return False
        base = getattr(xsd_type, "base_type", None)
        return base is not None and not is_builtin(base)

    def close(self, schema: dict[str, Any], xsd_type: Any) -> dict[str, Any]:
        """Close an open type where it is used (``{"$ref": base}``) or an extension's
        ``allOf`` (decision 8). 2019-09/2020-12: ``unevaluatedProperties: false``, which sees
        the properties evaluated inside the ``$ref``/``allOf``. Draft-07 has no such keyword:
        ``additionalProperties: false`` with every allowed name listed (``true``: the real
        subschema is in the ``allOf``), the ``$ref`` moved into an ``allOf`` because draft-07
        ignores its siblings. Array shapes (JsonML) are left alone: closing is about objects."""
        if not self.settings.draft7:
            return {**schema, "unevaluatedProperties": False}
        shape = self.shapes.shape(xsd_type)
        jsonml = shape.kind == "mixed" and self.settings.mixed == "jsonml"
        if shape.kind == "collection" or jsonml:
            return schema
        parts = [schema] if "$ref" in schema else list(schema["allOf"])
        out = {key: value for key, value in schema.items() if key not in ("$ref", "allOf")}
        out["allOf"] = parts
        out["properties"] = {prop.name: True for prop in shape.props}
        if shape.kind != "mixed":
            out["properties"].update((key, True) for key in shape.typed_members())
        patterns = [w.pattern for w in shape.wildcards if shape.kind != "mixed"]
        if shape.any_attribute is not None:
            patterns.append(namespace_regex(shape.any_attribute, attribute=True))
        if patterns:
            out["patternProperties"] = {p: True for p in patterns}
        out["additionalProperties"] = False
        return out
