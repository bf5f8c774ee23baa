"""The report charts are SVG written by our own small writer (pipeline.report.svg), not
matplotlib. The writer's pieces against values worked by hand, and whole charts of real files
parsed as XML.

Nice numbers and ticks: P. S. Heckbert, "Nice numbers for graph labels", Graphics Gems (1990),
``nicenum``/``loose_label``, worked by hand below. Unit conversions: NIST SP 811 (2008) B.8/B.9,
t/°F = 1.8 t/°C + 32, 1 mi = 1,609.344 m. Temperatures and speeds: the shared MANIFEST.csv
(decoded independently of Sweatline).
"""
from __future__ import annotations

import csv
import math
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from shared_paths import SAMPLES

from pipeline.core.config import parse_config
from pipeline.core.schema import SweatBlock
from pipeline.fit import read_activity
from pipeline.report.charts import MAX_TICKS, NARROW_IN, WIDE_IN, session_chart_svg, sweat_rate_chart_svg, trend_chart_svg
from pipeline.report.svg import Canvas, Scale, area_d, legend, nice_number, nice_ticks, path_d, tick_label
from pipeline.usecases.analyse import analyse_activity

NS = "{http://www.w3.org/2000/svg}"
RUN = SAMPLES / "garmin-fenix2-running-47min.fit"  # speed, temperature (device sensor), heart rate
ATHLETE = {"name": "test", "body_mass_kg": 70, "height_cm": 178, "sex": "male", "age": 35,
           "hr_rest_bpm": 55, "hr_max_bpm": 185, "ftp_w": 250}
HOSTILE = """<script>alert("x")</script> & 'y' ]]> <!--"""


# --- nice numbers and ticks (Heckbert 1990) ---------------------------------------------------------

@pytest.mark.parametrize("x, round_, nice", [
    (438.0, False, 500.0),   # 4.38 x 10^2: the smallest of 1, 2, 5, 10 >= 4.38 is 5
    (125.0, True, 100.0),    # 1.25 < 1.5 rounds to 1
    (0.25, True, 0.2),       # 2.5 < 3 rounds to 2
    (6.9, True, 5.0),        # 6.9 < 7 rounds to 5
    (7.0, True, 10.0),       # 7 rounds up to 10
    (1.0, False, 1.0),       # exactly nice stays
    (2.1, False, 5.0),
])
def test_nice_number_follows_heckbert(x, round_, nice) -> None:
    assert nice_number(x, round_) == pytest.approx(nice)


def test_nice_number_refuses_nothing_to_round() -> None:
    for bad in (0.0, -1.0, math.nan, math.inf):
        with pytest.raises(ValueError):
            nice_number(bad, True)


@pytest.mark.parametrize("low, high, desired, ticks, decimals", [
    # range 438 -> nicenum 500; 500 / 4 = 125 -> step 100; floor(105/100) = 1, ceil(543/100) = 6
    (105.0, 543.0, 5, [100, 200, 300, 400, 500, 600], 0),
    # range 1 -> 1; 1 / 4 = 0.25 -> step 0.2; one decimal (-floor(log10 0.2) = 1)
    (0.0, 1.0, 5, [0.0, 0.2, 0.4, 0.6, 0.8, 1.0], 1),
    # range 15.9 -> 20; 20 / 4 = 5 -> step 5; -5 .. 15
    (-3.7, 12.2, 5, [-5, 0, 5, 10, 15], 0),
    # heart rate 92-171 bpm, 4 ticks asked: range 79 -> 100; 100 / 3 = 33 -> step 50
    (92.0, 171.0, 4, [50, 100, 150, 200], 0),
])
def test_loose_labels_are_heckberts(low, high, desired, ticks, decimals) -> None:
    got, got_decimals = nice_ticks(low, high, desired)
    assert got == pytest.approx(ticks) and got_decimals == decimals


@pytest.mark.parametrize("low, high", [(0.0, 25 * 365.25 * 24), (0.0, 1e12), (-1e-9, 1e-9 + 1e-6), (3.0, 3.0),
                                       (math.nan, 5.0), (-1e300, 1e300)])
def test_ticks_stay_few_whatever_the_span(low, high) -> None:
    ticks, _ = nice_ticks(low, high, desired=50, max_ticks=MAX_TICKS)
    assert 2 <= len(ticks) <= MAX_TICKS
    if math.isfinite(low):
        assert ticks[0] <= low and high <= ticks[-1]  # loose: the axis covers the data
    steps = np.diff(ticks)
    assert np.allclose(steps, steps[0])


def test_tick_labels_use_a_true_minus_and_never_minus_zero() -> None:
    assert tick_label(-5.0, 0) == "\u22125"
    assert tick_label(-0.0001, 1) == "0.0"
    assert tick_label(2.5, 1) == "2.5"


# --- scales and paths ---------------------------------------------------------------------------------

def test_a_scale_maps_known_points() -> None:
    x = Scale((0.0, 10.0), (100.0, 300.0))
    assert x(0.0) == 100.0 and x(10.0) == 300.0 and x(2.5) == pytest.approx(150.0)
    y = Scale((0.0, 200.0), (250.0, 50.0))  # SVG's y grows downwards: data 0 at the bottom
    assert y(50.0) == pytest.approx(200.0) and y(200.0) == pytest.approx(50.0)
    mapped = x(np.array([5.0, math.nan, -5.0]))
    assert mapped[0] == pytest.approx(200.0) and math.isnan(mapped[1]) and mapped[2] == pytest.approx(0.0)
    assert Scale((3.0, 3.0), (0.0, 100.0))(3.0) == 50.0  # a zero domain: the middle


def test_nan_breaks_a_line_into_separate_segments() -> None:
    d = path_d(np.array([0, 1, 2, np.nan, 4, 5.5]), np.array([10, 11, 12, 13, 14, 15.25]))
    assert d == "M0 10 L1 11 L2 12 M4 14 L5.5 15.2"  # 15.25 to 0.1 unit: Python rounds half to even
    # a lone point between two gaps draws nothing (a segment needs two points)
    assert path_d(np.array([0, np.nan, 2, np.nan, 4, 5]), np.array([1, 1, 1, 1, 1, 1])) == "M4 1 L5 1"
    assert path_d(np.array([np.nan, 1.0]), np.array([1.0, 1.0])) == ""


# --- escaping -----------------------------------------------------------------------------------------

def _path_by_format(xs: np.ndarray, ys: np.ndarray) -> str:
    """The path text written the plain way, one ``f"{v:g}"`` a number after rounding to 0.1
    (Python's own formatting: the reference the cached texts must equal)."""
    segments, run = [], []
    for x, y in zip(np.round(xs, 1).tolist(), np.round(ys, 1).tolist()):
        if math.isfinite(x) and math.isfinite(y):
            run.append(f"{x:g} {y:g}")
            continue
        if len(run) > 1:
            segments.append("M" + " L".join(run))
        run = []
    if len(run) > 1:
        segments.append("M" + " L".join(run))
    return " ".join(segments)


def test_path_text_is_python_formatting_of_every_rounded_number() -> None:
    """Random lines with gaps, zeros of both signs, tiny, large and negative values: the path is
    the number-by-number formatting, character for character, and the band too."""
    rng = np.random.default_rng(31)
    for case in range(300):
        n = int(rng.integers(1, 400))
        scale = [1.0, 720.0, 1e-3, 1e5, 1e7][case % 5]
        xs = rng.normal(0, scale, n)
        ys = rng.normal(200, scale, n)
        xs[rng.random(n) < 0.05] = np.nan
        ys[rng.random(n) < 0.03] = np.inf
        ys[rng.random(n) < 0.05] = rng.choice([0.0, -0.0, -0.04, 0.04, 0.05, -0.05])
        assert path_d(xs, ys) == _path_by_format(xs, ys), case
        finite = np.isfinite(xs) & np.isfinite(ys)
        if finite.sum() >= 2:
            x, low, high = xs[finite], ys[finite], ys[finite] + np.abs(rng.normal(0, scale, finite.sum()))
            top = _path_by_format(x, high)[1:]
            bottom = _path_by_format(x[::-1], low[::-1])[1:]
            assert area_d(x, low, high) == f"M{top} L{bottom} Z", case


def test_hostile_text_is_escaped_and_reads_back_as_itself() -> None:
    canvas = Canvas(4.0, 2.0)
    canvas.text(10, 20, HOSTILE)
    legend(canvas, [("line", HOSTILE, {"stroke": '"red" onload="alert(1)'})], 10, 40)
    svg = canvas.svg('chart-wide" onload="alert(2)', HOSTILE)
    assert "<script" not in svg and "<!--" not in svg and "onload=\"alert" not in svg
    root = ET.fromstring(svg)  # well-formed XML
    assert root.get("class") == 'chart-wide" onload="alert(2)'  # an attribute value, never a new attribute
    assert root.find(NS + "title").text == HOSTILE
    assert [t.text for t in root.iter(NS + "text")] == [HOSTILE, HOSTILE]
    assert all(el.get("onload") is None for el in root.iter())


# --- whole charts -------------------------------------------------------------------------------------

def manifest(name: str) -> dict[str, str]:
    with open(SAMPLES / "MANIFEST.csv", newline="") as fh:
        return next(row for row in csv.DictReader(fh) if row["file"] == name)


@pytest.fixture(scope="module")
def imperial_run():
    return analyse_activity(read_activity(RUN), parse_config({"athlete": ATHLETE, "units": "imperial"}))


def axes(root) -> dict[str, list[float]]:
    """Axis label -> its numeric tick labels."""
    out = {}
    for group in root.iter(NS + "g"):
        if group.get("class", "").startswith("axis"):
            label = [t.text for t in group.findall(NS + "text") if t.get("class") == "label"]
            ticks = [t.text for tick in group.findall(NS + "g") if tick.get("class") == "tick" for t in tick.iter(NS + "text")]
            if label:
                out[label[0]] = ticks
    return out


@pytest.mark.parametrize("narrow", [False, True])
def test_a_real_session_chart_is_well_formed_svg_with_imperial_ticks(imperial_run, narrow) -> None:
    svg = session_chart_svg(imperial_run.series, imperial_run.report.sweat, units="imperial", narrow=narrow)
    root = ET.fromstring(svg)
    assert root.tag == NS + "svg"
    assert root.get("class") == ("chart-narrow" if narrow else "chart-wide") and root.get("role") == "img"
    assert root.get("width") is None and root.get("height") is None and root.get("preserveAspectRatio")
    _, _, w, _ = (float(v) for v in root.get("viewBox").split())
    assert w == pytest.approx((NARROW_IN if narrow else WIDE_IN) * 72)  # 72 units an inch
    assert root[0].tag == NS + "title" and root[0].text
    assert not [el for el in root.iter() if el.get("id")]  # no ids: several charts share a page
    sizes = {float(t.get("font-size")) for t in root.iter(NS + "text")}
    assert sizes and min(sizes) >= 10 and max(sizes) <= 11
    found = axes(root)
    row = manifest(RUN.name)
    fahrenheit = [float(v) for v in found["°F"]]  # MANIFEST 20-23 °C by hand: 68.0-73.4 °F
    assert min(fahrenheit) <= 1.8 * float(row["min_temperature"]) + 32 and \
        1.8 * float(row["max_temperature"]) + 32 <= max(fahrenheit)
    mean_mph = float(row["total_distance"]) / float(row["total_timer_time"]) * 3600 / 1609.344
    speed = [float(v) for v in found["mph"]]
    assert min(speed) <= mean_mph <= max(speed) and max(speed) < 30  # mph, not km/h (or m/s) relabelled
    time = found["elapsed time (h:mm)"]
    assert all(re.fullmatch(r"\d+:\d\d", t) for t in time) and len(time) <= (5 if narrow else 10) + 1
    # the timer ran 47 min (MANIFEST total_timer_time): the last tick label is within it
    last_h, last_m = (int(v) for v in time[-1].split(":"))
    assert 60 * last_h + last_m <= float(row["total_timer_time"]) / 60 + 1


def test_a_bar_ends_where_its_value_sits_on_the_axis() -> None:
    """The scale check on a drawn chart: our 1.2 L/h bar's right edge sits 1.2 of the way from the
    axis's "0.0" tick to its "1.0" tick, both read from the SVG."""
    sweat = SweatBlock(total_l=2.4, low_l=1.8, high_l=3.0, rate_l_per_h=1.2, sodium_mg=2000, potassium_mg=400,
                       body_mass_loss_pct=None)
    root = ET.fromstring(sweat_rate_chart_svg(sweat, 2.0))
    x_axis = next(g for g in root.iter(NS + "g") if g.get("class") == "axis x")
    at = {t.text: float(t.get("x")) for tick in x_axis.findall(NS + "g") for t in tick.iter(NS + "text")}
    bars = next(g for g in root.iter(NS + "g") if g.get("class") == "bars")
    bar = bars.find(NS + "rect")
    right = float(bar.get("x")) + float(bar.get("width"))
    assert right == pytest.approx(at["0.0"] + 1.2 * (at["1.0"] - at["0.0"]), abs=0.15)
    # its error bar spans the range 1.2 x 1.8/2.4 = 0.9 to 1.2 x 3.0/2.4 = 1.5 L/h
    lines = next(g for g in root.iter(NS + "g") if g.get("class") == "errorbars").findall(NS + "line")
    span = (float(lines[0].get("x1")), float(lines[0].get("x2")))
    unit = at["1.0"] - at["0.0"]
    assert span == pytest.approx((at["0.0"] + 0.9 * unit, at["0.0"] + 1.5 * unit), abs=0.15)


def test_nothing_to_draw_is_none() -> None:
    assert trend_chart_svg([], [], []) is None
    assert session_chart_svg(None) is None


@pytest.mark.parametrize("case, label", [
    ("ride-2x50min-12h-timer-stopped.fit", "time (h:mm), long stops left out"),  # fit-cases README: 12 h stop
    ("ride-50min-control.fit", "elapsed time (h:mm)"),
])
def test_the_time_axis_says_when_long_stops_were_left_out(case, label) -> None:
    """Two 50-minute rides 12 hours apart are charted over 1 h 40 min of activity time: the axis
    must not call that "elapsed time" (a fresh-user trial read the 12 h stop as a 20-minute gap)."""
    from shared_paths import CASES

    analysis = analyse_activity(read_activity(CASES / case), parse_config({"athlete": ATHLETE}))
    found = axes(ET.fromstring(session_chart_svg(analysis.series, analysis.report.sweat)))
    assert label in found, list(found)
    last_h, last_m = (int(v) for v in found[label][-1].split(":"))
    assert 60 * last_h + last_m <= 2 * 50 + 25  # activity time (2 x 50 min, the stop counted short), not 13 h 40


def test_pauses_break_the_lines(tmp_path):
    """A ride with a 10-minute pause: the heart-rate line is two pieces, not a line across the gap."""
    from datetime import UTC, datetime, timedelta

    from pipeline.fit import read_activity
    from pipeline.report.charts import RED, session_chart_svg
    from pipeline.usecases.analyse import analyse_activity
    from tools import fitwriter as fw

    from .helpers import CONFIG

    start = datetime(2026, 7, 18, 8, 0, tzinfo=UTC)
    times = [start + timedelta(seconds=i) for i in range(1800)] + \
            [start + timedelta(seconds=2400 + i) for i in range(1800)]
    samples = [fw.RecordSample(timestamp=t, heart_rate_bpm=140 + i % 20, speed_m_per_s=8.0 + (i % 7) / 10,
                               power_w=180 + i % 40) for i, t in enumerate(times)]  # a real sensor varies
    pause = fw.TimerPause(stop=start + timedelta(seconds=1800), start=start + timedelta(seconds=2400))
    path = fw.write(tmp_path / "paused.fit", fw.encode_activity(samples, sport="cycling", pauses=[pause]))
    analysis = analyse_activity(read_activity(path), CONFIG)
    svg = session_chart_svg(analysis.series, analysis.report.sweat)
    import re

    hr_paths = [d for d, stroke in re.findall(r'<path d="([^"]+)"[^>]*stroke="([^"]*)"', svg) if stroke == RED]
    assert hr_paths, "no heart-rate line"
    assert max(d.count("M") for d in hr_paths) >= 2, "the heart-rate line is drawn across the pause"
