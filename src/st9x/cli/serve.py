"""``st9x serve-reference``: the reference ST.90 API on a local port, for tests and demos.

It serves until Ctrl-C (or SIGTERM), printing its base URL and the URL of its OpenAPI document
first, so ``st9x lint openapi`` and ``st9x api-check`` can be pointed at it. ``--fault`` switches
on one of the API's faults (``--list-faults`` names them).

Network: every st9x command runs under :func:`st9x.offline.offline`, which refuses name look-ups
and outgoing connections. This command needs neither: the server binds its listening socket
itself from a numeric address (``localhost`` is taken as 127.0.0.1, any other name is refused
rather than looked up) and only accepts connections on it, which the offline hook does not
refuse. So the exemption is no exemption: the command stays offline for everything else.

Hosts: the default is 127.0.0.1. Another address is served only when ``--host`` names it, and a
non-loopback one with a warning: the reference API is for tests and demos, not a service.

Exit codes: 0 stopped by Ctrl-C or SIGTERM (a server's normal end), 1 the server could not
start or stopped by itself, 2 a bad command line (unknown fault, a host name, a bad port).
"""

from __future__ import annotations

import argparse
import ipaddress
import sys
from typing import Any

from st9x.cli.console import echo, err, print_table
from st9x.cli.exitcodes import ExitCode
from st9x.errors import St9xError, UsageError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8090
POLL = 0.5  # seconds between looks at the server thread


def register(sub: Any) -> None:
    p = sub.add_parser(
        "serve-reference",
        help="serve the reference ST.90 trademark API locally, for tests and demos",
        description="Serve st9x's reference ST.90 API (trademark search and retrieval over "
        "the st97-core trademark applications, with its OpenAPI document at /openapi.json) "
        "until Ctrl-C. It is for tests and demos: it listens on 127.0.0.1 unless --host names "
        "another numeric address, and makes no outgoing connection. --fault switches on one "
        "deliberate ST.90 fault, so that a conformance check can be seen to catch it. Exit 0: "
        "stopped by Ctrl-C or SIGTERM; 1: could not start; 2: a bad command line.",
    )
    p.set_defaults(handler=cmd_serve_reference)
    p.add_argument("--host", default=None, metavar="ADDRESS",
                   help=f"numeric IP address to listen on (default {DEFAULT_HOST}; localhost "
                   "means 127.0.0.1); a non-loopback address makes the API reachable from "
                   "other machines, which a test and demo server should rarely be")
    p.add_argument("--port", type=int, default=DEFAULT_PORT,
                   help=f"TCP port (default {DEFAULT_PORT}; 0: a free port, printed)")
    p.add_argument("--fault", action="append", default=[], metavar="NAME",
                   help="switch on this fault; repeatable (see --list-faults)")
    p.add_argument("--list-faults", action="store_true",
                   help="list the faults and what each breaks, then exit")


def _address(host: str | None) -> str:
    """The address to listen on; a name other than localhost is refused, not looked up."""
    if host is None:
        return DEFAULT_HOST
    numeric = DEFAULT_HOST if host.lower() == "localhost" else host.strip("[]")
    try:
        address = ipaddress.ip_address(numeric)
    except ValueError:
        raise UsageError(
            f"--host {host!r}: give a numeric IP address (st9x looks no names up)"
        ) from None
    if not address.is_loopback:
        err.print(f"st9x: warning: serving on {address}, reachable from other machines; the "
                  "reference API is for tests and demos", markup=False)
    return str(address)


def cmd_serve_reference(args: argparse.Namespace) -> ExitCode:
    from st9x.subjects.apis.reference import FAULTS, check_faults

    if args.list_faults:
        print_table("reference API faults", ("fault", "breaks"), sorted(FAULTS.items()))
        return ExitCode.OK
    try:
        faults = check_faults(args.fault)
    except ValueError as exc:
        raise UsageError(f"--fault: {exc}") from None
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: a TCP port is 0 to 65535")
    return _serve(_address(args.host), args.port, faults)


def _serve(host: str, port: int, faults: frozenset[str]) -> ExitCode:
    from st9x.subjects.apis.reference import RunningServer, ServerError, create_app

    try:
        server = RunningServer(create_app(faults), host, port).start()
    except ServerError as exc:
        raise St9xError(str(exc)) from None
    try:
        shown = ", ".join(sorted(faults)) or "none"
        echo(f"st9x reference API (faults: {shown}) at {server.url}")
        echo(f"OpenAPI document: {server.url}/openapi.json")
        echo("Ctrl-C stops it.")
        sys.stdout.flush()  # the URLs reach a pipe at once: a script waits for them
        while server.thread.is_alive():
            server.thread.join(POLL)
        err.print("st9x: error: the reference API stopped by itself", markup=False)
        return ExitCode.BROKEN
    except KeyboardInterrupt:
        echo("stopped")
        return ExitCode.OK
    finally:
        server.stop()

