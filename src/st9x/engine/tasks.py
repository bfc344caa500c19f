"""Planning: which case runs under which adapter.

A task is one case × one adapter, identified by ``corpus/case`` and the adapter's name, which is
stable across runs so that results can be diffed and a run resumed. Tasks are plain picklable
data: any executor (in-process, process pool, Dask) can ship them to a worker.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from st9x.subjects.validators.base import Adapter
from st9x.corpus.model import Case, Corpus


@dataclass(frozen=True)
class Task:
    case: Case
    adapter: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.case.key, self.adapter)

    @property
    def item_id(self) -> str:
        """The pytest item name and the id shown in listings: ``st96-core/tm-app-minimal[lxml]``."""
        return f"{self.case.key}[{self.adapter}]"


def selected(case: Case, tags: Sequence[str]) -> bool:
    """A case is selected by a tag it carries or by the constraint kind it breaks."""
    if not tags:
        return True
    return any(tag in case.tags or tag == case.constraint for tag in tags)


def plan(
    corpora: Iterable[Corpus], adapters: Mapping[str, Adapter], tags: Sequence[str] = ()
) -> list[Task]:
    """Every selected case under every adapter of its data format, in a stable order."""
    tasks = []
    for corpus in corpora:
        for case in sorted(corpus.cases, key=lambda c: c.id):
            if not selected(case, tags):
                continue
            for name in sorted(adapters):
                if adapters[name].format == case.format:
                    tasks.append(Task(case, name))
    return tasks
