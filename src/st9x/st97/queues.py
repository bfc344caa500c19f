"""Where JSON values wait for the JSON → XML content-model walk.

JSON groups values by property, XML orders them by the content model: the walk first puts every
element value on a queue of its QName (:class:`Queues`), then emits them particle by particle.
A one-pass content model needs no queues, only the values per QName (:class:`Found`).
"""

from __future__ import annotations

from collections import deque
from typing import Any

from st9x.st97.plan import WILD, ElementPlan
from st9x.st97.pointer import Where


class Queues:
    """JSON values waiting to be placed by the content-model walk, per element QName.

    Values from an ordered array (``choice-unbounded=ordered``, legacy repeated choice
    wrappers) share one queue so their relative order survives; an element can only be taken
    from such a queue when it is at its head.

    ``count`` (values added minus values taken, per QName), ``live`` (the QNames whose count
    is not 0) and ``total`` are a cheap pre-filter for the walk: a QName outside ``live`` has
    no value anywhere, so it cannot be available, and a particle whose QNames are all outside
    it cannot emit anything."""

    __slots__ = ("count", "live", "plain", "shared", "total", "wild")

    def __init__(self) -> None:
        self.plain: dict[str, deque[Any]] = {}
        self.shared: dict[str, deque[tuple[str, Any]]] = {}
        self.count: dict[str, int] = {}
        self.live: set[str] = set()
        self.total = 0
        # wildcard members in JSON order: (tag, value, typed plan or None, pointer); counted
        # under the name WILD, which only xsd:any particles list among their QNames
        self.wild: list[tuple[str, Any, ElementPlan | None, Where]] = []

    def add_wild(self, tag: str, value: Any, plan: ElementPlan | None, where: Where) -> None:
        self.wild.append((tag, value, plan, where))
        self.count[WILD] = self.count.get(WILD, 0) + 1
        self.live.add(WILD)
        self.total += 1

    def take_wild(self, index: int) -> tuple[str, Any, ElementPlan | None, Where]:
        item = self.wild.pop(index)
        left = self.count[WILD] - 1
        self.count[WILD] = left
        if not left:
            self.live.discard(WILD)
        self.total -= 1
        return item

    def add(self, qname: str, values: list[Any]) -> None:
        plain = self.plain.get(qname)
        if plain is None:
            self.plain[qname] = deque(values)
        else:
            plain.extend(values)
        if values:
            self.count[qname] = self.count.get(qname, 0) + len(values)
            self.live.add(qname)
            self.total += len(values)

    def add_ordered(self, queue: deque[tuple[str, Any]], qname: str, value: Any) -> None:
        self.shared[qname] = queue
        queue.append((qname, value))
        self.count[qname] = self.count.get(qname, 0) + 1
        self.live.add(qname)
        self.total += 1

    def available(self, qname: str) -> bool:
        if self.plain.get(qname):
            return True
        shared = self.shared.get(qname)
        return bool(shared) and shared[0][0] == qname  # type: ignore[index]

    def pop(self, qname: str) -> Any:
        left = self.count[qname] - 1
        self.count[qname] = left
        if not left:
            self.live.discard(qname)
        self.total -= 1
        plain = self.plain.get(qname)
        if plain:
            return plain.popleft()
        return self.shared[qname].popleft()[1]

    def leftovers(self) -> list[str]:
        left = [q for q, d in self.plain.items() if d]
        for q, d in self.shared.items():
            if any(item[0] == q for item in d):
                left.append(q)
        left.extend(item[0] for item in self.wild)
        return sorted(set(left))


class Found:
    """What :meth:`~st9x.st97.to_xml.JsonToXml._flatten` finds for the elements of a one-pass
    content model: the values per QName, in the order found (no queues are needed to emit
    them)."""

    __slots__ = ("values",)

    def __init__(self) -> None:
        self.values: dict[str, list[Any]] = {}

    def add(self, qname: str, values: list[Any]) -> None:
        known = self.values.get(qname)
        if known is None:
            self.values[qname] = values
        else:
            self.values[qname] = [*known, *values]

