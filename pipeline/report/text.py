"""Human-readable terminal text for `sweatline ride` and `sweatline plan` (issue #4 fills it out)."""
from __future__ import annotations

from pipeline.schema import Report


def headline_text(report: Report) -> str:
    """A few lines a rider reads in the terminal: what was done, sweat lost, what to drink."""
    lines = []
    if report.activity is not None:
        a = report.activity
        lines.append(f"{a.source}: {a.sport}, {(a.timer_s or 0) / 60:.0f} min, {(a.distance_m or 0) / 1000:.1f} km")
    if report.sweat is not None:
        s = report.sweat
        lines.append(f"sweat: {s.total_l:.1f} L ({s.low_l:.1f}-{s.high_l:.1f} L), {s.rate_l_per_h:.2f} L/h")
    return "\n".join(lines)
