"""Weigh-ins, measured next to the model: the plain-text table of ``sweatline history`` and the
Markdown section of the nightly digest.

Both take what the store holds — the comparisons (:func:`pipeline.store.weighins.comparisons`) and
the calibration points (:meth:`pipeline.store.weighins.WeighIns.calibration_points`) — and return
text; the personal factor per sport comes from :func:`pipeline.physiology.calibration.posterior`.
"""
from __future__ import annotations

from collections.abc import Sequence

from pipeline.core.units import Units, reader
from pipeline.physiology.calibration import CalibrationPoint, factor_source, posterior
from pipeline.report.text import markdown_escape
from pipeline.store.weighins import WeighInComparison


def _factors(points: Sequence[CalibrationPoint]) -> list[str]:
    """The personal factor of each sport with weigh-ins (and all pooled when several sports)."""
    sports = sorted({p.sport for p in points})
    scopes: list[str | None] = list(sports) + ([None] if len(sports) > 1 else [])
    out = []
    for sport in scopes:
        post = posterior(points, sport)
        if post.n:
            out.append(f"{sport or 'all sports'} {post.factor:.2f} ± {100 * post.to_calibration().cv:.0f} % "
                       f"(from {factor_source(post, sport)})")
    return out


def _cells(c: WeighInComparison, timezone: str = "UTC", units: Units = "metric") -> tuple[str, str, str, str, str, str]:
    """One weigh-in's cells, its volumes in ``units`` ('1.32 L' / '45 fl oz')."""
    from pipeline.report.view import when_text

    r = reader(units)

    bound = "≥ " if c.lower_bound else ""
    # the athlete's local time, as history and the reports show it (the file's offset, else ``timezone``)
    when = when_text(c.start_time, c.utc_offset_s, timezone, fmt="%Y-%m-%d %H:%M") if c.start_time is not None else "?"
    measured = f"{bound}{r.volume_l(c.measured_l, 2)}" + (" (scale, drinks unknown)" if c.source == "scale" else "")
    model = r.volume_l(c.model_l, 2) if c.model_l is not None else "–"
    ratio = f"{bound}{c.ratio:.2f}" if c.ratio is not None else "–"
    return when, c.sport, " ".join((c.activity_source or c.activity_id[:10]).split()), measured, model, ratio


def weighins_text(rows: Sequence[WeighInComparison], points: Sequence[CalibrationPoint],
                  timezone: str = "UTC", units: Units = "metric") -> str | None:
    """A plain-text table of every weighed activity, measured next to model, and the personal factors;
    start times in the athlete's local time (the file's offset, else the IANA ``timezone``), volumes
    in ``units``."""
    if not rows:
        return None
    lines = [("date", "sport", "activity", "measured", "model", "measured ÷ model")] + [_cells(c, timezone, units) for c in rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    table = "\n".join("  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip() for line in lines)
    factors = _factors(points)
    return "Weigh-ins (measured vs model)\n" + table + ("\npersonal factor: " + "; ".join(factors) if factors else "")


def weighins_markdown(rows: Sequence[WeighInComparison], points: Sequence[CalibrationPoint],
                      timezone: str = "UTC", units: Units = "metric") -> str:
    """The same as a Markdown section for the digest ("" without weigh-ins)."""
    if not rows:
        return ""
    lines = ["## Weigh-ins: measured vs model", "", "| date | sport | activity | measured | model | measured ÷ model |",
             "|---|---|---|---|---|---|"]
    for c in rows:
        lines.append("| " + " | ".join(markdown_escape(cell) for cell in _cells(c, timezone, units)) + " |")
    factors = _factors(points)
    if factors:
        lines += ["", "Personal factor: " + "; ".join(markdown_escape(f) for f in factors)
                  + ". New reports use it; `sweatline nightly --rebuild` re-estimates old ones."]
    return "\n".join(lines) + "\n"
