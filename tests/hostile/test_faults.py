"""Fault isolation and resumption: broken validators, a disk that fills, an output directory
that cannot be written, and runs stopped by SIGINT, SIGTERM or SIGKILL half-way.

The adapters below are real classes implementing the adapter protocol, each failing the way a
third-party validator can fail: raising, hanging in Python or in C, killing its own process,
crashing the interpreter, exhausting memory, calling sys.exit, answering nonsense. External
validators are real commands described in TOML files and run by the real CLI. Whatever happens,
the run must go on, every other record must be intact, and an interrupted run must be resumable
into exactly the planned records.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import resource
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any, ClassVar

import pytest

from st9x.corpus.load import load_corpus
from st9x.corpus.model import DataFormat, SchemaSpec
from st9x.engine.isolation import ProcessExecutor
from st9x.engine.results import iter_results
from st9x.engine.tasks import plan
from st9x.engine.worker import Worker
from st9x.ledger import Ledger
from st9x.runner import run
from st9x.subjects.validators.base import Adapter, AdapterInfo, Outcome

from .helpers import (
    NO_CONVERTERS,
    ST9X,
    cli,
    empty_ledger,
    external_toml,
    one_line,
    results,
    vm_size_mb,
    wait_for_records,
)
from .helpers import xml_corpus as make_xml_corpus

# --- validators that fail ---------------------------------------------------------------------


class _Broken:
    """Compiles to itself; ``fail`` is what validating does."""

    name: ClassVar[str]
    format: ClassVar[DataFormat] = "xml"

    def info(self) -> AdapterInfo:
        return AdapterInfo(self.name, self.format, "tests", "0", (), type(self).__doc__ or "")

    def compile(self, schema: SchemaSpec) -> _Broken:
        return self

    def validate(self, instance: Path) -> Outcome:
        return self.fail(instance)

    def fail(self, instance: Path) -> Any:
        raise NotImplementedError


class Raises(_Broken):
    """Raises a plain Python exception."""

    name = "raises"

    def fail(self, instance: Path) -> Any:
        raise RuntimeError(f"validator bug on {instance.name}")


# How long the hanging validators hang: a run that took this long waited for one instead of
# killing it. A bound set by what it guards against, not by the machine's speed.
HANG_SECONDS = 600


class HangsInPython(_Broken):
    """Sleeps far beyond any time-out."""

    name = "hangs-python"

    def fail(self, instance: Path) -> Any:
        time.sleep(HANG_SECONDS)


class HangsInC(_Broken):
    """Blocks inside C code (libc sleep through ctypes), where Python cannot interrupt it."""

    name = "hangs-c"

    def fail(self, instance: Path) -> Any:
        ctypes.CDLL(None).sleep(HANG_SECONDS)


class KillsItself(_Broken):
    """Sends SIGKILL to its own process."""

    name = "kills-itself"

    def fail(self, instance: Path) -> Any:
        os.kill(os.getpid(), signal.SIGKILL)


class Segfaults(_Broken):
    """Dereferences a null pointer: the interpreter dies of SIGSEGV."""

    name = "segfaults"

    def fail(self, instance: Path) -> Any:
        import faulthandler

        faulthandler.disable()  # no Python traceback dump: the test output stays clean
        ctypes.string_at(0)


class EatsMemory(_Broken):
    """Allocates far more than the worker's memory limit, in one request: the limit refuses it
    at once. (Filling 256 MiB blocks touched every page first, which on a loaded machine could
    outlast the time-out: the test then saw a time-out instead of the memory limit.)"""

    name = "eats-memory"

    def fail(self, instance: Path) -> Any:
        return bytearray(16 * 1024**3)  # 16 GiB


class CallsExit(_Broken):
    """Calls sys.exit, as some command-line tools wrapped as libraries do."""

    name = "calls-exit"

    def fail(self, instance: Path) -> Any:
        sys.exit(3)


class AnswersNonsense(_Broken):
    """Returns None instead of an Outcome."""

    name = "nonsense"

    def fail(self, instance: Path) -> Any:
        return None


EXPECTED_MESSAGES = {
    "raises": "raises raised RuntimeError: validator bug on",
    "hangs-python": "time-out: no verdict within 1.5 s",
    "hangs-c": "time-out: no verdict within 1.5 s",
    "kills-itself": "the validator's process was killed by signal SIGKILL",
    "segfaults": "the validator's process was killed by signal SIGSEGV",
    "eats-memory": "eats-memory ran out of memory",
    # the worker turns both into records itself, so its process lives on (F7)
    "calls-exit": "calls-exit raised SystemExit: 3",
    "nonsense": "nonsense returned NoneType instead of an Outcome",
}
BROKEN = (Raises, HangsInPython, HangsInC, KillsItself, Segfaults, EatsMemory, CallsExit,
          AnswersNonsense)  # fmt: skip


def test_broken_validators_are_records_and_the_run_goes_on(
    tmp_path: Path, adapters: dict[str, Adapter]
) -> None:
    corpus = load_corpus(make_xml_corpus(tmp_path / "corpus", 2))
    chosen: dict[str, Any] = {"lxml": adapters["lxml"]}
    chosen.update({cls.name: cls() for cls in BROKEN})
    out = tmp_path / "out"
    executor = ProcessExecutor(chosen, jobs=2, timeout=1.5, memory_mb=vm_size_mb() + 512)
    started = time.monotonic()
    result = run([corpus], chosen, out, ledger=Ledger(), executor=executor)
    assert time.monotonic() - started < HANG_SECONDS  # the hanging workers were killed

    _, records, footer = results(out)
    assert footer is not None and not footer["interrupted"]
    assert len(records) == footer["records"] == result.tasks == 2 * len(chosen)
    assert Counter(r["adapter"] for r in records) == dict.fromkeys(chosen, 2)
    for record in records:
        if record["adapter"] == "lxml":
            assert record["verdict"] == "valid"  # the real validator was not disturbed
            continue
        assert record["verdict"] == "errored", record
        message = record["errors"][0]["message"]
        assert one_line(message)
        assert message.startswith(EXPECTED_MESSAGES[record["adapter"]]), message


@pytest.mark.parametrize("cls", [CallsExit, AnswersNonsense], ids=lambda c: c.name)
def test_in_process_worker_turns_every_failure_into_a_record(tmp_path: Path, cls: type) -> None:
    corpus = load_corpus(make_xml_corpus(tmp_path / "corpus", 1))
    adapters: dict[str, Any] = {cls.name: cls()}
    (task,) = plan([corpus], adapters)
    try:
        record = Worker(adapters).run(task)
    except BaseException as exc:  # what escapes Worker.run is the finding
        pytest.fail(f"{type(exc).__name__} escaped Worker.run")
    assert record["verdict"] == "errored"
    assert record["errors"][0]["message"] == EXPECTED_MESSAGES[cls.name]


# --- external validators: real commands -------------------------------------------------------


def _marked(marker: str) -> list[int]:
    """Processes whose command line holds ``marker`` (ones this test started)."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
            except OSError:
                continue
            if marker.encode() in cmdline:
                pids.append(int(entry))
    return pids


def _kill_marked(marker: str) -> None:
    for pid in _marked(marker):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _sleep_marker() -> str:
    """A sleep duration unique to this test, so that the sleeping commands it starts (and only
    those) can be found in /proc afterwards and cleaned up."""
    return f"29.{os.getpid()}{time.monotonic_ns() % 10**9:09d}"


def test_external_commands_that_hang_or_die(tmp_path: Path) -> None:
    marker = _sleep_marker()
    corpus = make_xml_corpus(tmp_path / "corpus", 2)
    config = tmp_path / "external.toml"
    config.write_text(
        "[adapter.sleeps]\nformat = 'xml'\n"
        f"command = \"sh -c 'exec sleep {marker}' {{instance}}\"\ntimeout = 60\n"
        "[adapter.own-timeout]\nformat = 'xml'\n"
        f"command = \"sh -c 'exec sleep {marker}' {{instance}}\"\ntimeout = 0.5\n"
        "[adapter.kills-itself]\nformat = 'xml'\n"
        "command = \"sh -c 'kill -KILL $$' {instance}\"\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    try:
        done = cli(
            "run", "--corpus", corpus, "--external", config, "--adapter", "sleeps",
            "--adapter", "own-timeout", "--adapter", "kills-itself", "--adapter", "lxml",
            "--out", out, "--timeout", "2", "--jobs", "2", "--quiet",
            "--ledger", empty_ledger(tmp_path / "l.json"),
        )  # fmt: skip
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr[-1500:]
        _, records, footer = results(out)
        assert footer is not None and len(records) == 8
        messages = {(r["adapter"], r["case"]): r["errors"][0]["message"] for r in records
                    if r["errors"]}  # fmt: skip
        for case in ("doc-000", "doc-001"):
            assert messages[("sleeps", case)] == "time-out: no verdict within 2 s"
            assert "own-timeout: no answer within 0.5 s" in messages[("own-timeout", case)]
            assert "kills-itself exited with -9" in messages[("kills-itself", case)]
        assert {r["verdict"] for r in records if r["adapter"] == "lxml"} == {"valid"}
    finally:
        _kill_marked(marker)


def test_timed_out_external_commands_do_not_outlive_the_run(tmp_path: Path) -> None:
    marker = _sleep_marker()
    corpus = make_xml_corpus(tmp_path / "corpus", 1)
    command = f"sh -c 'exec sleep {marker}' {{instance}}"
    config = external_toml(tmp_path / "sleeps.toml", "sleeps", command)
    try:
        done = cli(
            "run", "--corpus", corpus, "--external", config, "--adapter", "sleeps",
            "--out", tmp_path / "out", "--timeout", "1", "--quiet",
            "--ledger", empty_ledger(tmp_path / "l.json"),
        )  # fmt: skip
        assert "time-out" in (tmp_path / "out" / "results.jsonl").read_text(), done.stderr
        time.sleep(0.3)
        assert _marked(marker) == []
    finally:
        _kill_marked(marker)


# --- output that cannot be written ------------------------------------------------------------


@pytest.mark.parametrize("where", ["under-a-file", "results-is-a-directory", "summary-is-a-dir"])
def test_output_that_cannot_be_written_is_one_line(tmp_path: Path, where: str) -> None:
    """Tests run as root, for whom permissions do not stop writes; a path that needs a
    directory where a regular file is stops everyone."""
    corpus = make_xml_corpus(tmp_path / "corpus", 2)
    if where == "under-a-file":
        (tmp_path / "file").write_text("a regular file")
        out = tmp_path / "file" / "out"
        bad = out / "results.jsonl"
    else:
        out = tmp_path / "out"
        bad = out / ("results.jsonl" if where == "results-is-a-directory" else "summary.json")
        bad.mkdir(parents=True)
    done = cli("run", "--corpus", corpus, "--out", out, "--adapter", "lxml", "--quiet",
               "--ledger", empty_ledger(tmp_path / "l.json"))  # fmt: skip
    assert done.returncode == 1
    assert "Traceback" not in done.stderr, done.stderr[-1500:]
    errors = [line for line in done.stderr.splitlines() if line.startswith("st9x: error:")]
    assert len(errors) == 1 and str(bad) in errors[0], done.stderr
    if where == "summary-is-a-dir":  # the records were all written before the summary failed
        _, records, footer = results(out)
        assert footer is not None and len(records) == 2


def _limit_file_size(limit: int) -> Any:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() then fails with EFBIG instead

    return apply


def test_full_disk_keeps_valid_results_and_resumes(tmp_path: Path) -> None:
    """RLIMIT_FSIZE stands in for a full disk (a small tmpfs needs privileges): a write past the
    limit is cut short, then fails with EFBIG. The results file must stay valid JSON Lines with
    whole records only, and a resumed run must finish it."""
    corpus = make_xml_corpus(tmp_path / "corpus", 30)
    out = tmp_path / "out"
    ledger = empty_ledger(tmp_path / "l.json")
    limit = 9000
    args = ["run", "--corpus", str(corpus), "--out", str(out), "--adapter", "lxml", "--quiet",
            "--jobs", "1", "--ledger", str(ledger), *NO_CONVERTERS]  # fmt: skip
    done = subprocess.run(
        [ST9X, *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=_limit_file_size(limit),  # the limit applies to st9x only
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr[-1500:]
    errors = [line for line in done.stderr.splitlines() if line.startswith("st9x: error:")]
    assert len(errors) == 1 and "cannot write results" in errors[0], done.stderr
    results_file = out / "results.jsonl"
    assert results_file.stat().st_size <= limit
    _, records, footer = results(out)  # every line parses and follows the results format
    assert 0 < len(records) < 30
    assert f"the {len(records)} records written before are kept" in errors[0]
    if footer is not None:  # the short footer may still fit where the record did not
        assert footer["interrupted"] is True and footer["records"] == len(records)

    # the corpus is named again: a resumed run takes no path from its results file
    resumed = cli("run", "--resume", out, "--corpus", corpus, "--quiet")  # (no converter suites)
    assert resumed.returncode == 0, resumed.stderr[-1500:]
    _, records, footer = results(out)
    assert footer is not None and footer["interrupted"] is False
    keys = [r["case"] for r in records]
    assert len(keys) == len(set(keys)) == 30


# --- interrupted runs -------------------------------------------------------------------------


def _start_slow_run(tmp_path: Path, total: int) -> tuple[subprocess.Popen[bytes], Path]:
    """A real ``st9x run`` of ``total`` cases with an external validator that takes 0.1 s a
    case, in its own process group (as a shell starts a foreground job). Its output goes to
    files: after a SIGKILL, pipes would stay open in whatever the dead process left behind."""
    corpus = make_xml_corpus(tmp_path / "corpus", total)
    config = external_toml(tmp_path / "slow.toml", "slow", "sh -c 'sleep 0.1' slow {instance}")
    out = tmp_path / "out"
    args = ["run", "--corpus", str(corpus), "--external", str(config), "--adapter", "slow",
            "--out", str(out), "--jobs", "2", "--quiet",
            "--ledger", str(empty_ledger(tmp_path / "l.json")), *NO_CONVERTERS]  # fmt: skip
    with (tmp_path / "stdout").open("wb") as stdout, (tmp_path / "stderr").open("wb") as stderr:
        process = subprocess.Popen(
            [ST9X, *args], stdout=stdout, stderr=stderr, start_new_session=True
        )
    return process, out


def _stop(process: subprocess.Popen[bytes], how: str) -> None:
    if how == "sigint-group":
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    elif how == "sigterm":
        process.send_signal(signal.SIGTERM)
    else:
        process.kill()
    process.wait(timeout=60)


@pytest.mark.parametrize("how", ["sigint-group", "sigterm", "sigkill"])
def test_interrupted_run_keeps_every_record_and_resumes(tmp_path: Path, how: str) -> None:
    """Ctrl-C (SIGINT to the whole process group), SIGTERM to the st9x process (a CI runner
    cancelling), SIGKILL (no chance to clean up): the results file holds only whole records,
    and ``--resume`` runs exactly the missing ones."""
    total = 24
    process, out = _start_slow_run(tmp_path, total)
    try:
        seen = wait_for_records(out / "results.jsonl", 5)
        assert 5 <= seen < total, "the run finished before it could be interrupted"
        _stop(process, how)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        _kill_marked(str(out))  # in case a worker outlives a SIGKILL again (finding F9)
    stderr = (tmp_path / "stderr").read_text()

    if how == "sigkill":
        assert process.returncode == -signal.SIGKILL
    else:
        assert process.returncode == 1 and "Traceback" not in stderr, stderr[-1500:]
        assert "interrupted: the results file holds every record finished so far" in stderr
    _, records, footer = results(out)  # only whole, valid lines
    done_before = len(records)
    assert seen <= done_before < total
    if how == "sigkill":
        assert footer is None
    else:
        assert footer is not None and footer["interrupted"] is True
        assert footer["records"] == done_before
    assert (out / "summary.json").exists() == (how != "sigkill")

    # the corpus and the external adapter are named again: none is taken from the results file
    resumed = cli("run", "--resume", out, "--corpus", tmp_path / "corpus",
                  "--external", tmp_path / "slow.toml", "--quiet")  # (no converter suites)
    assert resumed.returncode == 0, resumed.stderr[-1500:]
    assert f"resumed: {done_before} records kept" in resumed.stdout
    _, records, footer = results(out)
    keys = [(r["case"], r["adapter"]) for r in records]
    assert len(keys) == len(set(keys)) == total  # nothing lost, nothing run twice
    assert footer is not None and footer["resumed_records"] == done_before
    assert {r["verdict"] for r in records} == {"valid"}


def test_killed_run_leaves_no_worker_processes(tmp_path: Path) -> None:
    process, out = _start_slow_run(tmp_path, 24)
    try:
        wait_for_records(out / "results.jsonl", 4)
        _stop(process, "sigkill")
        deadline = time.monotonic() + 60  # a poll: only a failing run waits this long
        while _marked(str(out)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _marked(str(out)) == []
    finally:
        _kill_marked(str(out))


def test_engine_resume_after_keyboard_interrupt(
    tmp_path: Path, adapters: dict[str, Adapter]
) -> None:
    """The same through the engine API: the interrupt arrives while records are being written."""
    corpus = load_corpus(make_xml_corpus(tmp_path / "corpus", 12))
    chosen = {"lxml": adapters["lxml"], "xmlschema-1.0": adapters["xmlschema-1.0"]}
    out = tmp_path / "out"
    seen = []

    def interrupt_after_five(task: object, record: dict) -> None:
        seen.append(record)
        if len(seen) == 5:
            raise KeyboardInterrupt

    first = run([corpus], chosen, out, ledger=Ledger(), on_record=interrupt_after_five,
                executor=ProcessExecutor(chosen, jobs=2, timeout=30, memory_mb=None))  # fmt: skip
    assert first.interrupted
    _, records, footer = results(out)
    assert len(records) == 5 and footer is not None and footer["interrupted"]

    second = run([corpus], chosen, out, ledger=Ledger(), resume=True)
    assert second.resumed_records == 5 and second.tasks == 24 - 5
    _, records, footer = results(out)
    keys = [(r["case"], r["adapter"]) for r in records]
    assert len(keys) == len(set(keys)) == 24
    assert footer is not None and not footer["interrupted"]


# --- interrupted converter suites -------------------------------------------------------------


def _slow_converter(path: Path) -> Path:
    """An external converter whose instance step takes 0.2 s (and whose schema is ``true``), so a
    run's converter suites can be interrupted in the middle."""
    write = "open(sys.argv[2], 'w').write"
    path.write_text(
        "[converter.slow]\n"
        f'schema = "{sys.executable} -c \\"import sys; {write}(\'true\')\\" {{xsd}} {{out}}"\n'
        f'to-json = "{sys.executable} -c \\"import sys, time; time.sleep(0.2); {write}(\'1\')\\" '
        '{xml} {out}"\n'
        "timeout = 30\n",
        encoding="utf-8",
    )
    return path


def test_interrupted_converter_suites_keep_their_records_and_resume(tmp_path: Path) -> None:
    """Ctrl-C while the converter suites run: ``conversions.jsonl`` holds only whole records
    and an ``interrupted`` footer, and ``--resume`` (which takes the converter names from the
    run's header, and the converter file given again) runs exactly the missing steps: nothing
    lost, nothing twice."""
    total = 20
    corpus = make_xml_corpus(tmp_path / "corpus", total)
    out = tmp_path / "out"
    args = ["run", "--corpus", str(corpus), "--adapter", "lxml", "--out", str(out), "--quiet",
            "--ledger", str(empty_ledger(tmp_path / "l.json")), "--converter", "slow",
            "--converter-file", str(_slow_converter(tmp_path / "slow.toml"))]  # fmt: skip
    with (tmp_path / "stderr").open("wb") as stderr:
        process = subprocess.Popen([ST9X, *args], stdout=subprocess.DEVNULL, stderr=stderr,
                                   start_new_session=True)
    conversions = out / "conversions.jsonl"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (
            not conversions.exists() or conversions.read_bytes().count(b'"type":"case"') < 4
        ):
            time.sleep(0.05)
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 1, (tmp_path / "stderr").read_text()[-1500:]
    # every line whole and in the format
    lines = list(iter_results(conversions, kind="conversions"))
    cases = [r for r in lines if r["type"] == "case"]
    assert 4 <= len(cases) < total
    footer = lines[-1]
    assert footer["type"] == "footer" and footer["interrupted"] is True
    assert footer["records"] == len(lines) - 2  # header and footer aside

    resumed = cli("run", "--resume", out, "--corpus", corpus, "--quiet",
                  "--converter-file", tmp_path / "slow.toml", converters=True)
    assert resumed.returncode == 0, resumed.stderr[-1500:]
    assert f"converter suites resumed: {len(lines) - 2} records kept" in resumed.stdout
    lines = list(iter_results(conversions, kind="conversions"))
    keys = [r["case"] for r in lines if r["type"] == "case"]
    assert len(keys) == len(set(keys)) == total
    assert {r["converter"] for r in lines if r["type"] in ("case", "schema")} == {"slow"}
    assert lines[-1]["interrupted"] is False and lines[-1]["resumed_records"] == len(cases) + 1
