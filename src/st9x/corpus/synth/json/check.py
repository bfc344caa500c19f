"""Check a JSON document with two independent validators, jsonschema-rs and python
``jsonschema``, both asserting formats.

A generated "valid" instance or a mutant "invalid" one is only as trustworthy as the check
behind it; what the answers mean together is decided by
:class:`st9x.corpus.synth.records.Verdicts`. Where python ``jsonschema`` cannot evaluate a
schema the reason is kept, for the report: a check by one validator is never passed off as two.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import jsonschema
import jsonschema_rs

from st9x.corpus.synth.records import Verdicts


def float_multiple_ok(value: float, step: float) -> bool:
    """Python jsonschema checks ``multipleOf`` by float division (0.3 / 0.1 is not 3), so a
    value is kept only if that division is exact -- otherwise the two validators disagree on
    a correct document and the case would measure float rounding, not schema support."""
    quotient = value / step
    return quotient == int(quotient)


def _patterns_python_cannot_compile(node: Any) -> list[str]:
    """ECMA-262 patterns (e.g. ``\\p{Lu}``) Python's ``re`` rejects: python jsonschema would
    crash on the first document that reaches them, so such a schema is checked by jsonschema-rs
    alone and the report says so."""
    found: list[str] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            pattern = item.get("pattern")
            if isinstance(pattern, str):
                try:
                    re.compile(pattern)
                except re.error:
                    found.append(pattern)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _formats_used(node: Any) -> set[str]:
    """Every ``format`` value in a schema document."""
    found: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if isinstance(item.get("format"), str):
                found.add(item["format"])
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


@dataclass(frozen=True)
class JsonVerdicts(Verdicts):
    """The two validators' answers on one document (``python`` is None when not evaluated)."""

    rs: bool
    python: bool | None
    rs_error: str = ""
    python_error: str = ""

    def answers(self) -> tuple[bool | None, ...]:
        return (self.rs, self.python)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"jsonschema-rs": "valid" if self.rs else "invalid"}
        if self.rs_error:
            out["jsonschema-rs-error"] = self.rs_error[:300]
        if self.python is not None:
            out["python-jsonschema"] = "valid" if self.python else "invalid"
            if self.python_error:
                out["python-jsonschema-error"] = self.python_error[:300]
        return out


class DualJsonValidator:
    """jsonschema-rs and python ``jsonschema``, both asserting formats.

    Formats are asserted because ``date``/``date-time`` mutants break only the format; with
    assertion off every validator would (rightly) accept them. Python ``jsonschema`` is used
    whenever it knows the schema's dialect (draft-04 to 2020-12); otherwise only jsonschema-rs.
    """

    def __init__(self, schema: dict[str, Any]) -> None:
        self.rs = jsonschema_rs.validator_for(schema, validate_formats=True)
        self.py: Any = None
        #: Why python jsonschema is not consulted ("" when it is): reported, never silent.
        self.python_skipped = ""
        cls = jsonschema.validators.validator_for(schema, default=None)
        unusable = _patterns_python_cannot_compile(schema)
        if cls is None:
            self.python_skipped = "python jsonschema does not know the schema's dialect"
        elif unusable:
            self.python_skipped = (
                "python jsonschema evaluates 'pattern' with Python re, which cannot compile "
                f"{len(unusable)} pattern(s) of this schema, e.g. {unusable[0][:80]!r}"
            )
        else:
            self.py = cls(schema, format_checker=cls.FORMAT_CHECKER)
        #: Formats the schema uses that python jsonschema cannot assert (its checker for them
        #: needs an optional package that is missing): it then accepts any string there, so a
        #: format mutant shows as a disagreement. Reported, with the reason, never silent.
        self.python_formats_unasserted: list[str] = []
        if self.py is not None:
            known = set(cls.FORMAT_CHECKER.checkers)
            self.python_formats_unasserted = sorted(_formats_used(schema) - known)

    def check(self, instance: Any) -> JsonVerdicts:
        rs_error = ""
        try:
            self.rs.validate(instance)
            rs_ok = True
        except jsonschema_rs.ValidationError as exc:
            rs_ok = False
            rs_error = str(exc).splitlines()[0]
        py_ok: bool | None = None
        py_error = ""
        if self.py is not None:
            error = jsonschema.exceptions.best_match(self.py.iter_errors(instance))
            py_ok = error is None
            if error is not None:
                py_error = f"{error.json_path}: {error.message}"
        return JsonVerdicts(rs_ok, py_ok, rs_error, py_error)
