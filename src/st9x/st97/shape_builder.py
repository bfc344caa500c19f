"""Building the :class:`~st9x.st97.model.Shape` of each complex type, once, for compiler and mapper.

One job: the type-level rules of the JSON form under a profile: attributes and
``xsd:anyAttribute``, simple content, extensions (``allOf`` of base and addition in v2, a nested
wrapper object in the legacy profile), mixed content, and decision 4's collections. It caches
one shape per type and reports what the shape cannot express. The particle walk is mixed in
from :mod:`st9x.st97.content_models` and the ``xsi:type`` variants from
:mod:`st9x.st97.xsi_variants`, each a concern of its own with its own state.
"""

from __future__ import annotations

from typing import Any

from xmlschema.validators import XsdAnyElement, XsdComplexType, XsdElement, XsdGroup

from st9x.st97.content_models import ContentModels
from st9x.st97.losses import LossLog
from st9x.st97.model import (
    Prop,
    Shape,
    has_any_attribute,
    is_builtin,
    iter_elements,
    iter_particles,
    simple_type_of,
)
from st9x.st97.names import PrefixTable, lower_camel, split_qname, unique_name
from st9x.st97.profiles import Settings
from st9x.st97.xsi_variants import XsiTypeVariants


class ShapeBuilder(ContentModels, XsiTypeVariants):
    """Builds (and caches) shapes for every complex type a conversion meets."""

    def __init__(self, schema: Any, settings: Settings, losses: LossLog,
                 prefixes: PrefixTable | None = None) -> None:
        self.schema = schema
        self.prefixes = prefixes
        self.settings = settings
        self.losses = losses
        self._shapes: dict[int, Shape] = {}
        self._siblings: set[int] = set()  # props created by earlier alternatives of a choice
        self._in_subst = False
        self._merged: dict[int, set[str]] = {}
        self._order_reported = False
        self.extension_bases: set[int] = set()
        self._derived: dict[int, list[Any]] | None = None
        self._xsi: dict[int, dict[str, Any]] = {}
        #: derived types an xsi:type variant refers to (their definitions are open, closed
        #: where used, like extension bases; option xsi-type=anyof)
        self.xsi_open: set[int] = set()
        for xsd_type in schema.maps.types.values():
            if (
                isinstance(xsd_type, XsdComplexType)
                and xsd_type.derivation == "extension"
                and isinstance(xsd_type.base_type, XsdComplexType)
                and not is_builtin(xsd_type.base_type)
            ):
                self.extension_bases.add(id(xsd_type.base_type))

    # -- public ---------------------------------------------------------------------------------
    def shape(self, xsd_type: Any) -> Shape:
        key = id(xsd_type)
        cached = self._shapes.get(key)
        if cached is None:
            cached = self._build(xsd_type)
            self._shapes[key] = cached
            merged = sorted(self._merged.pop(key, ()))
            if merged:
                shown = ", ".join(merged[:8]) + (f" and {len(merged) - 8} more"
                                                 if len(merged) > 8 else "")
                self.losses.add(
                    "merged-particles", xsd_type,
                    f"elements declared in several particles ({shown}): one array property "
                    "each holds all occurrences; per-position order and limits are not expressed",
                )
        return cached

    def is_base(self, xsd_type: Any) -> bool:
        return id(xsd_type) in self.extension_bases

    def v2_extension_parts(self, xsd_type: Any) -> tuple[Any, Any, list[str]] | None:
        """(base type, own content group or None, own attribute QNames) when decision 8 applies.

        ``None`` when the type is not an extension of a named complex type, or when xmlschema's
        effective content does not split into base + addition the way we expect (then the type
        is compiled standalone and a loss says so)."""
        if not self.settings.v2:
            return None
        if xsd_type.derivation != "extension":
            return None
        base = xsd_type.base_type
        if not isinstance(base, XsdComplexType) or is_builtin(base) or base.name is None:
            return None
        own_attrs = [q for q in xsd_type.attributes if q is not None and q not in base.attributes]
        if xsd_type.has_simple_content() or not isinstance(xsd_type.content, XsdGroup):
            return base, None, own_attrs
        content = xsd_type.content
        base_content = base.content if isinstance(base.content, XsdGroup) else None
        if base_content is None or len(base_content) == 0:
            return base, content, own_attrs
        if content is base_content:
            return base, None, own_attrs
        if len(content) == 2 and content[0] is base_content:
            return base, content[1], own_attrs
        self.losses.add(
            "extension-structure",
            xsd_type,
            "effective content of the extension does not split into base + addition; "
            "compiled as a standalone type (no allOf)",
        )
        return None

    # -- building ---------------------------------------------------------------------------------
    def _build(self, xsd_type: Any) -> Shape:
        shape = Shape(xsd_type)
        if has_any_attribute(xsd_type):
            wildcard = xsd_type.attributes[None]
            shape.any_attribute = wildcard
            if wildcard.process_contents != "skip":
                self.losses.add(
                    "any-attribute",
                    xsd_type,
                    f"xsd:anyAttribute processContents={wildcard.process_contents}: matched "
                    "attributes are string members (\"@{ns}local\"); the types of declared "
                    "global attributes"
                    + (" and strict's demand for a declaration are" if
                       wildcard.process_contents == "strict" else " are")
                    + " not checked in JSON",
                )
        ext = self.v2_extension_parts(xsd_type)
        if ext is not None and xsd_type.has_mixed_content():
            self.losses.add(
                "mixed-extension", xsd_type,
                "extension of/into mixed content: compiled standalone (no allOf), because the "
                "added elements belong inside the base's content array",
            )
            ext = None
        if ext is not None:
            return self._build_extension(shape, ext)
        legacy_base = self._legacy_base(xsd_type)
        taken: set[str] = set()
        if legacy_base is not None:
            base_shape = self.shape(legacy_base)
            name = lower_camel(split_qname(legacy_base.name)[1])
            # required only when the base's own object is never empty: the mapper writes the
            # wrapper when the instance has base content (an element or attribute) and an
            # element without any (``<tbl:row>`` with no attributes) has no wrapper
            group = Prop(name, "group", legacy_base, shape=base_shape,
                         required=any(p.required for p in base_shape.props)
                         or bool(base_shape.constraints))
            taken.add(name)
            shape.props.append(group)
            for qname, path in base_shape.elements.items():
                shape.elements[qname] = [group, *path]
            for qname, paths in base_shape.more_paths.items():
                shape.more_paths[qname] = [[group, *path] for path in paths]
            for qname, prop in base_shape.attributes.items():
                shape.elements.setdefault(f"@{qname}", [group, prop])
            # wildcard members of the base stay at the top level (they have no property)
            shape.wildcards = list(base_shape.wildcards)
            shape.wildcard = base_shape.wildcard
            own_group, own_attrs = self._legacy_own(xsd_type, legacy_base)
            self._add_attributes(shape, own_attrs, taken)
            if own_group is not None:
                self._add_content(shape, own_group, taken, whole=False)
            return shape
        self._add_attributes(shape, [q for q in xsd_type.attributes if q is not None], taken)
        if xsd_type.has_simple_content():
            text = Prop(
                self.settings.text_key, "text", simple_type_of(xsd_type), required=True
            )
            text.name = unique_name(text.name, taken, "Value")
            shape.text = text
            shape.props.append(text)
            return shape
        content = xsd_type.content
        if not isinstance(content, XsdGroup) or len(content) == 0:
            if xsd_type.mixed:
                return self._build_mixed(shape, None, taken)
            return shape
        if xsd_type.mixed:
            return self._build_mixed(shape, content, taken)
        self._add_content(shape, content, taken, whole=True)
        self._maybe_collapse(shape)
        return shape

    def _legacy_base(self, xsd_type: Any) -> Any:
        if self.settings.v2 or xsd_type.derivation != "extension":
            return None
        if xsd_type.has_mixed_content():
            self.losses.add("mixed-extension", xsd_type,
                            "extension of/into mixed content: compiled standalone (no nesting)")
            return None
        if xsd_type.has_simple_content():
            return None  # text and attributes stay together; nothing to nest
        base = xsd_type.base_type
        if not isinstance(base, XsdComplexType) or is_builtin(base) or base.name is None:
            return None
        return base

    def _legacy_own(self, xsd_type: Any, base: Any) -> tuple[Any, list[str]]:
        own_attrs = [q for q in xsd_type.attributes if q is not None and q not in base.attributes]
        content = xsd_type.content
        if xsd_type.has_simple_content() or not isinstance(content, XsdGroup):
            return None, own_attrs
        base_content = base.content if isinstance(base.content, XsdGroup) else None
        if base_content is None or len(base_content) == 0:
            return content, own_attrs
        if content is base_content:
            return None, own_attrs
        if len(content) == 2 and content[0] is base_content:
            return content[1], own_attrs
        return content, own_attrs

    def _build_extension(self, shape: Shape, ext: tuple[Any, Any, list[str]]) -> Shape:
        base, own_group, own_attrs = ext
        base_shape = self.shape(base)
        shape.base = base
        shape.kind = base_shape.kind if base_shape.kind == "mixed" else "object"
        shape.props = list(base_shape.props)
        shape.elements = dict(base_shape.elements)
        shape.attributes = dict(base_shape.attributes)
        shape.text = base_shape.text
        shape.constraints = list(base_shape.constraints)
        shape.wildcard = base_shape.wildcard
        shape.wildcards = list(base_shape.wildcards)
        taken = {p.name for p in shape.props}
        own = Shape(shape.xsd_type)
        self._add_attributes(own, own_attrs, taken)
        if own_group is not None:
            self._add_content(own, own_group, taken, whole=False)
        shape.own = own.props
        shape.own_constraints = own.constraints
        shape.props.extend(own.props)
        shape.constraints.extend(own.constraints)
        shape.elements.update(own.elements)
        shape.attributes.update(own.attributes)
        shape.wildcard = shape.wildcard or own.wildcard
        shape.own_wildcards = own.wildcards
        shape.wildcards.extend(own.wildcards)
        return shape

    def _add_attributes(self, shape: Shape, qnames: list[str], taken: set[str]) -> None:
        """Attributes are named first but yield to elements: an attribute whose name an
        element of the same type also wants becomes ``<name>Attribute``."""
        xsd_type = shape.xsd_type
        content = getattr(xsd_type, "content", None)
        reserved = {
            lower_camel(split_qname(e.name)[1]) for e in iter_elements(content)
        } if isinstance(content, XsdGroup) else set()
        for qname in qnames:
            attr = xsd_type.attributes[qname]
            name = unique_name(lower_camel(split_qname(qname)[1]), taken | reserved, "Attribute")
            if name != lower_camel(split_qname(qname)[1]):
                self.losses.add("name-collision", xsd_type,
                                f"attribute {qname} renamed to {name!r}")
            taken.add(name)
            prop = Prop(name, "attribute", attr, required=attr.use == "required")
            shape.props.append(prop)
            shape.attributes[qname] = prop

    def _maybe_collapse(self, shape: Shape) -> None:
        """Decision 4: an element whose content is one repeated child is the JSON array."""
        if not self.settings.v2 or shape.attributes or shape.any_attribute or shape.wildcard:
            return
        if self.is_base(shape.xsd_type) or shape.xsd_type.derivation == "extension":
            return
        if len(shape.props) != 1:
            return
        prop = shape.props[0]
        if not prop.array or prop.kind not in ("element", "ordered"):
            return
        shape.kind = "collection"
        shape.item = prop
        # an empty Bag element is an empty array: the collection's own minimum applies
        prop.min_items = prop.occurs_min if prop.required else 0
        shape.constraints = []

    def _build_mixed(self, shape: Shape, content: Any, taken: set[str]) -> Shape:
        shape.kind = "mixed"
        mode = self.settings.mixed
        members: dict[str, tuple[str, Any]] = {}
        if content is not None:
            for decl in iter_elements(content):
                members.setdefault(decl.name, (lower_camel(split_qname(decl.name)[1]), decl))
            for p in iter_particles(content):
                if isinstance(p, XsdAnyElement):
                    shape.wildcard = True
                    if mode == "content-array":
                        shape.wildcards.append(self.wildcard(p, p.min_occurs, p.max_occurs,
                                                             mixed=True))
                    else:
                        self.losses.add(
                            "wildcard", p,
                            f"xsd:any inside mixed content under mixed={mode}: "
                            + ("wildcard elements become JsonML arrays with their local name "
                               "only (namespace lost)" if mode == "jsonml" else
                               "wildcard elements are dropped, only their text is kept"),
                        )
        if mode == "text-only":
            prop = Prop(unique_name(self.settings.text_key, taken, "Value"), "text",
                        None, required=False)
            if members:
                self.losses.add(
                    "mixed-content", shape.xsd_type,
                    "mixed=text-only: inline elements "
                    f"({', '.join(sorted(k for k, _ in members.values()))}) are dropped; "
                    "only their text is kept",
                )
        else:
            prop = Prop(unique_name("content", taken, "Content"), "content", content,
                        array=True, required=False)
            if content is not None and not _is_free_choice(content):
                self.losses.add(
                    "mixed-content", shape.xsd_type,
                    f"mixed={mode}: the order and number of inline elements are not "
                    "constrained (the content model is more than a repeated choice)",
                )
            if mode == "jsonml":
                self.losses.add(
                    "mixed-content", shape.xsd_type,
                    "mixed=jsonml: inline elements are generic JsonML arrays, their own "
                    "content is not typed",
                )
        prop.members = members
        prop.shape = shape  # content-array: the compiler reads the shape's wildcards
        shape.text = prop
        shape.props.append(prop)
        for qname in members:
            shape.elements[qname] = [prop]
        return shape


def _is_free_choice(group: Any) -> bool:
    """True for ``(a|b|…)*`` (optionally wrapped in a one-particle sequence): the content a
    JSON list of strings and single-key objects expresses exactly."""
    while isinstance(group, XsdGroup) and group.model == "sequence" and len(group) == 1:
        if not isinstance(group[0], XsdGroup):
            return group[0].max_occurs is None and group[0].min_occurs == 0
        if group.max_occurs is not None and group.max_occurs <= 1:
            group = group[0]
        else:
            break
    if not isinstance(group, XsdGroup):
        return False
    if group.model != "choice" or group.max_occurs is not None:
        return False
    return group.min_occurs == 0 and all(
        isinstance(p, XsdElement) for p in group
    )
