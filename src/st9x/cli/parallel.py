"""``--workers``, ``--executor`` and ``--scheduler``: where the bulk commands' chunks run.

One place defines the options and turns them into a :class:`~st9x.engine.chunked.ChunkRunner`,
so ``validate-bulk`` and ``convert-bulk`` offer the same choices with the same meaning. Dask is
imported only when it is asked for.
"""

from __future__ import annotations

import argparse

from st9x.engine.chunked import ChunkRunner, runner_for
from st9x.engine.limits import default_jobs
from st9x.errors import UsageError


def add_parallel_options(p: argparse.ArgumentParser) -> None:
    """Add the options that choose the executor of a chunked command."""
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help=f"worker processes, each compiling each schema once (default: {default_jobs()}; "
        "1: everything in this process)",
    )
    add_executor_options(p)


def add_executor_options(p: argparse.ArgumentParser) -> None:
    """Add ``--executor`` and ``--scheduler`` alone (``st9x run`` has ``--jobs``/``--workers``)."""
    p.add_argument(
        "--executor",
        choices=("local", "dask"),
        default="local",
        help="local: this machine's process pool (default); dask: the Dask cluster at "
        "--scheduler (work lost with a worker is run again elsewhere, results stay "
        "exactly-once); the workers need st9x at the same version and the data and schemas "
        "at the same paths",
    )
    p.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="the Dask scheduler, e.g. tcp://10.0.0.5:8786 (with --executor dask); the only "
        "address st9x connects to",
    )


def check_executor(args: argparse.Namespace) -> None:
    """A usage error for ``--executor`` and ``--scheduler`` that do not go together."""
    if args.executor == "dask" and not args.scheduler:
        raise UsageError("--executor dask needs --scheduler ADDRESS")
    if args.executor != "dask" and args.scheduler:
        raise UsageError("--scheduler is only for --executor dask")


def chunk_runner(args: argparse.Namespace) -> ChunkRunner:
    """The runner the options ask for; a usage error for an impossible combination."""
    workers = args.workers if args.workers is not None else default_jobs()
    if workers < 1:
        raise UsageError("--workers must be at least 1")
    check_executor(args)
    if args.executor == "dask":
        from st9x.engine.dask_chunks import DaskChunks

        return DaskChunks(args.scheduler)
    return runner_for(workers)
