"""The Prefect tasks: one per pipeline step worth retrying or watching, each a thin call into the
use case (:mod:`pipeline.service`, :mod:`pipeline.nightly`).

Retries are for what a retry can fix: I/O errors (a file still being synced, a full disk freed, a
network share that blinked). Bad data (:class:`~pipeline.errors.SweatlineInputError`) and bugs
fail at once — retrying them only repeats the same answer, slower. Arguments and results are
pydantic models, paths and strings: picklable, so the nightly can run ``process-file`` in worker
processes (``ProcessPoolTaskRunner``).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from pipeline import nightly as nightly_steps
from pipeline.analysis import WeatherOverride
from pipeline.inputs import checked
from pipeline.config import Config, load_config
from pipeline.errors import SweatlineInputError
from pipeline.nightly import NightlySummary
from pipeline.ride import RideResult, ride
from pipeline.guard import process_file_guarded
from pipeline.service import FileOutcome, InboxFile


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
    """Decode, estimate and report one file in a guarded worker process (:mod:`pipeline.guard`); a bad
    file, or one over the time or memory limit, comes back as a rejection, not a failure.
    ``override``: the weather override a re-estimated file was made with (issue 13)."""
    outcome = process_file_guarded(path, config, override, run_id, sha256)
    logger = get_run_logger()
    if outcome.status == "processed":
        for a in outcome.activities:
            sweat = f", sweat {a.row.sweat_total_l:.2f} L" if a.row.sweat_total_l is not None else ""
            logger.info("%s: %s%s -> %s", path.name, a.row.sport, sweat, a.row.report_dir)
    for d in outcome.duplicates:
        logger.info("%s: skipped: %s", f"{path.name}:{d.member}" if d.member else path.name, d.reason)
    if outcome.status == "rejected":
        logger.warning("%s: rejected: %s", path.name, outcome.reason)
    return outcome


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
