"""`sweatline weigh-in ACTIVITY --pre KG --post KG [--drank L] [--urine L] [--note TEXT] [--replace]`.

Records body mass before and after an activity in the catalog, prints the measured sweat loss
and rate next to the model's, and the athlete's personal factor for that sport as it now stands.
Implausible numbers, an unknown activity or a second weigh-in without ``--replace`` are user
errors: one stderr line, exit 2 (raised as :class:`~pipeline.errors.UsageError`).
Reports already written are not changed; the next ones use the calibration, and
``sweatline nightly --rebuild`` re-estimates the old ones.
"""
from __future__ import annotations

import argparse

from pipeline.config import Config
from pipeline.physiology.calibration import measured_sweat_loss_l, posterior
from pipeline.physiology.sweat import sweat_range_l
from pipeline.store.catalog import ActivityRow, Catalog, utc_now
from pipeline.store.weighins import WeighInRow, WeighIns, model_estimate_l


FLAGS = {"pre_kg": "--pre", "post_kg": "--post", "drank_l": "--drank", "urine_l": "--urine"}
"""The command line's name for each field of :class:`~pipeline.physiology.calibration.WeighIn`."""

def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "duration unknown"
    minutes = int(round(seconds / 60.0))
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def _rate(litres: float, seconds: float | None) -> str:
    if seconds is None or seconds <= 0:
        return ""
    return f"({litres / (seconds / 3600.0):.2f} L/h)"


def _describe(activity: ActivityRow) -> str:
    when = f"{activity.start_time:%Y-%m-%d %H:%M} UTC" if activity.start_time is not None else "start unknown"
    return f"{activity.source} ({activity.sport}, {when}, {_duration(activity.elapsed_s)})"


def run(args: argparse.Namespace, config: Config) -> int:
    with Catalog(config.data_dir) as catalog:
        activity = catalog.resolve_activity(args.activity)
        measured = measured_sweat_loss_l(args.pre, args.post, args.drank, args.urine)
        store = WeighIns(catalog)
        model = model_estimate_l(activity)
        elapsed = activity.elapsed_s if activity.elapsed_s is not None else activity.timer_s
        note = " ".join(args.note.split()) if args.note else None
        replaced = store.put(WeighInRow(
            activity_id=activity.id, sport=activity.sport, source="manual", pre_kg=args.pre, post_kg=args.post,
            drank_l=args.drank, urine_l=args.urine, measured_l=measured, model_l=model, elapsed_s=elapsed,
            pre_at=None, post_at=None, note=note, recorded_at=utc_now()), replace=args.replace)
        calibration = posterior(store.calibration_points(), activity.sport)

    verb = "replaced" if replaced is not None else "stored"
    lines = [f"Weigh-in {verb} for {_describe(activity)} [{activity.id[:10]}]",
             f"  measured sweat loss  {measured:.2f} L {_rate(measured, elapsed)}"
             f"  = {args.pre:g} − {args.post:g} kg + {args.drank:g} L drunk − {args.urine:g} L urine"]
    if model is not None:
        low, high = sweat_range_l(model)
        lines.append(f"  model estimate       {model:.2f} L {_rate(model, elapsed)}  range {low:.2f}–{high:.2f} L")
        lines.append(f"  measured ÷ model     {measured / model:.2f}")
    else:
        lines.append("  model estimate       none for this activity (no sweat estimate in its report)")
    if calibration.n:
        spread = calibration.to_calibration().cv
        scope = f"your {calibration.sport} factor" if calibration.sport else "your factor (all sports)"
        lines.append(f"  {scope} now {calibration.factor:.2f} ± {100 * spread:.0f} % "
                     f"(from {calibration.n} weigh-in{'s' if calibration.n != 1 else ''})")
        lines.append("  New reports and `sweatline plan` use it; reports already written are unchanged "
                     "(`sweatline nightly --rebuild` re-estimates them).")
    print("\n".join(lines))
    return 0
