"""The catalog: which inbox files were seen, the activities and estimates they gave, the files
refused and why, and every run — one SQLite database under ``data_dir`` keyed by SHA-256.

Tables (all writes in transactions, rows whole or absent):

``files``       one row per distinct file content (``sha256``) ever processed: ``processed``,
                ``rejected``, or ``duplicate`` (every activity in it was already in the catalog from
                another file; ``reason`` says which). A file whose hash is here is not processed
                again by the nightly run.
``activities``  one row per activity (id = SHA-256 of the file, or of the zip member it came
                from): headline estimates, the weather override used, where the report and the
                Parquet records are (relative to ``data_dir``).
``rejections``  one row per refused file (or zip member): the one-line reason and its ``kind``.
``duplicates``  one row per copy of an activity already in the catalog (a file or a zip member):
                its ``activity_key`` and the activity it repeats (identity is the
                activity, :mod:`pipeline.fit.identity`, not its container's bytes).
``runs``        one row per nightly/after-ride run, Prefect-orchestrated or local (fast path).

Typed rows (pydantic) come in and out; no dict of loose keys leaves this module.
"""
from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

from pipeline.core.dates import believable_until, clock_ahead
from pipeline.core.errors import UsageError
from pipeline.core.schema import Report
from pipeline.store.db import catalog_path, connect, connect_read_only, transaction


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso_utc(value: datetime | None) -> str | None:
    """A datetime as ISO 8601 UTC text for SQLite (naive values are taken as UTC); None stays None."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True)


class FileRow(_Row):
    """A distinct inbox file content the catalog has seen."""

    sha256: str
    name: str
    path: str
    size_bytes: int
    status: Literal["processed", "rejected", "duplicate"]
    activities: int = 0
    first_seen_at: datetime
    processed_at: datetime
    run_id: str | None = None
    reason: str | None = None  # a duplicate's "duplicate of <first source>"


class ActivityHeadline(_Row):
    """What every list of activities shows of one (the digest, the history table, the index): the
    first part of :class:`ActivityRow`, and all of :class:`pipeline.report.digest.DigestRow`."""

    id: str
    source: str
    sport: str
    sub_sport: str | None = None
    start_time: datetime | None = None
    timer_s: float | None = None
    distance_m: float | None = None
    device: str | None = None
    temperature_c: float | None = None
    sweat_total_l: float | None = None
    sweat_low_l: float | None = None
    sweat_high_l: float | None = None
    sweat_rate_l_per_h: float | None = None
    sodium_mg: float | None = None
    potassium_mg: float | None = None
    calibrated: bool = False
    device_estimate_l: float | None = None
    report_dir: str | None = None  # relative to data_dir
    utc_offset_s: int | None = None  # the athlete's local time offset from the file (None: use the config zone)


#: Report block field -> catalog column, for the columns copied as they are (a block's ``source``
#: names where its value came from, so it gets the block's name).
ACTIVITY_COLUMNS = {name: name for name in ("id", "source", "sport", "sub_sport", "start_time", "elapsed_s", "timer_s",
                                            "distance_m", "avg_heart_rate", "avg_power", "device", "salvaged",
                                            "utc_offset_s")}
ENVIRONMENT_COLUMNS = {"temperature_c": "temperature_c", "humidity_pct": "humidity_pct", "source": "environment_source"}
INTENSITY_COLUMNS = {"source": "intensity_source", "mean_metabolic_w": "mean_metabolic_w"}
SWEAT_COLUMNS = {"total_l": "sweat_total_l", "low_l": "sweat_low_l", "high_l": "sweat_high_l",
                 "rate_l_per_h": "sweat_rate_l_per_h", "sodium_mg": "sodium_mg", "potassium_mg": "potassium_mg",
                 "body_mass_loss_pct": "body_mass_loss_pct", "calibrated": "calibrated",
                 "device_estimate_l": "device_estimate_l"}


def _columns(block: BaseModel | None, mapping: dict[str, str]) -> dict[str, Any]:
    """A report block's values under their catalog column names (none for an absent block: the
    columns keep their defaults)."""
    return {} if block is None else {column: getattr(block, name) for name, column in mapping.items()}


class ActivityRow(ActivityHeadline):
    """One processed activity and its headline estimates (units in the names): the headline every
    list shows, and what the catalog keeps besides to compare, re-estimate and find its files."""

    file_sha256: str
    elapsed_s: float | None = None
    avg_heart_rate: float | None = None
    avg_power: float | None = None
    salvaged: bool = False
    humidity_pct: float | None = None
    environment_source: str | None = None
    intensity_source: str | None = None
    mean_metabolic_w: float | None = None
    body_mass_loss_pct: float | None = None
    model_total_l: float | None = None  # the model's own, uncalibrated litres (weigh-ins compare with it)
    calibration_factor: float | None = None  # the personal factor applied to sweat_total_l, if calibrated
    respiratory_water_l: float | None = None  # the model's water breathed out [L] (not calibrated)
    metabolic_mass_l: float | None = None  # the model's fuel burned, CO2 out minus O2 in [kg ≈ L]
    override_temperature_c: float | None = None
    override_humidity_pct: float | None = None
    inputs_fingerprint: str | None = None  # pipeline.usecases.provenance fingerprint of what the estimate used
    calibration_sports: str | None = None  # the leg sports, comma-separated (their calibrations were used)
    report_dir: str  # relative to data_dir; every catalog row has its report
    records_path: str | None = None  # relative to data_dir
    processed_at: datetime
    run_id: str | None = None
    activity_key: str | None = None  # the activity's identity whatever file held it (pipeline.fit.identity)

    @classmethod
    def from_report(cls, report: Report, *, file_sha256: str, report_dir: str, records_path: str | None,
                    override_temperature_c: float | None, override_humidity_pct: float | None,
                    run_id: str | None, processed_at: datetime | None = None,
                    model_total_l: float | None = None, activity_key: str | None = None) -> "ActivityRow":
        """The catalog row for an analysed activity (``report.activity`` must be set): the report's
        blocks by :data:`ACTIVITY_COLUMNS`, :data:`ENVIRONMENT_COLUMNS`, :data:`INTENSITY_COLUMNS` and
        :data:`SWEAT_COLUMNS`, with what the catalog keeps besides.

        ``model_total_l`` is the model's unrounded, uncalibrated total [L]; when not given it is
        taken from the report (``total_l``, divided by the calibration factor if calibrated).
        """
        a, sweat = report.activity, report.sweat
        if a is None:
            raise ValueError("a catalog activity row needs the report's activity block")
        factor = sweat.calibration_factor if sweat is not None and sweat.calibrated else None
        if model_total_l is None and sweat is not None:
            model_total_l = sweat.total_l / factor if factor else sweat.total_l
        return cls(
            **_columns(a, ACTIVITY_COLUMNS), **_columns(report.environment, ENVIRONMENT_COLUMNS),
            **_columns(report.intensity, INTENSITY_COLUMNS), **_columns(sweat, SWEAT_COLUMNS),
            model_total_l=round(model_total_l, 3) if model_total_l is not None else None,  # to the mL, as reports
            calibration_factor=factor,
            respiratory_water_l=sweat.respiratory_water_l if sweat is not None else None,
            metabolic_mass_l=sweat.metabolic_mass_l if sweat is not None else None,
            inputs_fingerprint=report.inputs.fingerprint if report.inputs is not None else None,
            calibration_sports=",".join(report.inputs.calibration) if report.inputs is not None else None,
            file_sha256=file_sha256, report_dir=report_dir, records_path=records_path,
            override_temperature_c=override_temperature_c, override_humidity_pct=override_humidity_pct,
            processed_at=processed_at or utc_now(), run_id=run_id, activity_key=activity_key)


class RejectionRow(_Row):
    """A refused file (or zip member) with its one-line reason and machine-readable kind."""

    file_sha256: str
    member: str = ""  # the zip member name, "" for the file itself
    name: str
    path: str
    kind: str
    reason: str
    rejected_at: datetime
    run_id: str | None = None


class DuplicateRow(_Row):
    """A copy of an activity the catalog already holds: no second activity row, no second report."""

    file_sha256: str
    member: str = ""  # the zip member name, "" for the file itself
    name: str
    path: str
    activity_key: str
    duplicate_of: str  # the id of the activity it repeats
    first_source: str  # that activity's source (file name)
    seen_at: datetime
    run_id: str | None = None

    @property
    def reason(self) -> str:
        return f"duplicate of {self.first_source}"


_RowT = TypeVar("_RowT", bound="_Row")

RunState = Literal["running", "completed", "failed", "abandoned"]


class RunRow(_Row):
    """One run of a flow: ``orchestrator`` is ``prefect`` (a Prefect flow run) or ``local`` (fast path)."""

    id: str
    flow: str
    orchestrator: Literal["prefect", "local"]
    prefect_flow_run_id: str | None = None
    parameters: dict[str, Any] = {}
    started_at: datetime
    finished_at: datetime | None = None
    state: RunState = "running"
    processed: int = 0
    skipped: int = 0
    rejected: int = 0
    failed: int = 0
    summary: str | None = None


def _to_sql(row: BaseModel) -> dict[str, Any]:
    """A row's values as SQLite stores them: datetimes ISO 8601 UTC, bools 0/1, dicts JSON."""
    values: dict[str, Any] = {}
    for key in type(row).model_fields:
        value = getattr(row, key)
        if isinstance(value, datetime):
            value = iso_utc(value)
        elif isinstance(value, bool):
            value = int(value)
        elif isinstance(value, dict):
            value = json.dumps(value, sort_keys=True, default=str)
        values[key] = value
    return values


def _from_sql(model: type[_RowT], row: sqlite3.Row) -> _RowT:
    values = dict(row)
    if model is RunRow and isinstance(values.get("parameters"), str):
        values["parameters"] = json.loads(values["parameters"])
    return model.model_validate(values)


def _insert(conn: sqlite3.Connection, table: str, row: BaseModel, conflict: str) -> None:
    values = _to_sql(row)
    columns = ", ".join(values)
    marks = ", ".join(f":{k}" for k in values)
    conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks}) {conflict}", values)


def _upsert(conn: sqlite3.Connection, table: str, row: BaseModel, key: tuple[str, ...]) -> None:
    values = _to_sql(row)
    updates = ", ".join(f"{k} = excluded.{k}" for k in values if k not in key)
    _insert(conn, table, row, f"ON CONFLICT({', '.join(key)}) DO UPDATE SET {updates}")


class Catalog:
    """The catalog of one data directory. Use as a context manager, or call :meth:`close`.

    ``conn`` is public so other store modules (``pipeline/store/weighins.py``) can add their own
    tables through :func:`pipeline.store.db.migrate` on the same database.
    """

    def __init__(self, data_dir: Path, *, read_only: bool = False) -> None:
        """``read_only``: for commands that only read (``history``, ``weigh-in --list``, the weigh-ins
        ``plan`` calibrates with): a snapshot that needs no write access to the data directory
        (:func:`pipeline.store.db.connect_read_only`); writes through it are lost."""
        self.data_dir = Path(data_dir)
        self.conn = connect_read_only(self.data_dir) if read_only else connect(self.data_dir)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Catalog":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- what has been seen --------------------------------------------------------------
    def file(self, sha256: str) -> FileRow | None:
        row = self.conn.execute("SELECT * FROM files WHERE sha256 = ?", (sha256,)).fetchone()
        return _from_sql(FileRow, row) if row is not None else None

    def known_hashes(self) -> set[str]:
        """Every file content already processed or rejected (the nightly run skips these)."""
        return {r[0] for r in self.conn.execute("SELECT sha256 FROM files")}

    def rejected_reasons(self) -> dict[str, str]:
        """The reason each file content set aside as a whole was refused (SHA-256 → reason): the
        nightly names such a file again while it is still in the inbox."""
        rows = self.conn.execute("SELECT f.sha256, r.reason FROM files f JOIN rejections r ON r.file_sha256 = f.sha256 "
                                 "WHERE f.status = 'rejected' ORDER BY r.member")
        reasons: dict[str, str] = {}
        for sha, reason in rows:
            reasons.setdefault(sha, reason)
        return reasons

    # --- writing outcomes (one transaction per file) ------------------------------------
    def record_processed(self, file: FileRow, activities: list[ActivityRow],
                         rejections: list[RejectionRow] | None = None,
                         duplicates: list[DuplicateRow] | None = None,
                         superseded: list[DuplicateRow] | None = None) -> None:
        """A file that gave activities (a zip may also have refused members, and members that
        repeat activities already held): all rows or none. Also for a file that is all duplicates
        (``file.status == "duplicate"``, no activities).

        ``superseded``: activities held already that one of ``activities`` replaces (a damaged,
        shorter copy of its recording), each as the duplicate row its file now gets: the activity row
        goes, a weigh-in around it moves to the activity that replaces it, and a file left with no
        activity becomes a duplicate."""
        with transaction(self.conn):
            for duplicate in superseded or []:
                self._supersede(duplicate)
            self._put_file(file)
            self.conn.execute("DELETE FROM rejections WHERE file_sha256 = ?", (file.sha256,))
            self.conn.execute("DELETE FROM duplicates WHERE file_sha256 = ?", (file.sha256,))
            for activity in activities:
                _upsert(self.conn, "activities", activity, ("id",))
            for rejection in rejections or []:
                _upsert(self.conn, "rejections", rejection, ("file_sha256", "member"))
            for duplicate in duplicates or []:
                _upsert(self.conn, "duplicates", duplicate, ("file_sha256", "member"))

    def _supersede(self, duplicate: DuplicateRow) -> None:
        old = self.conn.execute("SELECT id FROM activities WHERE file_sha256 = ? AND activity_key = ?",
                                (duplicate.file_sha256, duplicate.activity_key)).fetchall()
        weighed = self.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'weighins'").fetchone()
        for (old_id,) in old:
            self.conn.execute("DELETE FROM activities WHERE id = ?", (old_id,))
            if weighed:
                self.conn.execute("UPDATE OR IGNORE weighins SET activity_id = ? WHERE activity_id = ?",
                                  (duplicate.duplicate_of, old_id))
        _upsert(self.conn, "duplicates", duplicate, ("file_sha256", "member"))
        left = self.conn.execute("SELECT COUNT(*) FROM activities WHERE file_sha256 = ?",
                                 (duplicate.file_sha256,)).fetchone()[0]
        self.conn.execute("UPDATE files SET activities = ?, status = CASE WHEN ? = 0 THEN 'duplicate' ELSE status END, "
                          "reason = CASE WHEN ? = 0 THEN ? ELSE reason END WHERE sha256 = ?",
                          (left, left, left, duplicate.reason, duplicate.file_sha256))

    def record_rejected(self, file: FileRow, rejections: list[RejectionRow]) -> None:
        """A file refused as a whole (every member of a zip refused): the file row and its reasons."""
        with transaction(self.conn):
            self._put_file(file)
            self.conn.execute("DELETE FROM rejections WHERE file_sha256 = ?", (file.sha256,))
            for rejection in rejections:
                _upsert(self.conn, "rejections", rejection, ("file_sha256", "member"))

    def _put_file(self, file: FileRow) -> None:
        existing = self.file(file.sha256)
        if existing is not None:
            file = file.model_copy(update={"first_seen_at": existing.first_seen_at})
        _upsert(self.conn, "files", file, ("sha256",))

    def forget_file(self, sha256: str) -> None:
        """Drop a file and what it gave from the catalog (``--rebuild``); files on disk are kept."""
        with transaction(self.conn):
            self.conn.execute("DELETE FROM activities WHERE file_sha256 = ?", (sha256,))
            self.conn.execute("DELETE FROM rejections WHERE file_sha256 = ?", (sha256,))
            self.conn.execute("DELETE FROM duplicates WHERE file_sha256 = ?", (sha256,))
            self.conn.execute("DELETE FROM files WHERE sha256 = ?", (sha256,))

    # --- activities ----------------------------------------------------------------------
    def activity(self, activity_id: str) -> ActivityRow | None:
        row = self.conn.execute("SELECT * FROM activities WHERE id = ?", (activity_id,)).fetchone()
        return _from_sql(ActivityRow, row) if row is not None else None

    def _select(self, model: type[_RowT], table: str, order_by: str, **where: str | None) -> list[_RowT]:
        """Every row of ``table`` (a name of this module's, never user text), or those whose one
        column in ``where`` equals its value when that value is not None, ordered by ``order_by``."""
        sql = f"SELECT * FROM {table}"
        args: tuple[str, ...] = ()
        (column, value), = where.items()
        if value is not None:
            sql, args = f"{sql} WHERE {column} = ?", (value,)
        return [_from_sql(model, r) for r in self.conn.execute(f"{sql} ORDER BY {order_by}", args)]

    def activity_by_key(self, activity_key: str | None, *, other_than_file: str | None = None) -> ActivityRow | None:
        """The first-recorded activity with this identity (:mod:`pipeline.fit.identity`), leaving out
        those of the file ``other_than_file`` (a file processed again is not its own duplicate)."""
        if not activity_key:
            return None
        row = self.conn.execute(
            "SELECT * FROM activities WHERE activity_key = ? AND file_sha256 IS NOT ? ORDER BY processed_at, id LIMIT 1",
            (activity_key, other_than_file)).fetchone()
        return _from_sql(ActivityRow, row) if row is not None else None

    def activities_starting_at(self, start_time: datetime, *, other_than_file: str | None = None) -> list[ActivityRow]:
        """Activities that start at ``start_time`` (the indexed ``start_time`` column), oldest first,
        leaving out those of the file ``other_than_file``. (Not by sport: a copy cut before its
        session message says "generic".)"""
        rows = self.conn.execute(
            "SELECT * FROM activities WHERE start_time = ? AND file_sha256 IS NOT ? ORDER BY processed_at, id",
            (iso_utc(start_time), other_than_file))
        return [_from_sql(ActivityRow, r) for r in rows]

    def duplicates(self, file_sha256: str | None = None) -> list[DuplicateRow]:
        """The copies recorded as duplicates of activities already held, oldest first."""
        return self._select(DuplicateRow, "duplicates", "seen_at, name, member", file_sha256=file_sha256)

    def activities(self, file_sha256: str | None = None, since: datetime | None = None) -> list[ActivityRow]:
        """Activities, oldest first (by start time, then processing time). An activity whose start is
        a device clock set wrong (:func:`pipeline.core.dates.clock_ahead`) is placed by when it was
        processed, as an undated one: a date the tool calls wrong does not make it the newest.

        ``since`` keeps only those that started (undated ones: were processed) at ``since`` or
        later, in the same order as the whole list: a page over recent weeks reads only those rows."""
        cut = iso_utc(believable_until())
        sql = "SELECT * FROM activities"
        where: list[str] = []
        args: tuple[str | None, ...] = ()
        if file_sha256 is not None:
            where, args = ["file_sha256 = ?"], (file_sha256,)
        if since is not None:
            where, args = [*where, "COALESCE(start_time, processed_at) >= ?"], (*args, iso_utc(since))
        if where:
            sql = f"{sql} WHERE {' AND '.join(where)}"
        args = (*args, cut)
        order = "CASE WHEN start_time > ? THEN processed_at ELSE COALESCE(start_time, processed_at) END, processed_at"
        return [_from_sql(ActivityRow, r) for r in self.conn.execute(f"{sql} ORDER BY {order}", args)]

    def index_inputs(self, columns: tuple[str, ...]) -> list[tuple[object, ...]]:
        """``columns`` of every activity (in ``id`` order) and, last, whether its start is past
        :func:`pipeline.core.dates.believable_until`: the raw values a page over every activity is
        made of, read without building rows, to tell whether such a page can be reused. ``columns``
        must be names of the activities table (checked: raises ``ValueError`` for any other)."""
        known = {r[1] for r in self.conn.execute("PRAGMA table_info(activities)")}
        if not columns or not set(columns) <= known:
            raise ValueError(f"not columns of activities: {sorted(set(columns) - known)}")
        cursor = self.conn.cursor()
        cursor.row_factory = None  # plain tuples: no sqlite3.Row to build and convert per activity
        return cursor.execute(f"SELECT {', '.join(columns)}, COALESCE(start_time > ?, 0) FROM activities ORDER BY id",
                              (iso_utc(believable_until()),)).fetchall()

    def newest_believable_start(self) -> datetime | None:
        """The latest start time not past :func:`pipeline.core.dates.believable_until` (UTC), or None."""
        row = self.conn.execute("SELECT max(start_time) FROM activities WHERE start_time <= ?",
                                (iso_utc(believable_until()),)).fetchone()
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    def activities_since(self, since: datetime) -> list[ActivityRow]:
        """Activities that started (undated ones: were processed) at ``since`` or later, oldest first,
        plus possibly some of the day before (ISO text compares by second, a day of margin keeps it
        safe): callers check the exact time. Reads only those rows, not the whole catalog."""
        floor = iso_utc(since - timedelta(days=1))
        return [_from_sql(ActivityRow, r) for r in self.conn.execute(
            "SELECT * FROM activities WHERE COALESCE(start_time, processed_at) >= ? "
            "ORDER BY COALESCE(start_time, processed_at), processed_at", (floor,))]

    def resolve_activity(self, ref: str) -> ActivityRow:
        """An activity from what a user types: its id, a unique id prefix, ``latest``, or a FIT path.

        Raises :class:`~pipeline.core.errors.UsageError` (one line) when nothing or several match.
        """
        from pipeline.store.files import sha256_file

        ref = ref.strip()
        if ref == "latest":  # the newest activity by a believable start time; undated ones only when none is dated
            rows = self.activities()
            if not rows:
                raise UsageError("latest", "no processed activity in the catalog yet (run `sweatline nightly` or `sweatline ride`)")
            dated = [r for r in rows if r.start_time is not None and not clock_ahead(r.start_time)] or [
                r for r in rows if r.start_time is not None]  # a wrong clock's date only when no other is dated
            if dated:
                return max(dated, key=lambda r: (iso_utc(r.start_time), iso_utc(r.processed_at)))
            return max(rows, key=lambda r: iso_utc(r.processed_at) or "")
        path = Path(ref)
        if path.is_file():
            sha = sha256_file(path)
            rows = self.activities(sha)
            if not rows:  # a copy of an activity held from another file: that activity
                rows = [row for row in (self.activity(d.duplicate_of) for d in self.duplicates(sha)) if row is not None]
            if len(rows) == 1:
                return rows[0]
            if not rows:
                raise UsageError(ref, "this file is not in the catalog yet (run `sweatline ride` on it first)")
            raise UsageError(ref, f"this file holds {len(rows)} activities: give one activity id")
        if not ref or any(c not in "0123456789abcdef" for c in ref.lower()):
            raise UsageError(ref, "not an activity id, a FIT file path, or 'latest'")
        matches = [_from_sql(ActivityRow, r) for r in
                   self.conn.execute("SELECT * FROM activities WHERE id LIKE ? ORDER BY id", (ref.lower() + "%",))]
        if not matches:
            raise UsageError(ref, "no activity with this id in the catalog (see `sweatline history`)")
        if len(matches) > 1:
            raise UsageError(ref, f"{len(matches)} activities start with this id: give more characters")
        return matches[0]

    # --- rejections ----------------------------------------------------------------------
    def rejections(self, run_id: str | None = None) -> list[RejectionRow]:
        return self._select(RejectionRow, "rejections", "rejected_at, name", run_id=run_id)

    # --- runs ------------------------------------------------------------------------------
    def start_run(self, run: RunRow) -> RunRow:
        with transaction(self.conn):
            _insert(self.conn, "runs", run, "")
        return run

    def finish_run(self, run_id: str, *, state: RunState, processed: int, skipped: int, rejected: int,
                   failed: int, summary: str, prefect_flow_run_id: str | None = None) -> RunRow:
        with transaction(self.conn):
            self.conn.execute(
                "UPDATE runs SET finished_at = ?, state = ?, processed = ?, skipped = ?, rejected = ?, failed = ?,"
                " summary = ?, prefect_flow_run_id = COALESCE(?, prefect_flow_run_id) WHERE id = ?",
                (iso_utc(utc_now()), state, processed, skipped, rejected, failed, summary, prefect_flow_run_id, run_id))
        run = self.run(run_id)
        assert run is not None, run_id
        return run

    def abandon_run(self, run_id: str, summary: str) -> bool:
        """Mark a run still ``running`` whose process is gone as ``abandoned`` (True if it was)."""
        with transaction(self.conn):
            cursor = self.conn.execute(
                "UPDATE runs SET finished_at = ?, state = 'abandoned', summary = ? WHERE id = ? AND state = 'running'",
                (iso_utc(utc_now()), summary, run_id))
        return cursor.rowcount == 1

    def run(self, run_id: str) -> RunRow | None:
        row = self.conn.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
        return _from_sql(RunRow, row) if row is not None else None

    def runs(self, flow: str | None = None) -> list[RunRow]:
        return self._select(RunRow, "runs", "started_at", flow=flow)


def rejected_files(data_dir: Path, sha256s: list[str]) -> set[str]:
    """Which of the file contents ``sha256s`` the catalog of ``data_dir`` holds as refused as a whole
    (``files.status = 'rejected'``): one query on the catalog file opened read-only (URI
    ``mode=ro``), not a copy of it — ``sweatline ride`` without a file asks this of the newest
    inbox files before it reads one. Empty when there is no catalog yet or it cannot be read (the
    file is then simply tried; reading it says what is wrong)."""
    path = catalog_path(data_dir)
    if not sha256s or not path.is_file():
        return set()
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5.0)
        try:
            marks = ",".join("?" * len(sha256s))
            rows = conn.execute(f"SELECT sha256 FROM files WHERE status = 'rejected' AND sha256 IN ({marks})",
                                sha256s).fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return set()
    return {row[0] for row in rows}
