"""Build one instance tree by walking the content model from the root.

Walking the grammar (sequence → each particle, choice → one branch, occurs → a count) can only
produce documents in the content model's language, so structural validity holds by construction
and the validators are left to catch value and identity problems. Decisions prefer what the
corpus has not exercised yet; past a soft depth or element budget every decision becomes
minimal (no optional parts, the shallowest branch), which is what ends recursive types.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from xmlschema.validators import XsdAnyElement, XsdElement, XsdGroup

from st9x.corpus.synth.xml.coverage import Coverage
from st9x.corpus.synth.xml.guide import Guide
from st9x.corpus.synth.xml.model import SchemaModel, is_any_type, is_simple_content
from st9x.corpus.synth.xml.values import (
    IDREF_MARKER,
    WORDS,
    DocumentContext,
    ValueFactory,
    type_label,
)

WILDCARD_NAMESPACE = "urn:st9x:generated:any"
#: Depth beyond the soft limit at which generation gives up (only a schema whose root has no
#: finite instance gets there).
HARD_DEPTH_MARGIN = 80


class GenerationError(Exception):
    """The schema has no finite instance along a required path."""


@dataclass
class BuildOptions:
    """Knobs of the decision policy; defaults keep small documents small."""

    soft_depth: int = 14
    max_elements: int = 1000
    optional_rate: float = 0.2
    unseen_rate: float = 0.9
    fresh_rate: float = 0.9
    fresh_targets: int | None = 8
    #: How many elements of one recursive family (see SchemaModel.scc_of) may nest before
    #: coverage stops pulling the walk deeper into it.
    recursion_allowance: int = 3
    depth_decay: float = 0.85
    repeat_weights: tuple[float, ...] = (0.6, 0.3, 0.1)
    mixed_text_rate: float = 0.5
    optional_fixed_attribute_rate: float = 0.5


@dataclass
class GrowthSlot:
    """Where one more occurrence of a repeatable element particle may be inserted."""

    particle: Any
    parent: Any
    anchor: Any
    count: int
    depth: int


@dataclass
class _IdrefSite:
    element: Any
    attribute: str | None
    required: bool


@dataclass
class BuildResult:
    root: Any
    context: DocumentContext
    elements: int = 0
    slots: list[GrowthSlot] = field(default_factory=list)


class InstanceBuilder:
    """Builds instances of one model; coverage is shared across all instances of a corpus."""

    def __init__(
        self,
        model: SchemaModel,
        coverage: Coverage,
        rng: random.Random,
        options: BuildOptions | None = None,
    ) -> None:
        self.model = model
        self.coverage = coverage
        self.rng = rng
        self.options = options or BuildOptions()
        self.values = ValueFactory(rng, coverage)
        self.guide = Guide(model, coverage)
        self.nsmap = _namespace_map(model)
        self._ctx = DocumentContext()
        self._count = 0
        self._slots: list[GrowthSlot] = []
        self._idrefs: list[_IdrefSite] = []
        self._on_path: dict[int, int] = {}

    # -- entry points -----------------------------------------------------------------------

    def build(self, size_target: int | None = None) -> BuildResult:
        self._ctx = DocumentContext()
        self._count = 0
        self._slots = []
        self._idrefs = []
        self.guide.refresh(self.rng, self.options.fresh_targets)
        decl = self.model.root
        root = etree.Element(decl.name, nsmap=self.nsmap)
        self.coverage.mark("elements", decl.prefixed_name)
        self._fill(root, decl, 0)
        if size_target:
            self._grow(root, size_target)
        self._resolve_idrefs()
        return BuildResult(root, self._ctx, self._count, self._slots)

    def element_for(self, parent: Any, particle: Any, depth: int) -> Any:
        """Append one valid occurrence of ``particle`` under ``parent`` (the mutation engine
        uses this to add a second choice alternative). IDs get their own prefix so they
        cannot collide with the document's."""
        self._ctx = DocumentContext(id_prefix="st9xadded")
        self._idrefs = []
        self._count = 0
        child = self._element(parent, particle, depth)
        self._resolve_idrefs()
        return child

    # -- decisions --------------------------------------------------------------------------

    def _minimal(self, depth: int) -> bool:
        if depth > self.options.soft_depth + HARD_DEPTH_MARGIN:
            raise GenerationError(f"no finite instance below depth {depth}")
        return depth >= self.options.soft_depth or self._count >= self.options.max_elements

    def _include_optional(
        self, dim: str, label: str, depth: int, particle: Any = None
    ) -> bool:
        if particle is not None and self._leads_to_fresh(particle):
            rate = self.options.fresh_rate
        elif particle is not None and self._is_recursive(particle):
            rate = self.options.optional_rate * self.options.depth_decay**depth
        elif not self.coverage.is_seen(dim, label):
            rate = self.options.unseen_rate
        else:
            rate = self.options.optional_rate * self.options.depth_decay**depth
        if self.rng.random() < rate:
            self.coverage.mark(dim, label)
            return True
        return False

    def _occurs(self, particle: Any, depth: int) -> int:
        low, high = particle.min_occurs, particle.max_occurs
        minimal = self._minimal(depth)
        if low == 0:
            if minimal or self.model.height(particle) == math.inf:
                return 0
            label = self.model.slot_labels.get(id(particle), "?")
            if not self._include_optional("optional_particles", label, depth, particle):
                return 0
            low = 1
        if minimal or (high is not None and high <= low):
            return low
        extra = self.rng.choices(
            range(len(self.options.repeat_weights)), weights=self.options.repeat_weights
        )[0]
        return low + extra if high is None else min(high, low + extra)

    # -- tree walking -----------------------------------------------------------------------

    def _fill(self, element: Any, decl: Any, depth: int) -> None:
        scc = self.model.scc_of(decl.type)
        self._on_path[scc] = self._on_path.get(scc, 0) + 1
        try:
            self._fill_content(element, decl, depth)
        finally:
            self._on_path[scc] -= 1
            if not self._on_path[scc]:
                del self._on_path[scc]

    def _fill_content(self, element: Any, decl: Any, depth: int) -> None:
        self._count += 1
        xsd_type = decl.type
        owner = self.model.type_label(xsd_type)
        if xsd_type.is_complex():
            self._attributes(element, xsd_type, owner, depth)
        if is_simple_content(xsd_type):
            simple = xsd_type if xsd_type.is_simple() else xsd_type.content
            if decl.fixed is not None:
                text = decl.fixed
            else:
                text = self.values.value(simple, type_label(simple, owner), self._ctx)
            element.text = text
            if IDREF_MARKER in text:
                self._idrefs.append(_IdrefSite(element, None, True))
            return
        if is_any_type(xsd_type) or not isinstance(xsd_type.content, XsdGroup):
            return
        self._particle(element, xsd_type.content, depth)
        if xsd_type.mixed and self.rng.random() < self.options.mixed_text_rate:
            self._mixed_text(element)

    def _attributes(self, element: Any, xsd_type: Any, owner: str, depth: int) -> None:
        for name, attribute in xsd_type.attributes.items():
            if name is None or attribute.use == "prohibited":
                continue
            label = f"{owner}/@{attribute.prefixed_name}"
            if attribute.use == "optional":
                if attribute.fixed is not None:
                    if self.rng.random() >= self.options.optional_fixed_attribute_rate:
                        continue
                elif self._minimal(depth) or not self._include_optional(
                    "optional_attributes", label, depth
                ):
                    continue
            if attribute.fixed is not None:
                value = attribute.fixed
            else:
                value = self.values.value(
                    attribute.type, type_label(attribute.type, label), self._ctx
                )
            element.set(name, value)
            if IDREF_MARKER in value:
                self._idrefs.append(_IdrefSite(element, name, attribute.use == "required"))

    def _particle(self, parent: Any, particle: Any, depth: int) -> None:
        count = self._occurs(particle, depth)
        last = None
        for _ in range(count):
            if isinstance(particle, XsdElement):
                last = self._element(parent, particle, depth)
            elif isinstance(particle, XsdGroup):
                self._group_once(parent, particle, depth)
            elif isinstance(particle, XsdAnyElement):
                self._wildcard(parent, particle, depth)
        if last is not None and (particle.max_occurs is None or count < particle.max_occurs):
            self._slots.append(GrowthSlot(particle, parent, last, count, depth))

    def _group_once(self, parent: Any, group: Any, depth: int) -> None:
        if group.model != "choice":
            particles = list(group)
            if group.model == "all":
                self.rng.shuffle(particles)
            for particle in particles:
                self._particle(parent, particle, depth)
            return
        branches = [(i, p) for i, p in enumerate(group) if self._branch_height(p) < math.inf]
        if not branches:
            return
        if self._minimal(depth):
            lowest = min(self._branch_height(p) for _, p in branches)
            branches = [(i, p) for i, p in branches if self._branch_height(p) == lowest]
        label = self.model.label(group)
        options = [(f"{label}->[{i}]:{self.model.particle_label(p)}", p) for i, p in branches]
        chosen_label, chosen = self._prefer(options, "choice_branches")
        self.coverage.mark("choice_branches", chosen_label)
        self._particle(parent, chosen, depth)

    def _prefer(self, options: list[tuple[str, Any]], dim: str) -> tuple[str, Any]:
        """Unseen options first, then options leading to fresh subtrees, then any."""
        unseen = [o for o in options if not self.coverage.is_seen(dim, o[0])]
        if unseen:
            return self.rng.choice(unseen)
        fresh = [o for o in options if self._leads_to_fresh(o[1])]
        return self.rng.choice(fresh or options)

    def _leads_to_fresh(self, component: Any) -> bool:
        """Whether the component leads toward a type the guide marked fresh. With untargeted
        guidance recursive families (phrases, MathML) stay fresh as long as anything below
        them is, so they are not chased; targeted chains strictly approach the root and
        cannot loop, so they are followed even through recursive families."""
        if self.options.fresh_targets is None and self._is_recursive(component):
            return False
        if isinstance(component, XsdElement) and component.parent is None:
            return id(component.type) in self.guide.fresh
        return self.guide.particle_is_fresh(component)

    def _is_recursive(self, component: Any) -> bool:
        """Whether the component can hold a type already open on the current path."""
        limit = self.options.recursion_allowance
        return any(
            self._on_path.get(scc, 0) >= limit
            for scc in self.model.content_type_ids(component)
        )

    def _branch_height(self, particle: Any) -> float:
        return 0 if particle.min_occurs == 0 else self.model.height(particle)

    def _element(self, parent: Any, particle: Any, depth: int) -> Any:
        options = self.model.candidates(particle)
        if self._minimal(depth):
            lowest = min(self.model.decl_height(d) for d in options)
            options = [d for d in options if self.model.decl_height(d) == lowest]
        decl = options[0]
        if len(options) > 1 or decl is not particle:
            labelled = [(f"{particle.prefixed_name}->{d.prefixed_name}", d) for d in options]
            chosen_label, decl = self._prefer(labelled, "substitutions")
            self.coverage.mark("substitutions", chosen_label)
        self.coverage.mark("elements", decl.prefixed_name)
        child = etree.SubElement(parent, decl.name)
        self._fill(child, decl, depth + 1)
        return child

    def _wildcard(self, parent: Any, wildcard: Any, depth: int) -> None:
        """Wildcards with skip/lax processing get a placeholder element; strict ones would
        need a declared global element, which the model does not choose yet."""
        if wildcard.process_contents == "strict":
            self._ctx.problems.append(f"strict wildcard under {parent.tag} not generated")
            return
        for namespace in (WILDCARD_NAMESPACE, ""):
            if wildcard.is_namespace_allowed(namespace):
                tag = f"{{{namespace}}}any" if namespace else "any"
                etree.SubElement(parent, tag).text = "x"
                return
        self._ctx.problems.append(f"no namespace allowed by wildcard under {parent.tag}")

    def _mixed_text(self, element: Any) -> None:
        element.text = self.rng.choice(WORDS) + " "
        for child in element:
            if self.rng.random() < 0.5:
                child.tail = " " + self.rng.choice(WORDS) + " "

    # -- size growth and references ---------------------------------------------------------

    def _grow(self, root: Any, target: int) -> None:
        """Insert further occurrences of repeatable particles, shallowest first, until the
        serialized size reaches ``target``: long bags, as in bulk data.

        Linear in the output: slots are kept by depth, so a draw looks at the two shallowest
        depths only, and the size is a running sum of the inserted subtrees corrected by the
        whole document's size (pretty-printed, as written) whenever the sum says the target is
        reached. A subtree serialized alone repeats its namespace declarations and lacks the
        indentation, so the ratio of measured to summed growth corrects the sum from there on;
        the document is measured a few times, not once per insertion.
        """
        by_depth: dict[int, list[GrowthSlot]] = {}
        for slot in self._slots:
            by_depth.setdefault(slot.depth, []).append(slot)
        known = len(self._slots)
        measured = estimate = _document_size(root)
        scale = 1.0
        while by_depth:
            if estimate >= target:
                size = _document_size(root)
                if size >= target:
                    break
                if estimate > measured:
                    scale *= (size - measured) / (estimate - measured)
                measured = estimate = size
            shallowest = min(by_depth)
            first = by_depth[shallowest]
            second = by_depth.get(shallowest + 1, [])
            index = self.rng.randrange(len(first) + len(second))
            bucket, at = (first, index) if index < len(first) else (second, index - len(first))
            slot = bucket[at]
            if slot.particle.max_occurs is not None and slot.count >= slot.particle.max_occurs:
                del bucket[at]
                if not bucket:
                    del by_depth[slot.depth]
                continue
            self._count = 0
            child = self._element(slot.parent, slot.particle, slot.depth)
            slot.anchor.addnext(child)
            slot.anchor = child
            slot.count += 1
            estimate += len(etree.tostring(child)) * scale
            for added in self._slots[known:]:
                by_depth.setdefault(added.depth, []).append(added)
            known = len(self._slots)

    def _resolve_idrefs(self) -> None:
        for site in self._idrefs:
            if site.attribute is None:
                current = site.element.text or ""
            else:
                current = site.element.get(site.attribute, "")
            if IDREF_MARKER not in current:
                continue
            if not self._ctx.ids:
                if site.attribute is not None and not site.required:
                    del site.element.attrib[site.attribute]
                    continue
                self._ctx.problems.append(f"IDREF in {site.element.tag} but no ID in document")
                continue
            words = [
                self.rng.choice(self._ctx.ids) if IDREF_MARKER in w else w
                for w in current.split(" ")
            ]
            if site.attribute is None:
                site.element.text = " ".join(words)
            else:
                site.element.set(site.attribute, " ".join(words))
        self._idrefs = []


def _document_size(root: Any) -> int:
    """The size of the document as :func:`st9x.corpus.synth.xml.generate.serialize` writes it
    (pretty-printed, without the XML declaration)."""
    return len(etree.tostring(root, pretty_print=True))


def _namespace_map(model: SchemaModel) -> dict[str | None, str]:
    """Prefixes for the namespaces the root can reach, taken from the schemas' own prefixes
    (``com``, ``tmk``, ...) so that generated documents read like real ones."""
    used: dict[str, None] = {}
    for decl in model.elements:
        if decl.target_namespace:
            used.setdefault(decl.target_namespace, None)
        if decl.type.is_complex():
            for name in decl.type.attributes:
                if name and name.startswith("{"):
                    used.setdefault(name[1:].partition("}")[0], None)
    # xmlschema does not promise an order for iter_schemas(), and several schemas may name
    # one namespace differently (MathML is "m" in its own schema, "mathml" in Common): take
    # the prefix the namespace's own schema uses, else the alphabetically first, so that the
    # bytes depend on the seed only.
    schemas = sorted(model.schema.maps.iter_schemas(), key=lambda s: s.url or "")
    prefixes: dict[str, str] = {}
    for uri in used:
        own = [
            prefix
            for schema in schemas
            if schema.target_namespace == uri
            for prefix, value in schema.namespaces.items()
            if prefix and value == uri
        ]
        anywhere = sorted(
            prefix
            for schema in schemas
            for prefix, value in schema.namespaces.items()
            if prefix and value == uri
        )
        for prefix in [*own, *anywhere]:
            if prefix not in prefixes:
                prefixes[prefix] = uri
                break
    nsmap: dict[str | None, str] = {}
    for index, uri in enumerate(used):
        prefix = next((p for p, u in prefixes.items() if u == uri), f"ns{index}")
        nsmap[prefix] = uri
    return nsmap
