"""The ``nightly`` flow: every new file in the inbox, a task per file or per batch of files, then the digest.

Parameters: ``config_path``, ``inbox`` (default: the configured inbox), ``rebuild`` (process
files already in the catalog again), ``workers`` (tasks at once; default: one per processor),
``runner`` (``auto``, ``threads`` or ``processes``), ``batch`` (files per task; default:
:func:`pipeline.runtime.guard.files_per_task`, 1 turns batching off). The steps are the plain functions of
:mod:`pipeline.usecases.nightly`; the tasks (:mod:`flows.tasks`) are ``hash-files``, one ``process-file``
per new file or one ``process-files`` per batch, ``write-digest``. An ``OSError`` is retried, bad
data never is (it is a rejection with its one-line reason), a bug in one file fails that file
only. Each file's outcome is committed to the catalog as it arrives (a batch's files one by one
while it runs, when its task runs in this process), with a progress line in the logs (terminal
and Prefect UI); the run ends with two artifacts (a Markdown summary, a table of the night's
activities with report links) and the summary line.

Where the files are processed (:func:`pipeline.runtime.guard.plan_work`, said in the run's first log line):
every task reads, estimates and reports its files in a guarded child process (:mod:`pipeline.runtime.guard`:
a wall-time and an address-space limit per file, ``limits`` in the config; a batch's files one
after another in one child, a fresh child after a file set aside), so

* ``auto`` (default): Prefect's ``ThreadPoolTaskRunner`` with one thread per task at once — the
  threads only wait on their children, so every core works and no worker interpreter has to start;
* ``processes``: Prefect's ``ProcessPoolTaskRunner`` (each worker process spawned, importing
  Prefect and the pipeline, then guarding its files in a child again) — kept for comparison;
* ``dask: {address: ...}`` in the config: ``prefect_dask.DaskTaskRunner`` on that cluster (the
  ``dask`` extra); its workers must see the inbox and ``data_dir`` at the same paths.

Within a run the guarded processes are kept (:func:`pipeline.runtime.guard.reusing_children`): one that
read its task's files without trouble reads the next task's, warm. Measured with
``benchmarks/bench_backfill.py`` (200 distinct activities written with tools/fitwriter, 2 CPUs
shared with other work): the default 11.5 s on a quiet machine (load 1.1-1.5), 1.97 x one at a
time and 0.97 x a plain 2-process pool over :func:`pipeline.usecases.ingest.process_file` without Prefect;
16.6-16.7 s at load 1.4-2.3 (1.55-1.72 x one at a time, 1.06 x the plain pool). README "Every core".
"""
from __future__ import annotations

import os
import queue
import threading
import time
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.futures import PrefectFuture, as_completed
from prefect.runtime import flow_run
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from flows.tasks import hash_files, listen_for_files, process_file_task, process_files_task, stop_listening, write_digest_task
from pipeline.core.config import Config, load_config
from pipeline.core.inputs import WeatherOverride
from pipeline.core.untrusted import clean_text
from pipeline.runtime.guard import WorkPlan, plan_work, reusing_children
from pipeline.runtime.progress import report_progress
from pipeline.store.catalog import Catalog, utc_now
from pipeline.store.layout import reports_dir
from pipeline.usecases.commit import record_outcome
from pipeline.usecases.guarded import Job
from pipeline.usecases.inbox import InboxFile, scan_inbox
from pipeline.usecases.nightly import (
    NIGHTLY,
    all_failed,
    busy_summary,
    fail_nightly,
    finish_nightly,
    inbox_for,
    nightly_lock,
    select_new,
    select_stale,
    start_nightly,
)
from pipeline.usecases.nightly_summary import BUSY_MESSAGE, NightlySummary, inbox_text
from pipeline.usecases.outcome import FileOutcome

PROGRESS_EVERY_S = 5.0


def _init_worker() -> None:
    os.environ.setdefault("MPLBACKEND", "Agg")


def task_runner_for(plan: WorkPlan, dask_address: str | None = None) -> TaskRunner[Any]:
    """The task runner of ``process-file`` for ``plan`` (:func:`pipeline.runtime.guard.plan_work`)."""
    if plan.runner == "dask":
        from prefect_dask import DaskTaskRunner  # the `dask` extra

        return DaskTaskRunner(address=dask_address)
    if plan.runner == "processes":
        return ProcessPoolTaskRunner(max_workers=plan.files_at_once, initializer=_init_worker)
    return ThreadPoolTaskRunner(max_workers=plan.files_at_once)


@flow(name=NIGHTLY, log_prints=False)
def nightly(config_path: str | None = None, inbox: str | None = None, rebuild: bool = False,
            workers: int | None = None, runner: str = "auto", batch: int | None = None) -> NightlySummary:
    """Process every new FIT file in the inbox, write reports and the digest, publish artifacts."""
    logger = get_run_logger()
    config = load_config(config_path)
    folder = inbox_for(config, inbox)
    with nightly_lock(config.data_dir) as held:
        if not held:  # a second run at once (a manual run during the scheduled one) does nothing
            logger.warning(BUSY_MESSAGE)
            return busy_summary(config, folder)
        summary, line = _run_locked(config, folder, rebuild, workers, runner, batch, logger)
    logger.info(line)
    logger.info("reports: %s; digest: %s", reports_dir(config.data_dir), summary.digest_path)
    if all_failed(summary):
        raise RuntimeError(f"every new file failed with an internal error: {line}")
    return summary


def _run_locked(config: Config, folder: Path, rebuild: bool, workers: int | None, runner: str,
                batch: int | None, logger: Any) -> tuple[NightlySummary, str]:
    """The nightly's work, under the lock: the summary and its one line."""
    with Catalog(config.data_dir) as catalog:
        summary = start_nightly(catalog, config, folder, rebuild=rebuild, workers=workers,
                                prefect_flow_run_id=flow_run.get_id())
        try:
            files = scan_inbox(folder)
            hashes = hash_files(files, config.data_dir) if files else []
            todo = select_new(files, hashes, set() if rebuild else catalog.known_hashes(), summary,
                              {} if rebuild else catalog.rejected_reasons())
            plan = plan_work(len(todo), workers, runner, config.dask.address, batch=batch)
            logger.info("inbox %s: %s; %s", folder, inbox_text(summary, len(files), len(todo)), plan.said)
            jobs = [(f, sha, None) for f, sha in todo]
            for _ in range(2):  # then activities whose inputs changed (re-estimating one may move another's factor)
                if not rebuild:
                    queued = {sha for _, sha, _ in jobs}
                    jobs += [job for job in select_stale(files, hashes, catalog, config, summary) if job[1] not in queued]
                if not jobs:
                    break
                with reusing_children(), task_runner_for(plan, config.dask.address) as task_runner:
                    _submit_and_collect(task_runner, jobs, plan.files_per_task, config, catalog, summary,
                                        in_process=plan.runner == "threads")
                jobs = []
            summary.finished_at = utc_now()
            summary.digest_path = write_digest_task(summary, config)
            _publish_artifacts(summary)
        except BaseException as exc:
            fail_nightly(catalog, summary, exc)
            raise
        line = finish_nightly(catalog, summary)
    return summary, line


def _submit_and_collect(task_runner: TaskRunner[Any], files: list[tuple[InboxFile, str, WeatherOverride | None]],
                        per_task: int, config: Config, catalog: Catalog, summary: NightlySummary,
                        in_process: bool = False) -> None:
    """Submit ``files`` (inbox file, SHA-256, override) as ``process-file`` tasks (``per_task`` 1) or
    ``process-files`` tasks of up to ``per_task`` files, and commit each file's outcome as it
    arrives (:func:`_collect`). ``in_process``: the tasks run in this process (threads), so their
    big parameters (the config, a batch's jobs) are handed over in Prefect's ``quote``: Prefect
    does not walk them looking for futures, a third of its processor time in this process for a
    backfill (measured). Not to Dask, whose serialization turns a ``quote`` into a plain tuple."""
    wrap = quote if in_process else (lambda value: value)
    jobs: list[Job] = [(f.path, sha, override) for f, sha, override in files]
    batches = [jobs[i:i + per_task] for i in range(0, len(jobs), per_task)]
    arrivals = listen_for_files(summary.run_id)
    try:
        futures: dict[PrefectFuture[Any], tuple[int, list[Job]]] = {}
        for number, batch in enumerate(batches):
            if per_task == 1:
                (path, sha, override), = batch
                future = task_runner.submit(process_file_task, {"path": path, "sha256": sha, "config": wrap(config),
                                                                "run_id": summary.run_id, "override": override})
            else:
                future = task_runner.submit(process_files_task, {"jobs": wrap(batch), "config": wrap(config),
                                                                 "run_id": summary.run_id, "batch": number,
                                                                 "extra": len(batch) - 1})
            futures[future] = (number, batch)
        _collect(futures, arrivals, catalog, summary)
    finally:
        stop_listening(summary.run_id)


def _collect(futures: dict[PrefectFuture[Any], tuple[int, list[Job]]], arrivals: "queue.Queue[Any]",
             catalog: Catalog, summary: NightlySummary) -> None:
    """Commit each file's outcome as it arrives (an internal error counts as failed), logging progress.

    A ``process-files`` task in this process puts each file's result on ``arrivals`` as it ends, so
    its files are committed one by one while it runs; from a task elsewhere (Dask, worker
    processes) they are committed when it returns. A watcher thread puts each finished task on the
    same queue, after its files (a task's puts happen before it returns): one loop commits both,
    each file once."""
    logger = get_run_logger()
    total = sum(len(batch) for _, batch in futures.values())
    numbers = {number: batch for number, batch in futures.values()}
    committed: set[tuple[int, int]] = set()
    last_progress = time.monotonic()

    def watch() -> None:
        try:
            for future in as_completed(list(futures)):
                arrivals.put(("task", future))
        except BaseException as exc:  # noqa: BLE001 - raised again by the loop below
            arrivals.put(("watch", exc))

    threading.Thread(target=watch, name="nightly-watch", daemon=True).start()
    finished = 0
    while finished < len(futures):
        item = arrivals.get()
        if item[0] == "watch":
            raise item[1]
        if item[0] == "task":
            finished += 1
            number, batch = futures[item[1]]
            results = _task_results(item[1], len(batch))
        else:
            number, index, result = item
            batch, results = numbers[number], [(index, result)]
        for index, result in results:
            if (number, index) in committed:
                continue
            committed.add((number, index))
            name = batch[index][0].name
            if isinstance(result, str):
                summary.failed.append((name, result))
                logger.error("%s", clean_text(f"{name}: internal error: {result}"))
            else:
                summary.add(record_outcome(catalog, result))
            done = len(committed)
            report_progress(done, total, name)  # a terminal's progress bar, if one listens
            now = time.monotonic()
            if now - last_progress >= PROGRESS_EVERY_S or done == total:
                logger.info("progress: %d/%d files (%d%%), %d activities, %d rejected, %d failed",
                            done, total, 100 * done // max(total, 1),
                            len(summary.activities), len(summary.rejected), len(summary.failed))
                last_progress = now


def _task_results(future: PrefectFuture[Any], files: int) -> list[tuple[int, FileOutcome | str]]:
    """A finished task's results: a ``process-file`` task's outcome, a ``process-files`` task's list;
    a task that raised (an internal error, or I/O that outlived its retries) fails all its files."""
    try:
        result = future.result()
    except Exception as exc:
        return [(index, f"{type(exc).__name__}: {exc}") for index in range(files)]
    return [(0, result)] if isinstance(result, FileOutcome) else list(result)


def _publish_artifacts(summary: NightlySummary) -> None:
    create_markdown_artifact(key="nightly-summary", markdown=summary.markdown(), description=summary.line())
    create_table_artifact(key="nightly-activities", table=summary.table_rows(),
                          description=f"Activities processed by the nightly run of {summary.started_at:%Y-%m-%d}")
