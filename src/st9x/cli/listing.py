"""``st9x adapters`` and ``st9x corpora``: what this installation can run, and on what."""

from __future__ import annotations

import argparse
from typing import Any

from st9x.cli.console import add_format_option, err, print_json, print_table
from st9x.cli.exitcodes import ExitCode
from st9x.options import add_cli_options

_ADAPTER_COLUMNS = ("name", "format", "library", "version", "dialects", "description")
_VERDICTS = ("valid", "invalid", "errored", "unknown")
_CORPUS_COLUMNS = ("id", "path", "schemas", "cases", *_VERDICTS, "pairs")


def register(sub: Any) -> None:
    p = sub.add_parser("adapters", help="list adapters, their libraries and dialects")
    p.set_defaults(handler=cmd_adapters)
    add_cli_options(p, ("external",))
    add_format_option(p)
    p = sub.add_parser("corpora", help="list corpora with their case counts")
    p.set_defaults(handler=cmd_corpora)
    add_cli_options(p, ("corpus",))
    add_format_option(p)


def cmd_adapters(args: argparse.Namespace) -> ExitCode:
    from st9x.subjects.registry import discover_adapters, select_adapters

    found, broken = discover_adapters()
    adapters = select_adapters(None, args.external) if args.external else found
    infos = [adapters[name].info() for name in sorted(adapters)]
    if args.format == "json":
        print_json(
            {
                "adapters": [{c: getattr(i, c) for c in _ADAPTER_COLUMNS} for i in infos],
                "unavailable": [{"name": b.name, "reason": b.reason} for b in broken],
            }
        )
        return ExitCode.OK
    print_table(
        "adapters",
        _ADAPTER_COLUMNS,
        (
            (i.name, i.format, i.library, i.version, ", ".join(i.dialects), i.description)
            for i in infos
        ),
    )
    for item in broken:
        err.print(f"unavailable: {item.name}: {item.reason}", markup=False)
    return ExitCode.OK


def cmd_corpora(args: argparse.Namespace) -> ExitCode:
    from st9x.cli.loading import load_corpora

    corpora, failed = load_corpora(args.corpus)
    rows = []
    for corpus in corpora:
        counts = corpus.counts()
        rows.append(
            {
                "id": corpus.id,
                "path": str(corpus.root),
                "schemas": len(corpus.schemas),
                "cases": len(corpus.cases),
                **{verdict: counts.get(verdict, 0) for verdict in _VERDICTS},
                "pairs": len(corpus.pairs),
            }
        )
    if args.format == "json":
        print_json({"corpora": rows})
    else:
        print_table("corpora", _CORPUS_COLUMNS, ([str(v) for v in r.values()] for r in rows))
    return ExitCode.BROKEN if failed else ExitCode.OK
