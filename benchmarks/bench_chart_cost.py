"""What a report's charts cost beside decoding the file they draw ("charts that cost far
less than decoding"; run by hand).

    nice .venv/bin/python benchmarks/bench_chart_cost.py [--runs R] [--project PATH] [FIT ...]

For the 9.5 h stand-in (:mod:`long_file` builds it once, 1 record a second) and a 1 h 15 min
shared sample (default files), in one process:

* decode: :func:`pipeline.fit.read_activity` with the fast decoder off
  (``SWEATLINE_DECODER=fitparse``) and on (``auto``: fitfast when installed, which reports the
  decoder that really read the file);
* charts: everything a report draws — the session and the sweat-rate chart, each wide and narrow
  (``render_html`` draws these four);
* page: the whole ``render_html`` (view, template and the four charts).

Medians of R runs (decode and charts alternated), then the ratios charts / decode for each decoder.
``--project`` imports the pipeline from another checkout (e.g. ``/work/main``, with its own
venv's python) to print the same figures for the code there, side by side with this one's.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _median_s(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--project", type=Path, default=HERE.parent, help="checkout whose pipeline is timed")
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args()
    project = args.project.resolve()
    sys.path.insert(0, str(project))  # the pipeline timed is --project's

    from pipeline.core.config import parse_config  # noqa: E402
    from pipeline.fit import read_activity  # noqa: E402
    from pipeline.report.charts import session_chart_svg, sweat_rate_chart_svg  # noqa: E402
    from pipeline.report.render import render_html  # noqa: E402
    from pipeline.report.view import report_duration_s  # noqa: E402
    from pipeline.usecases.analyse import analyse_activity  # noqa: E402

    sys.path.append(str(HERE))  # after the pipeline is imported: long_file puts its own checkout on sys.path
    from long_file import ensure  # noqa: E402  (the same bytes from either checkout)

    samples = HERE.parent.parent / "shared" / "fit-samples"
    files = args.files or [ensure(Path("/tmp/sweatline-bench/long-9.5h.fit")),
                           samples / "garmin-fr965-running-1h15-power.fit"]
    athlete = {"name": "bench", "body_mass_kg": 70, "height_cm": 178, "sex": "male", "age": 35,
               "hr_rest_bpm": 55, "hr_max_bpm": 185, "ftp_w": 250}
    import pipeline.report.charts as charts_module  # noqa: E402

    print(f"charts from {charts_module.__file__}; median of {args.runs} runs each; load {os.getloadavg()[0]:.2f} "
          f"on {os.cpu_count()} cores")

    def decode(path: Path, choice: str):
        os.environ["SWEATLINE_DECODER"] = choice
        try:
            return read_activity(path)
        finally:
            os.environ.pop("SWEATLINE_DECODER", None)

    for path in files:
        activity = decode(path, "auto")
        fast_name = activity.decoder
        analysis = analyse_activity(activity, parse_config({"athlete": athlete}))
        report = analysis.report
        duration_s = report_duration_s(report)

        def charts() -> None:
            for narrow in (False, True):
                session_chart_svg(analysis.series, report.sweat, narrow=narrow)
                sweat_rate_chart_svg(report.sweat, duration_s / 3600.0 if duration_s else None, report.plan,
                                     narrow=narrow)

        charts(), render_html(analysis)  # warm-up: first draw, template compile
        slow_s = _median_s(lambda: decode(path, "fitparse"), args.runs)
        fast_s = _median_s(lambda: decode(path, "auto"), args.runs)
        chart_s = _median_s(charts, args.runs)
        page_s = _median_s(lambda: render_html(analysis), args.runs)
        print(f"{path.name}: {len(analysis.series):,} records")
        print(f"  decode, fitparse path      {slow_s * 1000:8.1f} ms")
        print(f"  decode, fast ({fast_name:8s})   {fast_s * 1000:8.1f} ms")
        print(f"  charts (2 kinds x 2 widths) {chart_s * 1000:7.1f} ms   charts / fitparse decode {chart_s / slow_s:.3f}, "
              f"charts / {fast_name} decode {chart_s / fast_s:.3f}")
        print(f"  render_html (whole page)   {page_s * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
