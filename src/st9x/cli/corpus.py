"""``st9x corpus generate`` and ``st9x corpus mutate``: corpora made on demand.

Generated corpora are written, with their manifest and a ``report.json`` (coverage, timings,
validator verdicts, problems), to a directory any other st9x command takes with ``--corpus``.
They are made on demand rather than committed: the same seed gives the same bytes.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.console import Console

from st9x.errors import UsageError


def add_parsers(sub: Any) -> None:
    """Add the ``corpus`` command and its ``generate``/``mutate`` subcommands."""
    corpus = sub.add_parser(
        "corpus",
        help="generate valid instances from an XSD, or one-constraint mutants of a corpus",
        description="Make corpora on demand: valid instances generated from an XSD, or invalid "
        "mutants of a corpus's valid instances, each breaking one named constraint.",
    )
    actions = corpus.add_subparsers(dest="corpus_command", required=True, metavar="ACTION")

    p = actions.add_parser(
        "generate",
        help="write a corpus of valid instances generated from an XSD",
        description="Generate COUNT valid instances of ROOT from SCHEMA, reproducibly for a seed, "
        "exercising every optional element, choice branch and enumeration value the schema "
        "allows across the corpus; each is checked with lxml and xmlschema and any disagreement "
        "is reported in report.json.",
    )
    p.add_argument("--schema", type=Path, required=True, help="the XSD (document schema)")
    p.add_argument("--root", required=True, help="root element: {namespace}Name or Name")
    p.add_argument("--count", type=int, default=100, help="instances to write (default 100)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument(
        "--size",
        default="small",
        help="small, large (about 1 MB: long bags, for benchmarks) or a byte target such as 250k",
    )
    p.add_argument("-o", "--out", type=Path, required=True, metavar="DIR", help="output corpus")

    p = actions.add_parser(
        "mutate",
        help="write a corpus of invalid mutants of a corpus's valid instances",
        description="For each valid case of CORPUS, break exactly one constraint of a named kind "
        "chosen from the schema. A mutant is kept as an invalid case only when lxml and "
        "xmlschema both reject it; anything else is reported as a mutation or validator problem "
        "in report.json.",
    )
    p.add_argument("--corpus", type=Path, required=True, metavar="DIR")
    p.add_argument(
        "--kinds",
        nargs="+",
        default=None,
        metavar="KIND",
        help="constraint kinds to produce (default: all that apply)",
    )
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument(
        "--per-instance",
        type=int,
        default=1,
        metavar="N",
        help="mutants per valid instance (default 1)",
    )
    p.add_argument("-o", "--out", type=Path, required=True, metavar="DIR", help="output corpus")

    p = actions.add_parser(
        "generate-json",
        help="write a corpus of valid JSON instances generated from a JSON Schema",
        description="Generate COUNT valid JSON instances of SCHEMA, reproducibly for a seed; each "
        "is checked with jsonschema-rs and python jsonschema (formats asserted) and any failure "
        "or disagreement is reported in report.json.",
    )
    p.add_argument("--schema", type=Path, required=True, help="the JSON Schema document")
    p.add_argument("--count", type=int, default=100, help="instances to write (default 100)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("-o", "--out", type=Path, required=True, metavar="DIR", help="output corpus")

    p = actions.add_parser(
        "mutate-json",
        help="write a corpus of invalid mutants of a corpus's valid JSON instances",
        description="For each valid JSON case of CORPUS, break exactly one constraint of a named "
        "kind; a mutant is kept only when jsonschema-rs (and python jsonschema where it can "
        "evaluate the schema) rejects it, anything else is reported in report.json.",
    )
    p.add_argument("--corpus", type=Path, required=True, metavar="DIR")
    p.add_argument(
        "--kinds",
        nargs="+",
        default=None,
        metavar="KIND",
        help="constraint kinds to produce (default: all that apply)",
    )
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument(
        "--per-instance",
        type=int,
        default=1,
        metavar="N",
        help="mutants per valid instance (default 1)",
    )
    p.add_argument("-o", "--out", type=Path, required=True, metavar="DIR", help="output corpus")


def cmd_corpus(args: argparse.Namespace, out: Console) -> int:
    if args.corpus_command == "generate":
        return _generate(args, out)
    if args.corpus_command == "generate-json":
        return _generate_json(args, out)
    if args.corpus_command == "mutate-json":
        return _mutate_json(args, out)
    return _mutate(args, out)


def _generate(args: argparse.Namespace, out: Console) -> int:
    from st9x.corpus.synth.xml.generate import write_corpus

    if args.count < 1:
        raise UsageError("--count must be at least 1")
    if not args.schema.is_file():
        raise UsageError("schema file not found", path=args.schema)
    report = write_corpus(args.schema, args.root, args.count, args.seed, args.out, size=args.size)
    summary = report.as_dict()
    statuses = summary["documents"]["statuses"]
    out.print(
        f"wrote {args.count} instances to {args.out} "
        f"({', '.join(f'{n} {s}' for s, n in sorted(statuses.items()))}); "
        f"coverage and problems in {args.out / 'report.json'}",
        markup=False,
    )
    _print_coverage(summary.get("coverage", {}), out)
    return 0 if set(statuses) <= {"valid"} else 1


def _print_coverage(coverage: dict[str, Any], out: Console) -> None:
    for name, value in sorted(coverage.items()):
        if isinstance(value, dict) and {"declared", "used"} <= value.keys():
            out.print(f"  {name}: {value['used']}/{value['declared']} covered", markup=False)


def _mutate(args: argparse.Namespace, out: Console) -> int:
    from st9x.corpus.synth.xml.mutate import mutate_corpus
    from st9x.corpus.synth.xml.mutations import FINDERS

    unknown = sorted(set(args.kinds or ()) - set(FINDERS))
    if unknown:
        raise UsageError(
            f"unknown kind(s) {', '.join(unknown)}; known: {', '.join(sorted(FINDERS))}"
        )
    report = mutate_corpus(
        args.corpus,
        args.out,
        kinds=args.kinds or None,
        seed=args.seed,
        per_instance=args.per_instance,
    )
    summary = report.as_dict()
    kept = sum(row.get("rejected", 0) for row in summary["by_kind"].values())
    out.print(
        f"wrote {kept} invalid mutants to {args.out}; {len(summary['problems'])} mutation or "
        f"validator problem(s) and kinds without a site in {args.out / 'report.json'}",
        markup=False,
    )
    for kind, row in sorted(summary["by_kind"].items()):
        counts = ", ".join(f"{n} {s}" for s, n in sorted(row.items())) or "no site in the schema"
        out.print(f"  {kind}: {counts}", markup=False)
    return 1 if summary["problems"] else 0


def _generate_json(args: argparse.Namespace, out: Console) -> int:
    from st9x.corpus.synth.json.generate import write_json_corpus

    if args.count < 1:
        raise UsageError("--count must be at least 1")
    if not args.schema.is_file():
        raise UsageError("schema file not found", path=args.schema)
    summary = write_json_corpus(args.schema, args.count, args.seed, args.out).as_dict()
    out.print(
        f"wrote {summary['written']}/{args.count} JSON instances to {args.out}; "
        f"{len(summary['problems'])} problem(s) in {args.out / 'report.json'}",
        markup=False,
    )
    return 0 if not summary["problems"] and summary["written"] == args.count else 1


def _mutate_json(args: argparse.Namespace, out: Console) -> int:
    from st9x.corpus.synth.json.mutate import mutate_json_corpus
    from st9x.corpus.synth.json.sites import JSON_KINDS

    unknown = sorted(set(args.kinds or ()) - set(JSON_KINDS))
    if unknown:
        raise UsageError(f"unknown kind(s) {', '.join(unknown)}; known: {', '.join(JSON_KINDS)}")
    summary = mutate_json_corpus(
        args.corpus,
        args.out,
        kinds=args.kinds or None,
        seed=args.seed,
        per_instance=args.per_instance,
    ).as_dict()
    kept = sum(row.get("rejected", 0) for row in summary["by_kind"].values())
    out.print(
        f"wrote {kept} invalid JSON mutants to {args.out}; {len(summary['problems'])} problem(s) "
        f"in {args.out / 'report.json'}",
        markup=False,
    )
    for kind, row in sorted(summary["by_kind"].items()):
        counts = ", ".join(f"{n} {s}" for s, n in sorted(row.items())) or "none made"
        out.print(f"  {kind}: {counts}", markup=False)
    return 1 if summary["problems"] else 0
