"""Prefect's walk of a task's parameters: a task given the inbox's files, plain and in ``quote`` (run by hand).

    PREFECT_HOME=$(mktemp -d) .venv/bin/python benchmarks/bench_task_params.py [--files 10000] [--runs 3]

Inside one flow run (Prefect's temporary server unless ``PREFECT_API_URL`` is set), a task that only
counts its argument is called with ``--files`` inbox entries (:class:`pipeline.usecases.inbox.InboxFile`,
as the nightly's ``hash-files`` task gets them) as a plain list and in
``prefect.utilities.annotations.quote``; prints the median wall time of each call. The difference
is Prefect walking the parameters for futures and states (``collect_task_run_inputs``,
``resolve_inputs``), which ``quote`` skips; the rest is the task run's own cost.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from prefect import flow, task  # noqa: E402
from prefect.utilities.annotations import quote  # noqa: E402

from pipeline.usecases.inbox import InboxFile  # noqa: E402


@task(name="take")
def take(files: list[InboxFile]) -> int:
    return len(files)


@flow(name="task-params")
def walk(n: int, runs: int) -> None:
    files = [InboxFile(Path(f"/inbox/ride-{i:05d}.fit"), 600, 10**18 + i, (1, 2, 3, 4, 5)) for i in range(n)]
    take([])  # the first task run's own set-up, not timed
    plain, quoted = [], []
    for _ in range(runs):
        clock = time.perf_counter()
        assert take(files) == n
        plain.append(time.perf_counter() - clock)
        clock = time.perf_counter()
        assert take(quote(files)) == n  # type: ignore[arg-type]
        quoted.append(time.perf_counter() - clock)
    print(f"a task given {n} inbox files: plain {statistics.median(plain):.3f} s, in quote "
          f"{statistics.median(quoted):.3f} s (median of {runs}; {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    walk(args.files, args.runs)
