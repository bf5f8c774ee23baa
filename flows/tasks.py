"""The Prefect tasks: one per pipeline step worth retrying or watching, each a thin call into the
use case (:mod:`pipeline.usecases.ingest`, :mod:`pipeline.usecases.nightly`).

Retries are for what a retry can fix: I/O errors (a file still being synced, a full disk freed, a
network share that blinked). Bad data (:class:`~pipeline.core.errors.SweatlineInputError`) and bugs
fail at once — retrying them only repeats the same answer, slower. Arguments and results are
pydantic models, paths and strings: picklable, so the nightly can run ``process-file`` in worker
processes (``ProcessPoolTaskRunner``).
"""
from __future__ import annotations

import queue
import time
from pathlib import Path
from typing import Any

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from pipeline.core.config import Config, load_config
from pipeline.core.errors import SweatlineInputError
from pipeline.core.inputs import WeatherOverride, checked
from pipeline.usecases import nightly as nightly_steps
from pipeline.usecases.guarded import Job, process_file_guarded, process_files_guarded
from pipeline.usecases.inbox import InboxFile
from pipeline.usecases.nightly_summary import NightlySummary
from pipeline.usecases.outcome import FileOutcome
from pipeline.usecases.ride import RideResult, ride


def retry_on_io_error(task: Any, task_run: Any, state: Any) -> bool:
    """Prefect ``retry_condition_fn``: retry the task run only when it failed with an ``OSError``."""
    try:
        state.result()
    except BaseException as exc:  # the exception the task raised
        return isinstance(exc, OSError) and not isinstance(exc, SweatlineInputError)
    return False


_RETRIED = dict(retries=2, retry_delay_seconds=[1, 5], retry_condition_fn=retry_on_io_error, cache_policy=NO_CACHE)


@task(name="hash-files", **_RETRIED)
def hash_files(files: list[InboxFile], data_dir: Path | None = None) -> list[str | None]:
    """SHA-256 of each inbox file (None: vanished since the scan); I/O errors are retried. With
    ``data_dir``, files unchanged since they were hashed are not read (pipeline.store.inbox_index)."""
    return nightly_steps.hash_files(files, data_dir)


@task(name="process-file", task_run_name="process {path.name}", **_RETRIED)
def process_file_task(path: Path, sha256: str, config: Config, run_id: str,
                      override: WeatherOverride | None = None) -> FileOutcome:
    """Decode, estimate and report one file in a guarded worker process (:mod:`pipeline.runtime.guard`); a bad
    file, or one over the time or memory limit, comes back as a rejection, not a failure.
    ``override``: the weather override a re-estimated file was made with."""
    outcome = process_file_guarded(path, config, override, run_id, sha256)
    log_outcome(path, outcome)
    return outcome


def log_outcome(path: Path, outcome: FileOutcome) -> None:
    """The task's log lines for one file: each activity and its report, each copy skipped, the rejection."""
    logger = get_run_logger()
    if outcome.status == "processed":
        for a in outcome.activities:
            sweat = f", sweat {a.row.sweat_total_l:.2f} L" if a.row.sweat_total_l is not None else ""
            logger.info("%s: %s%s -> %s", path.name, a.row.sport, sweat, a.row.report_dir)
    for d in outcome.duplicates:
        logger.info("%s: skipped: %s", f"{path.name}:{d.member}" if d.member else path.name, d.reason)
    if outcome.status == "rejected":
        logger.warning("%s: rejected: %s", path.name, outcome.reason)


FileResult = tuple[int, "FileOutcome | str"]
"""One file of a ``process-files`` task: its index in the task's jobs, and its outcome or, for an
internal error (or I/O that outlived its retries), ``"ErrorType: message"``."""

_ARRIVALS: dict[str, "queue.Queue[tuple[int, int, FileOutcome | str]]"] = {}


def listen_for_files(run_id: str) -> "queue.Queue[tuple[int, int, FileOutcome | str]]":
    """A queue that receives ``(batch, index, result)`` from this process's ``process-files`` tasks
    of run ``run_id`` as each file ends (threads runner: the flow commits each file at once); a task
    in another process (a Prefect worker process, a Dask worker) returns its results at its end."""
    return _ARRIVALS.setdefault(run_id, queue.Queue())


def stop_listening(run_id: str) -> None:
    _ARRIVALS.pop(run_id, None)


@task(name="process-files", task_run_name="process {jobs[0][0].name} and {extra} more", cache_policy=NO_CACHE)
def process_files_task(jobs: list[Job], config: Config, run_id: str, batch: int, extra: int) -> list[FileResult]:
    """Decode, estimate and report ``jobs`` (path, SHA-256, override) one after another in one
    guarded process (:func:`pipeline.usecases.guarded.process_files_guarded`): a file over a limit or whose
    reader crashed is a rejection and the others go on. An ``OSError`` is retried for that file
    alone (after 1 s, then 5 s, like ``process-file``); an internal error fails that file alone.
    Each result goes to :func:`listen_for_files`'s queue as it ends (``batch``: this task's number
    there), and all come back as the task's result, in the order of ``jobs``; ``extra`` (files
    after the first) names the task run."""
    arrivals = _ARRIVALS.get(run_id)
    results: dict[int, FileOutcome | str] = {}
    retry: list[int] = []

    def done(index: int, result: FileOutcome | str) -> None:
        results[index] = result
        if isinstance(result, FileOutcome):
            log_outcome(jobs[index][0], result)
        if arrivals is not None:
            arrivals.put((batch, index, result))

    for index, result in process_files_guarded(jobs, config, run_id):
        if isinstance(result, OSError):
            retry.append(index)
        else:
            done(index, result if isinstance(result, FileOutcome) else _error_text(result))
    for index in retry:
        done(index, _retried(jobs[index], config, run_id))
    return sorted(results.items())


def _retried(job: Job, config: Config, run_id: str) -> FileOutcome | str:
    """One file whose reading met an ``OSError``, read again after each of ``_RETRIED``'s delays."""
    path, sha, override = job
    error: Exception | None = None
    for delay in _RETRIED["retry_delay_seconds"]:
        time.sleep(delay)
        try:
            return process_file_guarded(path, config, override, run_id, sha)
        except OSError as exc:
            error = exc
        except Exception as exc:  # noqa: BLE001 - an internal error fails this file only
            return _error_text(exc)
    return _error_text(error)


def _error_text(exc: BaseException | None) -> str:
    """``"ErrorType: message"``: how a file that failed for an internal error is reported."""
    return f"{type(exc).__name__}: {exc}"


@task(name="write-digest", **_RETRIED)
def write_digest_task(summary: NightlySummary, config: Config) -> Path:
    """Pair weight-scale readings with activities and write the night's digest."""
    return nightly_steps.write_nightly_digest(summary, config)


@task(name="process-ride", task_run_name="process {fit_file}", **_RETRIED)
def process_ride(fit_file: str | None, config_path: str | None, temperature_c: float | None,
                 humidity_pct: float | None, flow_run_id: str | None) -> list[RideResult]:
    """Decode, estimate and report one file (retried on I/O errors only, never on bad data)."""
    config = load_config(config_path)
    override = checked(WeatherOverride, temperature_c=temperature_c, humidity_pct=humidity_pct)
    return ride(fit_file, config, override, orchestrator="prefect", prefect_flow_run_id=flow_run_id)
