"""Where the CPU-bound part of the nightly run executes: the task's thread (default) or worker processes.

Decoding FIT (fitparse is pure Python; the reader also serialises decodes across threads, as
``warnings.catch_warnings`` is process-global), the sweat model and the chart rendering hold the
GIL, so Prefect's ``ThreadPoolTaskRunner`` gives each file its own task run (state, retries, logs
in the UI) but little parallel speed. The alternative kept here: each task hands its file to a
shared ``ProcessPoolExecutor`` (``spawn``: no fork of a process running Prefect's threads and
event loop) and waits for it, which releases the GIL.

Measured with ``benchmarks/bench_nightly.py`` on the 2-CPU machine this was built on (busy with
other work, load average 4–10), processes were *slower* than threads every time: 0.88x
(12 files), 0.92x (36 files), 0.61x (20 files) — each spawned worker re-imports pandas, fitparse
and matplotlib (seconds under load) and the machine had no idle core to give. So the default is
threads (``workers=None`` -> 0); the nightly flow's ``workers`` parameter turns the pool on for a
machine with idle cores and a large backfill, where it is worth measuring again.
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path

from flows.processing import FileOutcome, process_file
from pipeline.analysis import WeatherOverride
from pipeline.config import Config

_pool: Executor | None = None


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worker_count(new_files: int, requested: int | None = None) -> int:
    """How many worker processes for ``new_files`` files: 0 means "in each task's own thread".

    ``requested`` None (the default) gives 0: see the measurements in the module docstring.
    """
    if requested is None:
        return 0
    return max(0, min(requested, new_files, cpu_count() * 2))


def _init_worker() -> None:
    os.environ.setdefault("MPLBACKEND", "Agg")


class FilePool:
    """The process pool of one nightly run (a context manager); ``workers=0`` runs in-thread."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> "FilePool":
        global _pool
        if self.workers > 0:
            self._executor = ProcessPoolExecutor(max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=_init_worker)
            _pool = self._executor
        return self

    def __exit__(self, *exc: object) -> None:
        global _pool
        _pool = None
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)


def run_process_file(path: Path, config: Config, override: WeatherOverride | None, run_id: str | None,
                     sha256: str | None) -> FileOutcome:
    """``process_file`` in the run's worker pool if it has one, else right here."""
    if _pool is None:
        return process_file(path, config, override, run_id, sha256)
    return _pool.submit(process_file, path, config, override, run_id, sha256).result()
