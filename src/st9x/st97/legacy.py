"""Legacy wrapper objects (profile ``st97-v1-legacy``), both ways.

Under the legacy profile an element's JSON value may sit below wrapper objects (a
``<type>Choice<n>`` per choice, an object named after the base type for an extension), so an
element has a property *path* rather than one property, and an element that several choices
share has several paths. XML → JSON places each child along the path that can still take
it (:func:`place_children`, :func:`choose_path`); JSON → XML puts the values of repeated or
shared wrappers onto one ordered queue (:func:`push_wrapper`) so that the content-model walk
meets them in wrapper order.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Any

from st9x.st97.model import Prop
from st9x.st97.plan import ElementPlan, real
from st9x.st97.pointer import fail
from st9x.st97.queues import Queues
from st9x.st97.wildcards import wild_to_json

if TYPE_CHECKING:
    from st9x.st97.to_json import XmlToJson

# -- XML → JSON ---------------------------------------------------------------------------------


def place_children(reader: XmlToJson, elem: Any, plan: ElementPlan, obj: dict[str, Any]) -> None:
    """Element-only content of a plan with wrapper paths (text already checked)."""
    shape = plan.shape
    assert shape is not None
    for child in elem:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        path = shape.elements.get(tag)
        if path is None:
            if plan.wild is not None:
                wild_to_json(reader, child, elem, plan, obj)
                continue
            raise reader.error(child, f"unexpected element {tag} in {elem.tag}")
        more = shape.more_paths.get(tag)
        if more:
            path = choose_path([path, *more], obj)
        reader.place_child(obj, path, child)


def choose_path(paths: list[list[Prop]], obj: dict[str, Any]) -> list[Prop]:
    """The first of an element's legacy wrapper paths (content-model order) that can still
    take it: not full, and no later wrapper already started (the content model has moved
    past this one); the last path when none can (the walk then reports the problem)."""
    for i, path in enumerate(paths[:-1]):
        if is_full(obj, path):
            continue
        if any(started(obj, path, later) for later in paths[i + 1:]):
            continue
        return path
    return paths[-1]


def is_full(container: dict[str, Any], path: list[Prop]) -> bool:
    """True when ``path`` cannot take one more element: a single-valued property on it is
    already set, or a choice wrapper on it already holds an alternative that the element
    cannot continue (another alternative, or a later particle of the same one), so the element
    belongs to the next wrapper in content-model order."""
    target: Any = container
    for depth, group in enumerate(path[:-1]):
        if group.array:
            return False
        target = target.get(group.name)
        if target is None:
            return False
        if group.shape is not None and group.shape.alternatives and \
                not continues(group.shape.alternatives, target, path[depth + 1].name):
            return True
    return not path[-1].array and path[-1].name in target


def continues(alternatives: dict[str, dict[int, int]], wrapper: dict[str, Any],
              key: str) -> bool:
    """Whether a legacy choice wrapper holding ``wrapper`` can take property ``key`` too: some
    alternative contains ``key`` and every property already there, each before ``key`` (or
    ``key`` itself, whose repetition the caller checks)."""
    mine = alternatives.get(key)
    if not mine:
        return True
    for index, position in mine.items():
        if all(k == key or alternatives.get(k, {}).get(index, position) < position
               for k in wrapper):
            return True
    return False


def started(container: dict[str, Any], path: list[Prop], later: list[Prop]) -> bool:
    """Whether the wrapper where ``later`` leaves ``path`` already exists in ``container``."""
    target: Any = container
    for depth, group in enumerate(later[:-1]):
        if depth < len(path) and path[depth] is group:
            if group.array:
                return False
            target = target.get(group.name)
            if target is None:
                return False
            continue
        return group.name in target
    return False


# -- JSON → XML ---------------------------------------------------------------------------------


def push_wrapper(group: Prop, wrapper: dict[str, Any], queues: Queues,
                 shared: deque[tuple[str, Any]], where: str, *,
                 in_order: bool = False) -> None:
    """One item of a legacy repeated-choice wrapper array, in order, onto ``shared``
    (``in_order``: the wrapper's properties in content-model order, not the JSON's)."""
    assert group.shape is not None
    sub = {p.name: p for p in group.shape.props}
    items: Any = wrapper.items()
    if in_order:
        rank = {name: i for i, name in enumerate(sub)}
        items = sorted(items, key=lambda kv: rank.get(kv[0], -1))
    for key, x in items:
        subprop = sub.get(key)
        if subprop is None or subprop.kind not in ("element", "group"):
            raise fail(where, f"unknown property {key!r}")
        values = x if subprop.array else [x]
        if not isinstance(values, list):
            raise fail(f"{where}/{key}", "expected an array")
        for one in values:
            if subprop.kind == "element":
                queues.add_ordered(shared, real(subprop.component).name, one)
            elif isinstance(one, dict):
                push_wrapper(subprop, one, queues, shared, f"{where}/{key}", in_order=in_order)
            else:
                raise fail(f"{where}/{key}", "expected an object")
