"""A page per subject: each validator adapter and each converter, with what it is, its counts
per corpus and the cases it failed on (linked to their drill-downs)."""

from __future__ import annotations

from collections.abc import Iterator

from st9x.matrix.subjects import converter_tables, validator_tables
from st9x.matrix.tables import Cell, Ref, Table, row_header
from st9x.report.site.links import cases, subject_path, targets
from st9x.report.site.model import Page, SiteContext


def _listing(ctx: SiteContext) -> Page:
    """``subjects.html``: every subject of the run, linked (the section's first page)."""
    run = ctx.latest
    rows = [(row_header(a["name"], Ref("subject", a["name"])), Cell("validator"),
             Cell(f"{a['library']} {a['version']}"), Cell(a.get("description", "")))
            for a in run.header.get("adapters", [])]
    if run.conversion_header is not None:
        rows += [(row_header(c["name"], Ref("subject", c["name"])), Cell("converter"),
                  Cell(f"{c.get('library', '')} {c.get('version', '')}"),
                  Cell(c.get("description", "")))
                 for c in run.conversion_header.get("converters", [])]
    table = Table("Validators and converters of this run",
                  ("subject", "kind", "library", "description"), tuple(rows))
    return Page("subjects.html", "Subjects", "listing.html",
                {"intro": "Each subject's page has its counts per corpus and the items it "
                          "broke, linked to their drill-downs.",
                 "tables": [table], "target": targets(ctx)}, section="Subjects")


def pages(ctx: SiteContext) -> Iterator[Page]:
    run = ctx.latest
    index = cases(ctx)
    target = targets(ctx)
    yield _listing(ctx)
    for adapter in run.header.get("adapters", []):
        name = adapter["name"]
        facts = [("kind", "validator adapter"), ("format", adapter["format"]),
                 ("library", f"{adapter['library']} {adapter['version']}"),
                 ("dialects", ", ".join(adapter["dialects"])),
                 ("description", adapter.get("description", ""))]
        yield Page(subject_path(name), f"Validator {name}", "subject.html",
                   {"facts": facts, "tables": validator_tables(name, run.summary, index),
                    "target": target}, section="Subjects")
    if run.conversion_header is None:
        return
    judged = run.conversion_judgements
    for conv in run.conversion_header.get("converters", []):
        name = conv["name"]
        options = conv.get("options") or {}
        facts = [("kind", "converter"),
                 ("library", f"{conv.get('library', '')} {conv.get('version', '')}"),
                 ("profile", conv.get("profile") or "—"),
                 ("options", ", ".join(f"{k}={v}" for k, v in sorted(options.items())) or "—"),
                 ("checks claimed", ", ".join(conv.get("claims") or ()) or
                  "none (measured only)"),
                 ("description", conv.get("description", ""))]
        yield Page(subject_path(name), f"Converter {name}", "subject.html",
                   {"facts": facts, "target": target,
                    "tables": converter_tables(name, run.conversion_summary, judged, index)},
                   section="Subjects")
