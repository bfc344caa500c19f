"""Reading an OpenAPI document (Swagger 2.0, OpenAPI 3.0 or 3.1; YAML or JSON) as untrusted data.

An API contract comes from outside: an office's repository, a vendor, the WIPO API Catalog. So
it is read the way st9x reads a corpus:

- **size**: one file is at most :data:`MAX_OPENAPI_MB` MiB (and never more than st9x's general
  file limit); a larger one is refused unread, with one line naming it;
- **YAML safely**: the composer of PyYAML's safe loader (no Python tags), with the aliases a
  YAML file may use expanded against a budget of :data:`MAX_NODES` nodes and a depth of
  :data:`MAX_DEPTH` (an alias bomb is refused, not expanded), duplicate keys refused with their
  line, mapping keys kept as written (``200:`` is the string ``"200"``, as OpenAPI means it);
- **JSON strictly**: a ``.json`` file (or one whose text starts with ``{``) is read by
  :func:`st9x.jsonload.load_json` (UTF-8, no duplicate key, no NaN) and composed as YAML only
  to learn where each value stands;
- **references locally**: every ``$ref`` is followed here, before any validator sees the
  document: a ``#/...`` pointer must lead somewhere in its file; a relative file reference must
  stay inside the folders the caller allows (``bounds``) and is read with the same limits
  (at most :data:`MAX_FILES` files); a reference with a scheme or a host (``https://...``,
  ``//host/...``) is never fetched. Each reference that cannot be followed is a
  :class:`RefProblem` with its place, for the gate to report.

Every value's place is kept as a JSON Pointer → (line, column) map, so a rule's finding and a
gate error are located in the file the user opens.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from st9x.errors import SchemaError
from st9x.filelimit import max_file_bytes, read_limited

MAX_OPENAPI_MB = 8  # an OpenAPI document larger than this is refused unread
MAX_NODES = 2_000_000  # values in one file once YAML aliases are expanded
MAX_DEPTH = 256  # nesting of one file
MAX_FILES = 64  # files one document's references may read
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True)
class RefProblem:
    """A ``$ref`` that cannot be followed: where it is written, and why."""

    pointer: str  # the pointer of the ``$ref`` value in ``file``
    file: Path
    detail: str
    line: int | None = None
    column: int | None = None


@dataclass
class OpenApiDocument:
    """One OpenAPI document as the ST.90 rules read it.

    ``document`` is the parsed root file; ``files`` every file its references read (the root
    among them), each parsed; ``positions`` maps a JSON Pointer in the root file to the line
    and column where it is written (a member's key, an item's value); ``version`` is ``"2.0"``
    for Swagger, else the ``openapi`` field (``"3.0.3"``); ``ref_problems`` the references that
    could not be followed.
    """

    path: Path
    document: Any
    text: str = ""
    version: str | None = None
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)
    files: dict[Path, Any] = field(default_factory=dict)
    file_positions: dict[Path, dict[str, tuple[int, int]]] = field(default_factory=dict)
    ref_problems: list[RefProblem] = field(default_factory=list)

    @property
    def swagger(self) -> bool:
        return self.version == "2.0"

    @property
    def major_minor(self) -> str:
        """``"2.0"``, ``"3.0"``, ``"3.1"``, or ``""`` when the document names no version."""
        return ".".join((self.version or "").split(".")[:2])

    def position(self, pointer: str) -> tuple[int | None, int | None]:
        """Line and column of the value at ``pointer`` in the root file; of its nearest
        located ancestor when the value itself has no place (a default the rule filled in)."""
        while True:
            found = self.positions.get(pointer)
            if found is not None:
                return found
            if not pointer:
                return None, None
            pointer = pointer.rsplit("/", 1)[0]

    def resolve(self, value: Any, *, depth: int = 32) -> Any:
        """``value`` with a ``$ref`` at its top followed (within the root file, or a file the
        references read), as often as it takes; an unresolvable reference gives None."""
        current, base = value, self.path.resolve()  # files are keyed by resolved path
        for _ in range(depth):
            if not (isinstance(current, dict) and isinstance(current.get("$ref"), str)):
                return current
            target = _target(current["$ref"], base)
            if target is None:
                return None
            file, fragment = target
            root = self.files.get(file)
            if root is None:
                return None
            found, ok = follow_pointer(root, fragment)
            if not ok:
                return None
            current, base = found, file
        return None

    def operations(self) -> Iterator[tuple[str, str, dict[str, Any], str]]:
        """Every operation: path template, method (lower case), the operation object, and its
        JSON Pointer (``/paths/~1marks~1{id}/get``). A path item given by ``$ref`` is
        followed."""
        paths = self.document.get("paths") if isinstance(self.document, dict) else None
        if not isinstance(paths, dict):
            return
        for template, item in paths.items():
            item = self.resolve(item)
            if not isinstance(item, dict):
                continue
            for method in HTTP_METHODS:
                operation = item.get(method)
                if isinstance(operation, dict):
                    yield template, method, operation, f"/paths/{escape(template)}/{method}"


_DECLARES = re.compile(rb'^(?:"|\'|)(?:openapi|swagger)(?:"|\'|)\s*:', re.MULTILINE)
_DECLARES_JSON = re.compile(rb'"(?:openapi|swagger)"\s*:')
SNIFF_BYTES = 64 * 1024  # where a document names its version, in practice its first lines


def declares_openapi(path: Path) -> bool:
    """Whether the file names itself an OpenAPI document: an ``openapi`` or ``swagger`` key at
    the start of a line (YAML's top level) or, in a JSON file, anywhere in its first 64 KiB. A
    folder holds documents and the parts they reference; only the documents are linted alone.
    A file that cannot be read counts as a document, so that reading it reports the problem."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError:
        return True
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return _DECLARES_JSON.search(head) is not None
    return _DECLARES.search(head) is not None


def escape(token: str) -> str:
    """One JSON Pointer reference token."""
    return token.replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def follow_pointer(document: Any, fragment: str) -> tuple[Any, bool]:
    """The value at the JSON Pointer ``fragment`` (URL-decoded) in ``document``, and whether it
    exists."""
    fragment = urllib.parse.unquote(fragment)
    if fragment in ("", "/"):
        return document, fragment == ""
    if not fragment.startswith("/"):
        return None, False
    current = document
    for token in fragment[1:].split("/"):
        token = unescape(token)
        if isinstance(current, dict) and token in current:
            current = current[token]
        elif isinstance(current, list) and token.isdigit() and int(token) < len(current):
            current = current[int(token)]
        else:
            return None, False
    return current, True


def _target(ref: str, base: Path) -> tuple[Path, str] | None:
    """The file and fragment a local ``$ref`` leads to; None for a remote one."""
    if ref.startswith("//") or _SCHEME.match(ref):
        return None
    address, _, fragment = ref.partition("#")
    if not address:
        return base, fragment
    return (base.parent / urllib.parse.unquote(address)).resolve(), fragment


def load_openapi(path: Path, bounds: tuple[Path, ...] = ()) -> OpenApiDocument:
    """The document at ``path`` with every file its references read; SchemaError (one line
    naming the file and line) when the root file cannot be read or parsed, or is no mapping.
    A reference that cannot be followed is not an error here: it is kept in ``ref_problems``
    for the gate to report with its place. ``bounds``: the folders references may lead into
    (none: the document's own folder)."""
    root = path.resolve()
    allowed = tuple(b.resolve() for b in bounds) or (root.parent,)
    document, text, positions = _read(path)
    if not isinstance(document, dict):
        raise SchemaError(f"not an OpenAPI document: the file holds a "
                          f"{_kind(document)}, not a mapping", path=path, line=1)
    version = _version(document)
    result = OpenApiDocument(path, document, text, version, positions, {root: document},
                             {root: positions})
    _follow_refs(result, root, allowed)
    return result


def _version(document: dict[str, Any]) -> str | None:
    if document.get("swagger") is not None:
        return str(document["swagger"])
    if document.get("openapi") is not None:
        return str(document["openapi"])
    return None


def _follow_refs(result: OpenApiDocument, root: Path, allowed: tuple[Path, ...]) -> None:
    """Every ``$ref`` of the root file and of the files it leads to, followed breadth-first;
    each that cannot be followed becomes a :class:`RefProblem`."""
    pending = [root]
    seen = {root}
    while pending:
        file = pending.pop(0)
        for pointer, ref in _refs(result.files[file]):
            place = result.file_positions.get(file, {}).get(pointer, (None, None))
            target = _target(ref, file)
            if target is None:
                result.ref_problems.append(RefProblem(
                    pointer, file, f"$ref {ref!r} leads outside the document's files: st9x "
                    "never fetches a reference", *place))
                continue
            other, fragment = target
            if other not in result.files:
                problem = _admit(other, allowed, len(result.files))
                if problem is None:
                    try:
                        document, _text, positions = _read(other)
                    except SchemaError as exc:
                        problem = f"$ref {ref!r}: {exc}"
                    else:
                        result.files[other] = document
                        result.file_positions[other] = positions
                else:
                    problem = f"$ref {ref!r}: {problem}"
                if problem is not None:
                    result.ref_problems.append(RefProblem(pointer, file, problem, *place))
                    continue
            if not follow_pointer(result.files[other], fragment)[1]:
                result.ref_problems.append(RefProblem(
                    pointer, file, f"$ref {ref!r}: no value at #{fragment} in "
                    f"{other.name}", *place))
            elif other not in seen:
                seen.add(other)
                pending.append(other)


def _admit(file: Path, allowed: tuple[Path, ...], read: int) -> str | None:
    if not any(file.is_relative_to(b) for b in allowed):
        return "leads outside the folders the document may read"
    if read >= MAX_FILES:
        return f"more than {MAX_FILES} files referenced"
    if not file.is_file():
        return "no such file"
    return None


def _refs(document: Any) -> Iterator[tuple[str, str]]:
    """(pointer of the ``$ref`` value, the reference) for every ``$ref`` string."""
    stack: list[tuple[str, Any]] = [("", document)]
    while stack:
        pointer, value = stack.pop()
        if isinstance(value, dict):
            ref = value.get("$ref")
            if isinstance(ref, str):
                yield f"{pointer}/$ref", ref
            stack.extend((f"{pointer}/{escape(k)}", v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((f"{pointer}/{i}", v) for i, v in enumerate(value))


def _kind(value: Any) -> str:
    return {list: "sequence", str: "string", type(None): "null"}.get(type(value), "scalar")


def _read(path: Path) -> tuple[Any, str, dict[str, tuple[int, int]]]:
    """The parsed file, its text, and where each value starts."""
    import yaml

    limit = min(max_file_bytes(), MAX_OPENAPI_MB * 1024 * 1024)
    if path.is_file() and path.stat().st_size > limit:
        raise SchemaError(f"too large: {path.stat().st_size:,} bytes, more than the "
                          f"{limit // (1024 * 1024)} MiB an OpenAPI document may have", path=path)
    try:
        data = read_limited(path, SchemaError)
    except OSError as exc:
        raise SchemaError(f"cannot read: {exc.strerror or exc}", path=path) from None
    if len(data) > limit:
        raise SchemaError(f"too large: more than the {limit // (1024 * 1024)} MiB an OpenAPI "
                          "document may have", path=path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SchemaError(f"not UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start}",
                          path=path, line=line) from None
    is_json = path.suffix.lower() == ".json" or text.lstrip("\ufeff \t\r\n").startswith("{")
    if is_json:
        from st9x.jsonload import load_json

        document = load_json(path, error=SchemaError)
        try:
            node = yaml.compose(text, Loader=yaml.CSafeLoader)
            positions = _Builder(path).positions_only(node)
        except (yaml.YAMLError, SchemaError, RecursionError):
            positions = {}
        return document, text, positions
    try:
        node = yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        column = mark.column + 1 if mark is not None else None
        raise SchemaError(f"not YAML: {exc.problem or exc.context}", path=path, line=line,
                          column=column) from None
    except yaml.YAMLError as exc:
        raise SchemaError(f"not YAML: {exc}", path=path) from None
    if node is None:
        raise SchemaError("empty: no YAML document in the file", path=path, line=1)
    _check_expansion(node, path)
    builder = _Builder(path)
    return builder.build(node, "", 0), text, builder.positions


def _check_expansion(root: Any, path: Path) -> None:
    """Refuse a file whose values, once its aliases are expanded, would number more than
    :data:`MAX_NODES` (an alias bomb: a few lines that stand for billions of values), or whose
    alias refers to a value that contains it. Counted over the composed graph with each shared
    node's size computed once, so the refusal costs as little as the file is long."""
    import yaml

    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            open_nodes.discard(key)
            if isinstance(node, yaml.MappingNode):
                children = [n for pair in node.value for n in pair]
            elif isinstance(node, yaml.SequenceNode):
                children = list(node.value)
            else:
                children = []
            size = 1 + sum(sizes[id(c)] for c in children)
            if size > MAX_NODES:
                raise SchemaError(f"too many values: more than {MAX_NODES:,} once YAML aliases "
                                  "are expanded", path=path, line=node.start_mark.line + 1)
            sizes[key] = size
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            raise SchemaError("a YAML alias refers to a value that contains it", path=path,
                              line=node.start_mark.line + 1)
        open_nodes.add(key)
        stack.append((node, True))
        if isinstance(node, yaml.MappingNode):
            stack.extend((n, False) for pair in node.value for n in pair if id(n) not in sizes)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((n, False) for n in node.value if id(n) not in sizes)


class _Builder:
    """Python values from composed YAML nodes, recording where each value starts, with the
    node budget and depth limit that keep an alias bomb from being expanded."""

    def __init__(self, path: Path) -> None:
        import yaml

        self.path = path
        self.positions: dict[str, tuple[int, int]] = {}
        self.nodes = 0
        self._constructor = yaml.constructor.SafeConstructor()
        self._yaml = yaml

    def _place(self, pointer: str, node: Any) -> None:
        if pointer not in self.positions:
            self.positions[pointer] = (node.start_mark.line + 1, node.start_mark.column + 1)

    def _count(self, node: Any, depth: int) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise SchemaError(f"too many values: more than {MAX_NODES:,} once YAML aliases are "
                              "expanded", path=self.path, line=node.start_mark.line + 1)
        if depth > MAX_DEPTH:
            raise SchemaError(f"nested more than {MAX_DEPTH} levels deep", path=self.path,
                              line=node.start_mark.line + 1)

    def positions_only(self, node: Any) -> dict[str, tuple[int, int]]:
        if node is not None:
            self.build(node, "", 0)
        return self.positions

    def build(self, node: Any, pointer: str, depth: int) -> Any:
        yaml = self._yaml
        self._count(node, depth)
        self._place(pointer, node)
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    merged = self.build(value_node, pointer, depth + 1)
                    for item in merged if isinstance(merged, list) else [merged]:
                        if isinstance(item, dict):
                            for k, v in item.items():
                                out.setdefault(k, v)
                    continue
                if not isinstance(key_node, yaml.ScalarNode):
                    raise SchemaError("a mapping key that is not a plain value",
                                      path=self.path, line=key_node.start_mark.line + 1)
                key = str(key_node.value)
                if key in out:
                    raise SchemaError(f"duplicate key {key!r}", path=self.path,
                                      line=key_node.start_mark.line + 1,
                                      column=key_node.start_mark.column + 1)
                child = f"{pointer}/{escape(key)}"
                self._place(child, key_node)  # a member is found at its key, as people look
                out[key] = self.build(value_node, child, depth + 1)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, f"{pointer}/{i}", depth + 1)
                    for i, item in enumerate(node.value)]
        value = self._constructor.construct_object(node, deep=True)
        if isinstance(value, bytes):
            return value.decode("latin-1")
        if not isinstance(value, str | int | float | bool | type(None)):
            return str(value)  # a date, a timestamp: OpenAPI means the text
        return value
