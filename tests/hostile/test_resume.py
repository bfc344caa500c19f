"""A results file is data: ``st9x run --resume`` and ``st9x report`` check every record against
what the run has, and take no path, command or plug-in from the file.

Each test starts from a real run of four cases, edits its ``results.jsonl`` the way someone
handing it over could, and checks that the edit is refused in one line naming the file and the
line (or the external file to pass again), that nothing in the output folder changes, and that
no command named in the header runs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from st9x.testing.guards import OpenWatch

from .helpers import Outside, cli, empty_ledger, external_toml, one_line, results, xml_corpus

CASES = 4


def _lines(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]


def _write(out: Path, documents: list[dict[str, Any]]) -> None:
    text = "".join(json.dumps(d) + "\n" for d in documents)
    (out / "results.jsonl").write_text(text, encoding="utf-8")


def _snapshot(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


def _refused(done: Any, where: str, *words: str) -> str:
    """The command failed with one error line, which names ``where`` and says ``words``."""
    assert done.returncode != 0, done.stdout[-800:]
    assert "Traceback" not in done.stderr, done.stderr[-1500:]
    errors = [line for line in done.stderr.splitlines() if line.startswith("st9x: error:")]
    assert len(errors) == 1, done.stderr
    assert one_line(errors[0]) and where in errors[0], errors[0]
    for word in words:
        assert word in errors[0], errors[0]
    return errors[0]


@pytest.fixture
def finished(tmp_path: Path) -> tuple[Path, Path, list[str]]:
    """A finished run (corpus, output folder) and the arguments a resume of it names again."""
    corpus = xml_corpus(tmp_path / "corpus", CASES)
    out = tmp_path / "out"
    ledger = empty_ledger(tmp_path / "l.json")
    done = cli("run", "--corpus", corpus, "--out", out, "--adapter", "lxml", "--quiet",
               "--ledger", ledger)  # fmt: skip
    assert done.returncode == 0, done.stderr[-1500:]
    return corpus, out, ["--corpus", str(corpus), "--ledger", str(ledger), "--quiet"]


def _cut(out: Path, keep: int) -> list[dict[str, Any]]:
    """The header and the first ``keep`` records: what an interrupted run leaves."""
    return _lines(out)[: 1 + keep]


def test_an_untouched_interrupted_run_resumes(finished: tuple[Path, Path, list[str]]) -> None:
    _, out, again = finished
    _write(out, _cut(out, 2))
    done = cli("run", "--resume", out, *again)
    assert done.returncode == 0, done.stderr[-1500:]
    assert "resumed: 2 records kept" in done.stdout
    _, records, footer = results(out)
    assert len(records) == CASES and footer is not None and footer["resumed_records"] == 2


def test_a_duplicated_record_is_refused_and_nothing_is_written(
    finished: tuple[Path, Path, list[str]],
) -> None:
    _, out, again = finished
    lines = _cut(out, 2)
    _write(out, [*lines, lines[1]])  # the record of line 2 again, on line 4
    before = _snapshot(out)
    done = cli("run", "--resume", out, *again)
    _refused(done, "results.jsonl:4:", "second record", "line 2")
    assert _snapshot(out) == before


@pytest.mark.parametrize(
    ("field", "value"),
    [("corpus", "elsewhere"), ("case", "doc-999"), ("adapter", "xmlschema-1.1")],
)
def test_a_record_the_run_does_not_plan_is_refused(
    finished: tuple[Path, Path, list[str]], field: str, value: str
) -> None:
    """A record of a corpus, case or adapter the run does not have would be counted in
    ``summary.json``; it is refused instead, and the earlier summary stays as it was."""
    _, out, again = finished
    lines = _cut(out, 2)
    _write(out, [*lines, {**lines[1], field: value}])
    before = _snapshot(out)
    done = cli("run", "--resume", out, *again)
    _refused(done, "results.jsonl:4:", "does not plan", value)
    assert _snapshot(out) == before


@pytest.mark.parametrize("what", ["corpora", "adapters"])
def test_a_header_naming_what_the_run_does_not_have_is_refused(
    finished: tuple[Path, Path, list[str]], what: str
) -> None:
    """The header's corpora and adapters are folded into the matrices: a foreign one there is
    refused as a foreign record is."""
    _, out, again = finished
    lines = _cut(out, 2)
    extra = dict(lines[0][what][0], id="elsewhere", name="elsewhere")
    lines[0][what].append(extra)
    _write(out, lines)
    before = _snapshot(out)
    _refused(cli("run", "--resume", out, *again), "results.jsonl:1:", what, "elsewhere")
    assert _snapshot(out) == before


def _marker_toml(path: Path, marker: Path, key: str = "adapter") -> Path:
    """A TOML file whose command writes ``marker`` when it runs."""
    if key == "adapter":
        return external_toml(path, "evil", f"sh -c 'touch {marker}' evil {{instance}}")
    path.write_text(
        f'[converter.evil]\nschema = "sh -c \'touch {marker}\' evil {{xsd}} {{out}}"\n',
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(("key", "option"), [("external", "--external"),
                                             ("converter_files", "--converter-file")])
def test_a_command_named_in_the_header_never_runs(
    finished: tuple[Path, Path, list[str]], tmp_path: Path, key: str, option: str
) -> None:
    """The header names a TOML file whose command would write a marker: resuming refuses, says
    the file must be passed again, and the command never runs."""
    _, out, again = finished
    marker = tmp_path / "MARKER"
    toml = _marker_toml(tmp_path / "evil.toml", marker, "adapter" if key == "external" else "c")
    lines = _cut(out, 2)
    lines[0]["selection"][key] = [str(toml)]
    lines[0]["selection"]["adapters" if key == "external" else "converters"] = ["evil"]
    _write(out, lines)
    before = _snapshot(out)
    _refused(cli("run", "--resume", out, *again), "results.jsonl", option, "evil.toml",
             "pass them again")  # fmt: skip
    assert not marker.exists()
    assert _snapshot(out) == before


def test_an_external_adapter_is_passed_again_and_must_be_the_same(
    tmp_path: Path,
) -> None:
    """A run with an external adapter resumes only with that file passed again, with the same
    content (by SHA-256): another command under the same name and path is refused unrun."""
    corpus = xml_corpus(tmp_path / "corpus", CASES)
    out = tmp_path / "out"
    toml = external_toml(tmp_path / "ext.toml", "ext", "sh -c 'exit 0' ext {instance}")
    again = ["--corpus", str(corpus), "--ledger", str(empty_ledger(tmp_path / "l.json")),
             "--quiet"]  # fmt: skip
    done = cli("run", "--out", out, "--external", toml, "--adapter", "ext", *again)
    assert done.returncode == 0, done.stderr[-1500:]
    assert _lines(out)[0]["selection"]["external_sha256"]
    _write(out, _cut(out, 2))
    before = _snapshot(out)

    _refused(cli("run", "--resume", out, *again), "results.jsonl", "--external", "ext.toml")
    original = toml.read_text()
    marker = tmp_path / "MARKER"
    _marker_toml(toml, marker)  # the same path, another command
    toml.write_text(toml.read_text().replace("evil", "ext"))
    _refused(cli("run", "--resume", out, "--external", toml, *again), "results.jsonl",
             "not the run's", "SHA-256")  # fmt: skip
    assert not marker.exists()
    assert _snapshot(out) == before

    toml.write_text(original)
    done = cli("run", "--resume", out, "--external", toml, *again)
    assert done.returncode == 0, done.stderr[-1500:]
    _, records, _ = results(out)
    assert len(records) == CASES and {r["adapter"] for r in records} == {"ext"}


def test_no_corpus_is_read_from_the_header(
    finished: tuple[Path, Path, list[str]], tmp_path: Path, outside: Outside
) -> None:
    """The header names a corpus folder the user did not: resuming without ``--corpus`` refuses
    (naming the run's corpora) and never opens anything in that folder; with ``--corpus``
    naming the user's own folder, the header's differs and is refused too."""
    _, out, again = finished
    elsewhere = xml_corpus(outside.dir / "corpus", 2)
    lines = _cut(out, 2)
    lines[0]["selection"]["corpora"] = [str(elsewhere.resolve())]
    lines[0]["corpora"][0]["path"] = str(elsewhere)
    _write(out, lines)
    before = _snapshot(out)
    watched = [elsewhere, elsewhere / "xml", elsewhere / "schemas", outside.dir]
    with OpenWatch(watched) as watch:
        without = cli("run", "--resume", out, *again[2:])
        named = cli("run", "--resume", out, *again)
    assert watch.opened == []
    _refused(without, "results.jsonl", "--corpus", str(elsewhere.resolve()))
    _refused(named, "results.jsonl", "--corpus", str(elsewhere.resolve()))
    assert _snapshot(out) == before


def test_report_refuses_duplicated_and_foreign_records(
    finished: tuple[Path, Path, list[str]],
) -> None:
    """``st9x report DIR`` folds a results file as ``--resume`` keeps it: a second record of a
    task, or a record of a corpus or adapter its header does not list, is refused."""
    _, out, again = finished
    lines = _lines(out)
    ledger = again[again.index("--ledger") + 1]
    for edited, word in (
        ([*lines[:-1], lines[1], lines[-1]], "second record"),
        ([*lines[:-1], {**lines[1], "corpus": "elsewhere"}, lines[-1]], "elsewhere"),
        ([*lines[:-1], {**lines[1], "adapter": "xmlschema-1.1"}, lines[-1]], "xmlschema-1.1"),
    ):
        _write(out, edited)
        before = _snapshot(out)
        done = cli("report", out, "--ledger", ledger, "--quiet")
        _refused(done, f"results.jsonl:{len(lines)}:", word)
        assert _snapshot(out) == before
    _write(out, lines)
    assert cli("report", out, "--ledger", ledger, "--quiet").returncode == 0
