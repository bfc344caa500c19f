"""``st9x lint``: the design rules on schema files, as text, JSON or SARIF.

``st9x lint xsd PATH...`` runs the ST.96 rules (linter ``st96-xsd``) and ``st9x lint
jsonschema PATH...`` the ST.97 rules (``st97-jsonschema``); a folder stands for every ``*.xsd``
(or ``*.json``, ``*.schema.json`` among them) under it, sorted. Each file is one lint task run
by the engine's worker, as ``st9x run --lint`` runs it, so both give the same findings.

Exit codes: 0 no finding at or above ``--fail-on`` (default: essential), 1 such a finding, a
file that could not be linted, a rule that raised or a configuration entry naming an unknown
rule (each reported in one line, the rest still linted), 2 a bad command line.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from st9x.cli.console import echo, err, error, print_json
from st9x.cli.exitcodes import ExitCode
from st9x.errors import UsageError

if TYPE_CHECKING:
    from st9x.engine.records import LintRecord
    from st9x.subjects.linters.base import RuleLinter
    from st9x.subjects.linters.config import LintConfig

#: the kind named on the command line → the linter that reads it
KINDS = {"xsd": "st96-xsd", "jsonschema": "st97-jsonschema", "openapi": "st90-openapi"}
SCHEMA_JSON = ".schema.json"  # a folder holding these holds JSON Schemas among other JSON
PROGRESS_FROM = 5  # files: a progress bar for fewer would only flicker


def register(sub: Any) -> None:
    p = sub.add_parser(
        "lint",
        help="check XSDs against the ST.96 design rules, JSON Schemas against ST.97's, "
        "OpenAPI documents against ST.90's",
        description="Lint schema files against the design rules: 'xsd' runs the ST.96 rules "
        "on XSD files, 'jsonschema' the ST.97 rules on JSON Schema files, 'openapi' the ST.90 "
        "rules and the WIPO API Catalog's metadata requirements on OpenAPI documents (Swagger "
        "2.0, OpenAPI 3.0/3.1; YAML or JSON; $refs followed locally, never fetched). A PATH "
        "that is a folder stands for every *.xsd (or *.json, or *.yaml/*.yml/*.json) under "
        "it. Exit 0: no finding at or above --fail-on; 1: such a finding, or a file, rule or "
        "configuration entry that could not be used (each reported, the rest still "
        "linted); 2: a bad command line.",
    )
    p.set_defaults(handler=cmd_lint)
    p.add_argument("kind", nargs="?", choices=sorted(KINDS), help="what to lint")
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                   help="schema files, or folders of them")
    p.add_argument("--format", choices=("text", "json", "sarif", "markdown"), default="text",
                   help="text (default): file:line:col: severity rule-id message; json: one "
                   "document (format lint-report); sarif: SARIF 2.1.0 for code scanning; "
                   "markdown: with --list-rules only, the rule catalogue")
    p.add_argument("--config", type=Path, default=None, metavar="FILE",
                   help="TOML configuration: disable = [rule ids], [[suppress]] tables with "
                   "rule, path, optional location, and reason")
    p.add_argument("--rule", action="append", default=[], metavar="ID",
                   help="run only this rule; repeatable")
    p.add_argument("--fail-on", choices=("essential", "recommended", "note"),
                   default="essential",
                   help="the lowest severity whose finding makes the exit code 1 "
                   "(default: essential)")
    p.add_argument("-o", "--output", type=Path, default=None, metavar="FILE",
                   help="write the report to FILE instead of stdout")
    p.add_argument("--list-rules", action="store_true",
                   help="list the rules (of KIND's linter, or of both) instead of linting")
    p.add_argument("--quiet", action="store_true", help="no progress bar and no closing line")


def _linter(kind: str) -> RuleLinter:
    from st9x.subjects.linters.base import RuleLinter
    from st9x.subjects.registry import select_linters

    name = KINDS[kind]
    linter = select_linters([name])[name]
    if not isinstance(linter, RuleLinter):
        raise UsageError(f"linter {name!r} runs no rule table")
    return linter


def _write(args: argparse.Namespace, text: str) -> None:
    if args.output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from st9x.errors import OutputError
    from st9x.outfiles import write_atomically

    try:
        write_atomically(args.output, text.encode())
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror or exc}", path=args.output) from None


def _list_rules(args: argparse.Namespace) -> ExitCode:
    import orjson

    from st9x.report.lint_catalogue import TABLES, project_catalogue, render_catalogue, rules_json

    kinds = [args.kind] if args.kind else sorted(KINDS)
    if args.format == "markdown" and not args.kind:
        _write(args, project_catalogue())
        return ExitCode.OK
    sections = []
    for kind in kinds:
        linter = _linter(kind)
        what = next((w for n, w, _ in TABLES if n == linter.name), linter.info().description)
        sections.append((linter.name, what, linter.rules()))
    if args.format == "markdown":
        _write(args, render_catalogue(sections))
    elif args.format == "json":
        document = {name: rules_json(rules) for name, _what, rules in sections}
        _write(args, orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n")
    elif args.format == "sarif":
        raise UsageError("--list-rules prints text, json or markdown")
    else:
        lines = [f"{r.id}\t{r.severity}\t{r.category}\t{r.title}"
                 for _name, _what, rules in sections for r in rules]
        _write(args, "".join(line + "\n" for line in lines))
    return ExitCode.OK


def shown_path(path: Path) -> str:
    """A file as the report names it: relative to the working folder when inside it."""
    try:
        return path.absolute().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


def collect(paths: list[Path], suffixes: tuple[str, ...],
            kind: str | None = None) -> tuple[list[tuple[Path, tuple[Path, ...]]], list[str]]:
    """Every file to lint with the folders its references may lead into (the folder it was
    found under, or its own), in the order given, each folder's files sorted; and one problem
    line per PATH that is neither a file nor a folder. A folder with ``*.schema.json`` files
    stands for those alone: a converter's output folder holds converted instances and loss
    reports (``*.json``) beside its schemas. For ``openapi``, a folder stands for the files
    that declare themselves OpenAPI documents (an ``openapi`` or ``swagger`` field): the
    others are parts the documents reference (``components.yaml``), linted through them; a file
    named on the command line is always linted."""
    files: list[tuple[Path, tuple[Path, ...]]] = []
    problems = []
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*")
                           if p.is_file() and p.name.endswith(suffixes))
            schemas = [p for p in found if p.name.endswith(SCHEMA_JSON)]
            if schemas and suffixes == (".json",):
                found = schemas  # beside converted instances: the schemas only
            if kind == "openapi":
                from st9x.openapiload import declares_openapi

                found = [p for p in found if declares_openapi(p)]
            if not found:
                what = "OpenAPI document (a file with an openapi or swagger field)" \
                    if kind == "openapi" else f"{' or '.join('*' + s for s in suffixes)} file"
                problems.append(f"{path}: no {what} in this folder")
            bounds: tuple[Path, ...] = (path.resolve(),)
        elif path.is_file():
            found, bounds = [path], (path.resolve().parent,)
        else:
            problems.append(f"{path}: no such file or folder")
            continue
        for file in found:
            if file.resolve() not in seen:
                seen.add(file.resolve())
                files.append((file, bounds))
    return files, problems


def _config(args: argparse.Namespace) -> LintConfig:
    from st9x.subjects.linters.base import RuleLinter
    from st9x.subjects.linters.config import LintConfig, load_config
    from st9x.subjects.registry import discover_linters

    if args.config is None:
        return LintConfig()
    installed, _broken = discover_linters()
    known = [rule.id for linter in installed.values() if isinstance(linter, RuleLinter)
             for rule in linter.rules()]
    return load_config(args.config, known)


def cmd_lint(args: argparse.Namespace) -> ExitCode:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from st9x.corpus.model import SchemaSpec
    from st9x.engine.lint import used_suppressions
    from st9x.engine.results import config_json, linter_json
    from st9x.engine.tasks import Step, Task
    from st9x.engine.worker import Worker
    from st9x.report.lint_output import rank, report_document, text_lines
    from st9x.report.sarif import sarif_log, sarif_run

    if args.list_rules:
        return _list_rules(args)
    if args.kind is None or not args.paths:
        raise UsageError("name what to lint and where: st9x lint xsd|jsonschema|openapi PATH...")
    if args.format == "markdown":
        raise UsageError("--format markdown lists the rule catalogue: use it with --list-rules")
    linter = _linter(args.kind)
    known = {rule.id for rule in linter.rules()}
    unknown = [r for r in args.rule if r not in known]
    if unknown:
        raise UsageError(f"unknown rule(s) for {linter.name}: {', '.join(unknown)} "
                         "(st9x lint --list-rules lists them)")
    config = _config(args)
    bad = 0
    for problem in config.problems:
        error(problem)
        bad += 1
    files, missing = collect(args.paths, linter.suffixes, linter.schema_kind)
    for problem in missing:
        error(problem)
        bad += 1
    worker = Worker({}, linters={linter.name: linter}, lint_config=config,
                    lint_rules=args.rule or None)
    records: list[LintRecord] = []
    show = not args.quiet and err.is_terminal and len(files) >= PROGRESS_FROM
    progress = Progress(TextColumn("[bold]st9x lint"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("{task.description}"), console=err, transient=True,
                        disable=not show)
    with progress:
        bar = progress.add_task("", total=len(files))
        for path, bounds in files:
            shown = shown_path(path)
            spec = SchemaSpec("", shown, path.resolve(), linter.schema_kind, bounds=bounds)
            record = worker.run(Task(spec, linter.name, Step.LINT))
            record["path"] = shown  # the report names the file as the user does
            if record["message"]:
                record["message"] = record["message"].replace(str(path.resolve()), shown)
            records.append(record)  # type: ignore[arg-type]
            progress.update(bar, advance=1, description=shown)
    failing = 0
    for record in records:
        if record["status"] != "ok":
            error(record["message"])
            bad += 1
            continue
        for finding in record["findings"]:
            if finding["suppression"] is not None:
                continue
            if finding["status"] == "errored":
                bad += 1
            elif rank(finding["severity"]) >= rank(args.fail_on):
                failing += 1
    unused = config.unused(used_suppressions(records))
    config_name = str(config.path) if config.path else None
    for suppression in unused:
        where = f"{config_name}:{suppression.line}" if suppression.line else config_name
        err.print(f"{where}: note: the {suppression.describe()} matched nothing", markup=False)
    unused_json = [s for s in config_json(config)["suppressions"]
                   if s["index"] in {u.index for u in unused}]
    outcome = "errored" if bad else "fail" if failing else "pass"
    if args.format == "sarif":
        import orjson

        run = sarif_run(linter_json(linter), records, Path.cwd(), unused_json, config_name,
                        [str(p) for p in config.problems])
        _write(args, orjson.dumps(sarif_log([run]), option=orjson.OPT_INDENT_2).decode() + "\n")
    elif args.format == "json":
        document = report_document(linter_json(linter), config_json(config), args.fail_on,
                                   records, unused_json, [str(p) for p in config.problems],
                                   outcome)
        if args.output is None:
            print_json(document)
        else:
            import orjson

            _write(args, orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        lines = [line for record in records if record["status"] == "ok"
                 for line in text_lines(record, record["path"])]
        _write(args, "".join(line + "\n" for line in lines))
    if not args.quiet:
        total = sum(1 for r in records for f in r["findings"] if f["suppression"] is None
                    and f["status"] == "fail")
        suppressed = sum(1 for r in records for f in r["findings"]
                         if f["suppression"] is not None)
        message = (f"st9x lint: {len(records)} file(s), {total} finding(s) ({failing} at or "
                   f"above {args.fail_on}), {suppressed} suppressed, {bad} problem(s)")
        err.print(message, markup=False)
    if args.output is not None and not args.quiet:
        echo(f"written: {args.output}")
    return ExitCode.BROKEN if bad or failing else ExitCode.OK
