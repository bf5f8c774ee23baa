"""What drawing the report charts in imperial units costs beside metric (run by hand).

    .venv/bin/python benchmarks/bench_chart_units.py [--runs R] [FIT ...]

For each file (default: two long shared samples, one with speed drawn and one with power), the
analysis is made once per ``units``; then the session chart and the sweat-rate chart are drawn
R times, metric and imperial in turn, and the median seconds of each and their ratio
imperial/metric printed. Imperial converts the plotted arrays (speed, temperature, sweat; at most
``charts.MAX_POINTS`` points) before drawing, nothing more, so the ratio should be about 1.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.core.config import parse_config  # noqa: E402
from pipeline.fit import read_activity  # noqa: E402
from pipeline.report.charts import session_chart_svg, sweat_rate_chart_svg  # noqa: E402
from pipeline.report.view import report_duration_s  # noqa: E402
from pipeline.usecases.analyse import analyse_activity  # noqa: E402

SAMPLES = Path(os.environ.get("SWEATLINE_SHARED") or ROOT.parent / "shared") / "fit-samples"  # SWEATLINE_SHARED: the shared folder, when not beside the clone
DEFAULT = [SAMPLES / "garmin-edge500-cycling-3h31-road.fit", SAMPLES / "wahoo-elemnt-cycling-6h33-road-power-temp.fit"]
ATHLETE = {"name": "bench", "body_mass_kg": 70, "height_cm": 178, "sex": "male", "age": 35,
           "hr_rest_bpm": 55, "hr_max_bpm": 185, "ftp_w": 250}


def draw_charts(analysis, **options) -> float:
    """Seconds to draw a report's two charts (``options``: ``units``, ``narrow``); also used by
    bench_chart_narrow.py."""
    report = analysis.report
    duration_s = report_duration_s(report)
    start = time.perf_counter()
    session_chart_svg(analysis.series, report.sweat, **options)
    sweat_rate_chart_svg(report.sweat, duration_s / 3600.0 if duration_s else None, report.plan, **options)
    return time.perf_counter() - start


def _draw(analysis, units: str) -> float:
    return draw_charts(analysis, units=units)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args()
    for path in args.files or DEFAULT:
        activity = read_activity(path)
        analyses = {u: analyse_activity(activity, parse_config({"athlete": ATHLETE, "units": u}))
                    for u in ("metric", "imperial")}
        for u in analyses:  # warm-up: first draw
            _draw(analyses[u], u)
        times: dict[str, list[float]] = {"metric": [], "imperial": []}
        for _ in range(args.runs):
            for u in ("metric", "imperial"):
                times[u].append(_draw(analyses[u], u))
        m, i = statistics.median(times["metric"]), statistics.median(times["imperial"])
        print(f"{path.name}: {len(analyses['metric'].series):,} records; both charts, median of {args.runs}: "
              f"metric {m * 1000:.0f} ms, imperial {i * 1000:.0f} ms, ratio imperial/metric {i / m:.2f}")


if __name__ == "__main__":
    main()
