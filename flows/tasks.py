"""The Prefect tasks: one per pipeline step worth retrying or watching, each a thin call into the
use case (:mod:`pipeline.usecases.ingest`, :mod:`pipeline.usecases.nightly`).

Retries are for what a retry can fix: I/O errors (a file still being synced, a full disk freed, a
network share that blinked). Bad data (:class:`~pipeline.core.errors.SweatlineInputError`) and bugs
fail at once — retrying them only repeats the same answer, slower. Arguments and results are
pydantic models, paths and strings: picklable, so the nightly can run ``process-file`` in worker
processes (``ProcessPoolTaskRunner``).
"""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypedDict

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE, CachePolicy
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

from pipeline.core.config import Config, load_config
from pipeline.core.errors import SweatlineInputError
from pipeline.core.inputs import WeatherOverride, checked
from pipeline.core.untrusted import clean_text, source_label
from pipeline.runtime.batches import publish
from pipeline.runtime.guard import WorkPlan
from pipeline.sources import SourceReport
from pipeline.usecases import nightly as nightly_steps
from pipeline.usecases.guarded import Job, process_file_guarded, process_files_guarded
from pipeline.usecases.inbox import InboxFile
from pipeline.usecases.nightly_summary import NightlySummary
from pipeline.usecases.outcome import FileOutcome
from pipeline.usecases.ride import RideResult, ride
from pipeline.usecases.sync import pull_sources


def retry_on_io_error(task: Any, task_run: Any, state: Any) -> bool:
    """Prefect ``retry_condition_fn``: retry the task run only when it failed with an ``OSError``."""
    try:
        state.result()
    except BaseException as exc:  # the exception the task raised
        return isinstance(exc, OSError) and not isinstance(exc, SweatlineInputError)
    return False


class _RetryOptions(TypedDict):
    """The ``@task`` options of a task retried on I/O errors only."""

    retries: int
    retry_delay_seconds: list[float]
    retry_condition_fn: Callable[[Any, Any, Any], bool]
    cache_policy: CachePolicy


_RETRIED = _RetryOptions(retries=2, retry_delay_seconds=[1, 5], retry_condition_fn=retry_on_io_error,
                         cache_policy=NO_CACHE)


@task(name="hash-files", **_RETRIED)
def hash_files(files: list[InboxFile], data_dir: Path | None = None) -> list[str | None]:
    """SHA-256 of each inbox file (None: vanished since the scan); I/O errors are retried. With
    ``data_dir``, files unchanged since they were hashed are not read (pipeline.store.inbox_index)."""
    return nightly_steps.hash_files(files, data_dir)


TASK_NAME_CHARS = 80
"""A file name in a task-run name is cut to this many characters (the Prefect UI shows a line)."""


def _shown(name: object) -> str:
    """A file name for a task-run name or a log line: one line, no control characters
    (:func:`pipeline.core.untrusted.clean_text`), at most :data:`TASK_NAME_CHARS` characters."""
    text = clean_text(name)
    return text if len(text) <= TASK_NAME_CHARS else text[:TASK_NAME_CHARS - 3] + "..."


def _run_name(template: str) -> Any:
    """A ``task_run_name`` callable: ``template`` filled from the task's parameters, each file name
    cleaned by :func:`_shown` — a name from the inbox reaches the Prefect UI, its events and the
    terminal's log lines through the task-run name (a format string would carry ESC, OSC 52, bidi
    overrides and undecodable bytes there as they are)."""
    def name() -> str:
        from prefect.runtime import task_run

        parameters = task_run.parameters
        if "path" in parameters:
            return template.format(name=_shown(Path(parameters["path"]).name))
        if "jobs" in parameters:
            jobs = parameters["jobs"]
            jobs = jobs.unquote() if hasattr(jobs, "unquote") else jobs  # handed over in Prefect's quote
            return template.format(name=_shown(Path(jobs[0][0]).name), extra=parameters["extra"])
        return template.format(name=_shown(parameters.get("fit_file") or "the newest inbox file"))
    return name


@task(name="process-file", task_run_name=_run_name("process {name}"), **_RETRIED)
def process_file_task(path: Path, sha256: str, config: Config, run_id: str,
                      override: WeatherOverride | None = None, warm: bool = False) -> FileOutcome:
    """Decode, estimate and report one file in a guarded worker process (:mod:`pipeline.runtime.guard`); a bad
    file, or one over the time or memory limit, comes back as a rejection, not a failure.
    ``override``: the weather override a re-estimated file was made with; ``warm``: this process
    keeps its guarded child for the next task (:attr:`pipeline.runtime.guard.WorkPlan.warm_children`)."""
    outcome = process_file_guarded(path, config, override, run_id, sha256, keep_warm=warm)
    log_outcome(path, outcome)
    return outcome


def log_outcome(path: Path, outcome: FileOutcome) -> None:
    """The task's log lines for one file: each activity and its report, each copy skipped, the rejection."""
    logger = get_run_logger()
    if outcome.status == "processed":
        for a in outcome.activities:
            sweat = f", sweat {a.row.sweat_total_l:.2f} L" if a.row.sweat_total_l is not None else ""
            logger.info("%s: %s%s -> %s", _shown(source_label(a.row.source)), clean_text(a.row.sport), sweat,
                        a.row.report_dir)  # a zip's member by its own name: one export holds many rides
    for d in outcome.duplicates:
        logger.info("%s: skipped: %s", _shown(source_label(f"{path.name}:{d.member}") if d.member else path.name),
                    clean_text(d.reason))
    if outcome.status == "rejected":
        logger.warning("%s: rejected: %s", _shown(path.name), clean_text(outcome.reason))


FileResult = tuple[int, "FileOutcome | str"]
"""One file of a ``process-files`` task: its index in the task's jobs, and its outcome or, for an
internal error (or I/O that outlived its retries), ``"ErrorType: message"``."""


@task(name="process-files", task_run_name=_run_name("process {name} and {extra} more"), cache_policy=NO_CACHE)
def process_files_task(jobs: list[Job], config: Config, run_id: str, batch: int, extra: int,
                       warm: bool = False) -> list[FileResult]:
    """Decode, estimate and report ``jobs`` (path, SHA-256, override) one after another in one
    guarded process (:func:`pipeline.usecases.guarded.process_files_guarded`): a file over a limit or whose
    reader crashed is a rejection and the others go on. A file that met an ``OSError`` is handed to
    the ``process-file`` task, whose Prefect retries (I/O errors only) it then gets; an internal
    error fails that file alone. Each result is handed to the flow as it ends
    (:func:`pipeline.runtime.batches.publish` on the channel ``run_id``; ``batch``: this task's
    number there), and all come back as the task's result, in the order of ``jobs``; ``extra``
    (files after the first) names the task run; ``warm`` as for ``process-file``."""
    results: dict[int, FileOutcome | str] = {}

    def done(index: int, result: FileOutcome | str) -> None:
        results[index] = result
        publish(run_id, batch, index, result)

    retry: list[int] = []
    for index, result in process_files_guarded(jobs, config, run_id, keep_warm=warm):
        if isinstance(result, OSError):
            retry.append(index)
            continue
        if isinstance(result, FileOutcome):
            log_outcome(jobs[index][0], result)
        done(index, result if isinstance(result, FileOutcome) else error_text(result))
    for index in retry:
        path, sha, override = jobs[index]
        try:
            done(index, process_file_task(path, sha, config, run_id, override, warm))  # a task run of its own, retried
        except Exception as exc:  # an internal error, or I/O that outlived the retries: this file only
            done(index, error_text(exc))
    return sorted(results.items())


def task_results(future: Any, files: int) -> list[FileResult]:
    """A finished ``process-file`` or ``process-files`` task's results, ``(index, outcome or error
    text)`` per file; a task that raised (an internal error, or I/O that outlived its retries) fails
    all its ``files``."""
    try:
        result = future.result()
    except Exception as exc:
        return [(index, error_text(exc)) for index in range(files)]
    return [(0, result)] if isinstance(result, FileOutcome) else list(result)


def error_text(exc: BaseException | None) -> str:
    """``"ErrorType: message"``: how a file that failed for an internal error is reported."""
    return f"{type(exc).__name__}: {exc}"


def task_runner_for(plan: WorkPlan, dask_address: str | None = None) -> TaskRunner[Any]:
    """The task runner of the nightly's ``process-file(s)`` tasks for ``plan``
    (:func:`pipeline.runtime.guard.plan_work`): Prefect's ``ThreadPoolTaskRunner`` (``auto``,
    ``threads``), ``ProcessPoolTaskRunner`` (``processes``) or ``prefect_dask.DaskTaskRunner``."""
    if plan.runner == "dask":
        from prefect_dask import DaskTaskRunner  # the `dask` extra

        return DaskTaskRunner(address=dask_address)
    if plan.runner == "processes":
        return ProcessPoolTaskRunner(max_workers=plan.files_at_once, initializer=_init_worker)
    return ThreadPoolTaskRunner(max_workers=plan.files_at_once)


def _init_worker() -> None:
    os.environ.setdefault("MPLBACKEND", "Agg")


@task(name="sync-sources", cache_policy=NO_CACHE)
def sync_sources_task(config: Config) -> list[SourceReport]:
    """Pull every configured source into ``<data_dir>/synced/`` (a key may come from a Prefect
    Secret block); a failing source is its report's one line, never a failed task. Not retried by
    Prefect: each source has its own retry policy (:mod:`pipeline.sources.intervals_icu`)."""
    from flows.secrets import read_secret_block

    return pull_sources(config, read_secret_block)


@task(name="write-digest", **_RETRIED)
def write_digest_task(summary: NightlySummary, config: Config) -> Path:
    """Pair weight-scale readings with activities and write the night's digest."""
    return nightly_steps.write_nightly_digest(summary, config)


@task(name="process-ride", task_run_name=_run_name("process {name}"), **_RETRIED)
def process_ride(fit_file: str | None, config_path: str | None, temperature_c: float | None,
                 humidity_pct: float | None, flow_run_id: str | None) -> list[RideResult]:
    """Decode, estimate and report one file (retried on I/O errors only, never on bad data)."""
    config = load_config(config_path)
    override = checked(WeatherOverride, temperature_c=temperature_c, humidity_pct=humidity_pct)
    return ride(fit_file, config, override, orchestrator="prefect", prefect_flow_run_id=flow_run_id)
