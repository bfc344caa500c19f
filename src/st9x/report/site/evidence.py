"""The register's evidence page (``evidence.html``): the measurements of
:mod:`st9x.matrix.evidence`, one table per register item and corpus, written out as text."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from st9x.matrix.evidence import (
    Agreement,
    RoundTrips,
    RuleVerdict,
    SizeChange,
    Timing,
    evidence,
)
from st9x.report.site.model import Page, SiteContext, slug


def share(part: int, whole: int) -> str:
    """``35/37 (94.6 %)``; ``none`` when there is nothing to count."""
    if not whole:
        return "none"
    return f"{part}/{whole} ({100 * part / whole:.1f} %)"


def roundtrips(r: RoundTrips) -> str:
    if not r.total:
        return "no XSD-valid instance"
    parts = [f"{r.exact} exact", f"{r.normalised} normalised", f"{r.lossy} lossy"]
    if r.other:
        parts.append(f"{r.other} not round-tripped")
    return f"{share(r.faithful, r.total)} faithful: {', '.join(parts)}"


def agreement(a: Agreement) -> str:
    if not a.decided and not a.undecided:
        return "no such instance"
    text = f"{share(a.agree, a.decided)} agree" if a.decided else "no verdict"
    if a.disagree:
        text += f", {a.disagree} disagree"
    if a.undecided:
        text += f", {a.undecided} without verdict"
    return text


def ms(t: Timing) -> str:
    if t.median_ms is None:
        return "not timed"
    return f"{t.median_ms:.2f} ms (n={t.count})"


def validation(timings: Mapping[str, Timing]) -> list[str]:
    return [f"{name}: {ms(t)}" for name, t in timings.items() if t.median_ms is not None] \
        or ["not timed"]


def number(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")  # a narrow no-break space groups the thousands


def change(value: SizeChange | None) -> str:
    if value is None:
        return ""
    sign = "+" if value.bytes >= 0 else "\u2212"
    return (f"{sign}{number(abs(value.bytes))} bytes ({100 * value.ratio:+.1f} %) "
            "vs the first option")


def rule(verdict: RuleVerdict | None) -> str:
    if verdict is None or not verdict.checked:
        return "not checked"

    def counts(level: Mapping[str, int]) -> str:
        return ", ".join(f"{n} {s}" for s, n in sorted(level.items())) or "none"

    word = "pass" if verdict.passed else "fail"
    return (f"{word}: schemas {counts(verdict.schema)}; instances {counts(verdict.instance)}")


def pages(ctx: SiteContext) -> Iterator[Page]:
    found = evidence(ctx.latest)
    yield Page(
        "evidence.html",
        "ST.97 register evidence",
        "evidence.html",
        {"evidence": found, "slug": slug, "fmt": {
            "share": share, "roundtrips": roundtrips, "agreement": agreement, "ms": ms,
            "validation": validation, "number": number, "change": change, "rule": rule,
        }},
        section="Evidence",
    )
