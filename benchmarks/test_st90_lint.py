"""Linting the large OpenAPI document of the st90-apis corpus (320 operations, 359 KB plus a
77 KB components file, $ref chains six levels deep) against reading it alone, the floor every
lint pays, measured in one run so the ratios hold across machines:

    pytest benchmarks/test_st90_lint.py --benchmark-only --benchmark-group-by=group \
        --benchmark-columns=min,median,rounds

The whole-command figure (`st9x lint openapi` on the document, wall clock and peak memory) is in
docs/st90.md with its command; this benchmark keeps measuring its three parts: reading
(safe YAML, positions, local $refs), the gate (openapi-spec-validator) and the ST.90 rules.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from st9x.openapiload import load_openapi
from st9x.rules import st90
from st9x.subjects.linters.st90_openapi import St90OpenApiLinter

LARGE = Path(__file__).resolve().parents[1] / "corpora" / "st90-apis" / "openapi" / "large" / \
    "api.yaml"
GROUP = "st90-lint: large OpenAPI document (320 operations)"


@pytest.mark.benchmark(group=GROUP)
def test_read_the_document(benchmark: Any) -> None:
    document = benchmark(load_openapi, LARGE)
    assert not document.ref_problems and len(document.files) == 2
    benchmark.extra_info["operations"] = sum(1 for _ in document.operations())


@pytest.mark.benchmark(group=GROUP)
def test_read_and_gate(benchmark: Any) -> None:
    def gate() -> list[Any]:
        return st90.RULES.run_rule(st90.GATE, load_openapi(LARGE))

    findings = benchmark(gate)
    assert [str(f.status) for f in findings] == ["pass"]


@pytest.mark.benchmark(group=GROUP)
def test_read_gate_and_every_rule(benchmark: Any) -> None:
    results = benchmark(St90OpenApiLinter().check, LARGE)
    assert len(results) == len(st90.RULES)
    assert not [f for found in results.values() for f in found if str(f.status) == "fail"]
