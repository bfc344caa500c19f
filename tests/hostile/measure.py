"""Measure every hostile case under every adapter: verdict, wall time and peak memory.

``python tests/hostile/measure.py [--timeout S] [--memory-mb MB]`` prints the Markdown table of
docs/reliability.md. Each case × adapter runs in a process of its own, forked from a parent that
has imported every adapter but compiled nothing, so that ``os.wait4`` gives the peak resident
memory of that one task (the fork's baseline is printed first); the per-task time-out and the
address-space limit are the engine's (RLIMIT_AS, kill on time-out). The 100,000-deep inputs,
too large to commit, are generated into a temporary copy of the corpus first.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import select
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``hostile`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hostile.helpers import HOSTILE, HOSTILE_LEDGER, add_cases, generated_cases, make_outside
from st9x.corpus.load import load_corpus
from st9x.engine.judge import judge
from st9x.engine.tasks import Task, plan
from st9x.engine.validation import base_record, finish_record
from st9x.engine.worker import Worker
from st9x.ledger import load_ledger
from st9x.subjects.registry import select_adapters
from st9x.subjects.validators.base import Problem, Verdict


def _child(task: Task, adapters: dict[str, Any], memory_mb: int, write: int) -> None:
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        record = Worker(adapters).run(task)
    except MemoryError:
        record = _errored(task, f"memory limit of {memory_mb} MB exceeded")
    os.write(write, json.dumps(record).encode())
    os._exit(0)


def _errored(task: Task, message: str) -> dict[str, Any]:
    return finish_record(base_record(task.case, task.adapter, None), Verdict.ERRORED,
                         [Problem(message)])  # fmt: skip


def measure(task: Task, adapters: dict[str, Any], timeout: float, memory_mb: int) -> dict:
    """Run one task in a forked process; return its record, seconds and peak RSS (MB)."""
    read, write = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(read)
        _child(task, adapters, memory_mb, write)
    os.close(write)
    chunks: list[bytes] = []
    timed_out = False
    while True:
        left = started + timeout - time.monotonic()
        if left <= 0:
            os.kill(pid, signal.SIGKILL)
            timed_out = True
            break
        ready, _, _ = select.select([read], [], [], left)
        if ready:
            chunk = os.read(read, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    os.close(read)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.monotonic() - started
    if timed_out:
        record = _errored(task, f"time-out: no verdict within {timeout:g} s (killed)")
    elif chunks:
        record = json.loads(b"".join(chunks))
    else:
        record = _errored(task, f"the worker died (wait status {status})")
    return {"record": record, "seconds": seconds, "rss_mb": usage.ru_maxrss / 1024}


def _short(message: str, root: Path, limit: int = 110) -> str:
    message = message.replace(str(root), "…").replace("|", "\\|")
    return message if len(message) <= limit else message[: limit - 1] + "…"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=5.0)
    parser.add_argument("--memory-mb", type=int, default=4096)
    args = parser.parse_args(argv)

    formats = {
        "xml": ("lxml", "xmlschema-1.0", "xmlschema-1.1"),
        "json": ("fastjsonschema", "jsonschema", "jsonschema-rs"),
    }
    adapters = select_adapters([name for names in formats.values() for name in names])
    ledger = load_ledger(HOSTILE_LEDGER)
    rows: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "hostile"
        shutil.copytree(HOSTILE, root)  # the committed corpus as it is, plus the deep inputs
        outside = make_outside(Path(tmp) / "outside")
        add_cases(root, [c for c in generated_cases(root, outside) if "deep" in c["id"]])
        corpus = load_corpus(root)
        for task in plan([corpus], adapters):
            got = measure(task, adapters, args.timeout, args.memory_mb)
            record = got["record"]
            row = rows.setdefault(
                task.case.id,
                {"case": task.case, "verdicts": {}, "seconds": 0.0, "mb": 0.0, "message": ""},
            )
            judgement = judge(record, ledger)[0]
            mark = "" if judgement == "pass" else f" ({judgement})"
            row["verdicts"][task.adapter] = record["verdict"] + mark
            row["seconds"] = max(row["seconds"], got["seconds"])
            row["mb"] = max(row["mb"], got["rss_mb"])
            if record["errors"] and not row["message"]:
                row["message"] = _short(record["errors"][0]["message"], root)

        print(
            f"time-out {args.timeout:g} s, RLIMIT_AS {args.memory_mb} MB; each case x adapter "
            "in a fresh forked worker; slowest and peak resident memory over the adapters."
        )
        for fmt, names in formats.items():
            columns = " | ".join(names)
            print(f"\n| case | expected | {columns} | s (max) | MB (peak) | first message |")
            print("|---|---|" + "---|" * len(names) + "---:|---:|---|")
            for row in rows.values():
                case = row["case"]
                if case.format != fmt:
                    continue
                verdicts = " | ".join(row["verdicts"][n] for n in names)
                print(
                    f"| {case.id} | {case.expected} | {verdicts} | {row['seconds']:.2f} | "
                    f"{row['mb']:.0f} | {row['message']} |"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
