"""Weigh-ins in the catalog: body mass before and after an activity, and smart-scale readings.

Two tables beside the catalog's own, added through the catalog's migration hook
(:func:`pipeline.store.db.migrate`, component ``"weighins"``):

``weighins``        one row per activity that was weighed around (``activity_id`` = the catalog's
                    activity id). ``source`` is ``manual`` (``sweatline weigh-in``) or ``scale``
                    (paired automatically from weight-scale FIT files; ``drank_l`` is then NULL =
                    not recorded, and ``measured_l`` is only a lower bound). A manual weigh-in
                    replaces a scale one; a manual one is replaced only on request (``--replace``).
``scale_readings``  every smart-scale reading seen in the inbox (UTC time, user slot, kg), kept so that a
                    scale file and the activity it brackets may arrive in any order.

There is deliberately no foreign key to ``activities``: ``sweatline nightly --rebuild`` deletes and
re-creates activity rows (same ids), and a weigh-in must outlive that.

The model estimate a weigh-in is compared with is the *uncalibrated* one, kept in the catalog's
activity row (``model_total_l``), so the personal factor never feeds on itself, plus the water
breathed out and the fuel burned, which the weigh-in's mass balance counts too
(:func:`model_estimate_l`).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from pipeline.core.errors import UsageError
from pipeline.physiology.calibration import (
    ActivityWindow,
    Calibration,
    CalibrationPoint,
    ScaleReading,
    UnpairedActivity,
    calibrate,
    pair_scale_readings,
)
from pipeline.store.catalog import ActivityRow, Catalog, iso_utc, utc_now
from pipeline.store.db import catalog_path, migrate, transaction

WEIGHIN_MIGRATIONS: list[str] = [
    # 1: weigh-ins and scale readings as first shipped
    """
    CREATE TABLE weighins (
        activity_id  TEXT PRIMARY KEY,
        sport        TEXT NOT NULL,
        source       TEXT NOT NULL CHECK (source IN ('manual', 'scale')),
        pre_kg       REAL NOT NULL,
        post_kg      REAL NOT NULL,
        drank_l      REAL,
        urine_l      REAL NOT NULL DEFAULT 0,
        measured_l   REAL NOT NULL,
        model_l      REAL,
        elapsed_s    REAL,
        pre_at       TEXT,
        post_at      TEXT,
        note         TEXT,
        recorded_at  TEXT NOT NULL
    );
    CREATE TABLE scale_readings (
        timestamp     TEXT PRIMARY KEY,
        weight_kg     REAL NOT NULL,
        source_sha256 TEXT,
        source_name   TEXT
    );
    """,
    # 2: the scale's user slot (a family scale holds several people's readings), part of the key
    """
    CREATE TABLE scale_readings_v2 (
        timestamp     TEXT NOT NULL,
        user_index    INTEGER NOT NULL DEFAULT -1,
        weight_kg     REAL NOT NULL,
        source_sha256 TEXT,
        source_name   TEXT,
        PRIMARY KEY (timestamp, user_index)
    );
    INSERT INTO scale_readings_v2 (timestamp, weight_kg, source_sha256, source_name)
        SELECT timestamp, weight_kg, source_sha256, source_name FROM scale_readings;
    DROP TABLE scale_readings;
    ALTER TABLE scale_readings_v2 RENAME TO scale_readings;
    """,
]


_NO_USER = -1  # scale_readings.user_index when the scale records no user slot


class WeighInRow(BaseModel):
    """One weigh-in around one activity (litres and kilograms; 1 kg ≈ 1 L)."""

    model_config = ConfigDict(frozen=True)

    activity_id: str
    sport: str
    source: Literal["manual", "scale"]
    pre_kg: float
    post_kg: float
    drank_l: float | None  # None: not recorded (scale pairing) -> measured_l is a lower bound
    urine_l: float = 0.0
    measured_l: float
    model_l: float | None = None  # the model's uncalibrated estimate (:func:`model_estimate_l`) when stored
    elapsed_s: float | None = None
    pre_at: datetime | None = None
    post_at: datetime | None = None
    note: str | None = None
    recorded_at: datetime

    @property
    def lower_bound(self) -> bool:
        return self.drank_l is None

    @property
    def measured_rate_l_per_h(self) -> float | None:
        if self.elapsed_s is None or self.elapsed_s <= 0:
            return None
        return self.measured_l / (self.elapsed_s / 3600.0)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def model_sweat_l(activity: ActivityRow) -> float | None:
    """The model's UNCALIBRATED whole-session sweat estimate for ``activity`` [L], or None.

    The catalog keeps it (``model_total_l``) so that the personal factor never feeds on itself;
    rows from before it was kept fall back to the total, uncalibrated or divided by its factor.
    """
    for value in (activity.model_total_l,
                  activity.sweat_total_l / activity.calibration_factor
                  if activity.calibrated and activity.sweat_total_l and activity.calibration_factor else None,
                  activity.sweat_total_l if not activity.calibrated else None):
        if value is not None and value > 0:
            return float(value)
    return None


def model_estimate_l(activity: ActivityRow) -> float | None:
    """What the model predicts a weigh-in measures around ``activity`` [L ≈ kg], or None.

    A weigh-in's mass balance (pre − post + drunk − urine) counts every mass the body lost:
    sweat, the water breathed out and the mass of the fuel burned (CO2 out minus O2 in); the
    sweat alone is that balance minus those two (Cheuvront & Montain 2017, "Myths and
    methodologies: making sense of exercise mass and water balance", Exp Physiol 102:1047,
    doi:10.1113/EP086284; Baker 2017, Sports Med 47:S111, doi:10.1007/s40279-017-0691-5, on
    correcting whole-body sweat rates for respiratory water and metabolic mass loss). To compare
    like with like the model's side is the same sum: its uncalibrated sweat (:func:`model_sweat_l`)
    plus its water breathed out (Mitchell et al. 1972) and fuel mass
    (:func:`pipeline.physiology.respiration.metabolic_mass_loss_g_per_h`), both kept in the
    catalog row. A row from before they were kept counts them as 0 until re-estimated.
    """
    sweat = model_sweat_l(activity)
    if sweat is None:
        return None
    return sweat + (activity.respiratory_water_l or 0.0) + (activity.metabolic_mass_l or 0.0)


class WeighIns:
    """The weigh-ins of one catalog (shares the catalog's SQLite connection)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.conn = catalog.conn
        migrate(self.conn, "weighins", WEIGHIN_MIGRATIONS)

    # --- weigh-ins -------------------------------------------------------------------------
    def get(self, activity_id: str) -> WeighInRow | None:
        row = self.conn.execute("SELECT * FROM weighins WHERE activity_id = ?", (activity_id,)).fetchone()
        return WeighInRow.model_validate(dict(row)) if row is not None else None

    def all(self) -> list[WeighInRow]:
        rows = self.conn.execute("SELECT * FROM weighins ORDER BY COALESCE(pre_at, recorded_at), recorded_at")
        return [WeighInRow.model_validate(dict(r)) for r in rows]

    def put(self, row: WeighInRow, *, replace: bool = False) -> WeighInRow | None:
        """Store ``row``; returns the weigh-in it replaced (None if there was none).

        A second manual weigh-in for the same activity is refused with a :class:`UsageError`
        unless ``replace``; a manual weigh-in always replaces a scale pairing; a scale pairing
        never replaces a manual weigh-in (it is silently kept out).
        """
        with transaction(self.conn):
            existing_row = self.conn.execute("SELECT * FROM weighins WHERE activity_id = ?",
                                             (row.activity_id,)).fetchone()
            existing = WeighInRow.model_validate(dict(existing_row)) if existing_row is not None else None
            if existing is not None:
                if row.source == "scale" and existing.source == "manual":
                    return None
                if row.source == "manual" and existing.source == "manual" and not replace:
                    raise UsageError(row.activity_id[:12], (
                        f"already has a weigh-in ({existing.pre_kg:g} → {existing.post_kg:g} kg, recorded "
                        f"{existing.recorded_at:%Y-%m-%d %H:%M}): add --replace to replace it"))
            values = {key: getattr(row, key) for key in WeighInRow.model_fields}
            for key in ("pre_at", "post_at", "recorded_at"):
                values[key] = iso_utc(values[key])
            columns = ", ".join(values)
            marks = ", ".join(f":{k}" for k in values)
            updates = ", ".join(f"{k} = excluded.{k}" for k in values if k != "activity_id")
            self.conn.execute(f"INSERT INTO weighins ({columns}) VALUES ({marks}) "
                              f"ON CONFLICT(activity_id) DO UPDATE SET {updates}", values)
        return existing

    def find(self, ref: str) -> WeighInRow:
        """The weigh-in whose activity id starts with ``ref`` (as ``sweatline weigh-in --list`` shows it).

        Raises :class:`UsageError` (one line) when none or several match."""
        ref = ref.strip().lower()
        if not ref or any(c not in "0123456789abcdef" for c in ref):
            raise UsageError(ref or "''", "not a weigh-in id (see `sweatline weigh-in --list`)")
        rows = [WeighInRow.model_validate(dict(r)) for r in
                self.conn.execute("SELECT * FROM weighins WHERE activity_id LIKE ? ORDER BY activity_id", (ref + "%",))]
        if not rows:
            raise UsageError(ref, "no weigh-in with this id (see `sweatline weigh-in --list`)")
        if len(rows) > 1:
            raise UsageError(ref, f"{len(rows)} weigh-ins start with this id: give more characters")
        return rows[0]

    def delete(self, activity_id: str) -> bool:
        """Remove the weigh-in of ``activity_id``; True when there was one. A deleted smart-scale
        pairing comes back at the next pairing unless its readings are gone (they are kept)."""
        with transaction(self.conn):
            cursor = self.conn.execute("DELETE FROM weighins WHERE activity_id = ?", (activity_id,))
        return cursor.rowcount > 0

    def calibration_points(self, model_l: Mapping[str, float] | None = None) -> list[CalibrationPoint]:
        """Every weigh-in whose activity is in the catalog with a model estimate, as calibration input.

        The model side is the activity's current uncalibrated estimate of what a weigh-in measures,
        sweat + breath + fuel (:func:`model_estimate_l`),
        falling back to the one stored with the weigh-in; ``model_l`` (activity id -> litres)
        replaces it for activities being re-estimated right now.
        """
        return self.snapshot().points(model_l)

    def snapshot(self) -> "WeighInSnapshot":
        """The weigh-ins with their activities' current model litres, read now (:class:`WeighInSnapshot`)."""
        entries = []
        for weighin in self.all():
            activity = self.catalog.activity(weighin.activity_id)
            entries.append((weighin, model_estimate_l(activity) if activity is not None else None))
        return WeighInSnapshot(tuple(entries))

    # --- smart-scale readings ----------------------------------------------------------------
    def add_scale_readings(self, readings: list[ScaleReading], source_sha256: str | None = None,
                           source_name: str | None = None) -> int:
        """Keep scale readings (the same second and user slot is the same reading); returns how many are new."""
        added = 0
        with transaction(self.conn):
            for reading in readings:
                cursor = self.conn.execute(
                    "INSERT INTO scale_readings (timestamp, user_index, weight_kg, source_sha256, source_name) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT(timestamp, user_index) DO NOTHING",
                    (iso_utc(reading.timestamp), _NO_USER if reading.user_index is None else reading.user_index,
                     reading.weight_kg, source_sha256, source_name))
                added += cursor.rowcount
        return added

    def scale_readings(self) -> list[ScaleReading]:
        return [ScaleReading(timestamp=_utc(datetime.fromisoformat(r["timestamp"])), weight_kg=r["weight_kg"],
                             user_index=None if r["user_index"] == _NO_USER else r["user_index"])
                for r in self.conn.execute("SELECT timestamp, user_index, weight_kg FROM scale_readings "
                                           "ORDER BY timestamp, user_index")]

    def pair_scale_readings(self, reference_mass_kg: float | None = None,
                            ) -> tuple[list[WeighInRow], list[UnpairedActivity]]:
        """Pair stored scale readings with catalog activities and store the new scale weigh-ins.

        Idempotent: re-running stores nothing new; manual weigh-ins are never overwritten.
        Returns the weigh-ins stored (new or changed) and the activities whose readings were implausible.
        """
        readings = self.scale_readings()
        if not readings:  # nothing to pair: the catalog's activities (a season is 10,000) are not read
            return [], []
        windows: list[ActivityWindow] = []
        rows: dict[str, ActivityRow] = {}
        for activity in self.catalog.activities():
            if activity.start_time is None or activity.elapsed_s is None:
                continue
            start = _utc(activity.start_time)
            windows.append(ActivityWindow(activity.id, activity.sport, start,
                                          start + timedelta(seconds=activity.elapsed_s)))
            rows[activity.id] = activity
        pairs, refused = pair_scale_readings(readings, windows, reference_mass_kg=reference_mass_kg)
        stored: list[WeighInRow] = []
        for pair in pairs:
            existing = self.get(pair.activity_id)
            if existing is not None and (existing.source == "manual" or (
                    existing.pre_at == pair.pre.timestamp and existing.post_at == pair.post.timestamp)):
                continue
            activity = rows[pair.activity_id]
            row = WeighInRow(
                activity_id=pair.activity_id, sport=pair.sport, source="scale", pre_kg=pair.pre.weight_kg,
                post_kg=pair.post.weight_kg, drank_l=None, urine_l=0.0, measured_l=pair.measured_l,
                model_l=model_estimate_l(activity),
                elapsed_s=(pair.post.timestamp - pair.pre.timestamp).total_seconds(),
                pre_at=pair.pre.timestamp, post_at=pair.post.timestamp,
                note="smart scale; drinks not recorded (lower bound)", recorded_at=utc_now())
            self.put(row)
            stored.append(row)
        return stored, refused


@dataclass(frozen=True)
class WeighInSnapshot:
    """A catalog's weigh-ins, each with its activity's current model litres (None: the activity is
    not in the catalog), read once: the calibration points for any litres being re-estimated, and
    the calibrations of any sports, without reading the catalog again."""

    entries: tuple[tuple[WeighInRow, float | None], ...] = ()

    def points(self, model_l: Mapping[str, float] | None = None) -> list[CalibrationPoint]:
        """:meth:`WeighIns.calibration_points` of the weigh-ins as read."""
        points: list[CalibrationPoint] = []
        for weighin, model in self.entries:
            if model_l is not None and model_l.get(weighin.activity_id):
                model = model_l[weighin.activity_id]
            if model is None:
                model = weighin.model_l
            if model is None or model <= 0 or weighin.measured_l <= 0:
                continue
            points.append(CalibrationPoint(sport=weighin.sport, measured_l=weighin.measured_l, model_l=model,
                                           lower_bound=weighin.lower_bound))
        return points

    def calibrations(self, sports: Iterable[str], model_l: Mapping[str, float] | None = None,
                     ) -> dict[str, Calibration | None]:
        """The calibration of each sport (that sport's weigh-ins when it has any, all pooled
        otherwise; None without weigh-ins), as :func:`calibrations_for` gives them."""
        points = self.points(model_l)
        return {sport: (calibrate(points, sport) if points else None) for sport in dict.fromkeys(sports)}


def weighin_snapshot(data_dir: Path) -> WeighInSnapshot:
    """The weigh-ins of ``data_dir``'s catalog (:class:`WeighInSnapshot`), from a read-only snapshot
    of it; none without a catalog. Creates nothing and needs no write access."""
    if not catalog_path(data_dir).is_file():
        return WeighInSnapshot()
    with Catalog(data_dir, read_only=True) as catalog:
        return WeighIns(catalog).snapshot()


def calibration_for(data_dir: Path, sport: str | None) -> Calibration | None:
    """The athlete's calibration for a session of ``sport`` from the weigh-ins in ``data_dir``'s
    catalog (that sport's when it has any, all sports pooled otherwise), or None without weigh-ins.

    Creates nothing and needs no write access (a read-only snapshot of the catalog): a data
    directory without a catalog simply has no weigh-ins.
    """
    if not catalog_path(data_dir).is_file():
        return None
    with Catalog(data_dir, read_only=True) as catalog:
        points = WeighIns(catalog).calibration_points()
    return calibrate(points, sport) if points else None


def calibrations_for(data_dir: Path, sports: Iterable[str], model_l: Mapping[str, float] | None = None,
                     ) -> dict[str, Calibration | None]:
    """:func:`calibration_for` for each sport (a multisport file's legs), reading the weigh-ins once.

    ``model_l``: see :meth:`WeighIns.calibration_points`."""
    return weighin_snapshot(data_dir).calibrations(sports, model_l)


def absorb_scale_readings(data_dir: Path, readings: list[ScaleReading], sha256: str | None = None,
                          name: str | None = None, reference_mass_kg: float | None = None) -> int:
    """Keep a weight-scale file's readings in ``data_dir``'s catalog and pair what can be paired.

    For the nightly flow: ``readings`` are what :func:`pipeline.fit.read_fit` found in
    a smart scale's file (``sha256`` and ``name`` say which file). ``reference_mass_kg``: see
    :func:`pair_stored_scale_readings`. Returns the number of readings given (known ones included).
    Reads no file: this module never decodes FIT.
    """
    with Catalog(data_dir) as catalog:
        store = WeighIns(catalog)
        store.add_scale_readings(readings, source_sha256=sha256, source_name=name)
        store.pair_scale_readings(reference_mass_kg)
    return len(readings)


def pair_stored_scale_readings(catalog: Catalog, reference_mass_kg: float | None = None) -> int:
    """Pair the stored scale readings with the catalog's activities (end of a nightly run): new weigh-ins.

    ``reference_mass_kg`` (the configured athlete's body mass) tells the athlete's readings apart
    on a family scale."""
    stored, _ = WeighIns(catalog).pair_scale_readings(reference_mass_kg)
    return len(stored)


class WeighInComparison(BaseModel):
    """A weighed activity: what the scale said next to what the model said (for history and digest)."""

    model_config = ConfigDict(frozen=True)

    activity_id: str
    activity_source: str | None  # the activity's file name (untrusted text: escape when rendering)
    sport: str
    start_time: datetime | None
    source: Literal["manual", "scale"]
    measured_l: float
    lower_bound: bool
    measured_rate_l_per_h: float | None
    model_l: float | None
    ratio: float | None  # measured / model (a lower bound too when ``lower_bound``)
    utc_offset_s: int | None = None  # the activity's local-time offset from its file (None: the config's zone)


def comparisons(catalog: Catalog) -> list[WeighInComparison]:
    """Every weigh-in with its activity's current uncalibrated model estimate, oldest activity first."""
    out: list[WeighInComparison] = []
    for weighin in WeighIns(catalog).all():
        activity = catalog.activity(weighin.activity_id)
        model = model_estimate_l(activity) if activity is not None else None
        if model is None:
            model = weighin.model_l
        out.append(WeighInComparison(
            activity_id=weighin.activity_id, activity_source=activity.source if activity is not None else None,
            sport=weighin.sport, start_time=activity.start_time if activity is not None else weighin.pre_at,
            source=weighin.source, measured_l=weighin.measured_l, lower_bound=weighin.lower_bound,
            measured_rate_l_per_h=weighin.measured_rate_l_per_h, model_l=model,
            ratio=weighin.measured_l / model if model else None,
            utc_offset_s=activity.utc_offset_s if activity is not None else None))
    far_past = datetime(1989, 12, 31, tzinfo=UTC)
    return sorted(out, key=lambda c: _utc(c.start_time) if c.start_time is not None else far_past)
