"""The nightly run's bookkeeping around :func:`pipeline.usecases.ingest.process_file`, as plain functions.

No Prefect here: ``flows/nightly.py`` strings these together, one Prefect task per step worth
retrying or watching. A run:

1. :func:`inbox_for` — the inbox folder (refused with one line when it is not a folder);
2. :func:`start_nightly` — stale temporaries left by a killed run removed, the run recorded in
   the catalog's ``runs`` table (with this process, :mod:`pipeline.runtime.liveness`, so a later
   run can tell it was killed), an empty :class:`~pipeline.usecases.nightly_summary.NightlySummary`;
3. :func:`~pipeline.usecases.inbox.scan_inbox` + :func:`hash_files` + :func:`select_new` — every inbox
   file, its SHA-256, and those the catalog does not hold yet (dedup by content: the same bytes
   twice in the inbox are processed once);
4. per new file :func:`~pipeline.usecases.ingest.process_file`, then
   :func:`~pipeline.usecases.commit.record_outcome` and :meth:`NightlySummary.add` as each outcome
   arrives;
4b. :func:`select_stale` — files already in the catalog whose stored estimates were made
   from inputs that changed since (a weigh-in, the config, the model version), started in the last
   30 days: processed again with the override they had; run twice at most, since re-estimating a
   weighed activity can move the factor the others use. The summary line says how many;
5. :func:`write_nightly_digest` — weight-scale readings paired with activities, the digest;
6. :func:`finish_nightly` (or :func:`fail_nightly`) — the run's row completed with its counts and
   the summary line ``processed N, skipped M, rejected K`` (+ reasons).

The run fails only when there were new files and every one of them failed for an internal error
— a night of broken files is a successful run that rejected them.
"""
from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

from pipeline.core.config import Config
from pipeline.core.errors import ConfigError, UsageError
from pipeline.core.inputs import WeatherOverride
from pipeline.fit.archive import stored_bytes_cap
from pipeline.report.digest import write_run_summary
from pipeline.report.view import Display
from pipeline.report.weighins import weighins_markdown
from pipeline.runtime.liveness import alive, this_process
from pipeline.store.catalog import Catalog, RunRow, utc_now
from pipeline.store.files import exclusive_lock, remove_stale_temporaries, sha256_file, unreadable_key
from pipeline.store.inbox_index import hash_with_index
from pipeline.store.layout import NIGHTLY_RUN, digests_dir, reports_dir
from pipeline.store.weighins import WeighIns, comparisons, pair_stored_scale_readings
from pipeline.usecases.freshness import answer_is_current
from pipeline.usecases.front_door import write_front_index, write_recent_digest
from pipeline.usecases.inbox import InboxFile, inbox_problem
from pipeline.usecases.nightly_summary import INDEX_LINE_FILES, SAME_BYTES, NightlySummary, Rejection

NIGHTLY = NIGHTLY_RUN  # the runs-table name of a nightly run (the flow's name too)

def inbox_for(config: Config, inbox: str | None) -> Path:
    """``--inbox DIR`` or the configured (first) inbox, refused with one line when it is not a folder
    (``--inbox ''`` too: an empty name is no folder, not the current one)."""
    return inboxes_for(config, inbox)[0]


def inboxes_for(config: Config, inbox: str | list[str] | None, absent: list[str] | None = None) -> list[Path]:
    """The folders to read: each ``--inbox DIR`` given (repeatable), else every configured inbox
    (:attr:`Config.inboxes`), each once; refused with one line naming the first that is not a folder.

    ``absent``: a configured inbox after the first that is not there tonight (a watch not plugged in
    as USB storage, a phone folder not mounted) is not read, and named there ("/media/GARMIN/Activity:
    inbox folder not found"), instead of refusing the night."""
    given = [inbox] if isinstance(inbox, str) else list(inbox or [])
    if any(not name.strip() for name in given):
        raise UsageError("--inbox", "is empty: give the folder to read")
    folders: list[Path] = []
    for name, configured in ([(name, None) for name in given] if given
                             else [(None, folder) for folder in config.inboxes]):
        try:
            folder = Path(name).expanduser().resolve() if name else Path(configured or config.inbox)
            problem = inbox_problem(folder)
        except (OSError, RuntimeError) as exc:  # a name too long for the file system, a symlink loop
            raise ConfigError(name or str(configured), f"cannot be read as the inbox "
                                                       f"({getattr(exc, 'strerror', None) or exc})") from None
        if problem is not None:
            if absent is not None and configured is not None and folders:
                absent.append(f"{folder}: {problem}")
                continue
            raise ConfigError(str(folder), problem)
        folders.append(folder)
    return list(dict.fromkeys(folders))


LOCK_NAME = "nightly.lock"


_HELD_HERE: set[Path] = set()  # nightly locks this process holds


@contextmanager
def nightly_lock(data_dir: Path) -> Iterator[bool]:
    """``with nightly_lock(data_dir) as held:`` — one nightly at a time per data directory
    (``<data_dir>/nightly.lock``, non-blocking: ``held`` is False when another process has it).
    Held again inside a block of this process that holds it (``held`` True): ``sweatline nightly``
    holds it from before it starts Prefect to the end of the run, the flow inside takes it too. So
    a second command started at the same moment stops before it starts a Prefect server of its own
    (two temporary servers migrating one Prefect database at once: "database is locked")."""
    path = (Path(data_dir) / LOCK_NAME).resolve()
    if path in _HELD_HERE:
        yield True
        return
    with exclusive_lock(path) as held:
        if not held:
            yield False
            return
        _HELD_HERE.add(path)
        try:
            yield True
        finally:
            _HELD_HERE.discard(path)


def busy_summary(config: Config, inbox: Path) -> NightlySummary:
    """What a nightly that found another one running returns (nothing recorded, nothing written)."""
    return NightlySummary(run_id="", inbox=inbox, data_dir=Path(config.data_dir), started_at=utc_now(), busy=True,
                          display=Display.of(config))


def start_nightly(catalog: Catalog, config: Config, inbox: Path, *, rebuild: bool, workers: int | None,
                  orchestrator: Literal["prefect", "local"] = "prefect", prefect_flow_run_id: str | None = None) -> NightlySummary:
    """Tidy what a killed run left, record the run as started; returns its (empty) summary."""
    data_dir = Path(config.data_dir)
    started = utc_now()
    run_id = uuid.uuid4().hex
    for folder in (reports_dir(data_dir), data_dir / "records", digests_dir(data_dir)):
        remove_stale_temporaries(folder)
    abandon_dead_runs(catalog)
    catalog.start_run(RunRow(id=run_id, flow=NIGHTLY, orchestrator=orchestrator,
                             prefect_flow_run_id=prefect_flow_run_id, started_at=started,
                             parameters={"inbox": str(inbox), "rebuild": rebuild, "workers": workers,
                                         **this_process()}))
    return NightlySummary(run_id=run_id, inbox=inbox, data_dir=data_dir, started_at=started, display=Display.of(config))


ABANDONED_AFTER = timedelta(hours=24)
"""A ``running`` run this old whose process cannot be checked (another host, no pid recorded) is
taken as abandoned: no nightly takes a day."""


def abandon_dead_runs(catalog: Catalog, now: datetime | None = None) -> list[str]:
    """Mark earlier nightly runs still ``running`` whose process is gone as ``abandoned`` (a run
    killed mid-way never reaches ``finish_run``). On this host the recorded pid (and its start
    time) is checked; otherwise, or with no pid recorded, a run older than :data:`ABANDONED_AFTER`
    is abandoned. Returns the ids marked."""
    now = now or utc_now()
    host = socket.gethostname()
    marked = []
    for run in catalog.runs(NIGHTLY):
        if run.state != "running":
            continue
        params = run.parameters or {}
        pid = params.get("pid")
        if params.get("host") == host and isinstance(pid, int) and not isinstance(pid, bool):
            if alive(pid, params.get("pid_start")):
                continue
            why = f"abandoned: process {pid} on {host} is gone (killed mid-run?)"
        elif now - run.started_at > ABANDONED_AFTER:
            why = f"abandoned: still 'running' {int((now - run.started_at).total_seconds() // 3600)} h after it started"
        else:
            continue
        if catalog.abandon_run(run.id, why):
            marked.append(run.id)
    return marked


def hash_files(files: list[InboxFile], data_dir: Path | None = None) -> list[str | None]:
    """SHA-256 of each inbox file (the catalog key); None for a file that vanished since the scan
    (a sync tidying up). A file over the size its kind may hold (:func:`stored_bytes_cap`) is keyed
    without being read (:func:`~pipeline.store.files.oversize_key`). Other I/O errors propagate.

    With ``data_dir``, a file whose stat is the one recorded when it was last hashed is not read
    again (:mod:`pipeline.store.inbox_index`): a nightly over 10,000 known files reads none."""
    if data_dir is not None:
        return hash_with_index(data_dir, [f.path for f in files], [f.stat_key for f in files],
                               [stored_bytes_cap(f.path) for f in files])
    hashes: list[str | None] = []
    for f in files:
        try:
            hashes.append(sha256_file(f.path, stored_bytes_cap(f.path)))
        except FileNotFoundError:
            hashes.append(None)
        except PermissionError:
            hashes.append(unreadable_key(f.path))
    return hashes


def select_new(files: list[InboxFile], hashes: list[str | None], known: set[str],
               summary: NightlySummary, rejected_before: dict[str, str] | None = None) -> list[tuple[InboxFile, str]]:
    """The files to process, each with its SHA-256: not in ``known`` (the catalog's hashes; empty
    for a rebuild) and not the same content as an earlier file of this inbox. Counts the others as
    skipped in ``summary``, naming those an earlier run refused (``rejected_before``: SHA-256 →
    reason, :meth:`~pipeline.store.catalog.Catalog.rejected_reasons`) with their reason, so a bad
    file left in the inbox is not hidden; a file that vanished (hash None) is neither."""
    todo: list[tuple[InboxFile, str]] = []
    queued: dict[str, str] = {}  # SHA-256 -> the name of the inbox file that will be read for it
    queued_at: dict[str, str] = {}  # SHA-256 -> its path
    for f, sha in zip(files, hashes):
        if sha is None:
            continue
        if sha in known or sha in queued:  # in the catalog, or the same content twice in the inbox
            summary.skipped += 1
            if rejected_before and sha in rejected_before:  # a subset of ``known``: the catalog's rejected files
                summary.set_aside_before.append(Rejection(name=f.path.name, kind="rejected", reason=rejected_before[sha]))
            elif sha in queued:  # named, as a copy of an activity held is: a user found one skipped without a word
                same_name = queued[sha] == f.path.name  # the same file in two inbox folders: say where both are
                summary.duplicates.append(Rejection(name=str(f.path) if same_name else f.path.name, kind=SAME_BYTES,
                                                    reason=f"the same bytes as {queued_at[sha] if same_name else queued[sha]}"))
            continue
        queued[sha] = f.path.name
        queued_at[sha] = str(f.path)
        todo.append((f, sha))
    return todo


STALE_WINDOW_DAYS = 30
"""The nightly re-estimates activities whose inputs changed that started within this
many days; ``--rebuild`` re-estimates everything."""


def select_stale(files: list[InboxFile], hashes: list[str | None], catalog: Catalog, config: Config,
                 summary: NightlySummary, *, window_days: float = STALE_WINDOW_DAYS,
                 ) -> list[tuple[InboxFile, str, WeatherOverride | None]]:
    """Inbox files already in the catalog whose stored estimate is no longer current: a
    weigh-in moved the factor of a leg sport, the config or the model version changed
    (:func:`~pipeline.usecases.freshness.answer_is_current`, no decoding), for activities that started in the
    last ``window_days`` (undated ones: processed in that window). Each comes with the weather
    override it was made with, so re-estimating keeps the rider's ``--temp``/``--humidity``.
    Moves them from ``summary.skipped`` to ``summary.stale_shas``."""
    pair_stored_scale_readings(catalog, config.athlete.body_mass_kg)  # new scale weigh-ins count tonight
    since = utc_now() - timedelta(days=window_days)
    points = WeighIns(catalog).calibration_points()
    by_sha = {sha: f for f, sha in zip(files, hashes) if sha is not None}
    stale: dict[str, tuple[InboxFile, str, WeatherOverride | None]] = {}
    for row in catalog.activities_since(since):  # not the whole catalog: a season is 10,000 rows
        when = row.start_time or row.processed_at
        when = when.replace(tzinfo=UTC) if when.tzinfo is None else when
        if when < since or row.file_sha256 not in by_sha or row.file_sha256 in stale:
            continue
        if answer_is_current(row, config, points):
            continue
        override = None
        if row.override_temperature_c is not None or row.override_humidity_pct is not None:
            override = WeatherOverride(temperature_c=row.override_temperature_c, humidity_pct=row.override_humidity_pct)
        stale[row.file_sha256] = (by_sha[row.file_sha256], row.file_sha256, override)
    for sha in stale:
        if sha not in summary.stale_shas:
            summary.stale_shas.append(sha)
            if sha not in summary.processed_shas:  # it was counted as skipped (already in the catalog)
                summary.skipped = max(summary.skipped - 1, 0)
    return list(stale.values())


def write_nightly_digest(summary: NightlySummary, config: Config) -> Path:
    """Pair the stored weight-scale readings with activities, then write the digest: the digest
    pages (:func:`pipeline.usecases.front_door.write_recent_digest`), this run's summary with the
    weigh-ins table (:func:`pipeline.report.digest.write_run_summary`) and the front door with the
    run's line (:func:`pipeline.usecases.front_door.write_front_index`): the same files as
    :func:`pipeline.report.digest.write_digest` over every activity in the catalog. Returns the run
    summary's path."""
    data_dir = Path(config.data_dir)
    reports = reports_dir(data_dir)
    with Catalog(data_dir) as catalog:
        pair_stored_scale_readings(catalog, config.athlete.body_mass_kg)
        weighed = weighins_markdown(comparisons(catalog), WeighIns(catalog).calibration_points(),
                                     config.nightly.timezone, config.units)
        run_markdown = summary.markdown(links_from=digests_dir(data_dir)) + ("\n" + weighed if weighed else "")
        write_recent_digest(catalog, config)
        path = write_run_summary(run_markdown, summary.started_at, digests_dir(data_dir), reports)
        write_front_index(catalog, config, night=summary.line(limit=INDEX_LINE_FILES), night_at=summary.started_at,
                          night_path=os.path.relpath(path, reports).replace(os.sep, "/"))
    return path


def all_failed(summary: NightlySummary) -> bool:
    """New files, and every one failed for an internal error: the only kind of night that fails."""
    return bool(summary.failed) and not summary.processed_files and not summary.rejected


def finish_nightly(catalog: Catalog, summary: NightlySummary) -> str:
    """Record the run as completed (or failed: :func:`all_failed`) with its counts; returns the summary line."""
    line = summary.line(limit=INDEX_LINE_FILES)  # the front door shows it (pipeline.usecases.front_door)
    catalog.finish_run(summary.run_id, state="failed" if all_failed(summary) else "completed",
                       processed=len(summary.processed_files), skipped=summary.skipped,
                       rejected=len(summary.rejected), failed=len(summary.failed), summary=line)
    return line


def fail_nightly(catalog: Catalog, summary: NightlySummary, exc: BaseException) -> None:
    """Record the run as failed by ``exc`` (the run itself broke, not one file)."""
    catalog.finish_run(summary.run_id, state="failed", processed=len(summary.processed_files),
                       skipped=summary.skipped, rejected=len(summary.rejected), failed=len(summary.failed) or 1,
                       summary=f"{type(exc).__name__}: {exc}"[:500])
