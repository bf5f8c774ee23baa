"""What a Dask cluster offers the nightly: how many tasks its workers run at once, asked of its
scheduler, so a night on the cluster is cut into batches for its real size (:func:`pipeline.runtime.guard.plan_work`).

``distributed`` is imported here only when asked: it is the ``dask`` extra, installed whenever a
Dask address is configured, and a night without one never loads it.
"""
from __future__ import annotations

DASK_ASK_TIMEOUT_S = 10.0
"""How long the plan waits for the scheduler's answer: long enough for a scheduler on another
machine of the same network, short beside a night's work; past it the plan keeps one file per task."""


def dask_task_slots(address: str, timeout_s: float | None = None) -> tuple[int | None, str]:
    """The tasks the Dask cluster at ``address`` runs at once — the threads of all its workers
    (``distributed.Client.nthreads``: worker address -> threads) — and how that was found, for the
    plan's log line: ``(slots, "4 worker(s), 4 thread(s) in all")``, or ``(None, why not)`` when the
    scheduler could not be asked (no ``distributed``, no answer within ``timeout_s``, default
    :data:`DASK_ASK_TIMEOUT_S`) or has no
    worker yet (a cluster that scales up on demand). Raises nothing."""
    try:
        from distributed import Client
    except ImportError as exc:
        return None, f"the Dask workers could not be counted ({type(exc).__name__}: {exc})"
    try:
        with Client(address, timeout=DASK_ASK_TIMEOUT_S if timeout_s is None else timeout_s,
                    set_as_default=False) as client:
            threads = client.nthreads()
    except Exception as exc:  # unreachable, refused, timed out, a scheduler of another version
        return None, f"the Dask workers could not be counted ({type(exc).__name__}: {exc})"
    slots = sum(int(n) for n in threads.values())
    if slots < 1:
        return None, "the Dask cluster has no worker yet"
    return slots, f"{len(threads)} worker(s), {slots} thread(s) in all"

