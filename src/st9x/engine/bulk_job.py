"""One bulk validation job: the inputs turned into chunk tasks, the tasks run by a chunk runner,
every record written in order by the one writer.

Inputs are bags (read record by record: :mod:`st9x.corpus.bag`) and directory trees (each file
one record, walked in sorted order). Tasks are planned lazily, as the runner asks for them, so a
bag's chunks start being judged while the planner still scans it and a tree of a million files
is never listed in memory. A bag that turns out unreadable mid-scan (a record over the size
bound) is one problem naming the file; the other inputs go on.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from st9x.corpus.bag import BagError, BagLayout, plan_chunks, read_layout
from st9x.engine.bulk import BulkSubject, ChunkResult, ChunkTask, judge_chunk
from st9x.engine.bulk_results import BulkWriter, Totals
from st9x.engine.bulk_resume import Previous
from st9x.engine.chunked import ChunkRunner
from st9x.errors import St9xError

SUFFIXES = {"xml": (".xml",), "json": (".json",)}


@dataclass(frozen=True)
class BulkInput:
    """One PATH given: a bag (``layout`` set) or a directory tree of instance files."""

    path: Path
    shown: str
    layout: BagLayout | None

    def size(self, data_format: str) -> int:
        """Bytes of input this PATH holds (for the progress bar's total)."""
        if self.layout is not None:
            return self.layout.size
        return sum(path.stat().st_size for path, _ in tree_files(self, data_format))


def open_input(path: Path, shown: str, record: str | None) -> BulkInput:
    """A directory as a tree, a file as a bag; a :class:`BagError` naming the file when it
    cannot be read as one."""
    if path.is_dir():
        return BulkInput(path, shown, None)
    if not path.exists():
        raise BagError("no such file or directory", path=shown)
    return BulkInput(path, shown, read_layout(path, record))


def tree_files(item: BulkInput, data_format: str) -> Iterator[tuple[Path, str]]:
    """The tree's instance files of the adapter's format in sorted path order (a directory's
    entries by name, depth first; symbolic links to directories are not followed), each with
    the name shown in results (the PATH as given, then the relative path)."""
    suffixes = SUFFIXES[data_format]

    def walk(directory: Path, shown: Path) -> Iterator[tuple[Path, str]]:
        with os.scandir(directory) as entries:
            ordered = sorted(entries, key=lambda entry: entry.name)
        for entry in ordered:
            if entry.is_dir(follow_symlinks=False):
                yield from walk(Path(entry.path), shown / entry.name)
            elif entry.name.endswith(suffixes) and entry.is_file():
                yield Path(entry.path), str(shown / entry.name)

    yield from walk(item.path, Path(item.shown))


@dataclass
class Job:
    """Everything a run needs besides the runner: what judges, what is known, where to write."""

    subject: BulkSubject
    inputs: Sequence[BulkInput]
    data_format: str
    chunk_bytes: int
    previous: Previous
    writer: BulkWriter
    problems: list[St9xError] = field(default_factory=list)

    def tasks(
        self, planned: deque[tuple[ChunkTask, int]], keep: bool = False
    ) -> Iterator[ChunkTask]:
        """Every task in order; each is also appended to ``planned`` with its bytes of input,
        which the consumer pops as results come back in the same order. ``keep``: chunks carry
        the records the planner read (a runner on this machine), so none is scanned twice."""
        for item in self.inputs:
            if item.layout is None:
                for path, shown in tree_files(item, self.data_format):
                    task = ChunkTask(self.subject, shown, path,
                                     known=self.previous.known(shown, 0, 1))
                    planned.append((task, 0))
                    yield task
                continue
            try:
                for chunk in plan_chunks(item.layout, self.chunk_bytes, keep=keep):
                    known = self.previous.known(item.shown, chunk.start, chunk.end)
                    task = ChunkTask(self.subject, item.shown, item.path, item.layout, chunk,
                                     known)
                    planned.append((task, chunk.size))
                    yield task
            except BagError as exc:
                self.problems.append(exc)

    def run(self, runner: ChunkRunner,
            on_chunk: Callable[[ChunkResult, int, Totals], None] | None = None,
            started: float | None = None) -> Totals:
        """Judge every task and write each record as its chunk comes back; the footer once
        all are written. Interrupted, the file keeps every chunk written so far. ``started``
        (a ``perf_counter`` time) is when the job's clock starts, if before now."""
        totals = Totals() if started is None else Totals(started=started)
        planned: deque[tuple[ChunkTask, int]] = deque()
        keep = getattr(runner, "local", False)
        for result in runner.map(judge_chunk, self.tasks(planned, keep)):
            _, span = planned.popleft()
            span = span or result.bytes
            for record in result.records:
                if record.kept:
                    document = self.previous.line_for(record)
                    totals.kept += 1
                else:
                    document = record.as_json()
                self.writer.line(document)
                totals.counts[document["verdict"]] += 1
                totals.records += 1
            totals.bytes += span
            self.writer.flush()
            if on_chunk is not None:
                on_chunk(result, span, totals)
        self.writer.line(totals.as_footer())
        self.writer.flush()
        return totals
