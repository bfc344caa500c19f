"""A drill-down per case (``cases/<corpus>/<case>.html``): the instance (escaped, with line
numbers, capped), where its schema is, every validator's verdict, judgement and located errors,
the ledger entry behind an expected failure, and for each converter its checks, the converted
JSON and the round-trip difference.

Files are read only as :mod:`st9x.report.site.sources` allows: artefacts from inside the
results folder, instances from the embedded corpora or ``--source`` folders and only with the
record's SHA-256; otherwise the page says why a file is not shown.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from st9x.corpus.load import embedded_corpora_dir
from st9x.matrix.cases import CaseView
from st9x.report.site.links import case_path, cases, corpus_path, subject_path
from st9x.report.site.model import Page, SiteContext
from st9x.report.site.sources import Shown, Sources, allowed_roots, artefact


def _converted(view: CaseView, results: Path) -> list[dict[str, Any]]:
    out = []
    for conv in view.conversions:
        record = conv.record
        artefacts = record.get("artefacts") or {}
        trip = record.get("roundtrip") or {}
        out.append({
            "converter": conv.converter,
            "link": subject_path(conv.converter),
            "conversion": record.get("conversion") or {},
            "xsd_verdict": record.get("xsd_verdict"),
            "json_verdicts": record.get("json_verdicts") or {},
            "checks": conv.checks,
            "json": artefact(results, artefacts.get("json")) if artefacts.get("json")
            else None,
            "roundtrip_status": trip.get("status"),
            "difference": trip.get("difference"),
            "losses": trip.get("losses") or [],
        })
    return out


def pages(ctx: SiteContext) -> Iterator[Page]:
    run = ctx.latest
    index = cases(ctx)
    sources: Sources = allowed_roots(embedded_corpora_dir(), ctx.options.get("sources") or ())
    corpus_paths = {c["id"]: c.get("path") for c in run.header.get("corpora", [])}
    xsds = {(r["corpus"], r["schema"]): r.get("xsd") for r in run.conversion_records
            if r["type"] == "schema"}
    for corpus, views in index.by_corpus.items():
        back = corpus_path(corpus)
        for view in views:
            shown: Shown = sources.instance(corpus_paths.get(corpus), corpus, view.instance,
                                            view.instance_sha256)
            schema_file = None
            if view.schema and view.schema.startswith(f"{corpus}/"):
                schema_file = xsds.get((corpus, view.schema[len(corpus) + 1:]))
            yield Page(
                case_path(corpus, view.case),
                f"Case {view.case}",
                "case.html",
                {"view": view, "instance": shown, "corpus_link": back,
                 "schema_file": schema_file,
                 "verdicts": [(v, subject_path(v.adapter)) for v in view.verdicts],
                 "converted": _converted(view, run.directory)},
                section="Corpora",
            )
