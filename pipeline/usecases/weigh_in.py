"""The weigh-in use case: record, list and delete the body mass measured around an activity, and
the personal factor each leaves (:func:`pipeline.physiology.calibration.posterior`).

A weigh-in is stored in the catalog (:class:`~pipeline.store.weighins.WeighIns`) beside the
model's uncalibrated estimate for the same activity, so the factor never feeds on itself. Reports
already written are not touched here: their inputs changed, so they are re-estimated when next
asked for (``sweatline ride FILE``) and by the nightly (:data:`pipeline.usecases.nightly.STALE_WINDOW_DAYS`).

Plain functions returning what a command prints; no printing here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pipeline.core.config import Config
from pipeline.physiology.calibration import CalibrationPoint, Posterior, measured_sweat_loss_l, posterior
from pipeline.store.catalog import ActivityRow, Catalog, utc_now
from pipeline.store.weighins import WeighInRow, WeighIns, model_estimate_l


@dataclass(frozen=True)
class Recorded:
    """A weigh-in just stored: the activity, the elapsed time between the weighings [s] (None:
    unknown), the measured mass loss (sweat + breath + fuel) and the model's uncalibrated estimate of the same [L], whether it replaced
    an earlier weigh-in, and the factors now: the activity's sport's and the one pooled over all
    sports (what a sport without weigh-ins of its own uses)."""

    activity: ActivityRow
    elapsed_s: float | None
    measured_l: float
    model_l: float | None
    replaced: bool
    factor: Posterior
    pooled: Posterior


@dataclass(frozen=True)
class Listed:
    """One stored weigh-in with its activity (None: no longer in the catalog), the activity's start
    (None: undated) and the model's uncalibrated estimate [L] as it stands now."""

    start: datetime | None
    row: WeighInRow
    activity: ActivityRow | None
    model_l: float | None


@dataclass(frozen=True)
class Deleted:
    """A weigh-in removed, its activity (None: no longer in the catalog), and its sport's factor
    before and after."""

    row: WeighInRow
    activity: ActivityRow | None
    before: Posterior
    after: Posterior


def record_weigh_in(config: Config, activity_ref: str, *, pre_kg: float, post_kg: float, drank_l: float = 0.0,
                    urine_l: float = 0.0, note: str | None = None, replace: bool = False) -> Recorded:
    """Store a manual weigh-in around the activity ``activity_ref`` (an id, a unique id prefix,
    ``latest`` or a FIT path). Masses in kg, fluids in L; ``note`` is kept with its white space
    folded.

    Raises :class:`~pipeline.core.errors.UsageError` for an unknown or ambiguous activity and a
    second weigh-in without ``replace``, :class:`~pipeline.core.errors.InvalidValue` (naming the
    field) for numbers no weigh-in gives (:func:`pipeline.physiology.calibration.measured_sweat_loss_l`)."""
    with Catalog(config.data_dir) as catalog:
        activity = catalog.resolve_activity(activity_ref)
        elapsed = activity.elapsed_s if activity.elapsed_s is not None else activity.timer_s
        measured = measured_sweat_loss_l(pre_kg, post_kg, drank_l, urine_l, elapsed)
        store = WeighIns(catalog)
        model = model_estimate_l(activity)
        replaced = store.put(WeighInRow(
            activity_id=activity.id, sport=activity.sport, source="manual", pre_kg=pre_kg, post_kg=post_kg,
            drank_l=drank_l, urine_l=urine_l, measured_l=measured, model_l=model, elapsed_s=elapsed,
            pre_at=None, post_at=None, note=" ".join(note.split()) if note else None,
            recorded_at=utc_now()), replace=replace)
        points = store.calibration_points()
    return Recorded(activity=activity, elapsed_s=elapsed, measured_l=measured, model_l=model,
                    replaced=replaced is not None, factor=posterior(points, activity.sport), pooled=posterior(points))


def list_weigh_ins(config: Config) -> tuple[list[Listed], list[CalibrationPoint]]:
    """Every stored weigh-in, oldest activity first (undated ones last), and the calibration points
    the factors are made from. Reads only: no write access to the data directory is needed."""
    with Catalog(config.data_dir, read_only=True) as catalog:
        store = WeighIns(catalog)
        rows = store.all()
        points = store.calibration_points()
        listed = []
        for row in rows:
            activity = catalog.activity(row.activity_id)
            model = model_estimate_l(activity) if activity is not None else row.model_l
            listed.append(Listed(start=activity.start_time if activity is not None and activity.start_time else None,
                                 row=row, activity=activity, model_l=model))
    listed.sort(key=lambda x: (x.start is None, x.start.isoformat() if x.start else ""))
    return listed, points


def delete_weigh_in(config: Config, ref: str) -> Deleted:
    """Remove the weigh-in whose activity id starts with ``ref``. Raises
    :class:`~pipeline.core.errors.UsageError` when none or several match."""
    with Catalog(config.data_dir) as catalog:
        store = WeighIns(catalog)
        row = store.find(ref)
        before = posterior(store.calibration_points(), row.sport)
        store.delete(row.activity_id)
        after = posterior(store.calibration_points(), row.sport)
        activity = catalog.activity(row.activity_id)
    return Deleted(row=row, activity=activity, before=before, after=after)
