"""Connecting to a Dask scheduler from inside an st9x command, and nowhere else.

st9x's commands run offline (:mod:`st9x.offline`): every socket is refused. The one exception a
Dask executor needs is the scheduler the user named, so :class:`Cluster` opens a
:func:`~st9x.offline.reaching` block for that host and port, and only that, for as long as the
client lives. Results are gathered through the scheduler (Dask's default for a client outside
the cluster), so the client never talks to a worker directly and needs no other address.

A scheduler that cannot be reached is a usage error of one line naming the address: the
command line named a cluster that is not there.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from st9x.errors import St9xError, UsageError, one_line
from st9x.offline import reaching

if TYPE_CHECKING:
    from distributed import Client

#: How long the client tries to reach the scheduler before giving up (seconds).
CONNECT_TIMEOUT = 10.0


def scheduler_endpoint(address: str) -> tuple[str, int]:
    """The host and port of a scheduler address (``tcp://host:port``, ``host:port``, or
    ``tls://...``); a usage error for anything else."""
    from distributed.comm.addressing import parse_address, parse_host_port

    try:
        scheme, location = parse_address(address)
        if scheme not in ("tcp", "tls"):
            raise ValueError(f"scheme {scheme!r} (tcp:// or tls:// expected)")
        host, port = parse_host_port(location)
    except (ValueError, TypeError) as exc:
        raise UsageError(
            f"--scheduler {address!r} is not a Dask scheduler address such as "
            f"tcp://10.0.0.5:8786: {one_line(str(exc))}"
        ) from exc
    if not port:
        raise UsageError(f"--scheduler {address!r} names no port (e.g. tcp://{host}:8786)")
    return host, int(port)


class Cluster:
    """A client of the scheduler at ``address`` (or a :class:`distributed.Client` the caller
    made and keeps the network rules of). :meth:`close` ends the client and its network
    exemption; a cluster given as a client is left running for its owner."""

    def __init__(self, address: str | Client, *, timeout: float = CONNECT_TIMEOUT) -> None:
        from distributed import Client

        self._stack = contextlib.ExitStack()
        if isinstance(address, Client):
            self.client = address
            self.address = str(address.scheduler.address if address.scheduler else "")
            self._owned = False
            return
        self.address = address
        host, port = scheduler_endpoint(address)
        try:
            self._stack.enter_context(reaching(host, port))
        except OSError as exc:
            self._stack.close()
            raise UsageError(
                f"cannot reach the Dask scheduler at {address}: {one_line(str(exc))}"
            ) from exc
        try:
            self.client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, St9xError) as exc:
            self._stack.close()
            raise UsageError(
                f"cannot reach the Dask scheduler at {address}: {one_line(str(exc))}"
            ) from exc
        self._owned = True

    def threads(self) -> int:
        """The threads of every worker the scheduler knows now (at least 1)."""
        return max(1, sum(self.client.nthreads().values()))

    def close(self) -> None:
        if self._owned:
            with contextlib.suppress(Exception):  # a scheduler that went away: nothing to end
                self.client.close()
            self._owned = False
        self._stack.close()
