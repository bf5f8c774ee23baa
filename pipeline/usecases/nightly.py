"""The nightly run's bookkeeping around :func:`pipeline.usecases.ingest.process_file`, as plain functions.

No Prefect here: ``flows/nightly.py`` strings these together, one Prefect task per step worth
retrying or watching. A run:

1. :func:`inbox_for` — the inbox folder (refused with one line when it is not a folder);
2. :func:`start_nightly` — stale temporaries left by a killed run removed, the run recorded in
   the catalog's ``runs`` table, an empty :class:`NightlySummary`;
3. :func:`~pipeline.usecases.inbox.scan_inbox` + :func:`hash_files` + :func:`select_new` — every inbox
   file, its SHA-256, and those the catalog does not hold yet (dedup by content: the same bytes
   twice in the inbox are processed once);
4. per new file :func:`~pipeline.usecases.ingest.process_file`, then :func:`record_outcome` and
   :meth:`NightlySummary.add` as each outcome arrives;
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
from typing import Any

from pydantic import BaseModel

from pipeline.core.config import Config
from pipeline.core.errors import ConfigError
from pipeline.core.inputs import WeatherOverride
from pipeline.core.units import convert_text, fl_oz, miles
from pipeline.core.untrusted import clean_text
from pipeline.report.digest import write_digest
from pipeline.report.text import markdown_escape
from pipeline.report.view import Display, distance_text, duration_s_text, low_high, sweat_with_range, when_text
from pipeline.report.weighins import weighins_markdown
from pipeline.store.catalog import ActivityRow, Catalog, RunRow, utc_now
from pipeline.store.files import exclusive_lock, remove_stale_temporaries, sha256_file
from pipeline.store.inbox_index import hash_with_index
from pipeline.store.layout import NIGHTLY_RUN, digests_dir, reports_dir
from pipeline.store.weighins import WeighIns, comparisons, pair_stored_scale_readings
from pipeline.usecases.commit import record_outcome
from pipeline.usecases.freshness import answer_is_current
from pipeline.usecases.inbox import InboxFile, inbox_problem
from pipeline.usecases.outcome import FileOutcome

NIGHTLY = NIGHTLY_RUN  # the runs-table name of a nightly run (the flow's name too)

__all__ = ["NIGHTLY", "NightlySummary", "Rejection", "fail_nightly", "finish_nightly", "hash_files", "inbox_for",
           "all_failed", "record_outcome", "select_new", "select_stale", "start_nightly", "write_nightly_digest"]


def inbox_for(config: Config, inbox: str | None) -> Path:
    """``--inbox DIR`` or the configured inbox, refused with one line when it is not a folder."""
    folder = Path(inbox).expanduser().resolve() if inbox else Path(config.inbox)
    problem = inbox_problem(folder)
    if problem is not None:
        raise ConfigError(str(folder), problem)
    return folder


class Rejection(BaseModel):
    name: str
    kind: str
    reason: str


class NightlySummary(BaseModel):
    """The outcome of one nightly run (also the flow's return value). ``display``: the config's
    units and time zone, in which :meth:`markdown` and :meth:`table_rows` show times and numbers,
    as the index and reports do."""

    run_id: str
    inbox: Path
    data_dir: Path
    started_at: datetime
    finished_at: datetime | None = None
    skipped: int = 0
    duplicates: list[Rejection] = []  # copies of activities already held (counted as skipped, with the reason)
    not_fit: list[Rejection] = []  # zip members that are not FIT files (skipped, with the reason)
    set_aside_before: list[Rejection] = []  # files still in the inbox that an earlier run refused (skipped)
    processed_files: list[str] = []
    activities: list[ActivityRow] = []
    rejected: list[Rejection] = []
    failed: list[tuple[str, str]] = []
    digest_path: Path | None = None
    reestimated: list[str] = []  # files already processed whose inputs changed, estimated again
    stale_shas: list[str] = []
    processed_shas: list[str] = []
    busy: bool = False  # another nightly held the lock: this one did nothing
    display: Display = Display()  # units and time zone of what a person reads (Display.of(config))

    def add(self, outcome: FileOutcome) -> None:
        """Count one file's outcome (as committed to the catalog by :func:`record_outcome`).

        A copy of an activity already held is skipped with its reason: the whole file
        when that is all it holds, else the zip member."""
        if outcome.status == "processed":
            sha = outcome.file.sha256
            if sha not in self.stale_shas:
                self.processed_files.append(outcome.file.name)
                self.processed_shas.append(sha)
            elif sha not in self.processed_shas and outcome.file.name not in self.reestimated:
                self.reestimated.append(outcome.file.name)
            ids = {a.row.id for a in outcome.activities}
            self.activities = [a for a in self.activities if a.id not in ids] + [a.row for a in outcome.activities]
        for name, why in outcome.skipped_members:  # zip members that are not FIT files
            self.skipped += 1
            self.not_fit.append(Rejection(name=name, kind="not_fit", reason=why))
        for d in outcome.duplicates:
            self.skipped += 1
            self.duplicates.append(Rejection(name=f"{d.name}:{d.member}" if d.member else d.name, kind="duplicate",
                                             reason=d.reason))
        for r in outcome.rejections:
            name = f"{r.name}:{r.member}" if r.member else r.name
            self.rejected.append(Rejection(name=name, kind=r.kind, reason=r.reason))

    def line(self, limit: int | None = None) -> str:
        """``processed N, skipped M[ (file: duplicate of …; …)], rejected K (file: reason; …)[, re-estimated R (…)]
        [, failed F (…)]``. ``limit``: name at most that many files per list, then "and N more (see the
        run summary)" — the index's one line stays a line on a phone; the run summary lists them all."""
        if self.busy:
            return BUSY_MESSAGE

        def listed(items: list[str]) -> str:
            shown = items if limit is None or len(items) <= limit else items[:limit]
            more = len(items) - len(shown)
            return " (" + "; ".join(shown) + (f"; and {more} more: see the run summary" if more else "") + ")"

        text = f"processed {len(self.processed_files)}, skipped {self.skipped}"
        if self.not_fit or self.duplicates or self.set_aside_before:
            text += listed([f"{d.name}: {d.reason}" for d in self.not_fit + self.duplicates]
                           + [f"{r.name}: set aside before, {r.reason}" for r in self.set_aside_before])
        text += f", rejected {len(self.rejected)}"
        if self.rejected:
            text += listed([f"{r.name}: {r.reason}" for r in self.rejected])
        if self.reestimated:
            text += f", re-estimated {len(self.reestimated)} (inputs changed: weigh-ins, config or model)"
        if self.failed:
            text += f", failed {len(self.failed)}" + listed([f"{n}: {m}" for n, m in self.failed])
        return clean_text(text)  # file names: no ESC/BEL in logs, the terminal or the artifact

    def report_uri(self, row: ActivityRow) -> str:
        return (self.data_dir / row.report_dir / "report.html").resolve().as_uri()

    def start_text(self, row: ActivityRow) -> str:
        """'2026-07-18 14:10 (UTC+2)': the activity's start in the athlete's local time (the file's
        offset, else the config's zone: :func:`pipeline.report.view.when_text`), as in ``history``."""
        return when_text(row.start_time, row.utc_offset_s, self.display.timezone, "%Y-%m-%d %H:%M")

    def table_rows(self) -> list[dict[str, Any]]:
        """One row per activity of the night, for the Prefect table artifact: ``start`` in local time
        (:meth:`start_text`), numbers in the display's units (keys name them: ``distance_km`` /
        ``distance_mi``, ``sweat_l`` / ``sweat_fl_oz``, ``rate_l_per_h`` / ``rate_fl_oz_per_h``)."""
        imperial = self.display.units == "imperial"
        rows = []
        for a in self.activities:
            row: dict[str, Any] = {
                "start": self.start_text(a) if a.start_time is not None else "",
                "source": clean_text(a.source),
                "sport": clean_text(a.sport),
                "duration_min": round(a.timer_s / 60) if a.timer_s is not None else None,
            }
            if imperial:
                row["distance_mi"] = round(miles(a.distance_m), 1) if a.distance_m is not None else None
                row["sweat_fl_oz"] = round(fl_oz(a.sweat_total_l * 1000), 1) if a.sweat_total_l is not None else None
            else:
                row["distance_km"] = round(a.distance_m / 1000, 1) if a.distance_m is not None else None
                row["sweat_l"] = round(a.sweat_total_l, 2) if a.sweat_total_l is not None else None
            key = "sweat_range_fl_oz" if imperial else "sweat_range_l"
            row[key] = (low_high(a.sweat_low_l, a.sweat_high_l, self.display.units)
                        .removesuffix(" fl oz").removesuffix(" L").replace("–", "-")
                        if a.sweat_low_l is not None and a.sweat_high_l is not None else "")
            if imperial:
                row["rate_fl_oz_per_h"] = (round(fl_oz(a.sweat_rate_l_per_h * 1000))
                                           if a.sweat_rate_l_per_h is not None else None)
            else:
                row["rate_l_per_h"] = round(a.sweat_rate_l_per_h, 2) if a.sweat_rate_l_per_h is not None else None
            row["report"] = self.report_uri(a)
            rows.append(row)
        return rows

    def markdown(self, links_from: Path | None = None) -> str:
        """The Markdown summary (artifact), with links to each report: absolute ``file://`` URIs, or
        relative to the folder ``links_from`` (the summary kept under ``digests/``). Times in the
        athlete's local time, numbers in the display's units (:attr:`display`)."""
        units, zone = self.display.units, self.display.timezone
        lines = [f"# Sweatline nightly run {when_text(self.started_at, None, zone, '%Y-%m-%d %H:%M')}", "",
                 f"**{self._counts()}**", ""]
        if self.activities:
            lines += ["| start | activity | sport | duration | distance | sweat | report |",
                      "|---|---|---|---|---|---|---|"]
            for a, row in zip(self.activities, self.table_rows()):
                sweat = (sweat_with_range(a.sweat_total_l, a.sweat_low_l, a.sweat_high_l, units)
                         if a.sweat_total_l is not None else "–")
                duration = duration_s_text(a.timer_s) if a.timer_s else "–"
                link = row["report"] if links_from is None else os.path.relpath(
                    self.data_dir / a.report_dir / "report.html", links_from).replace(os.sep, "/")
                lines.append(f"| {row['start']} | {markdown_escape(row['source'])} | {markdown_escape(row['sport'])} "
                             f"| {duration} | {distance_text(a.distance_m, units)} | {sweat} | [report.html]({link}) |")
            lines.append("")
        for heading, listed in (("copies of activities already held", self.duplicates),
                                ("zip members that are not FIT files", self.not_fit),
                                ("set aside on an earlier run (still in the inbox)", self.set_aside_before)):
            if listed:
                lines += [f"## Skipped: {heading}", ""] + [
                    f"- `{markdown_escape(r.name)}`: {markdown_escape(r.reason)}" for r in listed] + [""]
        if self.rejected:
            lines += ["## Rejected", ""] + [f"- `{markdown_escape(r.name)}` ({r.kind}): {markdown_escape(r.reason)}" for r in self.rejected] + [""]
        if self.failed:
            lines += ["## Failed (internal errors; retried next run)", ""] + [f"- `{markdown_escape(n)}`: {markdown_escape(m)}" for n, m in self.failed] + [""]
        lines += [f"Reports: `{(self.data_dir / 'reports').resolve()}`", ""]
        return "\n".join(lines)

    def _counts(self) -> str:
        text = f"processed {len(self.processed_files)}, skipped {self.skipped}, rejected {len(self.rejected)}"
        if self.reestimated:
            text += f", re-estimated {len(self.reestimated)}"
        return text + (f", failed {len(self.failed)}" if self.failed else "")


BUSY_MESSAGE = "another nightly run is in progress; this one did nothing"
INDEX_LINE_FILES = 3
"""Files named per list in the index's line about the night (the run summary names them all)."""
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
                  orchestrator: str = "prefect", prefect_flow_run_id: str | None = None) -> NightlySummary:
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


def _process_start(pid: int) -> str | None:
    """The kernel's start time of process ``pid`` (Linux ``/proc/PID/stat`` field 22), telling a
    reused pid from the original; None where there is no ``/proc``."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[-1].split()[19]


def this_process() -> dict[str, Any]:
    """What identifies the running process in a run's parameters: ``pid``, ``host``, ``pid_start``."""
    pid = os.getpid()
    return {"pid": pid, "host": socket.gethostname(), "pid_start": _process_start(pid)}


def _alive(pid: int, pid_start: str | None) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        pass
    except (OverflowError, ValueError, OSError):
        return False
    return pid_start is None or _process_start(pid) in (None, pid_start)


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
            if _alive(pid, params.get("pid_start")):
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
    (a sync tidying up). Other I/O errors propagate.

    With ``data_dir``, a file whose stat is the one recorded when it was last hashed is not read
    again (:mod:`pipeline.store.inbox_index`): a nightly over 10,000 known files reads none."""
    if data_dir is not None:
        return hash_with_index(data_dir, [f.path for f in files], [f.stat_key for f in files])
    hashes: list[str | None] = []
    for f in files:
        try:
            hashes.append(sha256_file(f.path))
        except FileNotFoundError:
            hashes.append(None)
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
    for f, sha in zip(files, hashes):
        if sha is None:
            continue
        if sha in known or sha in queued:  # in the catalog, or the same content twice in the inbox
            summary.skipped += 1
            if rejected_before and sha in rejected_before:  # a subset of ``known``: the catalog's rejected files
                summary.set_aside_before.append(Rejection(name=f.path.name, kind="rejected", reason=rejected_before[sha]))
            elif sha in queued:  # named, as a copy of an activity held is: a user found one skipped without a word
                summary.duplicates.append(Rejection(name=f.path.name, kind=SAME_BYTES,
                                                    reason=f"the same bytes as {queued[sha]}"))
            continue
        queued[sha] = f.path.name
        todo.append((f, sha))
    return todo


SAME_BYTES = "same_bytes"
"""The kind of a skipped inbox file whose bytes are those of another file of the same inbox."""


def inbox_text(summary: NightlySummary, files: int, new: int) -> str:
    """``6 file(s), 5 new, 1 already in the catalog[, 1 the same bytes as another]`` (after :func:`select_new`)."""
    copies = sum(1 for d in summary.duplicates if d.kind == SAME_BYTES)
    text = f"{files} file(s), {new} new, {summary.skipped - copies} already in the catalog"
    return text + (f", {copies} the same bytes as another" if copies else "")


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
    """Pair the stored weight-scale readings with activities, then write the digest
    (:func:`pipeline.report.digest.write_digest`: this run's summary and the weigh-ins table, the
    day-by-day pages over every activity in the catalog). Returns the run summary's path."""
    data_dir = Path(config.data_dir)
    with Catalog(data_dir) as catalog:
        pair_stored_scale_readings(catalog, config.athlete.body_mass_kg)
        weighed = weighins_markdown(comparisons(catalog), WeighIns(catalog).calibration_points(),
                                     config.nightly.timezone)
        activities = catalog.activities()
    run_markdown = summary.markdown(links_from=digests_dir(data_dir)) + ("\n" + weighed if weighed else "")
    return write_digest(convert_text(run_markdown, config.units), summary.started_at, activities,
                        digests_dir(data_dir), reports_dir(data_dir),
                        timezone=config.nightly.timezone, sex=config.athlete.sex, night=summary.line(limit=INDEX_LINE_FILES),
                        units=config.units)


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
