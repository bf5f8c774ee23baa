"""What the phone's version of each report chart costs beside the desktop one (run by hand).

    .venv/bin/python benchmarks/bench_chart_narrow.py [--runs R] [FIT ...]

report.html and digest.html hold every chart twice, 9 in wide for a desktop and 4.3 in
(half the points, fewer ticks) for a phone, and CSS shows one. For each file (default: two long
shared samples, one with speed drawn and one with power) the analysis is made once; then the
session and sweat-rate charts are drawn R times wide and R times narrow, alternated, and the
medians printed: wide, narrow, and (wide + narrow) / wide, the factor on the report's chart time.
The whole page (``render_html``: both versions, view and template) is timed too.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_chart_units import ATHLETE, DEFAULT, draw_charts  # noqa: E402  (same files, athlete and drawing)

from pipeline.core.config import parse_config  # noqa: E402
from pipeline.fit import read_activity  # noqa: E402
from pipeline.report.render import render_html  # noqa: E402
from pipeline.usecases.analyse import analyse_activity  # noqa: E402


def _draw(analysis, narrow: bool) -> float:
    return draw_charts(analysis, narrow=narrow)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args()
    for path in args.files or DEFAULT:
        analysis = analyse_activity(read_activity(path), parse_config({"athlete": ATHLETE}))
        _draw(analysis, False), _draw(analysis, True), render_html(analysis)  # warm-up: first draw, template compile
        wide, narrow, page = [], [], []
        for _ in range(args.runs):
            wide.append(_draw(analysis, False))
            narrow.append(_draw(analysis, True))
            start = time.perf_counter()
            render_html(analysis)
            page.append(time.perf_counter() - start)
        w, n, p = statistics.median(wide), statistics.median(narrow), statistics.median(page)
        print(f"{path.name}: {len(analysis.series):,} records; both charts, median of {args.runs}: "
              f"wide {w * 1000:.0f} ms, narrow {n * 1000:.0f} ms, (wide + narrow) / wide {(w + n) / w:.2f}; "
              f"whole report.html {p * 1000:.0f} ms")


if __name__ == "__main__":
    main()
