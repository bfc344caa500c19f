"""Requests generated from the OpenAPI document by schemathesis (the property-based API tester
users know): each GET operation's documented examples first, then positive cases (values the
document allows) drawn with Hypothesis, derandomized so that one document gives the same
requests every time.

schemathesis only generates here; st9x sends the requests itself (:mod:`.client`), so every
request is bounded the same way and none is followed elsewhere. Operations schemathesis cannot
read (a reference it cannot resolve) are skipped with a note. Its configuration is built
in code, never discovered from a ``schemathesis.toml`` of the working folder.
"""

from __future__ import annotations

import contextlib
import copy
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from st9x.openapiload import OpenApiDocument, escape
from st9x.rules.st90_live.exchanges import Operation, Probe
from st9x.subjects.apis.live.plan import Planned

BASE = "http://st9x.invalid"  # schemathesis builds URLs on a base; only the path is kept
DROPPED = {"connection", "accept-encoding", "content-length", "host"}


@dataclass
class Generated:
    examples: list[Planned] = field(default_factory=list)
    known: dict[Operation, dict[str, str]] = field(default_factory=dict)
    cases: dict[Operation, list[Planned]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def generate(doc: OpenApiDocument, per_operation: int, deadline: float) -> Generated:
    """Examples and up to ``per_operation`` generated cases of each GET operation, stopping
    at ``deadline`` (``time.monotonic()``)."""
    with _scratch_storage():
        return _generate(doc, per_operation, deadline)


@contextlib.contextmanager
def _scratch_storage() -> Iterator[None]:
    """Hypothesis's storage (its example database, its cache of constants read from source
    files) in a temporary folder for the length of the generation: by default Hypothesis writes
    ``.hypothesis/`` into the working folder, and a check of an API must leave the user's
    folder as it found it. The previous setting is restored (a test session's own stays)."""
    from hypothesis import configuration

    previous = getattr(configuration, "__hypothesis_home_directory", None)
    with tempfile.TemporaryDirectory(prefix="st9x-hypothesis-") as scratch:
        configuration.set_hypothesis_home_dir(scratch)
        try:
            yield
        finally:
            configuration.set_hypothesis_home_dir(previous)


def _generate(doc: OpenApiDocument, per_operation: int, deadline: float) -> Generated:
    import schemathesis
    from schemathesis.config import SchemathesisConfig

    out = Generated()
    try:
        schema = schemathesis.openapi.from_dict(copy.deepcopy(doc.document),
                                                config=SchemathesisConfig())
    except Exception as exc:
        out.notes.append(f"schemathesis cannot read the document, so no request is "
                         f"generated: {type(exc).__name__}: {str(exc)[:200]}")
        return out
    for result in schema.get_all_operations():
        try:
            api_operation = result.ok()
        except Exception as exc:
            out.notes.append(f"schemathesis skips an operation: {str(exc)[:200]}")
            continue
        if api_operation.method.lower() != "get":
            continue
        template = str(api_operation.path)
        operation = Operation(template, "get", f"/paths/{escape(template)}/get")
        try:
            strategies = schema.get_strategies_from_examples(api_operation)
        except Exception as exc:
            strategies = []
            out.notes.append(f"GET {template}: examples not usable: {str(exc)[:200]}")
        for strategy in strategies:
            for case in _draw(strategy, 1, deadline):
                planned = _planned(case, Probe.EXAMPLE, operation)
                out.examples.append(planned)
                if case.path_parameters:
                    out.known.setdefault(operation, {
                        str(k): str(v) for k, v in case.path_parameters.items()})
        if per_operation > 0:
            out.cases[operation] = [_planned(c, Probe.GENERATED, operation) for c in
                                    _draw(api_operation.as_strategy(), per_operation,
                                          deadline)]
    return out


def _draw(strategy: Any, count: int, deadline: float) -> list[Any]:
    """Up to ``count`` distinct examples of ``strategy``, reproducibly."""
    from hypothesis import HealthCheck, Phase, given, settings

    drawn: list[Any] = []

    @settings(max_examples=count, database=None, deadline=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
              print_blob=False)
    @given(strategy)
    def collect(case: Any) -> None:
        if len(drawn) < count and time.monotonic() < deadline:
            drawn.append(case)

    # an operation schemathesis cannot generate for: whatever was drawn is kept
    with contextlib.suppress(Exception):
        collect()
    return drawn


def _planned(case: Any, probe: Probe, operation: Operation) -> Planned:
    kwargs = case.as_transport_kwargs(base_url=BASE)
    parts = urlsplit(kwargs["url"])
    query = kwargs.get("params") or {}
    if isinstance(query, str):  # already encoded (explode/style serialization)
        encoded = query
    else:
        pairs = list(query.items()) if isinstance(query, dict) else list(query)
        encoded = urlencode(pairs, doseq=True)
    path = parts.path + (f"?{encoded}" if encoded else "")
    headers = tuple((str(k), str(v)) for k, v in (kwargs.get("headers") or {}).items()
                    if str(k).lower() not in DROPPED)
    return Planned(probe, "GET", path, operation, headers,
                   note="a documented example" if probe is Probe.EXAMPLE else
                   "a request generated from the document")
