"""st9x's ST.90 lint side by side with Spectral, the OpenAPI linter most API teams know.

Spectral (npm ``@stoplight/spectral-cli``) runs with its ``spectral:oas`` ruleset on the same
documents as the ``st90-openapi`` linter; the comparison says, per document, which findings
both report, which only st9x has (the ST.90 and WIPO API Catalog rules Spectral does not know)
and which only Spectral has. Two findings are the same when they are in the same file, their
rules are a pair of :data:`PAIRS` (both check the same thing), and they are at the same place
(the same operation or JSON Pointer, or the same line); a pair marked document-wide (the schema
check against st9x's gate) needs no common place.

Spectral is found as ``$ST9X_SPECTRAL``, a ``spectral`` on ``PATH``, the project's
``.spectral/`` install (``npm install --no-save --prefix .spectral @stoplight/spectral-cli``) or
``npx --no-install spectral``. Its output is untrusted: read from a file of bounded size,
checked item by item, each problem named; the run is bounded in time.

``python -m st9x.testing.spectral DIR_OR_FILES... -o FILE`` writes the Markdown comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path

from st9x.errors import St9xError
from st9x.openapiload import escape, load_openapi
from st9x.report.markdown import code, table
from st9x.rules.model import Status
from st9x.subjects.linters.st90_openapi import St90OpenApiLinter

INSTALL = "npm install --no-save --prefix .spectral @stoplight/spectral-cli"
TIMEOUT_SECONDS = 300
MAX_OUTPUT_BYTES = 64 * 1024 * 1024
SUFFIXES = (".yaml", ".yml", ".json")
PROJECT = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class Pair:
    """A Spectral rule and the st9x rules (shell-style patterns over ids) that check the same
    thing; ``anywhere``: both judge the whole document, so no common place is needed."""

    spectral: str
    st9x: tuple[str, ...]
    anywhere: bool = False


#: Spectral's spectral:oas codes paired with the st9x rules that check the same thing
PAIRS: tuple[Pair, ...] = (
    Pair("oas2-schema", ("st90.gate.*",), anywhere=True),
    Pair("oas3-schema", ("st90.gate.*",), anywhere=True),
    Pair("oas3-valid-schema-example", ("st90.gate.*",), anywhere=True),
    Pair("operation-operationId", ("st90.service-contract.*operation*id*",)),
    Pair("operation-description", ("st90.service-contract.*description*",)),
    Pair("info-description", ("st90.service-contract.*description*",
                              "st90.catalog-metadata.*description*")),
    Pair("path-keys-no-trailing-slash", ("st90.uri-components.*trailing*",)),
    Pair("oas3-api-servers", ("st90.security.*server*", "st90.security.*https*")),
    Pair("oas2-api-schemes", ("st90.security.*https*", "st90.security.*scheme*")),
    Pair("oas2-api-host", ("st90.security.*server*",)),
    Pair("operation-success-response", ("st90.status-codes.*",)),
    Pair("oas3-operation-security-defined", ("st90.security.*",)),
    Pair("oas2-operation-security-defined", ("st90.security.*",)),
)


class SpectralError(St9xError):
    """Spectral could not be run, or its output could not be read."""


@dataclass(frozen=True)
class Found:
    """One finding of either tool: file, rule, JSON Pointer, line (1-based), message."""

    tool: str
    document: str
    rule: str
    pointer: str
    line: int | None
    message: str

    @property
    def operation(self) -> str | None:
        """``/paths/<path>/<method>``: the operation the place is in, if any."""
        parts = self.pointer.split("/")
        return "/".join(parts[:4]) if len(parts) >= 4 and parts[1] == "paths" else None


@dataclass
class Comparison:
    document: str
    both: list[tuple[Found, Found]] = field(default_factory=list)
    only_st9x: list[Found] = field(default_factory=list)
    only_spectral: list[Found] = field(default_factory=list)


def find_spectral() -> list[str] | None:
    """The command that runs Spectral here, or None."""
    given = os.environ.get("ST9X_SPECTRAL")
    if given:
        return [given]
    for candidate in (shutil.which("spectral"), Path.cwd() / ".spectral/node_modules/.bin/spectral",
                      PROJECT / ".spectral/node_modules/.bin/spectral"):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return [str(candidate)]
    npx = shutil.which("npx")
    if npx:
        try:
            done = subprocess.run([npx, "--no-install", "spectral", "--version"],
                                  capture_output=True, timeout=60, check=False)
        except (OSError, subprocess.TimeoutExpired):
            return None
        if done.returncode == 0:
            return [npx, "--no-install", "spectral"]
    return None


def documents(paths: Sequence[Path]) -> list[Path]:
    """The OpenAPI documents under ``paths`` (files with an ``openapi`` or ``swagger`` field:
    a file of shared components is read through the document referring to it)."""
    out = []
    for path in paths:
        files = sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES) if path.is_dir() \
            else [path]
        for file in files:
            try:
                if load_openapi(file, (file.parent,)).version is not None:
                    out.append(file)
            except St9xError:
                continue
    return out


def st9x_findings(document: Path) -> list[Found]:
    """The failures ``st90-openapi`` reports on ``document``."""
    results = St90OpenApiLinter().check(document, bounds=(document.parent,))
    return [Found("st9x", str(document), rule, f.location, f.line, f.detail)
            for rule, findings in results.items() for f in findings
            if f.status in (Status.FAIL, Status.ERRORED)]


def spectral_findings(command: Sequence[str], files: Sequence[Path]) -> list[Found]:
    """Spectral's findings on ``files`` with the ``spectral:oas`` ruleset."""
    with tempfile.TemporaryDirectory(prefix="st9x-spectral-") as tmp:
        ruleset, out = Path(tmp) / ".spectral.yaml", Path(tmp) / "out.json"
        ruleset.write_text('extends: ["spectral:oas"]\n', encoding="utf-8")
        argv = [*command, "lint", "--ruleset", str(ruleset), "--format", "json", "--output",
                str(out), "--quiet", "--fail-severity", "error", *map(str, files)]
        try:
            done = subprocess.run(argv, capture_output=True, timeout=TIMEOUT_SECONDS,
                                  check=False)
        except subprocess.TimeoutExpired:
            raise SpectralError(f"Spectral did not finish within {TIMEOUT_SECONDS} s") from None
        except OSError as exc:
            raise SpectralError(f"cannot run Spectral ({command[0]}): {exc}") from None
        if done.returncode not in (0, 1) or not out.is_file():
            tail = (done.stderr or done.stdout).decode("utf-8", "replace").strip()
            raise SpectralError(f"Spectral failed (exit {done.returncode}): "
                                f"{(tail.splitlines() or [''])[-1][:300]}")
        if out.stat().st_size > MAX_OUTPUT_BYTES:
            raise SpectralError(f"Spectral's output is over {MAX_OUTPUT_BYTES} bytes")
        return list(parse(out.read_text(encoding="utf-8", errors="replace"), files))


def parse(text: str, files: Sequence[Path]) -> Iterator[Found]:
    """Spectral's JSON output as findings; an item of an unexpected shape is an error naming
    its index."""
    try:
        items = json.loads(text) if text.strip() else []
    except json.JSONDecodeError as exc:
        raise SpectralError(f"Spectral's output is not JSON: {exc.msg} at line {exc.lineno}") \
            from None
    if not isinstance(items, list):
        raise SpectralError("Spectral's output is not a JSON array")
    known = {str(f.resolve()): str(f) for f in files}
    for index, item in enumerate(items):
        try:
            source = str(item["source"])
            path = [str(p) for p in item["path"]]
            line = int(item["range"]["start"]["line"]) + 1  # Spectral counts from 0
            rule, message = str(item["code"]), str(item["message"])
        except (KeyError, TypeError, ValueError):
            raise SpectralError(f"Spectral's finding #{index} lacks code, path, source or "
                                "range") from None
        document = known.get(str(Path(source).resolve()), source)
        pointer = "".join(f"/{escape(p)}" for p in path)
        yield Found("spectral", document, rule, pointer, line, message)


def _paired(spectral: Found, ours: Found) -> Pair | None:
    for pair in PAIRS:
        if pair.spectral == spectral.rule and any(fnmatchcase(ours.rule, p) for p in pair.st9x):
            return pair
    return None


def _same_place(a: Found, b: Found) -> bool:
    if a.pointer == b.pointer or (a.line is not None and a.line == b.line):
        return True
    if a.operation is not None and a.operation == b.operation:
        return True
    return bool(a.pointer and b.pointer) and (a.pointer.startswith(b.pointer + "/")
                                               or b.pointer.startswith(a.pointer + "/"))


def compare(ours: Sequence[Found], theirs: Sequence[Found]) -> Comparison:
    """One document's findings matched one to one: a place match first, then a
    document-wide pair."""
    result = Comparison(ours[0].document if ours else theirs[0].document if theirs else "")
    left = list(theirs)
    for finding in ours:
        match = next((s for s in left if (p := _paired(s, finding)) and _same_place(s, finding)),
                     None) or next((s for s in left if (p := _paired(s, finding))
                                    and p.anywhere), None)
        if match is None:
            result.only_st9x.append(finding)
        else:
            left.remove(match)
            result.both.append((finding, match))
    result.only_spectral = left
    return result


def run_comparison(paths: Sequence[Path], command: Sequence[str] | None = None) \
        -> list[Comparison]:
    """Both linters on every OpenAPI document under ``paths``; SpectralError without Spectral."""
    command = command or find_spectral()
    if command is None:
        raise SpectralError(f"Spectral CLI not installed ({INSTALL})")
    files = documents(paths)
    theirs = spectral_findings(command, files)
    out = []
    for file in files:
        comparison = compare(st9x_findings(file), [f for f in theirs if f.document == str(file)])
        comparison.document = str(file)
        out.append(comparison)
    return out


def render(comparisons: Sequence[Comparison]) -> str:
    """The Markdown tables: per document, then per rule pair, then each tool's own rules."""
    lines = ["| document | both | only st9x | only Spectral |", "|---|---|---|---|"]
    lines += [f"| {code(c.document)} | {len(c.both)} | {len(c.only_st9x)} | "
              f"{len(c.only_spectral)} |" for c in comparisons]
    pairs: dict[tuple[str, str], int] = {}
    mine: dict[str, int] = {}
    spectral: dict[str, int] = {}
    for c in comparisons:
        for ours, theirs in c.both:
            pairs[(theirs.rule, ours.rule)] = pairs.get((theirs.rule, ours.rule), 0) + 1
        for f in c.only_st9x:
            mine[f.rule] = mine.get(f.rule, 0) + 1
        for f in c.only_spectral:
            spectral[f.rule] = spectral.get(f.rule, 0) + 1
    lines += ["", *table(["Spectral rule", "st9x rule", "found by both"],
                         [[a, b, n] for (a, b), n in sorted(pairs.items())])]
    lines += ["", *table(["st9x rule", "only st9x"], sorted(mine.items()))]
    lines += ["", *table(["Spectral rule", "only Spectral"], sorted(spectral.items()))]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m st9x.testing.spectral",
                                     description="st9x's ST.90 lint and Spectral (spectral:oas) "
                                     "on the same OpenAPI documents, as Markdown tables.")
    parser.add_argument("paths", nargs="+", type=Path, help="OpenAPI files or folders")
    parser.add_argument("-o", "--output", type=Path, help="Markdown file (default: stdout)")
    args = parser.parse_args(argv)
    try:
        text = render(run_comparison(args.paths))
    except SpectralError as exc:
        print(f"st9x spectral: {exc}", file=sys.stderr)
        return 2
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
