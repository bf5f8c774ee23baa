"""Nightly throughput: threads vs worker processes, on real samples (run by hand).

    .venv/bin/python benchmarks/bench_nightly.py [--files N] [--workers W]

Copies N valid activity files from ../shared/fit-samples into a fresh inbox and runs the real
``nightly`` flow (Prefect test server; its start-up is not timed) twice, each into a fresh data
directory:

* **threads** — the default plan: one Prefect task per file on the flow's ThreadPoolTaskRunner,
  each thread waiting on its file's guarded child process (:mod:`pipeline.runtime.guard`), W at a time;
* **processes** — ``runner="processes"``: the same tasks on Prefect's ProcessPoolTaskRunner of W
  spawned worker processes (each guarding its file in a child again).

For many distinct files, one worker as the anchor and a plain process pool beside them, see
``benchmarks/bench_backfill.py``.

Then a third run over the same inbox with nothing new (hashing and catalog look-ups only).
Prints wall time, files per second and the speed-up.
"""
from __future__ import annotations

import argparse
import csv
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
SAMPLES = PROJECT.parent / "shared" / "fit-samples"
sys.path.insert(0, str(PROJECT))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


def valid_activities() -> list[Path]:
    with open(SAMPLES / "MANIFEST.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [SAMPLES / r["file"] for r in rows
            if r["integrity"].startswith("ok") and r["file_type"] == "activity" and r["sessions"] not in ("", "0")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=16)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    from prefect.testing.utilities import prefect_test_harness

    from flows.nightly import nightly

    files = sorted(valid_activities(), key=lambda p: p.stat().st_size)[: args.files]
    size_mib = sum(p.stat().st_size for p in files) / 2**20
    with tempfile.TemporaryDirectory(prefix="bench-nightly-") as tmp, prefect_test_harness(server_startup_timeout=180):
        root = Path(tmp)
        inbox = root / "inbox"
        inbox.mkdir()
        for path in files:
            shutil.copy(path, inbox / path.name)
        results: dict[str, float] = {}
        for label, runner in ((f"threads (workers={args.workers})", "threads"),
                              (f"processes (workers={args.workers})", "processes")):
            data = root / f"data-{runner}"
            config = root / f"config-{runner}.yaml"
            config.write_text(f"inbox: {inbox}\ndata_dir: {data}\n")
            start = time.perf_counter()
            summary = nightly(config_path=str(config), workers=args.workers, runner=runner)
            results[label] = time.perf_counter() - start
            print(f"  {label}: {summary.line()[:90]}", file=sys.stderr)
        start = time.perf_counter()
        nightly(config_path=str(config), workers=args.workers)
        results["nothing new (same inbox again)"] = time.perf_counter() - start
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"nightly over {len(files)} sample activities ({size_mib:.1f} MiB), {os.cpu_count()} CPUs, load {load:.1f}")
    for label, seconds in results.items():
        rate = f", {len(files) / seconds:.2f} files/s" if "nothing" not in label else ""
        print(f"  {label:<32} {seconds:7.1f} s{rate}")
    threads, procs = list(results.values())[:2]
    print(f"  speed-up of processes over threads: {threads / procs:.2f}x")


if __name__ == "__main__":
    main()
