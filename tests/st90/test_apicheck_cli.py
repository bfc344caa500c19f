"""``st9x api-check`` as a command, run in-process under st9x's offline hook (so the base-URL
exemption is exercised as the command uses it): exit codes, the three output formats, the
rule table's shape."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from st9x import formats
from st9x.cli import main
from st9x.rules.st90.chapters import CHAPTERS
from st9x.rules.st90_live import RULES

from .apicheck_servers import FIXTURES, MINI, mini_app, serving

SMALL = ["--max-requests", "40", "--timeout", "10", "--quiet"]


def api_check(*args: str) -> int:
    return main(["api-check", *args])


def test_rule_table_shape() -> None:
    for rule in RULES.lint_rules():
        assert rule.id.startswith("st90.live.")
        assert rule.category in CHAPTERS
        assert rule.standard_rule is None
        assert str(rule.severity) in ("essential", "recommended")


def test_compliant_api_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    with serving(mini_app()) as url:
        assert api_check("--openapi", str(MINI), "--base-url", url, *SMALL) == 0
    assert capsys.readouterr().out == ""


def test_failing_api_exits_1_with_located_lines(capsys: pytest.CaptureFixture[str]) -> None:
    with serving(mini_app(frozenset({"no-405"}))) as url:
        assert api_check("--openapi", str(MINI), "--base-url", url, *SMALL) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines and all(line.startswith(f"{url}: essential st90.live.method-not-allowed-405 ")
                         for line in lines), lines


def test_unreachable_api_exits_1_naming_the_url(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, not listening: the connection is refused
        url = f"http://127.0.0.1:{port}"
        assert api_check("--openapi", str(MINI), "--base-url", url, "--quiet") == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and url in err[0] and "cannot connect" in err[0]


@pytest.mark.parametrize("content", ["a: [unclosed\n", "just: yaml\n", "{}"])
def test_unusable_openapi_document_exits_2(tmp_path: Path, content: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "api.yaml"
    bad.write_text(content)
    assert api_check("--openapi", str(bad), "--base-url", "http://127.0.0.1:9") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "api.yaml" in err[0]


@pytest.mark.parametrize("args", [
    ["--base-url", "http://127.0.0.1:9"],  # no --openapi
    ["--openapi", str(MINI), "--base-url", "ftp://127.0.0.1/"],
    ["--openapi", str(MINI), "--base-url", "http://127.0.0.1:9", "--rule", "st90.live.nope"],
    ["--openapi", str(MINI), "--base-url", "http://127.0.0.1:9", "--max-requests", "0"],
])
def test_bad_command_line_exits_2(args: list[str]) -> None:
    try:
        code = api_check(*args)
    except SystemExit as exc:  # argparse's own refusals
        code = int(exc.code or 0)
    assert code == 2


def test_json_output_follows_the_lint_report_format(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    with serving(mini_app(frozenset({"error-body"}))) as url:
        code = api_check("--openapi", str(MINI), "--base-url", url, "--format", "json",
                         "-o", str(target), *SMALL)
    assert code == 1
    document = orjson.loads(target.read_bytes())
    formats.check("lint-report", document, path=target)
    assert document["linter"]["name"] == "st90-live"
    assert document["outcome"] == "fail"
    [record] = document["files"]
    assert record["schema"] == url
    assert record["rules"]["st90.live.error-schema"]["fail"] > 0
    assert {f["rule"] for f in record["findings"]} == {"st90.live.error-schema"}
    assert all(f["location"].startswith(("GET ", "PATCH ")) for f in record["findings"])


def test_sarif_output(tmp_path: Path) -> None:
    target = tmp_path / "report.sarif"
    with serving(mini_app(frozenset({"st97-break"}))) as url:
        code = api_check("--openapi", str(MINI), "--base-url", url, "--format", "sarif",
                         "-o", str(target), *SMALL)
    assert code == 1
    log = orjson.loads(target.read_bytes())
    [run] = log["runs"]
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} == set(RULES)
    assert run["results"] and {r["ruleId"] for r in run["results"]} == {
        "st90.live.st97-document"}
    where = run["results"][0]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
    assert where.startswith("GET /v1/items/")


def test_st97_schema_outside_the_documents_folder_is_refused(tmp_path: Path) -> None:
    text = MINI.read_text().replace("x-st97-schema: item.schema.json",
                                    "x-st97-schema: ../item.schema.json")
    (tmp_path / "inner").mkdir()
    (tmp_path / "item.schema.json").write_bytes((FIXTURES / "item.schema.json").read_bytes())
    doc = tmp_path / "inner" / "api.yaml"
    doc.write_text(text)
    target = tmp_path / "report.json"
    with serving(mini_app()) as url:
        assert api_check("--openapi", str(doc), "--base-url", url, "--format", "json",
                         "-o", str(target), *SMALL) == 1
    record = orjson.loads(target.read_bytes())["files"][0]
    messages = [f["message"] for f in record["findings"]
                if f["rule"] == "st90.live.st97-document"]
    assert messages and all("outside the OpenAPI document's folder" in m for m in messages)


def test_a_check_leaves_the_working_folder_as_it_found_it(tmp_path: Path) -> None:
    """Hypothesis (under schemathesis) writes ``.hypothesis/`` into the working folder of the
    process unless told otherwise: a fresh ``st9x api-check`` process is run in an empty one."""
    folder = tmp_path / "work"
    folder.mkdir()
    program = [sys.executable, "-c", "import sys; from st9x.cli import main; sys.exit(main())"]
    with serving(mini_app()) as url:
        done = subprocess.run([*program, "api-check", "--openapi", str(MINI), "--base-url", url,
                               *SMALL], cwd=folder, capture_output=True, text=True,
                              timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert list(folder.iterdir()) == []
