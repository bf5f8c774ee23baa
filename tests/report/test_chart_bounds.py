"""Charts stay cheap whatever the time span (two rides chained 25 years apart once made
the plotting library we used then lay out 12,053 ticks: 105 s, 2.45 GB). Ticks and points are
counted, not seconds."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

from pipeline.report.charts import MAX_POINTS, MAX_TICKS, session_chart_svg, time_step_h, trend_chart_svg

SVG_NS = "{http://www.w3.org/2000/svg}"


def _ticks(svg: str) -> int:
    """Ticks on the chart's x axes (``<g class="tick">`` in each ``<g class="axis x">``), the SVG parsed as XML."""
    return sum(1 for axis in ET.fromstring(svg).iter(SVG_NS + "g") if axis.get("class") == "axis x"
               for tick in axis.findall(SVG_NS + "g") if tick.get("class") == "tick")


def _points(svg: str) -> int:
    """Vertices of the longest drawn path (a line of the chart)."""
    return max(len(re.findall(r"[ML] ?-?[\d.]+ -?[\d.]+", d)) for d in re.findall(r'<path d="([^"]*)"', svg))


@pytest.mark.parametrize("span_h", [0.01, 0.5, 3, 12, 48, 1000, 25 * 365.25 * 24, 1e12])
def test_time_axis_step_gives_a_handful_of_ticks(span_h: float) -> None:
    assert span_h / time_step_h(span_h) <= 10


def test_two_rides_25_years_apart_draw_a_bounded_chart() -> None:
    n = 3600
    ts = pd.date_range("2000-01-01", periods=n, freq="s", tz="UTC").append(
        pd.date_range("2025-01-01", periods=n, freq="s", tz="UTC"))
    frame = pd.DataFrame({"timestamp": ts, "elapsed_s": (ts - ts[0]).total_seconds(),
                          "heart_rate_bpm": 140.0, "speed_m_per_s": 3.0, "temperature_c": 20.0,
                          "sweat_cum_l": np.linspace(0, 1, 2 * n)})
    svg = session_chart_svg(frame)
    assert svg is not None
    panels = 3  # effort, temperature, sweat share the x axis: each has its own tick groups
    assert 2 <= _ticks(svg) <= panels * (MAX_TICKS + 1)
    assert _points(svg) <= MAX_POINTS + 2
    assert len(svg) < 200_000


def test_a_trend_of_thousands_of_days_is_bounded_too() -> None:
    days = [f"d{i}" for i in range(9000)]
    svg = trend_chart_svg(days, [1.0] * 9000, [100.0] * 9000)
    assert svg is not None and _ticks(svg) <= MAX_TICKS + 1
    assert svg.count("<path") < 3 * MAX_POINTS and len(svg) < 400_000
