"""Harness overhead: ``st9x run`` of st96-core under lxml against a bare loop of its lxml calls.

What st9x adds on top of the validator (loading and checking the corpus, the include guard,
hashing instances, per-record bookkeeping, writing results.jsonl, folding the summary, rendering
the matrix) is only visible next to the library work it wraps. So both sides run in one process
on one machine, and the figure kept is the *ratio* of their times, which is what must not grow
as the engine changes; absolute times on a shared machine are noise.

The bare loop reads the manifest once (outside the timing), then parses each schema once with
the parser options st9x's safe parser uses, compiles ``etree.XMLSchema``, and parses and
validates every instance, collecting the error log. The st9x side is the command line itself,
``st9x run --in-process``, so the measurement keeps meaning the same through a rewrite of the
engine behind it.

    .venv/bin/python benchmarks/overhead.py --rounds 9 [--pool] [--json]

``--pool`` adds a third side: the same command without ``--in-process``, the default isolation
(a pool of worker processes), which is what a user's ``st9x run`` pays. The sides alternate
(and rotate which goes first every round) so that a change in the machine's
load hits both alike; min and median of each are printed, with the ratios of medians and of mins.
``benchmarks/test_harness_overhead.py`` runs the same two functions under pytest-benchmark and
checks that they reach the same verdict for every case.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from st9x.cli import main as st9x_main
from st9x.corpus.load import embedded_corpora_dir
from st9x.corpus.model import SchemaSpec
from st9x.engine.validation import _DIGESTS
from st9x.errors import St9xError
from st9x.subjects.registry import select_adapters

CORPUS_ID = "st96-core"
ADAPTER = "lxml"
RESULTS_NAME = "results.jsonl"


@dataclass(frozen=True)
class BareCase:
    """One instance and the id of the schema it is validated against, as the manifest says."""

    id: str
    instance: Path
    schema: str


@dataclass(frozen=True)
class BareInputs:
    """What the bare loop needs, read from the manifest before any timing starts."""

    schemas: dict[str, Path]
    cases: tuple[BareCase, ...]
    root: Path


@dataclass(frozen=True)
class BareResult:
    """The bare loop's answer for one case: its verdict and lxml's error log as it stood."""

    verdict: str  # "valid", "invalid", or "errored" for a document lxml could not parse
    errors: tuple[tuple[str, str | None, int | None], ...]


def corpus_dir() -> Path:
    """The directory ``st9x run --corpus st96-core`` reads, so both sides see the same files."""
    return embedded_corpora_dir() / CORPUS_ID


def load_bare_inputs(root: Path | None = None) -> BareInputs:
    """Schemas and cases straight from ``manifest.json``, without st9x's corpus loader: the bare
    side must not pay (or depend on) any of the harness it is compared with."""
    root = root or corpus_dir()
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    schemas = {s["id"]: root / s["path"] for s in manifest["schemas"]}
    cases = tuple(BareCase(c["id"], root / c["instance"], c["schema"]) for c in manifest["cases"])
    return BareInputs(schemas, cases, root)


def bare_parser() -> etree.XMLParser:
    """The options of ``st9x.xmlsafe.safe_parser``: no DTD, no entity expansion, no network.
    Its resolver refusing remote URLs is left out: it is st9x's guard, not library work, and
    the corpus names no remote location."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
    )


def _parse(path: Path, parser: etree.XMLParser) -> etree._ElementTree:
    # bytes with a base URL, as st9x parses, so that schema imports resolve the same way
    root = etree.fromstring(path.read_bytes(), parser, base_url=path.absolute().as_uri())
    return etree.ElementTree(root)


def bare_loop(inputs: BareInputs) -> dict[str, BareResult]:
    """The library work of a run: each schema parsed and compiled once, each instance parsed and
    validated with its error log collected."""
    parser = bare_parser()
    compiled = {sid: etree.XMLSchema(_parse(path, parser)) for sid, path in inputs.schemas.items()}
    results: dict[str, BareResult] = {}
    for case in inputs.cases:
        schema = compiled[case.schema]
        try:
            document = _parse(case.instance, parser)
        except etree.XMLSyntaxError as exc:
            results[case.id] = BareResult("errored", ((str(exc), None, None),))
            continue
        if schema.validate(document):
            results[case.id] = BareResult("valid", ())
        else:
            errors = tuple((e.message, e.path or None, e.line or None) for e in schema.error_log)
            results[case.id] = BareResult("invalid", errors)
    return results


def adapter_loop(inputs: BareInputs) -> dict[str, str]:
    """The same cases through st9x's own adapter calls and nothing else: ``compile`` once per
    schema, ``validate`` per instance (the adapter's error placement included). What st9x run
    adds on top of this loop is the engine's own cost: hashing, floors, records, files."""
    adapter = select_adapters([ADAPTER])[ADAPTER]
    root = inputs.root.resolve()
    compiled = {
        sid: adapter.compile(SchemaSpec("bare", sid, path.resolve(), "xsd", bounds=(root,)))
        for sid, path in inputs.schemas.items()
    }
    verdicts: dict[str, str] = {}
    for case in inputs.cases:
        try:
            verdicts[case.id] = str(compiled[case.schema].validate(case.instance.resolve()).verdict)
        except St9xError:
            verdicts[case.id] = "errored"
    return verdicts


def st9x_argv(
    out_dir: Path, *, in_process: bool = True, corpus: str | Path = CORPUS_ID, floors: bool = True
) -> list[str]:
    """The command measured: the corpus (embedded st96-core by default), the lxml adapter only,
    no converter and no linter (the bare loop does neither), in this process or
    (``in_process=False``) with the default isolation, the process pool a user gets."""
    return [
        "run",
        "--corpus",
        str(corpus),
        "--adapter",
        ADAPTER,
        *(["--in-process"] if in_process else []),
        *([] if floors else ["--no-floors"]),
        "--quiet",
        "--converter",
        "none",
        "--lint",
        "none",
        "--out",
        str(out_dir),
    ]


def forget_digests() -> None:
    """Each measured run starts as a user's does: no file hashed yet. (st9x keeps the digests
    it took in a process; rounds in one process would otherwise find them all.)"""
    _DIGESTS.clear()


def st9x_run(out_dir: Path, corpus: str | Path = CORPUS_ID, floors: bool = True) -> int:
    """One ``st9x run --in-process`` through the command line's own entry; its one summary line
    is swallowed (printing it is part of the cost, showing it is not)."""
    forget_digests()
    with contextlib.redirect_stdout(io.StringIO()):
        return st9x_main(st9x_argv(out_dir, corpus=corpus, floors=floors))


def st9x_run_pool(out_dir: Path, corpus: str | Path = CORPUS_ID, floors: bool = True) -> int:
    """The same ``st9x run`` with the default isolation: the command line's entry in this
    process, the cases in its pool of worker processes (started, each compiling the schemas it
    needs, and stopped within the timing, as in every user's run)."""
    forget_digests()
    with contextlib.redirect_stdout(io.StringIO()):
        return st9x_main(st9x_argv(out_dir, in_process=False, corpus=corpus, floors=floors))


def st9x_verdicts(out_dir: Path) -> dict[str, str]:
    """Case id → verdict from the records of a finished run."""
    verdicts: dict[str, str] = {}
    with (out_dir / RESULTS_NAME).open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if record.get("type") == "record" and record["adapter"] == ADAPTER:
                verdicts[record["case"]] = record["verdict"]
    return verdicts


def verdict_differences(bare: dict[str, BareResult], st9x: dict[str, str]) -> list[str]:
    """Every case where the two sides disagree, or that only one of them reports."""
    lines = []
    for case_id in sorted(set(bare) | set(st9x)):
        mine = bare[case_id].verdict if case_id in bare else "absent"
        theirs = st9x.get(case_id, "absent")
        if mine != theirs:
            lines.append(f"{case_id}: bare loop {mine}, st9x {theirs}")
    return lines


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def measure(
    rounds: int, *, pool: bool = False, corpus: Path | None = None, floors: bool = True
) -> dict[str, Any]:
    """Alternate the sides ``rounds`` times after one untimed warm-up of each (imports,
    first-touch of the files); each st9x round writes into a fresh directory, made and removed
    outside its timing. The warm-up runs also check that the sides agree on every case. With
    ``pool``, a third side runs st9x with its default isolation (the process pool), rotated in
    with the other two. ``corpus``: another corpus directory (a manifest of XML cases) instead
    of st96-core, e.g. one of generated large documents, where the validator's work per case
    outweighs the harness's fixed costs."""
    inputs = load_bare_inputs(corpus)
    target_corpus: str | Path = corpus if corpus is not None else CORPUS_ID
    scratch = Path(tempfile.mkdtemp(prefix="st9x-overhead-"))
    st9x_sides: dict[str, Callable[[Path], int]] = {
        "st9x-run-lxml": lambda out: st9x_run(out, target_corpus, floors)
    }
    if pool:
        st9x_sides["st9x-run-lxml-pool"] = lambda out: st9x_run_pool(out, target_corpus, floors)
    try:
        codes: list[int] = []
        differences: list[str] = []
        bare_warm = bare_loop(inputs)
        for name, run in st9x_sides.items():
            warm = scratch / f"warm-up-{name}"
            codes.append(run(warm))
            differences += [f"{name}: {d}"
                            for d in verdict_differences(bare_warm, st9x_verdicts(warm))]
        code = max(codes)
        adapter_warm = adapter_loop(inputs)
        differences += [f"adapter loop: {case}: {verdict}, bare loop {bare_warm[case].verdict}"
                        for case, verdict in adapter_warm.items()
                        if verdict != bare_warm[case].verdict]
        times: dict[str, list[float]] = {
            "bare-lxml-loop": [], "adapter-loop": [], **{n: [] for n in st9x_sides}
        }
        for index in range(rounds):
            out_dir = scratch / f"round-{index}"
            sides: list[tuple[str, Callable[[], object]]] = [
                ("bare-lxml-loop", lambda: bare_loop(inputs)),
                ("adapter-loop", lambda: adapter_loop(inputs)),
            ]
            for name, run in st9x_sides.items():
                target = out_dir / name
                target.mkdir(parents=True)
                sides.append((name, lambda run=run, target=target: run(target)))
            shift = index % len(sides)
            for name, action in sides[shift:] + sides[:shift]:
                times[name].append(_timed(action))
            shutil.rmtree(out_dir, ignore_errors=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    stats = {
        name: {"min": min(values), "median": statistics.median(values), "times": values}
        for name, values in times.items()
    }
    bare, st9x = stats["bare-lxml-loop"], stats["st9x-run-lxml"]
    adapters = stats["adapter-loop"]
    result = {
        "corpus": str(target_corpus),
        "adapter": ADAPTER,
        "cases": len(inputs.cases),
        "schemas": len(inputs.schemas),
        "rounds": rounds,
        "floors": floors,
        "st9x_exit_code": code,
        "verdict_differences": differences,
        "seconds": stats,
        "ratio_of_medians": st9x["median"] / bare["median"],
        "ratio_of_mins": st9x["min"] / bare["min"],
        "adapter_ratio_of_medians": st9x["median"] / adapters["median"],
        "adapter_ratio_of_mins": st9x["min"] / adapters["min"],
    }
    if pool:
        pooled = stats["st9x-run-lxml-pool"]
        result["pool_ratio_of_medians"] = pooled["median"] / bare["median"]
        result["pool_ratio_of_mins"] = pooled["min"] / bare["min"]
    return result


def _print_table(result: dict[str, Any]) -> None:
    print(
        f"{result['corpus']} under {result['adapter']}: {result['cases']} cases, "
        f"{result['schemas']} schemas, {result['rounds']} alternating rounds"
        + ("" if result["floors"] else ", st9x run --no-floors")
    )
    print(f"{'':20} {'min s':>10} {'median s':>10}")
    for name, stats in result["seconds"].items():
        print(f"{name:20} {stats['min']:10.4f} {stats['median']:10.4f}")
    print(
        f"ratio st9x/bare: medians {result['ratio_of_medians']:.2f}x, "
        f"mins {result['ratio_of_mins']:.2f}x"
    )
    print(
        f"ratio st9x/adapter loop: medians {result['adapter_ratio_of_medians']:.2f}x, "
        f"mins {result['adapter_ratio_of_mins']:.2f}x"
    )
    if "pool_ratio_of_medians" in result:
        print(
            f"ratio st9x (pool)/bare: medians {result['pool_ratio_of_medians']:.2f}x, "
            f"mins {result['pool_ratio_of_mins']:.2f}x"
        )
    if result["st9x_exit_code"]:
        print(f"st9x run exited with {result['st9x_exit_code']}")
    for line in result["verdict_differences"]:
        print(f"verdicts differ: {line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rounds", type=int, default=7, metavar="N", help="timed rounds of each side (default: 7)"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--pool", action="store_true",
                        help="also st9x run with its default isolation (the process pool)")
    parser.add_argument("--corpus", type=Path, default=None, metavar="DIR",
                        help="a corpus directory of XML cases instead of st96-core")
    parser.add_argument("--no-floors", dest="floors", action="store_false",
                        help="st9x run --no-floors: without the parse-only floor per instance")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    result = measure(args.rounds, pool=args.pool, corpus=args.corpus, floors=args.floors)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        _print_table(result)
    return 1 if result["verdict_differences"] or result["st9x_exit_code"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
