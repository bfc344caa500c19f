"""Re-measure the figures of ``docs/performance.md`` (section 5): bulk conversion of a bag.

On the same records of one bag: our per-record XML → JSON (parse + convert + serialise, what a
``convert-bulk`` worker does) against lxml parse-only of the records and xmlschema ``to_dict``;
JSON → XML (JSON parse + convert + serialise) against orjson ``loads`` + lxml serialise and
xmlschema ``encode``; then ``st9x convert-bulk`` end to end on the whole bag both ways with 1
and 2 workers (wall time, records/s, MB/s, peak RSS of the command)::

    .venv/bin/python benchmarks/convert_bulk_figures.py                 # the 64 MB st96-core bag
    .venv/bin/python benchmarks/convert_bulk_figures.py --bag BAG.xml --schema XSD --sample 200

In-process figures are the best of ``--repeat`` passes over ``--sample`` records (xmlschema
over a tenth of them: it is the slow one). Timing only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import orjson
import xmlschema
from lxml import etree

from st9x.corpus.bag import RawRecord, iter_records, read_layout
from st9x.st97 import Mapper, compile_schema, jsonio

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
ST9X = Path(sys.executable).parent / "st9x"


def _best(fn: Callable[[Any], Any], items: Sequence[Any], repeat: int) -> float:
    """Seconds per item, best of ``repeat`` passes."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for item in items:
            fn(item)
        best = min(best, time.perf_counter() - start)
    return best / len(items)


def in_process(bag: Path, xsd: Path, sample: int, repeat: int) -> list[dict[str, Any]]:
    layout = read_layout(bag)
    raws: list[RawRecord] = []
    for raw in iter_records(layout):
        raws.append(raw)
        if len(raws) >= sample:
            break
    mapper = Mapper(compile_schema(xsd, root=layout.record))
    schema = xmlschema.XMLSchema10(str(xsd), allow="local", defuse="always")
    elements = [layout.parse(raw) for raw in raws]
    lines = [jsonio.dumps(mapper.to_json(e)) for e in elements]
    few = max(len(raws) // 10, 1)
    xs_dicts = [schema.to_dict(e, validation="skip") for e in elements[:few]]
    size = sum(r.length for r in raws) / len(raws)
    line_size = sum(len(x) for x in lines) / len(lines)
    pairs = list(zip(lines, elements, strict=True))
    rows = [
        ("XML -> JSON", "st97 bulk (parse + to_json + dumps)", size,
         _best(lambda r: jsonio.dumps(mapper.to_json(layout.parse(r))), raws, repeat)),
        ("XML -> JSON", "lxml parse-only", size, _best(layout.parse, raws, repeat)),
        ("XML -> JSON", "xmlschema to_dict (parse + decode)", size,
         _best(lambda r: schema.to_dict(layout.parse(r)), raws[:few], max(repeat - 1, 1))),
        ("JSON -> XML", "st97 bulk (loads + to_xml + tostring)", line_size,
         _best(lambda x: etree.tostring(mapper.to_xml(jsonio.loads(x))), lines, repeat)),
        ("JSON -> XML", "orjson loads + lxml tostring", line_size,
         _best(lambda p: (orjson.loads(p[0]), etree.tostring(p[1])), pairs, repeat)),
        ("JSON -> XML", "xmlschema encode + tostring (dict given)", line_size,
         _best(lambda d: etree.tostring(schema.encode(d, path=layout.record, validation="skip",
                                                      etree_element_class=etree.Element)),
               xs_dicts, max(repeat - 1, 1))),
    ]
    return [{"direction": d, "contender": c,
             "records": few if c.startswith("xmlschema") else len(raws), "bytes_per_record": s,
             "ms_per_record": t * 1e3, "records_per_s": 1 / t, "mb_per_s": s / t / 1e6}
            for d, c, s, t in rows]


_MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True)
print(done.returncode, time.perf_counter() - start,
      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def end_to_end(bag: Path, xsd: Path, out: Path, record: str) -> list[dict[str, Any]]:
    rows = []
    for workers in ("1", "2"):
        for direction, source, target, extra in (
            ("XML -> JSON", bag, out / "bulk.jsonl", ()),
            ("JSON -> XML", out / "bulk.jsonl", out / "bulk.xml", ("--record", record)),
        ):
            command = [str(ST9X), "convert-bulk", str(source), "--schema", str(xsd), "--to",
                       "json" if direction == "XML -> JSON" else "xml", "--out", str(target),
                       "--workers", workers, "--quiet", "--format", "json", *extra]
            done = subprocess.run([sys.executable, "-c", _MEASURE, *command],
                                  capture_output=True, text=True, check=True)
            code, seconds, peak = done.stdout.split()
            records = target.read_bytes().count(b"\n") if direction == "XML -> JSON" else None
            size = source.stat().st_size
            rows.append({"direction": direction, "workers": int(workers), "exit": int(code),
                         "seconds": float(seconds), "mb_in": size / 1e6,
                         "mb_per_s": size / 1e6 / float(seconds), "records": records,
                         "peak_rss_mb": int(peak) / 1024})
    count = rows[0]["records"]
    for row in rows:
        row["records"] = count
        row["records_per_s"] = count / row["seconds"]
    return rows


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bag", type=Path, default=None,
                        help="an XML bag (default: the cached 64 MB st96-core bag)")
    parser.add_argument("--schema", type=Path, default=None)
    parser.add_argument("--sample", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("/tmp/st9x-convert-bulk-figures"))
    parser.add_argument("--skip-cli", action="store_true", help="in-process figures only")
    args = parser.parse_args(argv)
    from bulk.convbulk_bags import CORE_XSD, big_core_bag

    bag = args.bag or big_core_bag(64)
    xsd = args.schema or CORE_XSD
    args.out.mkdir(parents=True, exist_ok=True)
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []
    print(f"bag {bag} ({bag.stat().st_size / 1e6:.1f} MB), schema {xsd}, load {load}, "
          f"{time.strftime('%Y-%m-%d %H:%M')}")
    rows = in_process(bag, xsd, args.sample, args.repeat)
    print("\n| direction | contender | records | bytes/record | ms/record | records/s | MB/s |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['direction']} | {r['contender']} | {r['records']} | "
              f"{r['bytes_per_record']:,.0f} | {r['ms_per_record']:.3f} | "
              f"{r['records_per_s']:,.0f} | {r['mb_per_s']:.1f} |")
    ours = {r["direction"]: r["ms_per_record"] for r in rows if r["contender"].startswith("st97")}
    for r in rows:
        if not r["contender"].startswith("st97"):
            ratio = ours[r["direction"]] / r["ms_per_record"]
            print(f"{r['direction']}: ours / {r['contender']} = {ratio:.2f}"
                  + (f" (ours {1 / ratio:.1f}x faster)" if ratio < 1 else ""))
    if args.skip_cli:
        return
    layout = read_layout(bag)
    e2e = end_to_end(bag, xsd, args.out, layout.record)
    print("\n| direction | workers | MB in | seconds | records/s | MB/s | peak RSS MB | exit |")
    print("|---|---|---|---|---|---|---|---|")
    for r in e2e:
        print(f"| {r['direction']} | {r['workers']} | {r['mb_in']:.1f} | {r['seconds']:.1f} | "
              f"{r['records_per_s']:,.0f} | {r['mb_per_s']:.1f} | {r['peak_rss_mb']:.0f} | "
              f"{r['exit']} |")
    print(f"\nthis script's own peak RSS: "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
