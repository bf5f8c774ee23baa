"""Waits that hold on a loaded machine: a time a test waits for (a server to start, a run to stop)
is what it takes on a quiet machine times how much slower the machine runs now.

On 2 processors at load 15 every process gets about 2/15 of a processor: a Prefect server that starts
in 15 s on a quiet machine can take minutes. Asserting on events with a deadline scaled this way keeps
a test true at load 15 and as quick as before on a quiet machine (the deadline is only reached when
something is wrong).

Imported as ``waits`` (tests/ is on sys.path)."""
from __future__ import annotations

from flows.cli.prefect_server import machine_slowdown


def scaled(seconds: float) -> float:
    """``seconds`` (what a wait needs on a quiet machine) times how many times slower the machine runs
    now (the product's own :func:`flows.cli.prefect_server.machine_slowdown`, which scales its Prefect
    server's start the same way)."""
    return seconds * machine_slowdown()
