"""Where the CPU-bound part of the nightly run executes: worker processes, not threads.

Decoding FIT (fitparse is pure Python), the sweat model and the chart rendering hold the GIL,
so Prefect's ``ThreadPoolTaskRunner`` alone gives no speed-up on them (benchmarks/bench_nightly.py
measures it). The nightly flow therefore keeps one Prefect task per file on a thread pool — so
each file is a task run with its own state, retries and logs in the UI — and each task hands the
file to a shared ``ProcessPoolExecutor`` and waits for it (waiting releases the GIL).

Worker processes start with ``spawn`` (no fork of a process that runs Prefect's threads and
event loop) and pay the import of pandas/fitparse/matplotlib once each, ~1–2 s; so the pool is
only used when there are enough new files to win that back (:func:`worker_count`).
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path

from flows.processing import FileOutcome, process_file
from pipeline.analysis import WeatherOverride
from pipeline.config import Config

MIN_FILES_PER_WORKER = 3  # below this, a worker's start-up costs more than it saves

_pool: Executor | None = None


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worker_count(new_files: int, requested: int | None = None) -> int:
    """How many worker processes for ``new_files`` files: 0 means "in the task's own thread"."""
    if requested is not None:
        return max(0, min(requested, new_files))
    workers = min(cpu_count(), new_files // MIN_FILES_PER_WORKER)
    return workers if workers >= 2 else 0


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
