"""Peak memory (RSS) of each validator and converter on one sized input, each in a fresh process.

pytest-benchmark measures time only, and one process's peak RSS is the largest of everything it
ran. So every contender gets a child process of its own that prepares (compiles) and makes one
call, and the parent reads the child's peak RSS from ``os.wait4``; the ``baseline`` row is a
child that imports st9x, finds the input in the cache and makes no call. A child runs under an
address-space limit (``--memory-gb``) and a time-out, so a contender that would need more is
reported, not left to swap the machine.

Usage: python benchmarks/benchsizes_rss.py 100m [--memory-gb 16] [--timeout 900]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from typing import Any

from st9x.testing.sized_inputs import SizedInput, sized_input

VALIDATORS = ("lxml", "xmlschema-1.0", "xmlschema-1.1", "jsonschema", "fastjsonschema",
              "jsonschema-rs")
FLOORS = ("lxml parse-only", "orjson.loads")
CONVERTERS = ("xml-to-json st97-v2", "xml-to-json xmlschema to_dict",
              "xml-to-json xmltodict parse", "json-to-xml st97-v2",
              "json-to-xml xmlschema encode", "json-to-xml xmltodict unparse")


def _call(name: str, made: SizedInput) -> Callable[[], Any]:
    """Prepare ``name`` on ``made`` (compile, build the converter, read the input) and return
    the one call to measure."""
    import orjson
    from lxml import etree

    if name == "baseline":
        return lambda: None
    if name == "lxml parse-only":
        return lambda: etree.parse(str(made.xml), etree.XMLParser(huge_tree=True))
    if name == "orjson.loads":
        return lambda: orjson.loads(made.json.read_bytes())
    if name in VALIDATORS:
        from test_benchsizes_throughput import json_spec, xml_spec

        from st9x.subjects.registry import select_adapters

        adapter = select_adapters([name])[name]
        spec = xml_spec(made) if adapter.format == "xml" else json_spec(made, name)
        compiled = adapter.compile(spec)
        instance = made.xml if adapter.format == "xml" else made.json
        return lambda: compiled.validate(instance)
    import xmlschema
    from test_benchsizes_conversion import TO_JSON, TO_XML, Prepared

    from st9x.st97 import Mapper, compile_schema

    prepared = Prepared(made, made.xml.read_bytes(),
                        Mapper(compile_schema(made.xsd, root=made.recipe.root)),
                        xmlschema.XMLSchema10(str(made.xsd), allow="local", defuse="always"))
    direction, _, contender = name.partition(" ")
    if direction == "xml-to-json":
        return lambda: TO_JSON[contender](prepared)
    convert, text_of = TO_XML[contender]
    text = text_of(prepared)  # made beforehand, as in the benchmark (its memory counts)
    return lambda: convert(prepared, text)


def child(name: str, size: str) -> None:
    call = _call(name, sized_input(size))
    started = time.perf_counter()
    call()
    print(f"{time.perf_counter() - started:.3f}")


def measure(name: str, size: str, memory_gb: float, timeout: float) -> str:
    """One Markdown row: the child's own peak RSS (``os.wait4``; ``RUSAGE_CHILDREN`` would give
    the largest of all children so far) and the time of its one call."""
    limit = int(memory_gb * 2**30)

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    with tempfile.TemporaryFile() as err:
        process = subprocess.Popen(
            [sys.executable, __file__, "--child", name, size], stdout=subprocess.PIPE,
            stderr=err, preexec_fn=cap,
        )
        timer = threading.Timer(timeout, process.kill)
        timer.start()
        assert process.stdout is not None
        out = process.stdout.read().decode()
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        expired = not timer.is_alive()
        timer.cancel()
        err.seek(0)
        last = (err.read().decode(errors="replace").strip().splitlines() or ["?"])[-1]
    rss = f"{usage.ru_maxrss / 1024:,.0f} MB"  # KiB on Linux
    if expired:
        return f"| {name} | {rss} | — | killed at the {timeout:.0f} s time-out |"
    if process.returncode != 0:
        return f"| {name} | {rss} | — | failed: {last[:200]} |"
    return f"| {name} | {rss} | {float(out.strip().splitlines()[-1]):.2f} s | |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size")
    parser.add_argument("--memory-gb", type=float, default=16.0)
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument("--only", nargs="*", help="contenders to measure (default: all)")
    parser.add_argument("--child", metavar="NAME", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.size)
        return
    made = sized_input(args.size)
    print(f"Peak RSS of one call, each in a fresh process ({args.size}: XML "
          f"{made.xml_bytes:,} bytes, JSON {made.json_bytes:,} bytes; limit "
          f"{args.memory_gb:g} GiB of address space)\n")
    print("| contender | peak RSS | one call | note |\n|---|---|---|---|")
    for name in args.only or ("baseline", *FLOORS, *VALIDATORS, *CONVERTERS):
        print(measure(name, args.size, args.memory_gb, args.timeout), flush=True)


if __name__ == "__main__":
    main()
