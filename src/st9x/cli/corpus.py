"""``st9x corpus generate|mutate|generate-json|mutate-json``: corpora made on demand.

Generated corpora are written, with their manifest and a ``report.json`` (coverage, timings,
validator verdicts, problems), to a directory any other st9x command takes with ``--corpus``.
They are made on demand rather than committed: the same seed gives the same bytes.

Every action runs under the bounds of :mod:`st9x.cli.bounds`: its work in a child process with
``--timeout`` (for the whole action) and ``--memory-mb``, ``--in-process`` to opt out; an XSD
given with ``--schema`` reads nothing outside its own directory or the ``--allow`` directories,
and a corpus's schemas nothing outside the corpus.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from st9x.cli.bounds import add_bound_options, allowed_roots, bounded, gate_schema
from st9x.cli.console import echo
from st9x.cli.exitcodes import ExitCode
from st9x.errors import UsageError


def register(sub: Any) -> None:
    """Add the ``corpus`` command and its actions."""
    corpus = sub.add_parser(
        "corpus",
        help="generate valid instances from an XSD, or one-constraint mutants of a corpus",
        description="Make corpora on demand: valid instances generated from an XSD, or invalid "
        "mutants of a corpus's valid instances, each breaking one named constraint.",
    )
    corpus.set_defaults(handler=cmd_corpus)
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
    _generation_options(p, allow=True)
    p.add_argument(
        "--size",
        default="small",
        help="small, large (about 1 MB: long bags, for benchmarks) or a byte target such as "
        "250k, 10m, 1g (decimal units); generation takes about 0.5 s per MB and checking "
        "0.25 s per MB, so raise --timeout for 10m and beyond",
    )

    _bag_options(
        actions.add_parser(
            "bag",
            help="stream a bag document of a target size (100m, 1g) of generated records",
            description="Generate DISTINCT valid records of RECORD from SCHEMA (each checked by "
            "lxml and xmlschema), then stream a bag of about SIZE bytes to FILE: ROOT's start "
            "tag declaring the namespaces, the records repeated with their identifying element "
            "(ApplicationNumberText, ST13ApplicationNumber, ...) made unique per record and "
            "still valid. Bounded memory whatever the size; the same seed gives the same bytes. "
            "For bulk validation tests and benchmarks: made on demand, never committed.",
        )
    )

    _mutation_options(
        actions.add_parser(
            "mutate",
            help="write a corpus of invalid mutants of a corpus's valid instances",
            description="For each valid case of CORPUS, break exactly one constraint of a named "
            "kind chosen from the schema. A mutant is kept as an invalid case only when lxml and "
            "xmlschema both reject it; anything else is reported as a mutation or validator "
            "problem in report.json.",
        )
    )

    p = actions.add_parser(
        "generate-json",
        help="write a corpus of valid JSON instances generated from a JSON Schema",
        description="Generate COUNT valid JSON instances of SCHEMA, reproducibly for a seed; each "
        "is checked with jsonschema-rs and python jsonschema (formats asserted) and any failure "
        "or disagreement is reported in report.json.",
    )
    p.add_argument("--schema", type=Path, required=True, help="the JSON Schema document")
    _generation_options(p, allow=False)  # the generator follows local "#..." $refs only

    _mutation_options(
        actions.add_parser(
            "mutate-json",
            help="write a corpus of invalid mutants of a corpus's valid JSON instances",
            description="For each valid JSON case of CORPUS, break exactly one constraint of a "
            "named kind; a mutant is kept only when jsonschema-rs (and python jsonschema where it "
            "can evaluate the schema) rejects it, anything else is reported in report.json.",
        )
    )


def _generation_options(p: argparse.ArgumentParser, *, allow: bool) -> None:
    p.add_argument("--count", type=int, default=100, help="instances to write (default 100)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("-o", "--out", type=Path, required=True, metavar="DIR", help="output corpus")
    add_bound_options(p, allow=allow)


def _bag_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--schema", type=Path, required=True, help="the XSD declaring the record")
    p.add_argument("--root", required=True, metavar="QNAME",
                   help="the bag's root element, {namespace}Name (e.g. {...}TrademarkBag)")
    p.add_argument("--record", default=None, metavar="QNAME",
                   help="the record element, {namespace}Name (default: ROOT without 'Bag')")
    p.add_argument("--size", required=True, help="target size: 100m, 1g, 250k or bytes")
    p.add_argument("--distinct", type=int, default=4, metavar="N",
                   help="distinct generated records the bag repeats (default 4)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--invalid-every", type=int, default=0, metavar="K",
                   help="make every K-th record invalid with one undeclared element (default: "
                   "none)")
    p.add_argument("-o", "--out", type=Path, required=True, metavar="FILE", help="the bag")
    add_bound_options(p)


def _mutation_options(p: argparse.ArgumentParser) -> None:
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
    add_bound_options(p, allow=False)  # a corpus's schemas are bounded by the corpus


def cmd_corpus(args: argparse.Namespace) -> ExitCode:
    actions: dict[str, Callable[[argparse.Namespace], ExitCode]] = {
        "generate": _generate,
        "mutate": _mutate,
        "generate-json": _generate_json,
        "mutate-json": _mutate_json,
        "bag": _bag,
    }
    return actions[args.corpus_command](args)


def _check_generation(args: argparse.Namespace) -> None:
    if args.count < 1:
        raise UsageError("--count must be at least 1")
    if not args.schema.is_file():
        raise UsageError("schema file not found", path=args.schema)


def _check_kinds(args: argparse.Namespace, known: Sequence[str]) -> None:
    unknown = sorted(set(args.kinds or ()) - set(known))
    if unknown:
        raise UsageError(f"unknown kind(s) {', '.join(unknown)}; known: {', '.join(known)}")


def _counts(row: dict[str, int]) -> str:
    return ", ".join(f"{n} {s}" for s, n in sorted(row.items()))


def _generate(args: argparse.Namespace) -> ExitCode:
    from st9x.corpus.synth.xml.generate import parse_size, write_corpus

    _check_generation(args)
    try:
        parse_size(args.size)
    except ValueError as exc:
        raise UsageError(f"--size: {exc}") from None

    def work() -> dict[str, Any]:
        gate_schema(args.schema, allowed_roots(args, args.schema))  # before the closure is copied
        return write_corpus(
            args.schema, args.root, args.count, args.seed, args.out, size=args.size
        ).as_dict()

    summary = bounded(args, work, args.schema)
    statuses = summary["documents"]["statuses"]
    echo(
        f"wrote {args.count} instances to {args.out} ({_counts(statuses)}); "
        f"coverage and problems in {args.out / 'report.json'}"
    )
    for name, value in sorted(summary.get("coverage", {}).items()):
        if isinstance(value, dict) and {"declared", "used"} <= value.keys():
            echo(f"  {name}: {value['used']}/{value['declared']} covered")
    return ExitCode.OK if set(statuses) <= {"valid"} else ExitCode.BROKEN


def _bag(args: argparse.Namespace) -> ExitCode:
    """The records are generated under the command's bounds (they read the schema); the bag is
    then streamed in this process, however long that takes."""
    from st9x.corpus.synth.bag import bag_record, make_templates, parse_bag_size, write_bag

    size = parse_bag_size(args.size)
    if args.distinct < 1 or args.invalid_every < 0:
        raise UsageError("--distinct must be at least 1 and --invalid-every at least 0")
    if not args.schema.is_file():
        raise UsageError("schema file not found", path=args.schema)
    record = bag_record(args.root, args.record)

    def work() -> Any:
        gate_schema(args.schema, allowed_roots(args, args.schema))
        return make_templates(args.schema, record, args.distinct, args.seed,
                              plant=bool(args.invalid_every))

    templates = bounded(args, work, args.schema)
    written = write_bag(templates, args.root, size, args.out, args.invalid_every)
    echo(f"wrote {written.records:,} records ({written.invalid:,} planted invalid) of "
         f"{written.bytes / 1e6:,.1f} MB to {args.out}")
    return ExitCode.OK


def _generate_json(args: argparse.Namespace) -> ExitCode:
    from st9x.corpus.synth.json.generate import write_json_corpus

    _check_generation(args)
    summary = bounded(
        args,
        lambda: write_json_corpus(args.schema, args.count, args.seed, args.out).as_dict(),
        args.schema,
    )
    echo(
        f"wrote {summary['written']}/{args.count} JSON instances to {args.out}; "
        f"{len(summary['problems'])} problem(s) in {args.out / 'report.json'}"
    )
    complete = not summary["problems"] and summary["written"] == args.count
    return ExitCode.OK if complete else ExitCode.BROKEN


def _mutate(args: argparse.Namespace) -> ExitCode:
    from st9x.corpus.synth.xml.mutate import mutate_corpus
    from st9x.corpus.synth.xml.mutations import FINDERS

    return _mutate_with(
        args,
        mutate_corpus,
        sorted(FINDERS),
        made="invalid mutants",
        problems="mutation or validator problem(s) and kinds without a site",
        none="no site in the schema",
    )


def _mutate_json(args: argparse.Namespace) -> ExitCode:
    from st9x.corpus.synth.json.mutate import mutate_json_corpus
    from st9x.corpus.synth.json.sites import JSON_KINDS

    return _mutate_with(
        args,
        mutate_json_corpus,
        JSON_KINDS,
        made="invalid JSON mutants",
        problems="problem(s)",
        none="none made",
    )


def _mutate_with(
    args: argparse.Namespace,
    mutate: Callable[..., Any],
    known: Sequence[str],
    *,
    made: str,
    problems: str,
    none: str,
) -> ExitCode:
    """Run one mutator (XML or JSON: the same options, the same report shape) and print the
    mutants it kept, one line per constraint kind."""
    _check_kinds(args, known)
    summary: dict[str, Any] = bounded(
        args,
        lambda: mutate(
            args.corpus,
            args.out,
            kinds=args.kinds or None,
            seed=args.seed,
            per_instance=args.per_instance,
        ).as_dict(),
        args.corpus,
    )
    by_kind: dict[str, dict[str, int]] = summary["by_kind"]
    kept = sum(row.get("rejected", 0) for row in by_kind.values())  # rejected by the validators
    echo(
        f"wrote {kept} {made} to {args.out}; {len(summary['problems'])} {problems} in "
        f"{args.out / 'report.json'}"
    )
    for kind, row in sorted(by_kind.items()):
        echo(f"  {kind}: {_counts(row) or none}")
    return ExitCode.BROKEN if summary["problems"] else ExitCode.OK
