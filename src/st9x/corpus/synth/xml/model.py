"""An index of the part of a schema reachable from one root element.

Generation decisions need three things xmlschema's component model does not give directly:
stable labels for particles (for coverage), the set of components reachable from the root (the
coverage universe: declarations a root never reaches are not "unused"), and the minimal depth
of each particle (to end recursive structures such as MathML or nested tables by always taking
the shortest way out). Building it once per schema keeps generation itself a plain tree walk.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import xmlschema
from xmlschema.names import XSD_ANY_TYPE
from xmlschema.validators import XsdAnyElement, XsdElement, XsdGroup, XsdList, XsdUnion

from st9x.corpus.synth.xml.coverage import Coverage
from st9x.corpus.synth.xml.facets import enumeration_literals
from st9x.corpus.synth.xml.values import structured_base, type_label
from st9x.errors import SchemaError
from st9x.offline import local_opener

INF = math.inf


def load_schema(schema_path: str | Path) -> Any:
    """Build an XSD 1.0 schema that may only read local files (never the network)."""
    try:
        return xmlschema.XMLSchema10(
            str(schema_path), allow="local", defuse="always", opener=local_opener()
        )
    except (xmlschema.XMLSchemaException, OSError) as exc:
        raise SchemaError(f"cannot build schema: {exc}", path=schema_path) from None


def find_root(schema: Any, root: str) -> Any:
    """The global element for ``root`` in Clark notation or as a bare local name."""
    elements = schema.maps.elements
    if root in elements:
        return elements[root]
    if not root.startswith("{"):
        matches = [e for name, e in elements.items() if name.rpartition("}")[2] == root]
        own = [e for e in matches if e.target_namespace == schema.target_namespace]
        if len(own) == 1:
            return own[0]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise SchemaError(f"root {root!r} is ambiguous: {[e.name for e in matches]}")
    raise SchemaError(f"no global element {root!r} in the schema", path=schema.url)


def is_simple_content(xsd_type: Any) -> bool:
    return xsd_type.is_simple() or xsd_type.has_simple_content()


def is_any_type(xsd_type: Any) -> bool:
    return getattr(xsd_type, "name", None) == XSD_ANY_TYPE


class SchemaModel:
    """The reachable component graph of one root, with labels and minimal heights."""

    def __init__(self, schema: Any, root: str) -> None:
        self.schema = schema
        self.root = find_root(schema, root)
        self.coverage_universe = Coverage()
        self.labels: dict[int, str] = {}
        self.slot_labels: dict[int, str] = {}
        self.groups: list[Any] = []
        self.elements: list[Any] = []
        self._candidates: dict[int, list[Any]] = {}
        self._type_owner: dict[int, str] = {}
        self._seen_types: set[int] = set()
        #: Coverage items each type owns, and the types whose content uses each type: the
        #: guide uses them to find which subtrees still hold something unexercised.
        self.owned_labels: dict[int, list[tuple[str, str]]] = {}
        self.parent_types: dict[int, dict[int, None]] = {}
        self._group_height: dict[int, float] = {}
        self._element_height: dict[int, float] = {}
        self._content_types: dict[int, frozenset[int]] = {}
        self._scc: dict[int, int] = {}
        self.type_distance: dict[int, int] = {}
        self._index()
        self._compute_heights()
        self._compute_sccs()

    @classmethod
    def from_path(cls, schema_path: str | Path, root: str) -> SchemaModel:
        return cls(load_schema(schema_path), root)

    # -- public queries ---------------------------------------------------------------------

    def candidates(self, particle: Any) -> list[Any]:
        """The concrete declarations an element particle may appear as (itself unless
        abstract, plus its substitution group members), in a stable order."""
        key = id(particle)
        if key not in self._candidates:
            found = [] if particle.abstract else [particle]
            seen = {particle.name}
            for sub in sorted(particle.iter_substitutes(), key=lambda e: e.name):
                if sub.name not in seen and not sub.abstract:
                    seen.add(sub.name)
                    found.append(sub)
            self._candidates[key] = found
        return self._candidates[key]

    def scc_of(self, xsd_type: Any) -> int:
        """The strongly connected component of a type in the "contains" graph: types that
        contain each other (B inside I inside B, MathML) share one, so recursion through
        several types is recognised as recursion."""
        return self._scc.get(id(xsd_type), id(xsd_type))

    def content_type_ids(self, component: Any) -> frozenset[int]:
        """Recursion classes (:meth:`scc_of`) of the types of the elements one occurrence of
        ``component`` may hold at its top level."""
        key = id(component)
        cached = self._content_types.get(key)
        if cached is None:
            if isinstance(component, XsdElement):
                decls = [component] if component is self.root else self.candidates(component)
                cached = frozenset(self.scc_of(d.type) for d in decls)
            elif isinstance(component, XsdGroup):
                found: set[int] = set()
                for element in component.iter_elements():
                    found.update(self.scc_of(d.type) for d in self.candidates(element))
                cached = frozenset(found)
            else:
                cached = frozenset()
            self._content_types[key] = cached
        return cached

    def type_label(self, xsd_type: Any) -> str:
        if xsd_type.name:
            return xsd_type.prefixed_name
        return self._type_owner.get(id(xsd_type), "anonymous") + "#type"

    def label(self, component: Any) -> str:
        return self.labels.get(id(component), "?")

    def particle_label(self, particle: Any) -> str:
        if isinstance(particle, XsdElement):
            return particle.prefixed_name
        if isinstance(particle, XsdAnyElement):
            return "any"
        return self.label(particle)

    def height(self, particle: Any) -> float:
        """Minimal depth of elements one occurrence of ``particle`` needs."""
        if isinstance(particle, XsdElement):
            return self.element_height(particle)
        if isinstance(particle, XsdAnyElement):
            return 1
        return self._group_height.get(id(particle), INF)

    def element_height(self, particle: Any) -> float:
        key = id(particle)
        if key not in self._element_height:
            options = self.candidates(particle)
            heights = [self.decl_height(decl) for decl in options]
            self._element_height[key] = min(heights, default=INF)
        return self._element_height[key]

    def decl_height(self, decl: Any) -> float:
        """Minimal depth of one concrete declaration (itself plus its content)."""
        return 1 + self._type_height(decl.type)

    # -- indexing ---------------------------------------------------------------------------

    def _declare(self, owner_type: Any, dim: str, label: str) -> None:
        """Declare a coverage item and remember which type owns it (for the guide)."""
        self.coverage_universe.declare(dim, label)
        self.owned_labels.setdefault(id(owner_type), []).append((dim, label))

    def _index(self) -> None:
        queue: list[tuple[Any, Any]] = [(self.root, None)]
        self._type_owner[id(self.root.type)] = self.root.prefixed_name
        seen_elements: set[str] = set()
        self.coverage_universe.declare("elements", self.root.prefixed_name)
        while queue:
            element, parent_type = queue.pop()
            decls = self.candidates(element) if parent_type is not None else [element]
            for decl in decls:
                if parent_type is not None:
                    self.parent_types.setdefault(id(decl.type), {})[id(parent_type)] = None
                    self._declare(parent_type, "elements", decl.prefixed_name)
                if decl.name in seen_elements:
                    continue
                seen_elements.add(decl.name)
                self.elements.append(decl)
                self._type_owner.setdefault(id(decl.type), decl.prefixed_name)
                queue.extend((child, decl.type) for child in self._index_type(decl.type))

    def _index_type(self, xsd_type: Any) -> list[Any]:
        """Index one type; returns the element particles found in its content."""
        if id(xsd_type) in self._seen_types:
            return []
        self._seen_types.add(id(xsd_type))
        owner = self.type_label(xsd_type)
        if xsd_type.is_simple():
            self._index_simple(xsd_type, xsd_type, owner)
            return []
        for name, attribute in xsd_type.attributes.items():
            if name is None:
                continue
            label = f"{owner}/@{attribute.prefixed_name}"
            if attribute.use == "optional" and attribute.fixed is None:
                self._declare(xsd_type, "optional_attributes", label)
            self._index_simple(xsd_type, attribute.type, label)
        if xsd_type.has_simple_content():
            self._index_simple(xsd_type, xsd_type.content, owner)
            return []
        if is_any_type(xsd_type) or not isinstance(xsd_type.content, XsdGroup):
            return []
        found: list[Any] = []
        self._index_group(xsd_type, xsd_type.content, owner, found)
        return found

    def _index_group(self, owner_type: Any, group: Any, owner: str, found: list[Any]) -> None:
        if id(group) in self.labels:
            return
        label = f"{owner}/{group.model}"
        if group.ref is not None:
            label = f"{owner}/group({group.prefixed_name})"
        self.labels[id(group)] = label
        self.groups.append(group)
        for position, particle in enumerate(group):
            if isinstance(particle, XsdGroup):
                self._index_group(owner_type, particle, f"{label}[{position}]", found)
            plabel = self.particle_label(particle)
            if id(particle) not in self.slot_labels:  # else: a base particle met again
                self.slot_labels[id(particle)] = f"{label}[{position}]:{plabel}"
                if particle.min_occurs == 0:
                    self._declare(
                        owner_type, "optional_particles", self.slot_labels[id(particle)]
                    )
            if group.model == "choice":
                self._declare(owner_type, "choice_branches", f"{label}->[{position}]:{plabel}")
            if isinstance(particle, XsdElement):
                found.append(particle)
                if particle.abstract or list(particle.iter_substitutes()):
                    for decl in self.candidates(particle):
                        self._declare(
                            owner_type,
                            "substitutions",
                            f"{particle.prefixed_name}->{decl.prefixed_name}",
                        )

    def _index_simple(self, owner_type: Any, simple_type: Any, owner: str) -> None:
        label = type_label(simple_type, owner)
        facet = simple_type.get_facet("{http://www.w3.org/2001/XMLSchema}enumeration")
        if facet is not None:
            for value in enumeration_literals(facet):
                self._declare(owner_type, "enumeration_values", f"{label}={value}")
            return
        base = structured_base(simple_type)
        if isinstance(base, XsdUnion):
            for member in base.member_types:
                self._index_simple(owner_type, member, label)
        elif isinstance(base, XsdList):
            self._index_simple(owner_type, base.item_type, label)

    # -- recursion classes ------------------------------------------------------------------

    def _compute_sccs(self) -> None:
        """Tarjan's algorithm, iteratively (the graph is deep enough to hit Python's stack)."""
        children: dict[int, list[int]] = {}
        for child, parents in self.parent_types.items():
            for parent in parents:
                children.setdefault(parent, []).append(child)
        self._compute_distances(children)
        nodes = list(dict.fromkeys([*children, *self.parent_types]))
        index: dict[int, int] = {}
        low: dict[int, int] = {}
        on_stack: set[int] = set()
        stack: list[int] = []
        counter = 0
        for start in nodes:
            if start in index:
                continue
            work = [(start, iter(children.get(start, ())))]
            index[start] = low[start] = counter
            counter += 1
            stack.append(start)
            on_stack.add(start)
            while work:
                node, edges = work[-1]
                advanced = False
                for nxt in edges:
                    if nxt not in index:
                        index[nxt] = low[nxt] = counter
                        counter += 1
                        stack.append(nxt)
                        on_stack.add(nxt)
                        work.append((nxt, iter(children.get(nxt, ()))))
                        advanced = True
                        break
                    if nxt in on_stack:
                        low[node] = min(low[node], index[nxt])
                if advanced:
                    continue
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        self._scc[member] = node
                        if member == node:
                            break

    def _compute_distances(self, children: dict[int, list[int]]) -> None:
        """Breadth-first distance of each type from the root's type: the guide climbs from a
        target to the root through parents that are strictly closer, so it cannot loop."""
        root = id(self.root.type)
        self.type_distance = {root: 0}
        frontier = [root]
        while frontier:
            following: list[int] = []
            for node in frontier:
                for child in children.get(node, ()):
                    if child not in self.type_distance:
                        self.type_distance[child] = self.type_distance[node] + 1
                        following.append(child)
            frontier = following

    # -- minimal heights --------------------------------------------------------------------

    def _type_height(self, xsd_type: Any) -> float:
        if xsd_type.is_simple() or xsd_type.has_simple_content() or is_any_type(xsd_type):
            return 0
        content = xsd_type.content
        if not isinstance(content, XsdGroup) or content.min_occurs == 0:
            return 0
        return self._group_height.get(id(content), INF)

    def _particle_height(self, particle: Any) -> float:
        if particle.min_occurs == 0:
            return 0
        return self.height(particle)

    def _compute_heights(self) -> None:
        for group in self.groups:
            self._group_height[id(group)] = INF
        for _ in range(len(self.groups) + 1):
            changed = False
            for group in self.groups:
                heights = [self._particle_height(p) for p in group]
                if group.model == "choice":
                    value = min(heights, default=0)
                else:
                    value = max(heights, default=0)
                if value < self._group_height[id(group)]:
                    self._group_height[id(group)] = value
                    changed = True
            self._element_height.clear()
            if not changed:
                break
