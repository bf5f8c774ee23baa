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
from pipeline.store.weighins import WeighInComparison, WeighInRow, WeighIns, comparisons, model_estimate_l


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


# --- measured vs model, for `sweatline history` and the nightly digest -------------------------

def _factors(catalog: Catalog) -> list[str]:
    """The personal factor of each sport with weigh-ins (and all pooled when several sports)."""
    points = WeighIns(catalog).calibration_points()
    sports = sorted({p.sport for p in points})
    scopes: list[str | None] = list(sports) + ([None] if len(sports) > 1 else [])
    out = []
    for sport in scopes:
        post = posterior(points, sport)
        if post.n:
            out.append(f"{sport or 'all sports'} {post.factor:.2f} ± {100 * post.to_calibration().cv:.0f} % "
                       f"({post.n} weigh-in{'s' if post.n != 1 else ''})")
    return out


def _cells(c: WeighInComparison) -> tuple[str, str, str, str, str, str]:
    bound = "≥ " if c.lower_bound else ""
    when = f"{c.start_time:%Y-%m-%d %H:%M}" if c.start_time is not None else "?"
    measured = f"{bound}{c.measured_l:.2f} L" + (" (scale, drinks unknown)" if c.source == "scale" else "")
    model = f"{c.model_l:.2f} L" if c.model_l is not None else "–"
    ratio = f"{bound}{c.ratio:.2f}" if c.ratio is not None else "–"
    return when, c.sport, " ".join((c.activity_source or c.activity_id[:10]).split()), measured, model, ratio


def weighins_text(catalog: Catalog) -> str | None:
    """A plain-text table of every weighed activity, measured next to model, and the personal factors."""
    rows = comparisons(catalog)
    if not rows:
        return None
    lines = [("date", "sport", "activity", "measured", "model", "measured ÷ model")] + [_cells(c) for c in rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    table = "\n".join("  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip() for line in lines)
    factors = _factors(catalog)
    return "Weigh-ins (measured vs model)\n" + table + ("\npersonal factor: " + "; ".join(factors) if factors else "")


def weighins_markdown(catalog: Catalog) -> str:
    """The same as a Markdown section for the digest ("" without weigh-ins)."""
    rows = comparisons(catalog)
    if not rows:
        return ""
    lines = ["## Weigh-ins: measured vs model", "", "| date | sport | activity | measured | model | measured ÷ model |",
             "|---|---|---|---|---|---|"]
    for c in rows:
        lines.append("| " + " | ".join(_md(cell) for cell in _cells(c)) + " |")
    factors = _factors(catalog)
    if factors:
        lines += ["", "Personal factor: " + "; ".join(_md(f) for f in factors)
                  + ". New reports use it; `sweatline nightly --rebuild` re-estimates old ones."]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """Untrusted text (file names) made inert in a Markdown table."""
    out = str(text)
    for ch in "\\`*_[]<>|#":
        out = out.replace(ch, "\\" + ch)
    return " ".join(out.split())
