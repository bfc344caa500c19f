"""Documents of a chosen size (100 KB to 100 MB and beyond) for the throughput benchmarks,
generated on demand and cached outside the repository.

A throughput figure depends on the document's size (a validator's fixed cost per call against
its cost per byte), and offices' bulk files run to hundreds of MB, which no repository should
hold. So each size is made once by ``st9x corpus generate --size`` (an XSD-valid instance whose
Bags grow to the target, checked by lxml and xmlschema as every generated document is), then
converted by st9x's ST.97 converter (profile ``st97-v2``) to its JSON form, together with the
JSON Schemas the converter makes from the same XSD: ``st97-v2`` itself (2020-12), its portable
variant (no ``\\p{..}`` in patterns, for validators on Python's ``re``) and its draft-07 variant
(for validators that know no later draft). Both directions of a benchmark thus measure the
same content.

Cache: ``$ST9X_BENCH_CACHE`` (default ``$XDG_CACHE_HOME/st9x/bench``, i.e.
``~/.cache/st9x/bench``), one directory per key. The key covers everything the bytes depend on:
the schema files, the root, the seed, the size, st9x's version, the source of the generator
and the converter and the cache's :data:`LAYOUT`, so a change to any of them makes a fresh
directory instead of serving stale inputs. A directory appears only complete (built under a
temporary name, then renamed).

``python -m st9x.testing.sized_inputs 100k 10m`` makes (or finds) the inputs and prints where.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import orjson

from st9x import __version__

SIZES_ENV = "ST9X_BENCH_SIZES"
CACHE_ENV = "ST9X_BENCH_CACHE"
#: Sizes measured when ``$ST9X_BENCH_SIZES`` is unset: small enough for the CI smoke run.
DEFAULT_SIZES = ("100k", "1m")
TRADEMARK_NS = "http://www.wipo.int/standards/XMLSchema/ST96/Trademark"

_CLI = "import sys; from st9x.cli import main; sys.exit(main())"
_SELF = "st9x.testing.sized_inputs"
#: The files a cache directory holds and how they are made; raise it when that changes.
LAYOUT = 1
#: The packages whose code decides the bytes of a cached input.
_SOURCES = ("corpus/synth", "st97")


@dataclass(frozen=True)
class Recipe:
    """What a sized document is an instance of: an XSD, its root element and a seed."""

    schema: Path
    root: str
    seed: int = 0

    @property
    def name(self) -> str:
        return self.schema.stem


def default_recipe() -> Recipe:
    """A ``tmk:TrademarkApplication`` of the embedded ``st96-core`` corpus: its applicant,
    goods-and-services and fee Bags grow without bound, as in an office's bulk data."""
    from st9x.corpus.load import embedded_corpora_dir

    schema = embedded_corpora_dir() / "st96-core" / "schemas" / "trademark"
    return Recipe(schema / "TrademarkApplication.xsd", f"{{{TRADEMARK_NS}}}TrademarkApplication")


@dataclass(frozen=True)
class SizedInput:
    """One cached size: the XML document, its JSON form and the schemas of both."""

    label: str  # the size as asked, e.g. "10m"
    target: int  # bytes
    directory: Path
    recipe: Recipe
    generated: bool  # made by this call (False: found in the cache)

    @property
    def xml(self) -> Path:
        return self.directory / "instances" / "gen-00000.xml"

    @property
    def xsd(self) -> Path:
        """The generated corpus's copy of the schema (with all it includes and imports, so that
        references stay inside :attr:`directory`, the bound a schema spec needs)."""
        manifest = orjson.loads((self.directory / "manifest.json").read_bytes())
        return self.directory / manifest["schemas"][0]["path"]

    @property
    def json(self) -> Path:
        return self.directory / "json" / "document.json"

    @property
    def json_schema(self) -> Path:
        """The 2020-12 JSON Schema of profile ``st97-v2``."""
        return self.directory / "json" / "schema.json"

    @property
    def json_schema_portable(self) -> Path:
        """The 2020-12 schema without ``\\p{..}`` (``st97-v2-portable``), for validators on
        Python's ``re``."""
        return self.directory / "json" / "schema-portable.json"

    @property
    def json_schema_draft7(self) -> Path:
        """The same schema as draft-07 (``st97-v2-draft7``), for validators without 2020-12."""
        return self.directory / "json" / "schema-draft7.json"

    @property
    def xml_bytes(self) -> int:
        return self.xml.stat().st_size

    @property
    def json_bytes(self) -> int:
        return self.json.stat().st_size

    @property
    def xml_elements(self) -> int:
        """How many elements the XML document has (some libraries refuse past a count)."""
        return _element_count(self.xml)


@functools.cache
def _element_count(path: Path) -> int:
    from lxml import etree

    count = 0
    for _, element in etree.iterparse(str(path), events=("end",), huge_tree=True,
                                      resolve_entities=False, no_network=True):
        count += 1
        element.clear(keep_tail=False)
    return count


def parse_sizes(text: str | None) -> tuple[str, ...]:
    """Sizes from a comma-separated list such as ``100k,1m,10m`` (empty or None: the defaults),
    smallest first, each checked by the generator's own size parser."""
    from st9x.corpus.synth.xml.generate import parse_size

    labels = [part.strip().lower() for part in (text or "").split(",") if part.strip()]
    if not labels:
        return DEFAULT_SIZES
    unique: dict[str, int] = {}
    for label in labels:
        try:
            target = parse_size(label)
        except ValueError as exc:
            raise ValueError(f"${SIZES_ENV}: {exc}") from None
        if target is None:
            raise ValueError(f"${SIZES_ENV}: {label!r} is not a byte size such as 1m")
        unique.setdefault(label, target)
    return tuple(sorted(unique, key=unique.__getitem__))


def bench_sizes() -> tuple[str, ...]:
    """The sizes the benchmarks measure: ``$ST9X_BENCH_SIZES`` or :data:`DEFAULT_SIZES`."""
    return parse_sizes(os.environ.get(SIZES_ENV))


def cache_root() -> Path:
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "st9x" / "bench"


def _digest_files(digest: hashlib._Hash, files: list[Path], base: Path) -> None:
    for path in files:
        digest.update(path.relative_to(base).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())


def cache_key(recipe: Recipe, size: str) -> str:
    """The cache directory's name: readable in front, a digest of every input behind."""
    from st9x.corpus.synth.xml.generate import parse_size
    from st9x.corpus.synth.xml.schemafiles import schema_closure

    target = parse_size(size)
    digest = hashlib.sha256()
    digest.update(f"{recipe.root}\0{recipe.seed}\0{target}\0{__version__}\0{LAYOUT}".encode())
    closure = schema_closure(recipe.schema)  # the schema and all it includes or imports
    _digest_files(digest, closure, closure[0].parent.parent)
    package = Path(__file__).resolve().parents[1]
    for source in _SOURCES:
        _digest_files(digest, sorted((package / source).rglob("*.py")), package)
    return f"{recipe.name}-{size}-seed{recipe.seed}-{digest.hexdigest()[:16]}"


def sized_input(
    size: str, recipe: Recipe | None = None, *, cache: Path | None = None
) -> SizedInput:
    """The inputs of one size, generated into the cache unless already there."""
    from st9x.corpus.synth.xml.generate import parse_size

    recipe = recipe or default_recipe()
    target = parse_size(size)
    if target is None:
        raise ValueError(f"{size!r} is not a byte size such as 1m")
    root = cache or cache_root()
    final = root / cache_key(recipe, size)
    if final.is_dir():
        return SizedInput(size, target, final, recipe, generated=False)
    root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{final.name}-", dir=root))
    try:
        work.chmod(0o755)  # mkdtemp makes it private; the cache is shared like any other
        _generate(recipe, size, target, work)
        _convert(recipe, work)
        try:
            work.rename(final)
        except OSError:  # another process finished the same key first: use theirs
            if not final.is_dir():
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return SizedInput(size, target, final, recipe, generated=True)


def _run(argv: list[str], what: str, timeout: float) -> None:
    """A child process, so that the gigabytes a 100 MB tree takes are returned to the system
    when it ends instead of staying in the benchmark process."""
    done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise RuntimeError(f"{what} failed (exit {done.returncode}): {' | '.join(tail)}")


def _generate(recipe: Recipe, size: str, target: int, out: Path) -> None:
    megabytes = target / 1e6
    timeout = 120 + 3 * megabytes  # measured: about 0.85 s per MB, generation and checks
    memory = max(4096, int(40 * megabytes))  # measured: 1.2 GB of RSS for 100 MB
    _run(
        [sys.executable, "-c", _CLI, "corpus", "generate", "--schema", str(recipe.schema),
         "--root", recipe.root, "--count", "1", "--seed", str(recipe.seed), "--size", size,
         "--timeout", str(int(timeout)), "--memory-mb", str(memory), "-o", str(out)],
        f"st9x corpus generate --size {size}",
        timeout + 60,
    )
    if not (out / "instances" / "gen-00000.xml").is_file():
        raise RuntimeError(f"st9x corpus generate --size {size} wrote no valid instance; "
                           f"see {out / 'report.json'}")


def _convert(recipe: Recipe, out: Path) -> None:
    xml = out / "instances" / "gen-00000.xml"
    timeout = 120 + 1.0 * xml.stat().st_size / 1e6
    _run([sys.executable, "-m", _SELF, "--convert", str(out), str(recipe.schema), recipe.root],
         f"ST.97 conversion of {xml}", timeout)


def convert(directory: Path, schema: Path, root: str) -> None:
    """Write the JSON form of ``directory``'s instance and the two JSON Schemas (run in a
    child process by :func:`sized_input`)."""
    from st9x.st97 import jsonio
    from st9x.subjects.converters.st97 import st97_v2, st97_v2_draft7, st97_v2_portable

    target = directory / "json"
    target.mkdir(exist_ok=True)
    prepared = st97_v2().prepare(schema, root)
    document = prepared.to_json(directory / "instances" / "gen-00000.xml")
    (target / "document.json").write_bytes(jsonio.dumps(document, indent=True))
    del document
    (target / "schema.json").write_bytes(jsonio.dumps(prepared.schema().schema, indent=True))
    for name, converter in (("schema-portable.json", st97_v2_portable()),
                            ("schema-draft7.json", st97_v2_draft7())):
        variant = converter.prepare(schema, root).schema().schema
        (target / name).write_bytes(jsonio.dumps(variant, indent=True))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=f"python -m {_SELF}",
        description="Make (or find in the cache) the sized benchmark inputs and print where "
        f"they are. Cache: ${CACHE_ENV}, default {cache_root()}.",
    )
    parser.add_argument("sizes", nargs="*", help=f"sizes such as 100k 10m (default: ${SIZES_ENV} "
                        f"or {','.join(DEFAULT_SIZES)})")
    parser.add_argument("--convert", nargs=3, metavar=("DIR", "XSD", "ROOT"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.convert:
        directory, schema, root = args.convert
        convert(Path(directory), Path(schema), root)
        return 0
    try:
        sizes = parse_sizes(",".join(args.sizes)) if args.sizes else bench_sizes()
    except ValueError as exc:
        parser.error(str(exc))
    for size in sizes:
        made = sized_input(size)
        state = "generated" if made.generated else "cached"
        print(f"{size}: {made.xml} ({made.xml_bytes} bytes), {made.json} "
              f"({made.json_bytes} bytes) [{state}]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
