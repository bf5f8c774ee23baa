"""The ``nightly`` flow: every new file in the inbox, one task each, then the digest.

Parameters: ``config_path``, ``inbox`` (default: the configured inbox), ``rebuild`` (process
files already in the catalog again), ``workers`` (worker processes for the CPU-bound work;
default none — threads measured faster here, see :mod:`flows.parallel`).

What a run does:

1. scan the inbox (``.fit``, ``.fit.gz``, ``.zip``, sub-folders too; read-only) and hash each
   file; files whose SHA-256 the catalog holds are skipped;
2. one ``process-file`` task per new file (``.submit`` on a thread pool; optionally the CPU work
   in worker processes); an ``OSError`` is retried, bad data never is — it is recorded as a rejection
   with its one-line reason; a bug in one file fails that task only;
3. each outcome is committed to the catalog as it arrives, with a progress line in the logs
   (terminal and Prefect UI);
4. the digest (``<data_dir>/digests/``, latest copied to ``<data_dir>/reports/index.md``) and
   two artifacts: a Markdown summary and a table of the night's activities with report links;
5. the summary line ``processed N, skipped M, rejected K`` (+ reasons).

The run fails only when there were new files and every one of them failed for an internal
error — a night of broken files is a successful run that rejected them.
"""
from __future__ import annotations

import time
import uuid
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.runtime import flow_run
from prefect.task_runners import ThreadPoolTaskRunner

from flows.digest import NightlySummary, write_digest
from flows.nightly_inbox import inbox_for
from flows.parallel import FilePool, run_process_file, worker_count
from flows.processing import FileOutcome, InboxFile, record_outcome, scan_inbox
from flows.retry import retry_on_io_error
from pipeline.config import Config, load_config
from pipeline.store.catalog import Catalog, RunRow, utc_now
from pipeline.store.files import remove_stale_temporaries, sha256_file
from pipeline.store.layout import digests_dir, reports_dir
from pipeline.store.weighins import pair_stored_scale_readings

FLOW_NAME = "nightly"
PROGRESS_EVERY_S = 5.0
MAX_THREADS = 8


@task(name="hash-files", retries=2, retry_delay_seconds=[1, 5], retry_condition_fn=retry_on_io_error,
      cache_policy=NO_CACHE)
def hash_files(files: list[InboxFile]) -> list[str | None]:
    """SHA-256 of each inbox file (the catalog key); None for a file that vanished since the scan
    (a sync tidying up). Other I/O errors are retried."""
    hashes: list[str | None] = []
    for f in files:
        try:
            hashes.append(sha256_file(f.path))
        except FileNotFoundError:
            hashes.append(None)
    return hashes


@task(name="process-file", retries=2, retry_delay_seconds=[1, 5], retry_condition_fn=retry_on_io_error,
      cache_policy=NO_CACHE, task_run_name="process {path.name}")
def process_file_task(path: Path, sha256: str, config: Config, run_id: str) -> FileOutcome:
    """Decode, estimate and report one file; a bad file comes back as a rejection, not a failure."""
    outcome = run_process_file(path, config, None, run_id, sha256)
    logger = get_run_logger()
    if outcome.status == "processed":
        for a in outcome.activities:
            sweat = f", sweat {a.row.sweat_total_l:.2f} L" if a.row.sweat_total_l is not None else ""
            logger.info("%s: %s%s -> %s", path.name, a.row.sport, sweat, a.row.report_dir)
    else:
        logger.warning("%s: rejected: %s", path.name, outcome.reason)
    return outcome


@flow(name=FLOW_NAME, log_prints=False, task_runner=ThreadPoolTaskRunner(max_workers=MAX_THREADS))
def nightly(config_path: str | None = None, inbox: str | None = None, rebuild: bool = False,
            workers: int | None = None) -> NightlySummary:
    """Process every new FIT file in the inbox, write reports and the digest, publish artifacts."""
    logger = get_run_logger()
    config = load_config(config_path)
    folder = inbox_for(config, inbox)
    data_dir = Path(config.data_dir)
    started = utc_now()
    run_id = uuid.uuid4().hex
    with Catalog(data_dir) as catalog:
        remove_stale_temporaries(reports_dir(data_dir))
        remove_stale_temporaries(data_dir / "records")
        catalog.start_run(RunRow(id=run_id, flow=FLOW_NAME, orchestrator="prefect",
                                 prefect_flow_run_id=flow_run.get_id(), started_at=started,
                                 parameters={"inbox": str(folder), "rebuild": rebuild, "workers": workers}))
        summary = NightlySummary(run_id=run_id, inbox=folder, data_dir=data_dir, started_at=started)
        try:
            files = scan_inbox(folder)
            hashes = hash_files(files) if files else []
            known = set() if rebuild else catalog.known_hashes()
            todo: list[tuple[InboxFile, str]] = []
            queued: set[str] = set()
            for f, sha in zip(files, hashes):
                if sha is None:
                    continue
                if sha in known or sha in queued:  # in the catalog, or the same content twice in the inbox
                    summary.skipped += 1
                    continue
                queued.add(sha)
                todo.append((f, sha))
            n_workers = worker_count(len(todo), workers)
            logger.info("inbox %s: %d file(s), %d new, %d already in the catalog; %s",
                        folder, len(files), len(todo), summary.skipped,
                        f"{n_workers} worker processes" if n_workers else "processing in-process")
            with FilePool(n_workers):
                futures = {process_file_task.submit(f.path, sha, config, run_id): f for f, sha in todo}
                last_progress = time.monotonic()
                for done, future in enumerate(as_completed(list(futures)), start=1):
                    f = futures[future]
                    try:
                        outcome: FileOutcome = future.result()
                    except Exception as exc:  # an internal error (or I/O that outlived its retries)
                        summary.failed.append((f.path.name, f"{type(exc).__name__}: {exc}"))
                        logger.error("%s: internal error: %s: %s", f.path.name, type(exc).__name__, exc)
                    else:
                        record_outcome(catalog, outcome)
                        summary.add(outcome, data_dir)
                    now = time.monotonic()
                    if now - last_progress >= PROGRESS_EVERY_S or done == len(futures):
                        logger.info("progress: %d/%d files (%d%%), %d activities, %d rejected, %d failed",
                                    done, len(futures), 100 * done // max(len(futures), 1),
                                    len(summary.activities), len(summary.rejected), len(summary.failed))
                        last_progress = now
            pair_stored_scale_readings(catalog, config.athlete.body_mass_kg)  # issue #6: weigh-ins from scale files
            summary.finished_at = utc_now()
            digest = write_digest(summary, catalog, digests_dir(data_dir), reports_dir(data_dir),
                                  timezone=config.nightly.timezone, sex=config.athlete.sex)
            summary.digest_path = digest
            _publish_artifacts(summary)
        except BaseException as exc:
            catalog.finish_run(run_id, state="failed", processed=len(summary.processed_files),
                               skipped=summary.skipped, rejected=len(summary.rejected), failed=len(summary.failed) or 1,
                               summary=f"{type(exc).__name__}: {exc}"[:500])
            raise
        line = summary.line()
        all_failed = bool(summary.failed) and not summary.processed_files and not summary.rejected
        catalog.finish_run(run_id, state="failed" if all_failed else "completed",
                           processed=len(summary.processed_files), skipped=summary.skipped,
                           rejected=len(summary.rejected), failed=len(summary.failed), summary=line)
    logger.info(line)
    logger.info("reports: %s; digest: %s", reports_dir(data_dir), summary.digest_path)
    if all_failed:
        raise RuntimeError(f"every new file failed with an internal error: {line}")
    return summary


def _publish_artifacts(summary: NightlySummary) -> None:
    create_markdown_artifact(key="nightly-summary", markdown=summary.markdown(),
                             description=summary.line())
    create_table_artifact(key="nightly-activities", table=summary.table_rows(),
                          description=f"Activities processed by the nightly run of {summary.started_at:%Y-%m-%d}")
