"""Value mutations: a text or attribute value replaced by one that breaks exactly one facet
kind of its simple type (enumeration, pattern, length, numeric bound, digits, datatype,
date/time), or a fixed value replaced by another valid value of its type.

A value is only changed if the new value breaks that kind and nothing else, checked facet by
facet (:func:`st9x.corpus.synth.xml.facets.violated_kinds`); the candidates tried are made from
the current value and the type's facets. Apart from the structural mutations
(:mod:`st9x.corpus.synth.xml.structure_mutations`) because these look only at simple types and
values, never at content models.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lxml import etree

from st9x.corpus.synth.records import Site
from st9x.corpus.synth.xml.facets import DATETIME_PRIMITIVES, builtin_of, violated_kinds
from st9x.corpus.synth.xml.model import is_simple_content
from st9x.corpus.synth.xml.mutation_context import (
    MutationContext,
    TreeSite,
    declared_attributes,
    scratch_context,
    short_name,
)

#: The kinds :func:`value_sites` breaks, one facet kind each.
VALUE_KINDS = ("enumeration", "pattern", "length", "numeric-bound", "digits", "datatype",
               "date-time")


def _value_targets(ctx: MutationContext) -> list[tuple[Any, str | None, Any, str]]:
    """(element, attribute name or None, simple type, current text) for every value."""
    targets = []
    for b in ctx.bound:
        xsd_type = b.decl.type
        if xsd_type.is_complex():
            for name, value in b.element.attrib.items():
                attribute = xsd_type.attributes.get(name)
                if attribute is None or attribute.fixed is not None:
                    continue
                targets.append((b.element, name, attribute.type, value))
        if is_simple_content(xsd_type) and b.decl.fixed is None and len(b.element) == 0:
            simple = xsd_type if xsd_type.is_simple() else xsd_type.content
            targets.append((b.element, None, simple, b.element.text or ""))
    return targets


def _candidates(kind: str, simple_type: Any, text: str, ctx: MutationContext) -> list[str]:
    """Values likely to break ``kind`` for ``simple_type``; the caller keeps only those that
    break exactly that kind."""
    summary = ctx.values.summary(simple_type)
    rng = ctx.rng
    found: list[str] = []
    if kind == "enumeration" and summary.enumeration:
        found += [text + "X", "ZZ", "st9x-not-listed", text[:-1] if len(text) > 1 else "Q"]
        base = getattr(simple_type, "base_type", None)
        if base is not None and base.is_simple():
            found += [ctx.values.value(base, "mutation", scratch_context()) for _ in range(5)]
    elif kind == "pattern" and summary.pattern_levels and text:
        for _ in range(6):
            position = rng.randrange(len(text))
            found.append(text[:position] + rng.choice("X!-a0~") + text[position + 1:])
        found += [text + "!", "!" + text[1:]]
    elif kind == "length" and (
        summary.length is not None or summary.min_length or summary.max_length is not None
    ):
        pad = text[-1:] or "a"
        if summary.length is not None:
            found += [text + pad, text[:-1]]
        if summary.max_length is not None:
            found.append((text + pad * (summary.max_length + 1))[: summary.max_length + 1])
        if summary.min_length:
            found.append(text[: summary.min_length - 1])
    elif kind == "numeric-bound" and summary.bounds:
        for literal in summary.bound_literals.values():
            found += _around(literal)
    elif kind == "digits" and (summary.total_digits is not None or summary.fraction_digits):
        if summary.fraction_digits is not None:
            point = "" if "." in text else "."
            found.append(f"{text}{point}" + "1" * (summary.fraction_digits + 1))
            found.append("0." + "1" * (summary.fraction_digits + 1))
        if summary.total_digits is not None:
            found.append("1" * (summary.total_digits + 1))
            found.append("0." + "1" * summary.total_digits)
    elif kind == "datatype":
        primitive = getattr(builtin_of(simple_type), "local_name", "")
        if primitive not in DATETIME_PRIMITIVES and primitive not in ("string",):
            found += ["st9x not valid", "1.2.3", "maybe", "1e", "a:b:c", "-", "12abc"]
    elif kind == "date-time":
        primitive = getattr(getattr(simple_type, "primitive_type", None), "local_name", "")
        if primitive in DATETIME_PRIMITIVES:
            found += ["2021-13-45", "2021/01/01", "31.12.2021", "25:61:00", "20x1",
                      "2021-02-30T10:00:00", "P1X"]
    return found


def _around(literal: str) -> list[str]:
    try:
        number = float(literal)
    except ValueError:
        return []
    if number.is_integer():
        whole = int(number)
        return [str(whole + 1), str(whole - 1), str(whole)]
    return [repr(number + 0.1), repr(number - 0.1), literal]


def value_sites(kind: str, ctx: MutationContext, limit: int = 8) -> list[TreeSite]:
    """Up to ``limit`` sites, from values visited in random order (checking every value of
    a large document facet by facet would dominate the run time)."""
    sites: list[TreeSite] = []
    targets = _value_targets(ctx)
    ctx.rng.shuffle(targets)
    for element, attribute, simple_type, text in targets:
        if len(sites) >= limit:
            break
        builtin = getattr(builtin_of(simple_type), "local_name", "")
        if builtin in ("ID", "IDREF", "IDREFS"):
            continue
        for candidate in dict.fromkeys(_candidates(kind, simple_type, text, ctx)):
            if candidate == text:
                continue
            try:
                broken = violated_kinds(simple_type, candidate)
            except Exception:
                broken = set()
            if broken == {kind}:
                sites.append(Site(kind, _set_value(ctx, element, attribute, candidate, kind)))
                break
    return sites


def _set_value(
    ctx: MutationContext, element: Any, attribute: str | None, value: str, kind: str
) -> Callable[[], str]:
    def apply() -> str:
        where = short_name(ctx.model, element.tag)
        if attribute is None:
            old = element.text
            element.text = value
            return f"{kind}: value of {where} changed from {old!r} to {value!r}"
        old = element.get(attribute)
        element.set(attribute, value)
        return f"{kind}: attribute {etree.QName(attribute).localname} of {where} changed " \
            f"from {old!r} to {value!r}"

    return apply


def fixed_value(ctx: MutationContext) -> list[TreeSite]:
    sites = []
    for b, name, attribute in declared_attributes(ctx):
        if attribute.fixed is None:
            continue
        other = _other_valid_value(ctx, attribute.type, attribute.fixed)
        if other is not None:
            sites.append(Site("fixed-value", _set_value(ctx, b.element, name, other,
                                                        "fixed-value")))
    for b in ctx.bound:
        if b.decl.fixed is not None and is_simple_content(b.decl.type) and len(b.element) == 0:
            simple = b.decl.type if b.decl.type.is_simple() else b.decl.type.content
            other = _other_valid_value(ctx, simple, b.decl.fixed)
            if other is not None:
                sites.append(Site("fixed-value", _set_value(ctx, b.element, None, other,
                                                            "fixed-value")))
    return sites


def _other_valid_value(ctx: MutationContext, simple_type: Any, fixed: str) -> str | None:
    candidates = [fixed.replace("6", "5"), fixed + "1", fixed.lower(), fixed.upper()]
    candidates += [ctx.values.value(simple_type, "mutation", scratch_context()) for _ in range(5)]
    for candidate in candidates:
        if candidate.strip() != fixed.strip() and not violated_kinds(simple_type, candidate):
            return candidate
    return None
