"""Files too large to read, and runs stopped while they load: the work st9x does in its own
process before any worker, time-out or memory limit exists (loading, indexing, fingerprinting).

A sparse file of a terabyte costs nothing to make and reads as a terabyte of zeros. Each one
must end as an errored case or a note naming the file and its size, with the other cases run;
a run stopped while it loads must print one line, exit 130 and write nothing.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from st9x.errors import InstanceError, SchemaError
from st9x.filelimit import ENV_VAR
from st9x.xmlsafe import parse_xml

from .helpers import ST9X, cli, empty_ledger, results

TIB = 1 << 40
SIZE = str(TIB)  # every message gives the exact size in bytes
SCHEMA = (
    '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
    '<xs:element name="a" type="xs:string"/></xs:schema>\n'
)


def _sparse(path: Path, size: int = TIB) -> Path:
    """A file of ``size`` bytes that takes no room on disk; skip where the filesystem refuses."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    try:
        os.truncate(path, size)
    except OSError as exc:
        pytest.skip(f"this filesystem makes no sparse file of {size} bytes: {exc}")
    if os.stat(path).st_blocks * 512 > 1 << 20:
        path.unlink()
        pytest.skip("this filesystem stores a truncated file in full (not sparse)")
    return path


def _indexed_corpus(root: Path) -> Path:
    """A directory without a manifest: one good case, and a terabyte each of .xsd, .xml and
    .json (the .json is sniffed for being a JSON Schema; the .xsd is indexed for its
    elements)."""
    (root / "schemas").mkdir(parents=True)
    (root / "schemas" / "a.xsd").write_text(SCHEMA, encoding="utf-8")
    (root / "ok.xml").write_text("<a>fine</a>\n", encoding="utf-8")
    _sparse(root / "big" / "huge.xsd")
    _sparse(root / "big" / "huge.xml")
    _sparse(root / "big" / "huge-doc.json")
    return root


def _run(tmp_path: Path, corpus: Path, *extra: str, env: dict[str, str] | None = None
         ) -> subprocess.CompletedProcess[str]:
    out = tmp_path / "out"
    return cli("run", "--corpus", corpus, "--out", out, "--quiet",
               "--ledger", empty_ledger(tmp_path / "ledger.json"), *extra,
               timeout=600, env=env)  # fmt: skip


def test_terabyte_files_in_an_indexed_directory_are_errored_or_noted(tmp_path: Path) -> None:
    corpus = _indexed_corpus(tmp_path / "corpus")
    done = _run(tmp_path, corpus)
    assert done.returncode == 1, done.stderr[-2000:]  # the big instances are broken expectations
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr
    warning = [line for line in done.stderr.splitlines() if "huge.xsd" in line]
    assert len(warning) == 1 and "st9x: warning:" in warning[0] and SIZE in warning[0]

    header, records, footer = results(tmp_path / "out")
    assert footer is not None and footer["interrupted"] is False
    by_case: dict[str, set[str]] = {}
    for record in records:
        by_case.setdefault(record["case"], set()).add(record["verdict"])
        if record["case"].startswith("big/"):
            (error,) = record["errors"]
            assert SIZE in error["message"] and "/big/huge" in error["message"]
            assert "too large" in error["message"] and record["instance_sha256"] is None
    assert by_case == {"ok": {"valid"}, "big/huge": {"errored"}, "big/huge-doc": {"errored"}}

    (fingerprint,) = header["corpora"]
    unhashed = [n for n in fingerprint["notes"] if "not hashed" in n]
    assert len(unhashed) == 3 and all(SIZE in n for n in unhashed)
    assert fingerprint["files"] == 5  # the big files count, by name and size


def test_terabyte_files_named_by_a_manifest_are_never_read_in_process(tmp_path: Path) -> None:
    """A manifest's instance over the limit is an errored case; its schema over the limit is
    refused when compiled. ``--in-process`` has no worker memory limit to hide a whole read
    behind: the parent itself must not read either file."""
    root = tmp_path / "corpus"
    (root / "schemas").mkdir(parents=True)
    (root / "schemas" / "a.xsd").write_text(SCHEMA, encoding="utf-8")
    (root / "ok.xml").write_text("<a>fine</a>\n", encoding="utf-8")
    _sparse(root / "huge.xml")
    _sparse(root / "schemas" / "huge.xsd")
    (root / "small.xml").write_text("<a>small</a>\n", encoding="utf-8")
    case = {"expected": "valid", "schema": "a"}
    manifest = {
        "format": "st9x-corpus/1", "id": "big", "title": "big files",
        "provenance": {"source": "test", "licence": "CC0-1.0"},
        "schemas": [{"id": "a", "path": "schemas/a.xsd", "root": "a"},
                    {"id": "huge", "path": "schemas/huge.xsd", "root": "a"}],
        "cases": [{**case, "id": "ok", "instance": "ok.xml"},
                  {**case, "id": "huge-instance", "instance": "huge.xml"},
                  {**case, "id": "huge-schema", "instance": "small.xml", "schema": "huge"}],
    }  # fmt: skip
    (root / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    done = _run(tmp_path, root, "--in-process")
    assert done.returncode == 1, done.stderr[-2000:]
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr
    _, records, _ = results(tmp_path / "out")
    verdicts = {(r["case"], r["verdict"]) for r in records}
    assert verdicts == {("ok", "valid"), ("huge-instance", "errored"), ("huge-schema", "errored")}
    for record in records:
        if record["case"] != "ok":
            (error,) = record["errors"]
            assert SIZE in error["message"] and "huge." in error["message"], error


def test_the_limit_can_be_raised_and_lowered(tmp_path: Path) -> None:
    """A 2 MiB document is an ordinary case by default, errored under a 1 MiB limit (option or
    environment), and a limit that is not a positive whole number is a usage error."""
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "a.xsd").write_text(SCHEMA, encoding="utf-8")
    (root / "doc.xml").write_text("<a>" + "x" * (2 << 20) + "</a>\n", encoding="utf-8")
    size = str(os.stat(root / "doc.xml").st_size)

    def verdicts(result: subprocess.CompletedProcess[str]) -> set[str]:
        assert "Traceback" not in result.stderr, result.stderr[-2000:]
        return {r["verdict"] for r in results(tmp_path / "out")[1]}

    assert verdicts(_run(tmp_path, root)) == {"valid"}
    lowered = _run(tmp_path, root, "--max-file-mb", "1")
    assert verdicts(lowered) == {"errored"} and lowered.returncode == 1
    message = results(tmp_path / "out")[1][0]["errors"][0]["message"]
    assert size in message and "limit of 1 MiB" in message
    assert results(tmp_path / "out")[0]["selection"]["max_file_mb"] == 1
    env = {**os.environ, ENV_VAR: "1"}
    assert verdicts(_run(tmp_path, root, env=env)) == {"errored"}
    for bad in ("0", "lots"):
        refused = _run(tmp_path, root, env={**os.environ, ENV_VAR: bad})
        assert refused.returncode == 2 and "Traceback" not in refused.stderr
        assert refused.stderr.strip().splitlines()[-1].startswith("st9x: error: ST9X_MAX_FILE_MB")
    zero = _run(tmp_path, root, "--max-file-mb", "0")
    assert zero.returncode == 2 and "st9x: error: --max-file-mb" in zero.stderr


def test_validate_refuses_terabyte_files_in_one_line(tmp_path: Path) -> None:
    schema = tmp_path / "a.xsd"
    schema.write_text(SCHEMA, encoding="utf-8")
    small = tmp_path / "small.xml"
    small.write_text("<a>x</a>\n", encoding="utf-8")
    huge_xml = _sparse(tmp_path / "huge.xml")
    huge_xsd = _sparse(tmp_path / "huge.xsd")
    huge_json = _sparse(tmp_path / "huge.json")
    for args in (
        (huge_xml, "--schema", schema),
        (small, "--schema", huge_xsd),
        (huge_json, "--schema", huge_json),
    ):
        done = cli("validate", *args, timeout=600)
        text = done.stdout + done.stderr
        assert done.returncode == 1 and "Traceback" not in text, text[-2000:]
        assert SIZE in text and "too large" in text


def test_a_device_behind_a_name_is_read_only_up_to_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file that is not what its size says (``/dev/zero`` behind a symlink reports size 0)
    is read one byte past the limit and refused, for schemas and instances alike."""
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    link = tmp_path / "zero.xml"
    link.symlink_to("/dev/zero")
    monkeypatch.setenv(ENV_VAR, "1")
    for error in (InstanceError, SchemaError):
        with pytest.raises(error, match="too large: more than st9x's limit of 1 MiB"):
            parse_xml(link, error=error)


# --- stopped while loading ------------------------------------------------------------------


def _bytes_read(pid: int) -> int:
    """What the process has read so far (``rchar`` of /proc/PID/io); -1 once it is gone."""
    try:
        text = Path(f"/proc/{pid}/io").read_text()
    except OSError:
        return -1
    for line in text.splitlines():
        if line.startswith("rchar:"):
            return int(line.split()[1])
    return 0


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT])
def test_a_run_stopped_while_loading_says_so_in_one_line(
    tmp_path: Path, how: signal.Signals
) -> None:
    """With the limit raised above a terabyte, fingerprinting the corpus reads a terabyte: the
    run is stopped in the middle of it (seen by the bytes the process has read), prints one
    line, exits 130 and leaves no results file."""
    if not Path(f"/proc/{os.getpid()}/io").exists():
        pytest.skip("no /proc/PID/io to see the run reading")
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "a.xsd").write_text(SCHEMA, encoding="utf-8")
    (root / "ok.xml").write_text("<a>fine</a>\n", encoding="utf-8")
    _sparse(root / "blob.bin")
    out = tmp_path / "out"
    env = {**os.environ, ENV_VAR: str(2 * TIB >> 20)}
    args = [ST9X, "run", "--corpus", str(root), "--out", str(out), "--quiet", "--converter",
            "none", "--ledger", str(empty_ledger(tmp_path / "ledger.json"))]  # fmt: skip
    with (tmp_path / "stderr").open("wb") as stderr:
        process = subprocess.Popen(
            args, stdout=subprocess.DEVNULL, stderr=stderr, env=env, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 300  # a guard against a hang, not a measure of speed
        while 0 <= _bytes_read(process.pid) < 256 << 20 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert process.poll() is None, "the run ended before it read the big file"
        assert not (out / "results.jsonl").exists()  # it is still loading
        process.send_signal(how)
        process.wait(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    stderr_text = (tmp_path / "stderr").read_text()
    assert process.returncode == 130, stderr_text[-2000:]
    assert "Traceback" not in stderr_text and "KeyboardInterrupt" not in stderr_text
    assert stderr_text.strip().splitlines()[-1] == "st9x: interrupted"
    assert not (out / "results.jsonl").exists()  # nothing half-written
