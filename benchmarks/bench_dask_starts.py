"""Where a nightly's time goes on a Dask cluster: guarded children started and each worker's own
processor time, for one nightly on a fresh 4-worker ``distributed.LocalCluster`` (run by hand).

    .venv/bin/python benchmarks/bench_dask_starts.py [--files 50] [--workers 4]

Writes N distinct activities (``bench_backfill.write_inbox``), starts Prefect's test server
(``prefect_test_harness``) and the cluster, then runs the ``nightly`` flow pointed at the cluster
(``dask: {address: ...}``, as a user configures it) once. Prints the guarded children each worker
started (:func:`pipeline.runtime.guard.children_started`, asked with ``Client.run``: a count, not a
time), each worker process's own processor time over the night (``RUSAGE_SELF``: Prefect's task
engine and the first task's imports; the guarded children are not in it), the flow process's, the
wall time and the load. Figures: docs/performance.md ("The scale curve").
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


def _own_cpu_s() -> float:
    """This process's own processor time (user + system), in seconds."""
    import resource

    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    from bench_backfill import write_inbox
    from distributed import Client, LocalCluster
    from prefect.testing.utilities import prefect_test_harness

    from flows.nightly import nightly
    from pipeline.runtime.guard import children_started

    with tempfile.TemporaryDirectory(prefix="bench-dask-") as tmp, prefect_test_harness():
        root = Path(tmp)
        write_inbox(root / "inbox", args.files)
        with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Client(cluster) as client:
            config = root / "sweatline.yaml"
            config.write_text(f"inbox: {root / 'inbox'}\ndata_dir: {root / 'data'}\n"
                              f'dask: {{address: "{cluster.scheduler_address}"}}\n'
                              "athlete: {body_mass_kg: 70, height_cm: 178, sex: male, age: 35}\n")
            before, flow_before = client.run(_own_cpu_s), os.times()
            started = time.monotonic()
            summary = nightly(config_path=str(config))
            wall_s = time.monotonic() - started
            after, flow_after = client.run(_own_cpu_s), os.times()
            starts = client.run(children_started)
    workers_cpu = [round(after[w] - before[w], 1) for w in sorted(before)]
    flow_cpu = flow_after.user + flow_after.system - flow_before.user - flow_before.system
    print(f"{args.files} files ({len(summary.activities)} activities) on {args.workers} Dask workers: "
          f"{sum(starts.values())} guarded children started ({sorted(starts.values())}); "
          f"worker processes' own CPU {workers_cpu} s; flow process CPU {flow_cpu:.1f} s; "
          f"wall {wall_s:.1f} s; load {os.getloadavg()[0]:.1f}; {os.cpu_count()} processors")


if __name__ == "__main__":
    main()
