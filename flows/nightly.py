"""The ``nightly`` flow: the configured sources pulled, then every new file in the inbox (and in
``<data_dir>/synced/``, where the sources write), a task per file or per batch of files, then the digest.

Parameters: ``config_path``, ``inbox`` (default: the configured inbox), ``rebuild`` (process files
already in the catalog again), ``workers`` (tasks at once; default: one per processor), ``runner``
(``auto``, ``threads`` or ``processes``; ``dask: {address: ...}`` in the config for a Dask
cluster), ``batch`` (files per task; default: :func:`pipeline.runtime.guard.files_per_task`, 1
turns batching off). The steps are the plain functions of :mod:`pipeline.usecases.nightly`, the
tasks those of :mod:`flows.tasks`; where files are processed is said in the run's first log line
(:func:`pipeline.runtime.guard.plan_work`). Each file's outcome is committed as it arrives (a
batch's files one by one while it runs in this process: :func:`pipeline.runtime.batches.each_result`),
with a progress line; the run ends with two artifacts (the Markdown summary, a table of the night's
activities) and the summary line. Measured figures: docs/performance.md.
"""
from __future__ import annotations

from typing import Any, cast

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.futures import as_completed
from prefect.runtime import flow_run
from prefect.utilities.annotations import quote

from flows import quiet
from flows.tasks import (
    hash_files,
    process_file_task,
    process_files_task,
    sync_sources_task,
    task_results,
    task_runner_for,
    write_digest_task,
)
from pipeline.core.config import Config, load_config
from pipeline.core.untrusted import clean_text
from pipeline.runtime.batches import each_result
from pipeline.runtime.guard import WorkPlan, plan_work, reusing_children
from pipeline.runtime.progress import Counter
from pipeline.store.catalog import Catalog, utc_now
from pipeline.store.layout import reports_dir
from pipeline.usecases.commit import record_outcome
from pipeline.usecases.guarded import Job
from pipeline.usecases.inbox import scan_inbox
from pipeline.usecases.nightly import (
    NIGHTLY,
    all_failed,
    busy_summary,
    fail_nightly,
    finish_nightly,
    inboxes_for,
    nightly_lock,
    select_new,
    select_stale,
    start_nightly,
)
from pipeline.usecases.nightly_summary import BUSY_MESSAGE, INDEX_LINE_FILES, NightlySummary, inbox_text
from pipeline.usecases.notify import failure_message, night_message, notify
from pipeline.usecases.outcome import FileOutcome
from pipeline.usecases.sync import sources_configured, synced_folders

PROGRESS_EVERY_S = 5.0

quiet.install()  # bad input: one line in the run's log, not a traceback


@flow(name=NIGHTLY, log_prints=False)
def nightly(config_path: str | None = None, inbox: str | list[str] | None = None, rebuild: bool = False,
            workers: int | None = None, runner: str = "auto", batch: int | None = None) -> NightlySummary:
    """Pull the sources, process every new activity file in the inbox folders, write reports and
    the digest, publish artifacts; then the notification (``notify:`` in the config), on failure always."""
    config = load_config(config_path)
    try:
        summary = _night(config, inbox, rebuild, workers, runner, batch)
    except Exception as exc:  # the night broke: said, then raised as before (Ctrl-C is no failure to report)
        _say(notify(config, failure_message(config, exc)))
        raise
    _say(notify(config, night_message(config, summary)))
    if all_failed(summary):
        raise RuntimeError(f"every new file failed with an internal error: {summary.line(limit=INDEX_LINE_FILES)}")
    return summary


def _say(line: str | None) -> None:
    """The notification's one line in the run's log (a message not sent is a warning)."""
    if line is not None:
        logger = get_run_logger()
        (logger.info if line.startswith("notification sent") else logger.warning)("%s", clean_text(line))


def _night(config: Config, inbox: str | list[str] | None, rebuild: bool, workers: int | None, runner: str,
           batch: int | None) -> NightlySummary:
    """The night itself: the sources, the inbox folders and the synced files, the digest and artifacts."""
    logger = get_run_logger()
    absent: list[str] = []
    folders = inboxes_for(config, inbox, absent)
    folder = folders[0]
    with nightly_lock(config.data_dir) as held:
        if not held:  # a second run at once (a manual run during the scheduled one) does nothing
            logger.warning(BUSY_MESSAGE)
            return busy_summary(config, folder)
        with Catalog(config.data_dir) as catalog:
            summary = start_nightly(catalog, config, folder, rebuild=rebuild, workers=workers,
                                    prefect_flow_run_id=flow_run.get_id())
            summary.inboxes_absent = absent
            for gone in absent:
                logger.warning("inbox not read tonight: %s", clean_text(gone))
            try:
                if sources_configured(config):
                    summary.sources = sync_sources_task(config)
                    for report in summary.sources:
                        (logger.warning if report.problem else logger.info)("%s", clean_text(report.line()))
                files = [f for each in [*folders, *synced_folders(config)] for f in scan_inbox(each)]
                # in Prefect's quote: the task's parameters are not walked looking for futures (10,000
                # files took seconds); the task gets the list itself
                hashes = hash_files(cast(Any, quote(files)), config.data_dir) if files else []
                todo = select_new(files, hashes, set() if rebuild else catalog.known_hashes(), summary,
                                  {} if rebuild else catalog.rejected_reasons())
                plan = plan_work(len(todo), workers, runner, config.dask.address, batch=batch)
                logger.info("inbox %s: %s; %s", clean_text(", ".join(map(str, folders))), inbox_text(summary, len(files), len(todo)), plan.said)
                jobs: list[Job] = [(f.path, sha, None) for f, sha in todo]
                for _ in range(2):  # then stale ones (re-estimating one may move another's factor)
                    if not rebuild:
                        queued = {sha for _, sha, _ in jobs}
                        jobs += [(f.path, sha, o) for f, sha, o in select_stale(files, hashes, catalog, config, summary)
                                 if sha not in queued]
                    if jobs:
                        _process(jobs, plan, config, catalog, summary)
                    jobs = []
                summary.finished_at = utc_now()
                summary.digest_path = write_digest_task(cast(Any, quote(summary)), config)
                create_markdown_artifact(key="nightly-summary", markdown=summary.markdown(), description=summary.line())
                create_table_artifact(key="nightly-activities", table=summary.table_rows(), description=(
                    f"Activities processed by the nightly run of {summary.started_at:%Y-%m-%d}"))
            except BaseException as exc:
                fail_nightly(catalog, summary, exc)
                raise
            line = finish_nightly(catalog, summary)
    logger.info("%s", clean_text(line))
    logger.info("reports: %s; digest: %s", clean_text(reports_dir(config.data_dir)), clean_text(summary.digest_path))
    return summary


def _process(jobs: list[Job], plan: WorkPlan, config: Config, catalog: Catalog, summary: NightlySummary) -> None:
    """``jobs`` as ``process-file`` tasks (one file per task) or ``process-files`` tasks (up to
    ``plan.files_per_task``), each file's outcome committed as it arrives, with progress lines.
    On threads the big parameters go in Prefect's ``quote`` (Prefect does not walk them looking for
    futures); not to Dask, whose serialization turns a ``quote`` into a plain tuple."""
    wrap: Any = quote if plan.runner == "threads" else (lambda value: value)
    per_task = plan.files_per_task
    batches = [jobs[i:i + per_task] for i in range(0, len(jobs), per_task)]
    logger = get_run_logger()
    progress = Counter(len(jobs), every_s=PROGRESS_EVERY_S, say=lambda done, total: logger.info(
        "progress: %d/%d files (%d%%), %d activities, %d rejected, %d failed", done, total, 100 * done // max(total, 1),
        len(summary.activities), len(summary.rejected), len(summary.failed)))

    def submit(number: int) -> Any:
        batch = batches[number]
        if per_task == 1:
            path, sha, override = batch[0]
            return runner.submit(process_file_task, {"path": path, "sha256": sha, "config": wrap(config),
                                                     "run_id": summary.run_id, "override": override,
                                                     "warm": plan.warm_children})
        return runner.submit(process_files_task, {"jobs": wrap(batch), "config": wrap(config), "run_id": summary.run_id,
                                                  "batch": number, "extra": len(batch) - 1,
                                                  "warm": plan.warm_children})

    def commit(number: int, index: int, result: FileOutcome | str) -> None:
        name = batches[number][index][0].name
        if isinstance(result, str):
            summary.failed.append((name, result))
            logger.error("%s", clean_text(f"{name}: internal error: {result}"))
        else:
            summary.add(record_outcome(catalog, result))
        progress.one_more(name)

    with reusing_children(), task_runner_for(plan, config.dask.address) as runner:
        each_result(summary.run_id, submit, len(batches), as_completed,
                    lambda number, future: task_results(future, len(batches[number])), commit)
